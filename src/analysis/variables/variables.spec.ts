/**
 * Variables compiled to SQL and run on a synthetic DuckDB site, each compared per person with a
 * computation written here independently: the index date by a hand-written query, every variable
 * in plain JavaScript over the raw CDM rows of the cohort's persons.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { compile, duckdbDialect, postgresDialect } from '../../sql/index.js';
import { generateSite } from '../../synth/index.js';
import { compileVariables, completeCasesQuery, variableRowsQuery, variableValuesQuery } from './compile.js';
import { COHORT, VARIABLES } from './fixtures.spec-util.js';
import type { Variables } from './types.js';

type Row = Record<string, number | string | null>;

let dir: string;
let conn: DuckDBConnection;

const plain = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v);
async function rows(sql: string, params: unknown[] = []): Promise<Row[]> {
  const r = await conn.runAndReadAll(sql, params as never);
  return r.getRowObjectsJS().map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, plain(v)]))) as Row[];
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fedomop-variables-'));
  const file = join(dir, 'site.duckdb');
  await generateSite({ out: file, seed: 5, persons: 3000, profile: 'regional' });
  conn = await (await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' })).connect();
});
after(async () => {
  conn?.closeSync();
  await rm(dir, { recursive: true, force: true });
});

interface Person {
  person_id: number;
  index_day: number;
  op_end: number;
  age: number;
  year: number;
  sex: string | null;
}

const DAY = (expr: string) => `CAST((${expr}) - DATE '1970-01-01' AS INTEGER)`;

/** The cohort's persons and index dates, written by hand. */
async function expectedPersons(): Promise<Person[]> {
  return (await rows(`
    WITH cs AS (
      SELECT ca.descendant_concept_id AS concept_id FROM concept_ancestor ca
      JOIN concept c ON c.concept_id = ca.descendant_concept_id
      WHERE ca.ancestor_concept_id = 443392 AND c.invalid_reason IS NULL
      UNION SELECT 443392),
    ev AS (
      SELECT co.person_id, co.condition_start_date AS d, op.observation_period_end_date AS op_end
      FROM condition_occurrence co
      JOIN observation_period op ON op.person_id = co.person_id
        AND co.condition_start_date BETWEEN op.observation_period_start_date AND op.observation_period_end_date
      WHERE co.condition_concept_id IN (SELECT concept_id FROM cs)),
    idx AS (SELECT person_id, min(d) AS index_date, arg_min(op_end, d) AS op_end FROM ev GROUP BY person_id)
    SELECT i.person_id, ${DAY('i.index_date')} AS index_day, ${DAY('i.op_end')} AS op_end,
      year(i.index_date) - p.year_of_birth AS age, year(i.index_date) AS year, g.concept_name AS sex
    FROM idx i JOIN person p ON p.person_id = i.person_id LEFT JOIN concept g ON g.concept_id = p.gender_concept_id
    ORDER BY i.person_id`)) as unknown as Person[];
}

interface Rec {
  person_id: number;
  concept: number;
  day: number;
  id: number;
  value: number | null;
}

async function records(
  tableName: string,
  concept: string,
  date: string,
  id: string,
  value = 'NULL',
): Promise<Map<number, Rec[]>> {
  const out = new Map<number, Rec[]>();
  const list = await rows(
    `SELECT person_id, ${concept} AS concept, ${DAY(date)} AS day, ${id} AS id, CAST(${value} AS DOUBLE) AS value FROM ${tableName}`,
  );
  for (const r of list as unknown as Rec[]) {
    const l = out.get(r.person_id) ?? [];
    l.push(r);
    out.set(r.person_id, l);
  }
  return out;
}

