/** Circe NumericRange / DateRange / TextFilter → a condition on an already-built expression. */
import { between, bin, not, param } from '../sql/build.js';
import type { Expr, SqlType } from '../sql/nodes.js';
import { CohortCompileError } from './context.js';
import type { DateRange, NumericRange, TextFilter } from './types.js';

function rangeCondition(subject: Expr, op: string, value: Expr, extent: Expr | undefined, path: string): Expr {
  switch (op) {
    case 'lt':
      return bin('<', subject, value);
    case 'lte':
      return bin('<=', subject, value);
    case 'eq':
      return bin('=', subject, value);
    case '!eq':
      return bin('<>', subject, value);
    case 'gt':
      return bin('>', subject, value);
    case 'gte':
      return bin('>=', subject, value);
    case 'bt':
    case '!bt':
      if (!extent) throw new CohortCompileError(path, `range op ${op} needs Extent`);
      return between(subject, value, extent, op === '!bt');
    default:
      throw new CohortCompileError(path, `unknown range op "${op}"`);
  }
}

export function numericRange(subject: Expr, range: NumericRange, path: string, type: SqlType = 'double'): Expr {
  // Circe ranges are numbers even over whole-number columns (a VisitLength of 2.5 days compares as
  // circe-be's SQL would); an integer parameter cannot carry a fraction, so such a range binds doubles.
  const hasExtent = range.Extent !== undefined && range.Extent !== null;
  const whole = Number.isInteger(range.Value) && (!hasExtent || Number.isInteger(range.Extent));
  const bound: SqlType = type === 'integer' && !whole ? 'double' : type;
  const extent = hasExtent ? param(range.Extent as number, bound) : undefined;
  return rangeCondition(subject, range.Op, param(range.Value, bound), extent, path);
}

export function dateRange(subject: Expr, range: DateRange, path: string): Expr {
  const extent = range.Extent === undefined || range.Extent === null ? undefined : param(range.Extent, 'date');
  return rangeCondition(subject, range.Op, param(range.Value, 'date'), extent, path);
}

/** LIKE with the researcher's text escaped, so % and _ in it match themselves. */
export function textFilter(subject: Expr, filter: TextFilter, path: string): Expr {
  // circe-be concatenates a missing Text as the word "null" (Java string formatting); do the same,
  // so counts agree with ATLAS. The validator warns about such a filter.
  const text = filter.Text ?? 'null';
  const escaped = text.replace(/[\\%_]/g, (c) => '\\' + c);
  const negated = filter.Op.startsWith('!');
  const op = negated ? filter.Op.slice(1) : filter.Op;
  const patterns: Record<string, string> = { startsWith: `${escaped}%`, endsWith: `%${escaped}`, contains: `%${escaped}%` };
  const pattern = patterns[op];
  if (pattern === undefined) throw new CohortCompileError(path, `unknown text op "${filter.Op}"`);
  const like = bin('like', subject, param(pattern, 'text'));
  return negated ? not(like) : like;
}
