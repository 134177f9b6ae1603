/**
 * Circe's value filters (NumericRange, DateRange) and result limits. Sites bind these values
 * into SQL, so each is checked for the type its column needs, and `bt`/`!bt` for a usable range.
 */
import { at, describe, type ProblemList } from './problems.js';
import { has, own, readNumber, readObject, readString, rejectUnknownKeys, type Obj } from './shape.js';
import type { LimitType, RangeOp } from './types.js';

export const RANGE_OPS: readonly RangeOp[] = ['lt', 'lte', 'eq', 'gt', 'gte', 'bt', '!bt'];
/** Circe operators outside the subset: valid Circe, refused as unsupported. */
const CIRCE_ONLY_OPS = ['!eq'];
const RANGE_FIELDS = ['Value', 'Op', 'Extent'];

const isBetween = (op: RangeOp) => op === 'bt' || op === '!bt';

function readOp(range: Obj, path: string, problems: ProblemList): RangeOp | undefined {
  const op = own(range, 'Op');
  const p = at(path, 'Op');
  if (op === undefined) {
    problems.invalid(p, `Op is required (one of ${RANGE_OPS.join(', ')})`);
    return undefined;
  }
  if (typeof op === 'string' && (RANGE_OPS as readonly string[]).includes(op)) return op as RangeOp;
  if (typeof op === 'string' && CIRCE_ONLY_OPS.includes(op)) {
    problems.unsupported(p, `Op "${op}" is not supported by plan v1 yet (supported: ${RANGE_OPS.join(', ')})`);
  } else {
    problems.invalid(p, `Op must be one of ${RANGE_OPS.join(', ')}, got ${describe(op)}`);
  }
  return undefined;
}

export interface NumberRule {
  integer: boolean;
  min?: number;
  max?: number;
  unit?: string;
}

/** `Age` (whole years, as circe compares them) or `ValueAsNumber` (any number). */
export function checkNumericRange(v: unknown, path: string, problems: ProblemList, name: string, rule: NumberRule): void {
  const range = readObject(v, path, problems, `${name} (a range like {"Value": 50, "Op": "gte"})`);
  if (!range) return;
  rejectUnknownKeys(range, path, RANGE_FIELDS, problems, name);
  const op = readOp(range, path, problems);
  const read = (field: 'Value' | 'Extent'): number | undefined => {
    const p = at(path, field);
    const n = readNumber(own(range, field), p, problems, `${name}.${field}`);
    if (n === undefined) return undefined;
    if (rule.integer && !Number.isInteger(n)) {
      problems.invalid(p, `${name}.${field} must be a whole number${rule.unit ? ` of ${rule.unit}` : ''}, got ${n}`);
      return undefined;
    }
    if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) {
      problems.invalid(p, `${name}.${field} must be between ${rule.min ?? '-∞'} and ${rule.max ?? '∞'}, got ${n}`);
      return undefined;
    }
    return n;
  };
  if (!has(range, 'Value')) problems.invalid(at(path, 'Value'), `${name}.Value is required`);
  const value = has(range, 'Value') ? read('Value') : undefined;
  checkExtent(
    range,
    path,
    problems,
    name,
    op,
    () => read('Extent'),
    value,
    (e, val) => e < val,
  );
}

/** `YYYY-MM-DD` naming a real calendar day (so 2023-02-30 is refused, not silently rolled over). */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return d <= days;
}

export function checkDateRange(v: unknown, path: string, problems: ProblemList, name: string): void {
  const range = readObject(v, path, problems, `${name} (a range like {"Value": "2015-01-01", "Op": "gte"})`);
  if (!range) return;
  rejectUnknownKeys(range, path, RANGE_FIELDS, problems, name);
  const op = readOp(range, path, problems);
  const read = (field: 'Value' | 'Extent'): string | undefined => {
    const p = at(path, field);
    const s = readString(own(range, field), p, problems, `${name}.${field}`);
    if (s === undefined) return undefined;
    if (!isCalendarDate(s)) {
      const why = /^\d{4}-\d{2}-\d{2}$/.test(s)
        ? `"${s}" is not a day of the calendar`
        : `must be a date written YYYY-MM-DD, got ${describe(s)}`;
      problems.invalid(p, `${name}.${field} ${why}`);
      return undefined;
    }
    return s;
  };
  if (!has(range, 'Value')) problems.invalid(at(path, 'Value'), `${name}.Value is required`);
  const value = has(range, 'Value') ? read('Value') : undefined;
  // YYYY-MM-DD strings order like the dates they name.
  checkExtent(
    range,
    path,
    problems,
    name,
    op,
    () => read('Extent'),
    value,
    (e, val) => e < val,
  );
}

function checkExtent<T>(
  range: Obj,
  path: string,
  problems: ProblemList,
  name: string,
  op: RangeOp | undefined,
  readExtent: () => T | undefined,
  value: T | undefined,
  before: (extent: T, value: T) => boolean,
): void {
  const p = at(path, 'Extent');
  if (!has(range, 'Extent')) {
    if (op && isBetween(op)) problems.invalid(p, `${name}.Extent is required when Op is "${op}" (the upper end of the range)`);
    return;
  }
  const extent = readExtent();
  if (op && isBetween(op) && extent !== undefined && value !== undefined && before(extent, value)) {
    problems.invalid(p, `${name}.Extent (${extent}) must not be below Value (${value}): "${op}" covers Value through Extent`);
  }
}

/** circe-be compares limit types without regard to case. */
export function normalizeLimitType(t: string): LimitType | undefined {
  switch (t.toLowerCase()) {
    case 'first':
      return 'First';
    case 'all':
      return 'All';
    case 'last':
      return 'Last';
    default:
      return undefined;
  }
}

/**
 * A `{ "Type": ... }` limit. Returns the effective type, with circe-be's default of First when the
 * object or its Type is left out, or undefined when the limit is broken (already reported).
 */
export function checkLimit(v: unknown, path: string, problems: ProblemList, name: string): LimitType | undefined {
  if (v === undefined) return 'First';
  const limit = readObject(v, path, problems, `${name} (like {"Type": "First"})`);
  if (!limit) return undefined;
  rejectUnknownKeys(limit, path, ['Type'], problems, name);
  const type = own(limit, 'Type');
  if (type === undefined) return 'First';
  const normalized = typeof type === 'string' ? normalizeLimitType(type) : undefined;
  if (!normalized) problems.invalid(at(path, 'Type'), `${name}.Type must be First, All or Last, got ${describe(type)}`);
  return normalized;
}
