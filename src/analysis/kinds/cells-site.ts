/**
 * The site part of a counting kind (count, crosstab, attrition): one /v1/execute answers it with
 * cells of persons and events that go through disclosure control (src/site/execute.ts). A kind
 * gives two queries over the same cells — the aggregate one (one row per cell: persons, events),
 * enough when the policy needs no person sets, and the person-level one (one row per cell and
 * person) from which the site process derives the persons' record keys — and turns the latter's
 * rows into cells. The person rows never leave the site process; only cells go on.
 */
import { CellAccumulator } from '../../disclosure/person-set.js';
import type { AnswerRelease, CellInput } from '../../disclosure/release.js';
import { personId, type RecordKeys } from '../../disclosure/record-keys.js';
import type { ResultRow } from '../../arrow/result-schema.js';
import type { Analysis, Plan } from '../../plan/types.js';
import type { SiteDatabase } from '../../site/database.js';
import type { QueryNode } from '../../sql/nodes.js';

export interface PersonCell {
  dims: ResultRow['dims'];
  acc: CellAccumulator;
}

/** A person-level result: row objects, or column arrays (the cheaper read on a large site). */
export type PersonRows = Array<Record<string, unknown>> | { length: number; columns: Record<string, ArrayLike<unknown>> };

/** The person rows as columns, with each row's record-key words already derived. */
export interface PersonColumns {
  n: number;
  column(name: string): ArrayLike<unknown>;
  /** keys.derive of the rows' person ids, for CellAccumulator.add(words, i, ...) */
  words: ReturnType<RecordKeys['derive']>;
}

export interface CellsKindSite<A extends Analysis = Analysis> {
  /** One row per cell: the kind's dimensions, `persons`, `events`. */
  aggregateQuery(plan: Plan & { analysis: A }): QueryNode;
  /** One row per (cell, person): `person_id`, `events` and what the kind needs to place the row. */
  personQuery(plan: Plan & { analysis: A }): QueryNode;
  /** Rows of personQuery → cells, in the order the kind releases them. */
  personCells(plan: Plan & { analysis: A }, rows: PersonColumns, k: number): PersonCell[];
  /** Cells read another way for this plan (a crosstab of declared variables); undefined: the queries above. */
  readCells?(
    db: SiteDatabase,
    plan: Plan & { analysis: A },
    keys: RecordKeys,
    k: number,
    signal?: AbortSignal,
  ): Promise<CellInput[]> | undefined;
  /** After release (not refused): what the kind changes in the released rows and decisions. */
  afterRelease?(plan: Plan & { analysis: A }, release: AnswerRelease): void;
}

const num = (v: unknown) => (typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : (v as number));
export { num as personNumber };

export function normaliseDim(v: unknown): string | number | null {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string') return v;
  return null;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A BIGINT column's values as numbers, read through 32-bit halves: each element read from a
 * BigInt64Array is a new BigInt, which on a large site's attrition (a BIGINT rule mask per row)
 * cost more than the disclosure work. hi × 2³² + lo is Number(value) exactly (both round once).
 */
export function bigintNumbers(values: BigInt64Array): Float64Array {
  const out = new Float64Array(values.length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
    return out;
  }
  const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  for (let i = 0; i < values.length; i++) out[i] = halves[2 * i + 1] * 4294967296 + (halves[2 * i] >>> 0);
  return out;
}

/** Column access over either shape of person rows, and the rows' record-key words. */
export function personColumns(rows: PersonRows, keys: RecordKeys): PersonColumns {
  const n = rows.length;
  const raw = !Array.isArray(rows)
    ? (name: string) => rows.columns[name] ?? new Array<unknown>(rows.length).fill(null)
    : (name: string) => rows.map((r) => r[name]);
  const column = (name: string) => {
    const values = raw(name);
    return values instanceof BigInt64Array ? bigintNumbers(values) : values;
  };
  const personIds = raw('person_id');
  // DuckDB's INTEGER or BIGINT ids arrive as one typed array already (site/duckdb-columns.ts).
  let ids: BigInt64Array | Int32Array;
  if (personIds instanceof BigInt64Array || personIds instanceof Int32Array) ids = personIds;
  else {
    ids = new BigInt64Array(n);
    for (let i = 0; i < n; i++) ids[i] = personId(personIds[i]);
  }
  return { n, column, words: keys.derive(ids) };
}
