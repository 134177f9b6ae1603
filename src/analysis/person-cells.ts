/**
 * The analyses at person level, for disclosure control at the site: the same cohort and cells as
 * the aggregate queries (count.ts, crosstab.ts, attrition.ts), but one row per (cell, person) with
 * that person's events in the cell, so the site process can derive the persons' secret record keys
 * (disclosure/record-keys.ts) and the cells' person sets. These rows stay in the site process;
 * `aggregatePersonRows` turns them into cells and only cells go on to disclosure control.
 *
 *   count      person_id, events
 *   crosstab   <dims>, person_id, counted (1 when this is the cell of the person's first event), events
 *   attrition  best (1: the person's persons-mode event, 0: qualified events), person_id, mask, events
 */
import { BEST_EVENTS, bestEventsStage } from '../circe/inclusion-stats.js';
import { QUALIFIED_EVENTS, QUALIFIED_MASKS } from '../circe/entry-events.js';
import { cohortProgram } from '../circe/program.js';
import { CellAccumulator } from '../disclosure/person-set.js';
import { personId, type RecordKeys } from '../disclosure/record-keys.js';
import type { ResultRow } from '../arrow/result-schema.js';
import { dimensionsOf } from '../arrow/result-schema.js';
import type { Plan } from '../plan/types.js';
import { asc, caseWhen, col, countStar, fn, lit, sel, select, setOp, subquery, table } from '../sql/build.js';
import type { QueryNode } from '../sql/nodes.js';
import { QUALIFYING_STEP } from './attrition.js';
import { COHORT_EVENTS, cohortEventStages } from './cohort-stages.js';
import { crosstabCellStages } from './crosstab.js';

export function personCellQuery(plan: Plan): QueryNode {
  const a = plan.analysis;
  if (a.kind === 'count') {
    return select({
      with: cohortEventStages(plan.cohort),
      select: [sel(col('e.person_id'), 'person_id'), sel(countStar(), 'events')],
      from: table(COHORT_EVENTS, 'e'),
      groupBy: [col('e.person_id')],
    });
  }
  if (a.kind === 'crosstab') {
    const dims = a.by;
    return select({
      with: crosstabCellStages({ ...plan, analysis: a }),
      select: [
        ...dims.map((d) => sel(col(`c.${d}`), d)),
        sel(col('c.person_id'), 'person_id'),
        sel(fn('max', [caseWhen([[col('c.first_of_person'), lit(1)]], lit(0))]), 'counted'),
        sel(countStar(), 'events'),
      ],
      from: table('cells', 'c'),
      groupBy: [...dims.map((d) => col(`c.${d}`)), col('c.person_id')],
    });
  }
  const { ctx, stages } = cohortProgram(plan.cohort, 'included_events');
  const rules = ctx.expression.InclusionRules ?? [];
  if (rules.length === 0) {
    return select({
      with: stages,
      select: [sel(lit(1), 'best'), sel(col('q.person_id'), 'person_id'), sel(lit(0), 'mask'), sel(countStar(), 'events')],
      from: table(QUALIFIED_EVENTS, 'q'),
      groupBy: [col('q.person_id')],
    });
  }
  const events = select({
    select: [
      sel(lit(0), 'best'),
      sel(col('m.person_id'), 'person_id'),
      sel(col('m.inclusion_rule_mask'), 'mask'),
      sel(countStar(), 'events'),
    ],
    from: table(QUALIFIED_MASKS, 'm'),
    groupBy: [col('m.person_id'), col('m.inclusion_rule_mask')],
  });
  const best = select({
    select: [
      sel(lit(1), 'best'),
      sel(col('b.person_id'), 'person_id'),
      sel(col('b.inclusion_rule_mask'), 'mask'),
      sel(lit(0), 'events'),
    ],
    from: table(BEST_EVENTS, 'b'),
  });
  return select({
    with: [...stages, bestEventsStage(rules.length)],
    select: [
      sel(col('u.best'), 'best'),
      sel(col('u.person_id'), 'person_id'),
      sel(col('u.mask'), 'mask'),
      sel(col('u.events'), 'events'),
    ],
    from: subquery(setOp('union all', [events, best]), 'u'),
    orderBy: [asc(col('u.best'))],
  });
}

