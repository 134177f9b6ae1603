/**
 * A correlated criterion's windows → conditions relating its event `a` to the index event `i`.
 * A bound is index date + Coeff × Days; a bound without Days is the index event's observation
 * period (its start before, its end after). All bounds inclusive, as in circe-be.
 */
import { and, col, dateAdd, gte, int, lte } from '../sql/build.js';
import type { Expr } from '../sql/nodes.js';
import { CohortCompileError } from './context.js';
import type { Window, WindowBound } from './types.js';

/** Days of a bound, from Days or the newer TimeUnitValue (day units only). */
export function boundDays(bound: WindowBound, path: string): number | undefined {
  const unit = bound.TimeUnit ?? 'day';
  if (String(unit).toLowerCase() !== 'day')
    throw new CohortCompileError(path, `time unit "${unit}" is not supported (dates only)`);
  const days = bound.Days ?? bound.TimeUnitValue;
  return days === null || days === undefined ? undefined : days;
}

function boundExpr(bound: WindowBound, indexDate: Expr, index: string, path: string): Expr {
  const days = boundDays(bound, path);
  if (days === undefined) return col(`${index}.${bound.Coeff < 0 ? 'op_start' : 'op_end'}`);
  const offset = bound.Coeff * days;
  return offset === 0 ? indexDate : dateAdd(indexDate, int(offset));
}

function windowCondition(window: Window, eventDate: Expr, index: string, path: string): Expr {
  const indexDate = col(`${index}.${window.UseIndexEnd === true ? 'end_date' : 'start_date'}`);
  return and(
    gte(eventDate, boundExpr(window.Start, indexDate, index, `${path}.Start`)),
    lte(eventDate, boundExpr(window.End, indexDate, index, `${path}.End`)),
  )!;
}

/**
 * StartWindow tests the event's start (its end with UseEventEnd); EndWindow tests the event's end
 * unless UseEventEnd is explicitly false.
 */
export function windowConditions(
  startWindow: Window | null | undefined,
  endWindow: Window | null | undefined,
  event: string,
  index: string,
  path: string,
): Expr[] {
  const conditions: Expr[] = [];
  if (startWindow) {
    const date = col(`${event}.${startWindow.UseEventEnd === true ? 'end_date' : 'start_date'}`);
    conditions.push(windowCondition(startWindow, date, index, `${path}.StartWindow`));
  }
  if (endWindow) {
    const date = col(`${event}.${endWindow.UseEventEnd === false ? 'start_date' : 'end_date'}`);
    conditions.push(windowCondition(endWindow, date, index, `${path}.EndWindow`));
  }
  return conditions;
}
