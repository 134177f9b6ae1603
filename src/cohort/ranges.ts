/** Circe NumericRange / DateRange → a condition on an already-built expression. */
import type { DateRange, NumericRange, RangeOp } from '../plan/types.js';
import { between, bin, param } from '../sql/build.js';
import type { Expr, SqlType } from '../sql/nodes.js';

function rangeCondition(subject: Expr, op: RangeOp, value: Expr, extent: Expr | undefined): Expr {
  switch (op) {
    case 'lt':
      return bin('<', subject, value);
    case 'lte':
      return bin('<=', subject, value);
    case 'eq':
      return bin('=', subject, value);
    case 'gt':
      return bin('>', subject, value);
    case 'gte':
      return bin('>=', subject, value);
    case 'bt':
    case '!bt':
      // The validator guarantees Extent for bt/!bt; guard anyway so a bypass cannot emit bad SQL.
      if (!extent) throw new Error(`range op ${op} needs Extent`);
      return between(subject, value, extent, op === '!bt');
  }
}

export function numericRange(subject: Expr, range: NumericRange, type: SqlType = 'double'): Expr {
  const extent = range.Extent === undefined ? undefined : param(range.Extent, type);
  return rangeCondition(subject, range.Op, param(range.Value, type), extent);
}

export function dateRange(subject: Expr, range: DateRange): Expr {
  const extent = range.Extent === undefined ? undefined : param(range.Extent, 'date');
  return rangeCondition(subject, range.Op, param(range.Value, 'date'), extent);
}
