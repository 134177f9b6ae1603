/**
 * Small typed readers for untrusted JSON. Each reports its own problem and returns undefined, so
 * a validator can keep going and find the next problem instead of stopping at the first.
 * Properties are read only when they are the object's own: a plan key named `__proto__` or
 * `constructor` is just a key, never a path into Object.prototype.
 */
import { at, describe, didYouMean, type ProblemList } from './problems.js';

export type Obj = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** An own property; `undefined` counts as absent, as in JSON.stringify. */
export function own(o: Obj, key: string): unknown {
  return hasOwn(o, key) ? o[key] : undefined;
}

export function has(o: Obj, key: string): boolean {
  return own(o, key) !== undefined;
}

export function presentKeys(o: Obj): string[] {
  return Object.keys(o).filter((k) => o[k] !== undefined);
}

/** Reports every key outside `allowed` as a mistake, suggesting the key it probably meant. */
export function rejectUnknownKeys(o: Obj, path: string, allowed: readonly string[], problems: ProblemList, what: string): void {
  for (const key of presentKeys(o)) {
    if (allowed.includes(key)) continue;
    problems.invalid(
      at(path, key),
      `unknown field "${key}" in ${what}${didYouMean(key, allowed)} (allowed: ${allowed.join(', ')})`,
    );
  }
}

export function readObject(v: unknown, path: string, problems: ProblemList, what: string): Obj | undefined {
  if (isPlainObject(v)) return v;
  problems.invalid(path, `${what} must be an object, got ${describe(v)}`);
  return undefined;
}

export function readArray(v: unknown, path: string, problems: ProblemList, what: string): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  problems.invalid(path, `${what} must be a list, got ${describe(v)}`);
  return undefined;
}

export function readString(v: unknown, path: string, problems: ProblemList, what: string): string | undefined {
  if (typeof v === 'string') return v;
  problems.invalid(path, `${what} must be text, got ${describe(v)}`);
  return undefined;
}

export function readBoolean(v: unknown, path: string, problems: ProblemList, what: string): boolean | undefined {
  if (typeof v === 'boolean') return v;
  problems.invalid(path, `${what} must be true or false, got ${describe(v)}`);
  return undefined;
}

export interface IntegerRule {
  min?: number;
  max?: number;
}

export function readInteger(
  v: unknown,
  path: string,
  problems: ProblemList,
  what: string,
  rule: IntegerRule = {},
): number | undefined {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    problems.invalid(path, `${what} must be a whole number, got ${describe(v)}`);
    return undefined;
  }
  const { min, max } = rule;
  if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
    const range = max === undefined ? `at least ${min}` : min === undefined ? `at most ${max}` : `between ${min} and ${max}`;
    problems.invalid(path, `${what} must be ${range}, got ${v}`);
    return undefined;
  }
  return v;
}

export function readNumber(v: unknown, path: string, problems: ProblemList, what: string): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  problems.invalid(path, `${what} must be a number, got ${describe(v)}`);
  return undefined;
}