test('every variable equals an independent computation for every person of the cohort', async () => {
  const persons = await expectedPersons();
  assert.ok(persons.length > 100, `cohort of ${persons.length}`);
  const meas = await records('measurement', 'measurement_concept_id', 'measurement_date', 'measurement_id', 'value_as_number');
  const drugs = await records('drug_exposure', 'drug_concept_id', 'drug_exposure_start_date', 'drug_exposure_id');
  const procs = await records('procedure_occurrence', 'procedure_concept_id', 'procedure_date', 'procedure_occurrence_id');
  const visits = await records('visit_occurrence', 'visit_concept_id', 'visit_start_date', 'visit_occurrence_id');
  const conds = await records('condition_occurrence', 'condition_concept_id', 'condition_start_date', 'condition_occurrence_id');
  const cancerSet = new Set(
    (await rows(`SELECT descendant_concept_id AS c FROM concept_ancestor WHERE ancestor_concept_id = 443392`)).map((r) => r.c),
  );
  const deaths = new Map(
    (await rows(`SELECT person_id, ${DAY('death_date')} AS day FROM death`)).map((r) => [r.person_id as number, r.day as number]),
  );

  const compiled = compileVariables(COHORT, VARIABLES);
  const q = compile(variableRowsQuery(compiled), duckdbDialect);
  const got = new Map((await rows(q.sql, q.parameters)).map((r) => [r.person_id as number, r]));
  const v = compile(variableValuesQuery(compiled), duckdbDialect);
  const all = new Map((await rows(v.sql, v.parameters)).map((r) => [r.person_id as number, r]));
  assert.equal(all.size, persons.length);
  const col = (name: string, role: 'value' | 'event' = 'value') =>
    compiled.columns.find((c) => c.name === name && c.role === role)!.column;

  const within = (p: Person, day: number, s: number, e: number) => day >= p.index_day + s && day <= p.index_day + e;
  const pick = (list: Rec[] | undefined, concepts: number[], p: Person, s: number, e: number) =>
    (list ?? []).filter((r) => concepts.includes(r.concept) && within(p, r.day, s, e) && r.value !== null);
  const byDateId = (a: Rec, b: Rec) => a.day - b.day || a.id - b.id;
  const any = (list: Rec[] | undefined, concepts: Set<number> | number[], p: Person, s: number, e: number) =>
    (list ?? []).filter(
      (r) => (Array.isArray(concepts) ? concepts.includes(r.concept) : concepts.has(r.concept)) && within(p, r.day, s, e),
    );
  const timeTo = (p: Person, eventDay: number | undefined, maxDays: number): [number, number] => {
    const end = Math.min(p.op_end, p.index_day + maxDays);
    return eventDay !== undefined && eventDay <= end ? [eventDay - p.index_day, 1] : [end - p.index_day, 0];
  };

  let complete = 0;
  let compared = 0;
  for (const p of persons) {
    const psa1 = pick(meas.get(p.person_id), [3013603], p, -365, 0).sort(byDateId);
    const psa2 = pick(meas.get(p.person_id), [3013603], p, -730, 30).sort(byDateId);
    const hb = pick(meas.get(p.person_id), [3000963], p, -180, 180);
    const firstDrug = (drugs.get(p.person_id) ?? [])
      .filter((r) => [40239056, 42900250].includes(r.concept) && r.day >= p.index_day)
      .map((r) => r.day)
      .sort((a, b) => a - b)[0];
    const death = deaths.get(p.person_id);
    const expected: Record<string, number | string | null> = {
      age: p.age,
      year: p.year,
      sex: p.sex,
      psa_latest: psa1.length ? psa1[psa1.length - 1].value : null,
      psa_first: psa2.length ? psa2[0].value : null,
      psa_mean: psa2.length ? psa2.reduce((s, r) => s + r.value!, 0) / psa2.length : null,
      psa_max: psa2.length ? Math.max(...psa2.map((r) => r.value!)) : null,
      psa_min: psa2.length ? Math.min(...psa2.map((r) => r.value!)) : null,
      hb_mean: hb.length ? hb.reduce((s, r) => s + r.value!, 0) / hb.length : null,
      antiandrogen: any(drugs.get(p.person_id), [40239056, 42900250], p, 0, 365).length > 0 ? 1 : 0,
      biopsy: any(procs.get(p.person_id), [4278515, 4047494], p, -90, 90).length > 0 ? 1 : 0,
      visits: any(visits.get(p.person_id), [9201, 9202, 9203], p, -365, -1).length,
      psa_tests: any(meas.get(p.person_id), [3013603], p, 0, 730).length,
      cancer_again: any(conds.get(p.person_id), cancerSet as Set<number>, p, 1, 3650).length > 0 ? 1 : 0,
      died_1y: death !== undefined && within(p, death, 0, 365) ? 1 : 0,
    };
    const os = timeTo(p, death !== undefined && death >= p.index_day ? death : undefined, 1825);
    const drugTime = timeTo(p, firstDrug, 3650);
    const isComplete = Object.values(expected).every((x) => x !== null);
    assert.equal(got.has(p.person_id), isComplete, `person ${p.person_id}: complete case?`);
    if (isComplete) {
      complete++;
      assert.deepEqual(got.get(p.person_id), all.get(p.person_id));
    }
    // every value of every person, missing ones included
    const row = all.get(p.person_id)!;
    for (const [name, value] of Object.entries(expected)) {
      const actual: unknown = row[col(name)];
      if (name.endsWith('_mean') && value !== null) {
        assert.ok(
          Math.abs((actual as number) - (value as number)) <= 1e-12 * Math.abs(value as number),
          `${name} of ${p.person_id}`,
        );
      } else assert.equal(actual, value, `${name} of ${p.person_id}`);
      compared++;
    }
    assert.deepEqual([row[col('os')], row[col('os', 'event')]], os, `os of ${p.person_id}`);
    assert.deepEqual(
      [row[col('to_antiandrogen')], row[col('to_antiandrogen', 'event')]],
      drugTime,
      `to_antiandrogen of ${p.person_id}`,
    );
    compared += 2;
  }
  assert.equal(got.size, complete);
  assert.ok(complete > 10, `${complete} complete cases`);
  console.log(`# ${persons.length} persons, ${complete} complete cases, ${compared} values compared`);
  // the data exercise both branches of every indicator (a test on all-zero columns proves little)
  for (const name of ['antiandrogen', 'biopsy', 'cancer_again', 'died_1y']) {
    const values = new Set([...all.values()].map((r) => r[col(name)]));
    assert.deepEqual([...values].sort(), [0, 1], name);
  }
  const osEvents = new Set([...all.values()].map((r) => r[col('os', 'event')]));
  assert.equal(osEvents.size, 2);
  assert.ok([...all.values()].some((r) => (r[col('psa_tests')] as number) > 1));

  const cc = compile(completeCasesQuery(compiled), duckdbDialect);
  assert.deepEqual(await rows(cc.sql, cc.parameters), [{ persons: persons.length, complete_cases: complete }]);
});

