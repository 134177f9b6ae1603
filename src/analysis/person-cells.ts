/**
 * The counting analyses at person level, for disclosure control at the site: the same cohort and
 * cells as the aggregate queries, but one row per (cell, person) with that person's events in the
 * cell, so the site process can derive the persons' secret record keys (disclosure/record-keys.ts)
 * and the cells' person sets. These rows stay in the site process; `aggregatePersonRows` turns them
 * into cells and only cells go on to disclosure control. Each kind's queries and cells are in its
 * folder (src/analysis/kinds/<kind>/site.ts); this is the entry the site and tests call.
 */
import type { RecordKeys } from '../disclosure/record-keys.js';
import type { Plan } from '../plan/types.js';
import type { QueryNode } from '../sql/nodes.js';
import { personColumns, type PersonCell, type PersonRows } from './kinds/cells-site.js';
import { cellsSite } from './kinds/site-kinds.js';

export type { PersonCell, PersonRows } from './kinds/cells-site.js';

const WHY = ', not on /v1/execute';

export function personCellQuery(plan: Plan): QueryNode {
  return cellsSite(plan, WHY).personQuery(plan);
}

/** Rows of personCellQuery → cells in a fixed order (by dimension values; attrition by step). */
export function aggregatePersonRows(plan: Plan, rows: PersonRows, keys: RecordKeys, k: number): PersonCell[] {
  return cellsSite(plan, WHY).personCells(plan, personColumns(rows, keys), k);
}
