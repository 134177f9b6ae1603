/**
 * The shape of every result table, shared by sites (which fill it), the hub (which pools it and must
 * announce the stream's schema before any site has answered) and clients (which read it).
 *
 * One row per cell. Columns, in order:
 *   site                      Utf8   site id, or "pooled"
 *   <dimensions>              the kind's (src/analysis/kinds/<kind>/result.ts): crosstab gender Utf8,
 *                             age_group Utf8, index_year Int32 (in `by` order); attrition rule_index
 *                             Int32, rule_name Utf8; count none
 *   for each measure m in MEASURES:
 *     m                       Int64  exact released value; null when suppressed
 *     m_lower, m_upper        Int64  interval that holds the true value (equal to m when exact)
 *     m_suppressed            Bool   true when m was withheld by disclosure control
 *
 * Schema metadata (keys in META) carries provenance: plan hash, analysis, site, CDM and vocabulary
 * versions, and the disclosure rule applied.
 */
import { Bool, Field, Int32, Int64, Schema, Utf8 } from 'apache-arrow';
import type { Analysis, CrosstabDimension } from '../plan/types.js';
import type { CellsAnalysis } from '../analysis/kinds/cells-info.js';
import { cellsInfo, isRoundsKind } from '../analysis/kinds/registry.js';

export const MEASURES = ['persons', 'events'] as const;
export type Measure = (typeof MEASURES)[number];

export const POOLED_SITE = 'pooled';

export const META = {
  planHash: 'fedomop.plan_hash',
  analysis: 'fedomop.analysis',
  site: 'fedomop.site',
  sites: 'fedomop.sites',
  cdmVersion: 'fedomop.cdm_version',
  vocabularyVersion: 'fedomop.vocabulary_version',
  disclosure: 'fedomop.disclosure',
} as const;

/** Attrition rows: the step (0 = qualifying events, k = after rule k) and the rule's name. */
export { ATTRITION_DIMENSIONS } from '../analysis/kinds/attrition/result.js';
export type ResultDimension = CrosstabDimension | 'rule_index' | 'rule_name';

const ARROW_TYPES = { utf8: () => new Utf8(), int32: () => new Int32() } as const;

/** A counting kind's dimension columns, in order (none for the rounds kinds, whose tables differ). */
export function dimensionsOf(analysis: Analysis): ResultDimension[] {
  if (isRoundsKind(analysis.kind)) return [];
  return cellsInfo(analysis as CellsAnalysis).dimensions(analysis as never) as ResultDimension[];
}

export function measureColumns(m: Measure): { value: string; lower: string; upper: string; suppressed: string } {
  return { value: m, lower: `${m}_lower`, upper: `${m}_upper`, suppressed: `${m}_suppressed` };
}

export function resultSchema(analysis: Analysis, metadata: Record<string, string> = {}): Schema {
  const fields: Field[] = [new Field('site', new Utf8(), false)];
  // A crossed variable (not one of the kind's own dimensions) is a level label.
  const types = isRoundsKind(analysis.kind) ? {} : cellsInfo(analysis as CellsAnalysis).dimensionTypes;
  for (const d of dimensionsOf(analysis)) fields.push(new Field(d, ARROW_TYPES[types[d] ?? 'utf8'](), true));
  for (const m of MEASURES) {
    const c = measureColumns(m);
    fields.push(new Field(c.value, new Int64(), true));
    fields.push(new Field(c.lower, new Int64(), false));
    fields.push(new Field(c.upper, new Int64(), false));
    fields.push(new Field(c.suppressed, new Bool(), false));
  }
  return new Schema(fields, new Map(Object.entries(metadata)));
}

/** A released cell in plain JS form, as sites produce it and the hub pools it. */
export interface ReleasedValue {
  value: number | null;
  lower: number;
  upper: number;
  suppressed: boolean;
}

export interface ResultRow {
  site: string;
  dims: Partial<Record<ResultDimension, string | number | null>>;
  measures: Record<Measure, ReleasedValue>;
}
