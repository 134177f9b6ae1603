/**
 * final_cohort: cohort_rows collapsed into eras (CollapseSettings: rows of a person merge when one
 * starts within EraPad days of the latest end so far), then clipped to the CensorWindow (starts
 * raised to its StartDate, ends lowered to its EndDate, rows left empty dropped).
 */
import { and, bin, caseWhen, col, cte, param, select, sel, subquery, table } from '../sql/build.js';
import type { CteNode, Expr } from '../sql/nodes.js';
import { CohortCompileError, type CompileContext } from './context.js';
import { COHORT_ROWS, eras } from './exit.js';
import type { CirceExpression } from './types.js';

export const COLLAPSED = 'collapsed_cohort';
export const FINAL_COHORT = 'final_cohort';

/** EraPad in days, from EraPad or the newer EraPadUnitValue + EraPadUnit. */
export function eraPadDays(ctx: CompileContext): number {
  const settings = ctx.expression.CollapseSettings;
  if (!settings) return 0;
  const type = settings.CollapseType ?? 'ERA';
  if (String(type).toUpperCase() !== 'ERA') throw new CohortCompileError('CollapseSettings.CollapseType', `"${type}" is not ERA`);
  if (settings.EraPadUnitValue !== undefined && settings.EraPadUnitValue !== null) {
    const unit = settings.EraPadUnit ?? 'day';
    if (String(unit).toLowerCase() !== 'day')
      throw new CohortCompileError('CollapseSettings.EraPadUnit', `"${unit}" is not supported (dates only)`);
    return settings.EraPadUnitValue;
  }
  return settings.EraPad ?? 0;
}

export function hasCensorWindow(expression: CirceExpression): boolean {
  const w = expression.CensorWindow;
  return !!w && ((w.StartDate ?? null) !== null || (w.EndDate ?? null) !== null);
}

export function finalCohortStages(ctx: CompileContext): CteNode[] {
  const pad = eraPadDays(ctx);
  const collapsed = cte(
    COLLAPSED,
    eras(
      select({ select: [col('r.person_id'), col('r.start_date'), col('r.end_date')], from: table(COHORT_ROWS, 'r') }),
      pad,
      pad,
      ctx,
    ),
  );
  const window = ctx.expression.CensorWindow;
  let start: Expr = col('c.start_date');
  let end: Expr = col('c.end_date');
  if (window?.StartDate) {
    const d = param(window.StartDate, 'date');
    start = caseWhen([[bin('<', start, d), d]], start);
  }
  if (window?.EndDate) {
    const d = param(window.EndDate, 'date');
    end = caseWhen([[bin('>', end, d), d]], end);
  }
  const clipped = select({
    select: [sel(col('c.person_id'), 'person_id'), sel(start, 'start_date'), sel(end, 'end_date')],
    from: table(COLLAPSED, 'c'),
  });
  const final = hasCensorWindow(ctx.expression)
    ? select({
        select: [
          sel(col('w.person_id'), 'person_id'),
          sel(col('w.start_date'), 'start_date'),
          sel(col('w.end_date'), 'end_date'),
        ],
        from: subquery(clipped, 'w'),
        where: and(bin('<=', col('w.start_date'), col('w.end_date'))),
      })
    : clipped;
  return [collapsed, cte(FINAL_COHORT, final)];
}
