/**
 * The site's whole answer to a plan: compile, run, disclosure control, Arrow. Rows from the
 * database are aggregates already (the analysis SQL groups them); nothing row-level is built here,
 * and nothing leaves this function that disclosure control has not released.
 */
import { analysisQuery } from '../analysis/index.js';
import { batchFromRows, streamBytes } from '../arrow/encode.js';
import { META, MEASURES, resultSchema, type ResultRow } from '../arrow/result-schema.js';
import {
  applyAttritionControl,
  applyMinCellCount,
  describePolicy,
  type DisclosurePolicy,
  type RawCell,
} from '../disclosure/index.js';
import { dimensionsOf } from '../arrow/result-schema.js';
import type { Plan } from '../plan/types.js';
import { compile, dialectByName } from '../sql/index.js';
import { toNumber, type SiteDatabase, type SqlRow } from './database.js';

export interface SiteIdentity {
  id: string;
  cdmVersion: string;
  vocabularyVersion: string;
}

export interface SiteAnswer {
  rows: ResultRow[];
  bytes: Uint8Array;
  elapsedMs: number;
}

function toCells(plan: Plan, rows: SqlRow[]): RawCell[] {
  const dims = dimensionsOf(plan.analysis);
  return rows.map((r) => ({
    dims: Object.fromEntries(dims.map((d) => [d, normaliseDim(r[d])])),
    counts: Object.fromEntries(MEASURES.map((m) => [m, toNumber(r[m])])) as RawCell['counts'],
  }));
}

function normaliseDim(v: unknown): string | number | null {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string') return v;
  return null;
}

export async function answerPlan(
  db: SiteDatabase,
  plan: Plan,
  planHash: string,
  site: SiteIdentity,
  policy: DisclosurePolicy,
  signal?: AbortSignal,
): Promise<SiteAnswer> {
  const started = performance.now();
  const compiled = compile(analysisQuery(plan), dialectByName(db.dialect));
  const raw = await db.query(compiled, signal);
  // Attrition steps are nested, not a partition: they need their own rule (see disclosure/attrition.ts).
  const release = plan.analysis.kind === 'attrition' ? applyAttritionControl : applyMinCellCount;
  const rows = release(toCells(plan, raw), site.id, policy);
  const schema = resultSchema(plan.analysis, {
    [META.planHash]: planHash,
    [META.analysis]: JSON.stringify(plan.analysis),
    [META.site]: site.id,
    [META.cdmVersion]: site.cdmVersion,
    [META.vocabularyVersion]: site.vocabularyVersion,
    [META.disclosure]: describePolicy(policy, plan.analysis.kind === 'attrition' ? 'nested_difference' : 'complementary'),
  });
  const bytes = streamBytes(schema, [batchFromRows(schema, rows)]);
  return { rows, bytes, elapsedMs: performance.now() - started };
}