export interface PersonCell {
  dims: ResultRow['dims'];
  acc: CellAccumulator;
}

const num = (v: unknown) => (typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : (v as number));

function normaliseDim(v: unknown): string | number | null {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string') return v;
  return null;
}

/** A person-level result: row objects, or column arrays (the cheaper read on a large site). */
export type PersonRows = Array<Record<string, unknown>> | { length: number; columns: Record<string, unknown[]> };

function columnsOf(rows: PersonRows): (name: string) => unknown[] {
  if (!Array.isArray(rows)) return (name) => rows.columns[name] ?? new Array<unknown>(rows.length).fill(null);
  return (name) => rows.map((r) => r[name]);
}

/** Rows of personCellQuery → cells in a fixed order (by dimension values; attrition by step). */
export function aggregatePersonRows(plan: Plan, rows: PersonRows, keys: RecordKeys, k: number): PersonCell[] {
  const n = rows.length;
  const column = columnsOf(rows);
  const personIds = column('person_id');
  const ids = new BigInt64Array(n);
  for (let i = 0; i < n; i++) ids[i] = personId(personIds[i]);
  const words = keys.derive(ids);
  const events = column('events');
  const a = plan.analysis;
  if (a.kind === 'count') {
    const acc = new CellAccumulator(k);
    for (let i = 0; i < n; i++) acc.add(words, i, true, num(events[i]));
    return [{ dims: {}, acc }];
  }
  if (a.kind === 'crosstab') {
    const dims = dimensionsOf(a);
    const dimColumns = dims.map(column);
    const counted = column('counted');
    const cells: PersonCell[] = [];
    // One map per dimension, keyed by the column's own values (a column holds one type): no key
    // string per row, which on a large site cost more than the cell updates.
    const root = new Map<unknown, unknown>();
    const last = dimColumns.length - 1;
    for (let i = 0; i < n; i++) {
      let node = root;
      for (let j = 0; j < last; j++) {
        const v = dimColumns[j][i] ?? null;
        let next = node.get(v) as Map<unknown, unknown> | undefined;
        if (!next) node.set(v, (next = new Map()));
        node = next;
      }
      const v = last >= 0 ? (dimColumns[last][i] ?? null) : null;
      let cell = node.get(v) as PersonCell | undefined;
      if (!cell) {
        cell = { dims: Object.fromEntries(dims.map((d, j) => [d, normaliseDim(dimColumns[j][i])])), acc: new CellAccumulator(k) };
        node.set(v, cell);
        cells.push(cell);
      }
      cell.acc.add(words, i, num(counted[i]) === 1, num(events[i]));
    }
    return cells.sort((x, y) =>
      compareDims(
        dims.map((d) => x.dims[d] ?? null),
        dims.map((d) => y.dims[d] ?? null),
      ),
    );
  }
  const rules = cohortProgram(plan.cohort, 'included_events').ctx.expression.InclusionRules ?? [];
  const steps = [QUALIFYING_STEP, ...rules.map((r, j) => r.name ?? `rule ${j + 1}`)].map((name, step) => ({
    dims: { rule_index: step, rule_name: name },
    acc: new CellAccumulator(k),
    prefix: 2 ** step - 1,
  }));
  const hasRules = rules.length > 0;
  const masks = column('mask');
  const bests = column('best');
  for (let i = 0; i < n; i++) {
    const mask = num(masks[i]);
    const best = num(bests[i]) === 1;
    for (const s of steps) {
      if (!hasPrefix(mask, s.prefix)) continue;
      // Without rules one row per person carries both its persons-mode membership and its events.
      if (hasRules) s.acc.add(words, i, best, best ? 0 : num(events[i]));
      else s.acc.add(words, i, true, num(events[i]));
    }
  }
  return steps.map(({ dims, acc }) => ({ dims, acc }));
}

/** mask has bits 0..step-1 set (BigInt beyond 30 rules, where JS bit operators stop). */
function hasPrefix(mask: number, prefix: number): boolean {
  if (prefix < 2 ** 30) return (mask & prefix) === prefix;
  return (BigInt(mask) & BigInt(prefix)) === BigInt(prefix);
}

type DimValue = string | number | null;
/** Numbers numerically, strings by code unit (the same on every engine), nulls last. */
function compareDims(a: DimValue[], b: DimValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
