/**
 * The site's per-person table for one plan: each cohort person's variable values, loaded once from
 * the database (compiled from the variables like the cohort, bound parameters only) and kept in the
 * site process for the rounds of one analysis. Nothing here leaves the site: kinds aggregate it,
 * disclosure control releases the aggregates. Missing values are NaN (numbers) or null (levels).
 */
import type { CirceExpression } from '../../circe/types.js';
import type { RecordKeys } from '../../disclosure/record-keys.js';
import { personId } from '../../disclosure/record-keys.js';
import { KEY_WORDS } from '../../disclosure/record-keys.js';
import { compile, dialectByName } from '../../sql/index.js';
import type { SiteDatabase } from '../../site/database.js';
import { compileVariables, variableValuesQuery } from '../variables/compile.js';
import { VARIABLE_KINDS, type Variables } from '../variables/types.js';
import type { ReleaseLedger } from './release-ledger.js';

export interface PersonTable {
  /** cohort persons (one row each) */
  size: number;
  /** each person's record key for person counts (cell key = Σ mod 2³², as src/disclosure does) */
  keys: Uint32Array;
  /** all KEY_WORDS record-key words per person (person sets for differencing, as src/disclosure does) */
  words?: Uint32Array;
  /** numeric, binary, count and time_to (days) values; NaN = missing */
  numeric: Map<string, Float64Array>;
  /** time_to event indicators (1 event, 0 censored); NaN where days are missing */
  events: Map<string, Float64Array>;
  /** categorical levels (concept names); null = missing */
  levels: Map<string, (string | null)[]>;
  /**
   * Set by the site for the duration of one round when the caller's policy keeps a release history
   * (src/site/rounds.ts): counts released through site-release.ts are checked and recorded in it.
   */
  ledger?: ReleaseLedger;
}

function asNumber(v: unknown): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'string') return Number(v);
  return NaN;
}

export async function loadPersonTable(
  db: SiteDatabase,
  cohort: CirceExpression,
  variables: Variables,
  use: readonly string[],
  keys: RecordKeys,
  signal?: AbortSignal,
): Promise<PersonTable> {
  const compiled = compileVariables(cohort, variables, use);
  const rows = await db.query(compile(variableValuesQuery(compiled), dialectByName(db.dialect)), signal);
  const size = rows.length;
  const ids = new BigInt64Array(size);
  rows.forEach((r, i) => (ids[i] = personId(r.person_id)));
  const words = keys.derive(ids);
  const personKeys = new Uint32Array(size);
  for (let i = 0; i < size; i++) personKeys[i] = words[i * KEY_WORDS];
  const table: PersonTable = { size, keys: personKeys, words, numeric: new Map(), events: new Map(), levels: new Map() };
  for (const c of compiled.columns) {
    if (c.role === 'event') {
      const a = new Float64Array(size);
      rows.forEach((r, i) => (a[i] = asNumber(r[c.column])));
      table.events.set(c.name, a);
    } else if (VARIABLE_KINDS[variables[c.name].type] === 'categorical') {
      table.levels.set(
        c.name,
        rows.map((r) => (r[c.column] === null || r[c.column] === undefined ? null : String(r[c.column]))),
      );
    } else {
      const a = new Float64Array(size);
      rows.forEach((r, i) => (a[i] = asNumber(r[c.column])));
      table.numeric.set(c.name, a);
    }
  }
  return table;
}

/** Whether person i has a value for `name`. */
export function hasValue(t: PersonTable, name: string, i: number): boolean {
  const num = t.numeric.get(name);
  if (num) return !Number.isNaN(num[i]);
  const lv = t.levels.get(name);
  return lv ? lv[i] !== null : false;
}

/** Indices of the complete cases of `names` (persons with a value in every one). */
export function completeCases(t: PersonTable, names: readonly string[]): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < t.size; i++) if (names.every((n) => hasValue(t, n, i))) out.push(i);
  return Int32Array.from(out);
}

/** The value of a binary/categorical grouping variable as a level label ("0"/"1" for binary). */
export function levelOf(t: PersonTable, name: string, i: number): string | null {
  const lv = t.levels.get(name);
  if (lv) return lv[i];
  const num = t.numeric.get(name);
  if (!num || Number.isNaN(num[i])) return null;
  return String(num[i]);
}

/** Σ record keys mod 2³² of the persons at `indices` (a cell key). */
export function cellKey(t: PersonTable, indices: Iterable<number>): number {
  let k = 0;
  for (const i of indices) k = (k + t.keys[i]) >>> 0;
  return k;
}
