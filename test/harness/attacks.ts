/**
 * The analyst's side of the disclosure attacks (issue 9): plans as an analyst would write them,
 * released intervals as the analyst reads them, and the feasible set of a targeted true value
 * derived from every release involved. A target is pinned when its feasible set holds one value.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { analysisQuery } from '../../src/analysis/index.js';
import { compile, duckdbDialect } from '../../src/sql/index.js';
import { duckdbParameterTypes } from '../../src/node/duckdb-parameter-types.js';
import type { Plan } from '../../src/plan/types.js';
import { plainRows, type PlainRow } from './hub-api.js';
import { REPO } from './processes.js';

export type Interval = [number, number];
export const UNKNOWN: Interval = [0, Number.POSITIVE_INFINITY];

const example = (name: string) =>
  JSON.parse(readFileSync(path.join(REPO, 'spec', 'examples', 'valid', `${name}.json`), 'utf8')) as Plan;
export const CONCEPT_SETS = {
  prostate: example('prostate-cancer-count').cohort.ConceptSets,
  lung: example('lung-cancer-crosstab-gender-age').cohort.ConceptSets,
  breast: example('breast-cancer-age50-all-events').cohort.ConceptSets,
};
export type Cancer = keyof typeof CONCEPT_SETS;
export const RULES_EXAMPLE = example('inclusion-rules');

/** First diagnosis per person, optionally filtered by age or date: the analyst's everyday cohort. */
export function cohort(cancer: Cancer, filter: Record<string, unknown> = {}, rules: unknown[] = []): Plan['cohort'] {
  const setId = (CONCEPT_SETS[cancer] as Array<{ id: number }>)[0].id;
  return {
    ConceptSets: CONCEPT_SETS[cancer],
    PrimaryCriteria: {
      CriteriaList: [{ ConditionOccurrence: { CodesetId: setId, First: true, ...filter } }],
      ObservationWindow: { PriorDays: 0, PostDays: 0 },
      PrimaryCriteriaLimit: { Type: 'First' },
    },
    QualifiedLimit: { Type: 'First' },
    ExpressionLimit: { Type: 'First' },
    InclusionRules: rules,
    CensoringCriteria: [],
    CollapseSettings: { CollapseType: 'ERA', EraPad: 0 },
    CensorWindow: {},
  } as unknown as Plan['cohort'];
}

export const plan = (c: Plan['cohort'], analysis: Plan['analysis']): Plan => ({ version: 1, cohort: c, analysis });

export interface Released {
  status: number;
  rows: PlainRow[];
  code?: string;
}

/** POST /v1/execute at a site, as the analyst (no token: the anonymous history). */
export async function execute(siteUrl: string, p: Plan): Promise<Released> {
  const res = await fetch(`${siteUrl}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(p),
  });
  if (res.status !== 200) {
    const body = (await res.json()) as { error: { code: string } };
    return { status: res.status, rows: [], code: body.error.code };
  }
  return { status: 200, rows: plainRows(tableFromIPC(new Uint8Array(await res.arrayBuffer()))) };
}

const truthConnections = new Map<string, Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }>>();

/** The truth, for choosing targets and checking that every interval holds it: the aggregate SQL on the file. */
export async function truth(file: string, p: Plan): Promise<PlainRow[]> {
  // One read-only connection per file for the whole test: opening a DuckDB file per question cost
  // most of the attack test's time.
  let open = truthConnections.get(file);
  if (!open) {
    open = DuckDBInstance.create(file, { access_mode: 'READ_ONLY' }).then(async (instance) => ({
      instance,
      conn: await instance.connect(),
    }));
    truthConnections.set(file, open);
  }
  const { conn } = await open;
  const c = compile(analysisQuery(p), duckdbDialect);
  const prepared = await conn.prepare(c.sql);
  prepared.bind(c.parameters as never, duckdbParameterTypes(c.parameterTypes));
  const rows = (await prepared.runAndReadAll()).getRowObjectsJS();
  return rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : (v as PlainRow[string])])),
  );
}

/** Closes the connections truth() opened (call in the test's `after`). */
export async function closeTruth(): Promise<void> {
  for (const open of truthConnections.values()) {
    const { instance, conn } = await open;
    conn.closeSync();
    instance.closeSync();
  }
  truthConnections.clear();
}

/** A released measure as the interval an analyst reads (a refused answer tells nothing). */
export function interval(r: Released, match: (row: PlainRow) => boolean, measure = 'persons'): Interval {
  if (r.status !== 200) return UNKNOWN;
  const row = r.rows.find(match);
  if (!row) return [0, 0]; // an absent cell is an empty one
  return [row[`${measure}_lower`] as number, row[`${measure}_upper`] as number];
}

export const sum = (xs: Interval[]): Interval => xs.reduce<Interval>((a, b) => [a[0] + b[0], a[1] + b[1]], [0, 0]);
export const minus = (a: Interval, b: Interval): Interval => [a[0] - b[1], a[1] - b[0]];
export const meet = (...xs: Interval[]): Interval => [Math.max(...xs.map((x) => x[0])), Math.min(...xs.map((x) => x[1]))];

export const key = (row: PlainRow, dims: string[]) => dims.map((d) => String(row[d])).join('|');

export interface Tally {
  targets: number;
  pinned: number;
  /** Targets whose derived interval does not hold the truth: a dishonest release. */
  dishonest: number;
  smallest: number;
}

export class Scoreboard {
  readonly byAttack = new Map<string, Tally>();

  /** One targeted true value t (1..k-1) and what the analyst derived for it. */
  target(attack: string, t: number, feasible: Interval, detail?: string): void {
    const tally = this.byAttack.get(attack) ?? { targets: 0, pinned: 0, dishonest: 0, smallest: Infinity };
    const [lo, hi] = [Math.max(0, feasible[0]), feasible[1]];
    tally.targets++;
    if (t < lo || t > hi) tally.dishonest++;
    if (hi - lo < 1) {
      tally.pinned++;
      if (process.env.FEDOMOP_ATTACK_DEBUG) console.log(`pinned ${attack}: t = ${t}, feasible [${lo}, ${hi}] ${detail ?? ''}`);
    }
    tally.smallest = Math.min(tally.smallest, hi - lo + 1);
    this.byAttack.set(attack, tally);
  }

  total(): Tally {
    const all = [...this.byAttack.values()];
    return {
      targets: all.reduce((s, t) => s + t.targets, 0),
      pinned: all.reduce((s, t) => s + t.pinned, 0),
      dishonest: all.reduce((s, t) => s + t.dishonest, 0),
      smallest: Math.min(...all.map((t) => t.smallest)),
    };
  }

  print(label: string): string {
    const lines = [...this.byAttack].map(
      ([a, t]) =>
        `  ${a.padEnd(22)} targets ${String(t.targets).padStart(4)}  pinned ${String(t.pinned).padStart(4)}  smallest feasible set ${t.smallest}`,
    );
    const t = this.total();
    return `${label}: ${t.pinned} of ${t.targets} targets pinned (dishonest intervals: ${t.dishonest})\n${lines.join('\n')}`;
  }
}
