/**
 * Circe's value filters (NumericRange, DateRange) and result limits. Sites bind these values
 * into SQL, so each is checked for the type its column needs, and `bt`/`!bt` for a usable range.
 */
import type { LimitType, RangeOp } from '../circe/types.js';
import { TEXT_OPS } from './circe-fields.js';
import { at, describe, didYouMean, type ProblemList, type WarningList } from './problems.js';
import { has, own, readInteger, readNumber, readObject, readString, rejectUnknownKeys, type Obj } from './shape.js';

export const RANGE_OPS: readonly RangeOp[] = ['lt', 'lte', 'eq', '!eq', 'gt', 'gte', 'bt', '!bt'];
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
  const hint = typeof op === 'string' ? didYouMean(op, RANGE_OPS) : '';
  problems.invalid(p, `Op must be one of ${RANGE_OPS.join(', ')}, got ${describe(op)}${hint}`);
  return undefined;
}

export interface NumberRule {
  integer: boolean;
  min?: number;
  max?: number;
  unit?: string;
}

/** A NumericRange: whole years for ages (as circe compares them), any number for values. */
export function checkNumericRange(v: unknown, path: string, problems: ProblemList, name: string, rule: NumberRule): void {
  checkRange<number>(v, path, problems, name, '{"Value": 50, "Op": "gte"}', (range, field) => {
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
  });
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
  // YYYY-MM-DD strings order like the dates they name, so Extent < Value compares as text.
  checkRange<string>(v, path, problems, name, '{"Value": "2015-01-01", "Op": "gte"}', (range, field) => {
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
  });
}

/** The shape both range kinds share: known fields, an Op, a Value, and an Extent where the Op needs one. */
function checkRange<T extends number | string>(
  v: unknown,
  path: string,
  problems: ProblemList,
  name: string,
  example: string,
  read: (range: Obj, field: 'Value' | 'Extent') => T | undefined,
): void {
  const range = readObject(v, path, problems, `${name} (a range like ${example})`);
  if (!range) return;
  rejectUnknownKeys(range, path, RANGE_FIELDS, problems, name);
  const op = readOp(range, path, problems);
  if (!has(range, 'Value')) problems.invalid(at(path, 'Value'), `${name}.Value is required`);
  const value = has(range, 'Value') ? read(range, 'Value') : undefined;
  checkExtent(
    range,
    path,
    problems,
    name,
    op,
    () => read(range, 'Extent'),
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
  if (v === undefined || v === null) return 'First';
  const limit = readObject(v, path, problems, `${name} (like {"Type": "First"})`);
  if (!limit) return undefined;
  rejectUnknownKeys(limit, path, ['Type'], problems, name);
  const type = own(limit, 'Type');
  if (type === undefined) return 'First';
  const normalized = typeof type === 'string' ? normalizeLimitType(type) : undefined;
  if (!normalized) problems.invalid(at(path, 'Type'), `${name}.Type must be First, All or Last, got ${describe(type)}`);
  return normalized;
}

/** A TextFilter `{"Text", "Op"}` (stop reasons, lot numbers, ...). */
export function checkTextFilter(v: unknown, path: string, problems: ProblemList, name: string, warnings: WarningList): void {
  const filter = readObject(v, path, problems, `${name} (a text filter like {"Text": "...", "Op": "contains"})`);
  if (!filter) return;
  rejectUnknownKeys(filter, path, ['Text', 'Op'], problems, name);
  const textPath = at(path, 'Text');
  const text = own(filter, 'Text');
  // circe-be formats a missing text as the word "null" (LIKE '%null%'): legal, but surely not meant.
  if (text === undefined || text === null) {
    warnings.add(path, `${name} has no Text; circe then looks for the text "null" itself, which is surely not meant`);
  } else readString(text, textPath, problems, `${name}.Text`);
  const op = own(filter, 'Op');
  const opPath = at(path, 'Op');
  if (op === undefined) problems.invalid(opPath, `${name}.Op is required (one of ${TEXT_OPS.join(', ')})`);
  else if (typeof op !== 'string' || !TEXT_OPS.includes(op)) {
    const hint = typeof op === 'string' ? didYouMean(op, TEXT_OPS) : '';
    problems.invalid(opPath, `${name}.Op must be one of ${TEXT_OPS.join(', ')}, got ${describe(op)}${hint}`);
  }
}

/**
 * An amount of days written the classic way (`legacy`, e.g. EraPad) or the newer way (`valueField`
 * with `unitField`, e.g. EraPadUnitValue + EraPadUnit). CDM dates carry no time of day, so 'day' is
 * the only unit that means anything; others are refused as unsupported. Returns the amount
 * (undefined when absent, null, or already reported).
 */
export interface DayAmount {
  legacy?: string;
  unitField: string;
  valueField: string;
  min: number;
  max: number;
}

export function checkDayAmount(o: Obj, path: string, problems: ProblemList, spec: DayAmount): number | undefined {
  const read = (field: string) => {
    const v = own(o, field);
    if (v === undefined || v === null) return undefined;
    return readInteger(v, at(path, field), problems, field, { min: spec.min, max: spec.max });
  };
  const unit = own(o, spec.unitField);
  const unitPath = at(path, spec.unitField);
  if (unit !== undefined && unit !== null) {
    if (typeof unit !== 'string') problems.invalid(unitPath, `${spec.unitField} must be text ("day"), got ${describe(unit)}`);
    else if (unit.toLowerCase() !== 'day') {
      problems.unsupported(
        unitPath,
        `${spec.unitField} "${unit}" is not supported: OMOP CDM dates have no time of day, so amounts are in days ("day")`,
      );
    }
  }
  const legacy = spec.legacy === undefined ? undefined : read(spec.legacy);
  const value = read(spec.valueField);
  if (legacy !== undefined && value !== undefined && legacy !== value) {
    problems.invalid(
      at(path, spec.valueField),
      `${spec.legacy} (${legacy}) and ${spec.valueField} (${value}) disagree; keep one of them`,
    );
    return undefined;
  }
  return value ?? legacy;
}