test('a subset of variables keeps more persons; events and censoring are both present', async () => {
  const compiled = compileVariables(COHORT, VARIABLES, ['age', 'sex', 'os']);
  assert.deepEqual(
    compiled.columns.map((c) => [c.name, c.column, c.kind, c.role]),
    [
      ['age', 'v0', 'numeric', 'value'],
      ['sex', 'v1', 'categorical', 'value'],
      ['os', 'v2', 'time', 'value'],
      ['os', 'v2_event', 'binary', 'event'],
    ],
  );
  const q = compile(completeCasesQuery(compiled), duckdbDialect);
  const [counts] = await rows(q.sql, q.parameters);
  const persons = await expectedPersons();
  // only the persons without a gender concept name drop out
  assert.deepEqual(counts, { persons: persons.length, complete_cases: persons.filter((p) => p.sex !== null).length });
  const r = compile(variableRowsQuery(compiled), duckdbDialect);
  const events = (await rows(r.sql, r.parameters)).map((x) => x.v2_event);
  assert.ok(events.includes(1) && events.includes(0));
});

test('plan values are bound parameters and names never reach the SQL, in both dialects', () => {
  const hostile: Variables = { 'x"; DROP TABLE person; --': { type: 'death', window: { start: 12345, end: 54321 } } };
  for (const dialect of [duckdbDialect, postgresDialect]) {
    const c = compile(variableRowsQuery(compileVariables(COHORT, hostile)), dialect);
    assert.ok(!c.sql.includes('DROP'));
    assert.ok(!c.sql.includes('12345') && !c.sql.includes('54321'));
    assert.ok(c.parameters.includes(12345) && c.parameters.includes(54321));
  }
});

test('PostgreSQL text: typed placeholders, a portable date window and follow-up end', () => {
  const compiled = compileVariables(COHORT, {
    died: { type: 'death', window: { start: 0, end: 365 } },
    os: { type: 'time_to', event: { type: 'death' }, maxDays: 1825 },
  });
  const { sql, parameters } = compile(variableRowsQuery(compiled), postgresDialect);
  const rawStart = sql.indexOf('"variable_raw" AS (');
  const raw = sql.slice(rawStart, sql.indexOf('"variable_values" AS (')).trim();
  // $1–$4: codeset numbers and concept ids of the cohort; then the death window, then maxDays twice
  assert.deepEqual(parameters.slice(4), [0, 365, 1825, 1825]);
  assert.equal(
    raw,
    [
      `"variable_raw" AS (SELECT "i"."person_id" AS "person_id", "i"."index_date" AS "index_date", ` +
        `CASE WHEN (EXISTS (SELECT 1\nFROM "death" "d"\nWHERE (("d"."person_id" = "i"."person_id") AND ("d"."death_date" BETWEEN ` +
        `(("i"."index_date") + CAST($5::integer AS INTEGER)) AND (("i"."index_date") + CAST($6::integer AS INTEGER)))))) THEN 1 ELSE 0 END AS "v0", ` +
        `(SELECT MIN("d"."death_date")\nFROM "death" "d"\nWHERE (("d"."person_id" = "i"."person_id") AND ("d"."death_date" >= "i"."index_date"))) AS "v1_first", ` +
        `CASE WHEN ("i"."op_end" <= (("i"."index_date") + CAST($7::integer AS INTEGER))) THEN "i"."op_end" ELSE (("i"."index_date") + CAST($8::integer AS INTEGER)) END AS "v1_end"`,
      'FROM "variable_index" "i"',
      'JOIN "person" "p" ON ("p"."person_id" = "i"."person_id")),',
    ].join('\n'),
  );
  assert.ok(sql.includes('CAST(("w"."v1_first") - ("w"."index_date") AS INTEGER)'));
});
