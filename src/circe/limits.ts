/** Circe limit objects: First / All / Last, compared without regard to case; absent means First. */
import type { LimitType } from './types.js';

const BY_LOWER: Record<string, LimitType> = { first: 'First', all: 'All', last: 'Last' };

/** circe's object model defaults a missing limit object, or a missing Type, to First. */
export function limitType(limit: { Type?: string | null } | null | undefined): LimitType {
  const type = limit?.Type;
  if (type === undefined || type === null) return 'First';
  const normal = BY_LOWER[type.toLowerCase()];
  if (!normal) throw new Error(`limit type "${type}" is not First, All or Last`);
  return normal;
}
