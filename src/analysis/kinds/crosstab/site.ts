/**
 * `crosstab` of declared variables at the site: the per-person table (as the rounds kinds load it),
 * one cell per combination of the `by` variables' levels among the complete cases, persons only.
 * The cells go through the same disclosure control as any crosstab (src/disclosure/release.ts:
 * k-withholding, cell-key perturbation, differencing, margins). Events are not counted: a person
 * has no event per level of a variable, so the events measure is null (bounds 0).
 */
import type { ResultRow } from '../../../arrow/result-schema.js';
import { CellAccumulator } from '../../../disclosure/index.js';
import type { CellInput } from '../../../disclosure/release.js';
import type { RecordKeys } from '../../../disclosure/record-keys.js';
import { FedomopError } from '../../../errors.js';
import type { Plan } from '../../../plan/types.js';
import type { SiteDatabase } from '../../../site/database.js';
import { completeCases, levelOf, loadPersonTable } from '../person-table.js';
import { CROSSTAB_DIMENSIONS, type CrosstabAnalysis } from './plan.js';
import type { CellsKindSite } from '../cells-site.js';
import { dimensionCrosstab } from './cells.js';

/** Whether a crosstab crosses declared variables (else it is the SQL crosstab of the built-in dimensions). */
export function crossesVariables(a: CrosstabAnalysis): boolean {
  return a.variables !== undefined && a.by.some((d) => !(CROSSTAB_DIMENSIONS as readonly string[]).includes(d));
}

export async function variableCrosstabCells(
  db: SiteDatabase,
  plan: Plan & { analysis: CrosstabAnalysis },
  keys: RecordKeys,
  k: number,
  signal?: AbortSignal,
): Promise<CellInput[]> {
  const a = plan.analysis;
  const builtIn = a.by.filter((d) => (CROSSTAB_DIMENSIONS as readonly string[]).includes(d));
  if (builtIn.length > 0) {
    throw new FedomopError(
      'ERR_PLAN_UNSUPPORTED',
      `a crosstab of variables cannot also cross the built-in dimension ${builtIn.map((d) => `"${d}"`).join(', ')}: declare it as a variable (e.g. {"type": "gender"}) under another name`,
    );
  }
  const t = await loadPersonTable(db, plan.cohort, a.variables!, a.by, keys, signal);
  const words = t.words!;
  const cells = new Map<string, CellInput>();
  for (const i of completeCases(t, a.by)) {
    const levels = a.by.map((d) => levelOf(t, d, i));
    const key = JSON.stringify(levels);
    let cell = cells.get(key);
    if (!cell) {
      cell = { dims: Object.fromEntries(a.by.map((d, j) => [d, levels[j]])) as ResultRow['dims'], acc: new CellAccumulator(k) };
      cells.set(key, cell);
    }
    cell.acc.add(words, i, true, 0);
  }
  const sortKey = (c: CellInput) => a.by.map((d) => String(c.dims[d as keyof ResultRow['dims']]));
  return [...cells.values()].sort((x, y) => {
    const [kx, ky] = [sortKey(x), sortKey(y)];
    for (let j = 0; j < kx.length; j++) if (kx[j] !== ky[j]) return kx[j] < ky[j] ? -1 : 1;
    return 0;
  });
}

/** Events are not counted for a variable crosstab: null, with bounds 0. */
export function withoutEvents(rows: ResultRow[]): ResultRow[] {
  for (const r of rows) r.measures.events = { value: null, lower: 0, upper: 0, suppressed: false };
  return rows;
}

/**
 * The crosstab's site part: the SQL crosstab of the built-in dimensions (cells.ts), or, when it
 * crosses declared variables, cells from the per-person table with events left out.
 */
export const crosstabSite: CellsKindSite<CrosstabAnalysis> = {
  ...dimensionCrosstab,
  readCells: (db, plan, keys, k, signal) =>
    crossesVariables(plan.analysis) ? variableCrosstabCells(db, plan, keys, k, signal) : undefined,
  afterRelease(plan, release) {
    if (!crossesVariables(plan.analysis)) return;
    withoutEvents(release.rows);
    for (const d of release.decisions)
      if (d.measure === 'events')
        Object.assign(d, { action: 'exact', reason: 'not counted (a crosstab of variables counts persons)' });
  },
};
