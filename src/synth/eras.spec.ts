/**
 * The era rules against hand-computed examples, in a real (in-memory) DuckDB holding CDM tables
 * with a handful of rows: OHDSI's 30-day persistence window (20 days apart: one era, 40 days: two,
 * 30 exactly still one), drug eras over ingredients found through concept_ancestor with gap_days,
 * and dose eras split by daily dose.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createTableSql } from './ddl.js';
import { ERA_PERSISTENCE_DAYS, MILLIGRAM, conditionEraSql, doseEraSql, drugEraSql } from './eras.js';

const HYPERTENSION = 320128;
const ACETAMINOPHEN = 1127433; // RxNorm ingredient
const TABLET = 999001; // a clinical drug below it (made up for this test)
const UNMAPPED = 999002; // a drug with no ingredient

let instance: DuckDBInstance;
let conn: DuckDBConnection;

async function rows(sql: string): Promise<Array<Record<string, unknown>>> {
  const reader = await conn.runAndReadAll(sql);
  return reader
    .getRowObjectsJS()
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d));

before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  for (const t of ['condition_occurrence', 'drug_exposure', 'concept', 'concept_ancestor'] as const) {
    await conn.run(createTableSql(t));
  }
  await conn.run(`INSERT INTO concept (concept_id, concept_name, domain_id, vocabulary_id, concept_class_id, standard_concept,
      concept_code, valid_start_date, valid_end_date) VALUES
    (${ACETAMINOPHEN}, 'acetaminophen', 'Drug', 'RxNorm', 'Ingredient', 'S', '161', DATE '1970-01-01', DATE '2099-12-31'),
    (${TABLET}, 'acetaminophen 500 MG Oral Tablet', 'Drug', 'RxNorm', 'Clinical Drug', 'S', '198440', DATE '1970-01-01', DATE '2099-12-31'),
    (${UNMAPPED}, 'a drug without ingredient', 'Drug', 'Local', 'Drug', NULL, 'x', DATE '1970-01-01', DATE '2099-12-31')`);
  await conn.run(`INSERT INTO concept_ancestor VALUES (${ACETAMINOPHEN}, ${TABLET}, 1, 1)`);

  // Conditions have no end date here: each lasts a day (start + 1), as OHDSI's script assumes.
  const condition = (id: number, person: number, start: string) => `(${id}, ${person}, ${HYPERTENSION}, DATE '${start}', 32817)`;
  await conn.run(`INSERT INTO condition_occurrence (condition_occurrence_id, person_id, condition_concept_id,
      condition_start_date, condition_type_concept_id) VALUES
    ${condition(1, 1, '2020-01-01')}, ${condition(2, 1, '2020-01-22')},
    ${condition(3, 2, '2020-01-01')}, ${condition(4, 2, '2020-02-11')},
    ${condition(5, 3, '2020-01-01')}, ${condition(6, 3, '2020-02-01')},
    ${condition(7, 4, '2020-01-01')}, ${condition(8, 4, '2020-02-02')}`);

  const drug = (id: number, person: number, concept: number, start: string, end: string, quantity: number, days: number) =>
    `(${id}, ${person}, ${concept}, DATE '${start}', DATE '${end}', 32817, ${quantity}, ${days})`;
  await conn.run(`INSERT INTO drug_exposure (drug_exposure_id, person_id, drug_concept_id, drug_exposure_start_date,
      drug_exposure_end_date, drug_type_concept_id, quantity, days_supply) VALUES
    ${drug(1, 1, TABLET, '2020-01-01', '2020-01-10', 30, 10)}, ${drug(2, 1, ACETAMINOPHEN, '2020-01-30', '2020-02-08', 30, 10)},
    ${drug(3, 2, TABLET, '2020-01-01', '2020-01-20', 60, 20)}, ${drug(4, 2, TABLET, '2020-01-10', '2020-01-25', 15, 15)},
    ${drug(5, 3, TABLET, '2020-01-01', '2020-01-10', 30, 10)}, ${drug(6, 3, TABLET, '2020-02-19', '2020-02-28', 30, 10)},
    ${drug(7, 4, UNMAPPED, '2020-01-01', '2020-01-10', 30, 10)}`);
});

after(() => {
  conn.closeSync();
  instance.closeSync();
});

test('condition eras: 20 days apart one era, 40 days apart two, 30 days is still inside the window', async () => {
  assert.equal(ERA_PERSISTENCE_DAYS, 30);
  const eras = await rows(`SELECT * FROM (${conditionEraSql()}) ORDER BY person_id, condition_era_start_date`);
  assert.deepEqual(
    eras.map((e) => [e.person_id, day(e.condition_era_start_date), day(e.condition_era_end_date), e.condition_occurrence_count]),
    [
      [1, '2020-01-01', '2020-01-23', 2],
      [2, '2020-01-01', '2020-01-02', 1],
      [2, '2020-02-11', '2020-02-12', 1],
      [3, '2020-01-01', '2020-02-02', 2],
      [4, '2020-01-01', '2020-01-02', 1],
      [4, '2020-02-02', '2020-02-03', 1],
    ],
  );
  assert.ok(eras.every((e) => e.condition_concept_id === HYPERTENSION));
  assert.deepEqual(new Set(eras.map((e) => e.condition_era_id)).size, eras.length, 'era ids are unique');
});

test('drug eras are per ingredient (via concept_ancestor), merge overlaps, count the gap; no ingredient, no era', async () => {
  const eras = await rows(`SELECT * FROM (${drugEraSql()}) ORDER BY person_id, drug_era_start_date`);
  assert.deepEqual(
    eras.map((e) => [
      e.person_id,
      e.drug_concept_id,
      day(e.drug_era_start_date),
      day(e.drug_era_end_date),
      e.drug_exposure_count,
      e.gap_days,
    ]),
    [
      // 20 days between Jan 10 and Jan 30: one era of 38 days, 18 of them covered.
      [1, ACETAMINOPHEN, '2020-01-01', '2020-02-08', 2, 20],
      // Overlapping exposures: one era, no gap.
      [2, ACETAMINOPHEN, '2020-01-01', '2020-01-25', 2, 0],
      // 40 days apart: two eras.
      [3, ACETAMINOPHEN, '2020-01-01', '2020-01-10', 1, 0],
      [3, ACETAMINOPHEN, '2020-02-19', '2020-02-28', 1, 0],
    ],
  );
});

test('dose eras: per ingredient, unit and daily dose (quantity / days supply × strength, in mg)', async () => {
  const eras = await rows(
    `SELECT * FROM (${doseEraSql([{ ingredient: ACETAMINOPHEN, mgPerUnit: 500 }])}) ORDER BY person_id, dose_era_start_date`,
  );
  assert.deepEqual(
    eras.map((e) => [e.person_id, e.unit_concept_id, Number(e.dose_value), day(e.dose_era_start_date), day(e.dose_era_end_date)]),
    [
      [1, MILLIGRAM, 1500, '2020-01-01', '2020-02-08'],
      // 3 tablets a day, then 1: two dose eras that overlap in time.
      [2, MILLIGRAM, 1500, '2020-01-01', '2020-01-20'],
      [2, MILLIGRAM, 500, '2020-01-10', '2020-01-25'],
      [3, MILLIGRAM, 1500, '2020-01-01', '2020-01-10'],
      [3, MILLIGRAM, 1500, '2020-02-19', '2020-02-28'],
    ],
  );
  assert.ok(eras.every((e) => e.drug_concept_id === ACETAMINOPHEN));
  // A drug without a known strength has no dose era.
  assert.deepEqual(await rows(`SELECT * FROM (${doseEraSql([{ ingredient: 1, mgPerUnit: 1 }])})`), []);
});

test('identical exposures on one day give the same eras whatever order they come in', async () => {
  // Duplicates are common (two dispensings on one visit); a ROWS frame once made eras depend on the sort.
  await conn.run(`INSERT INTO drug_exposure (drug_exposure_id, person_id, drug_concept_id, drug_exposure_start_date,
      drug_exposure_end_date, drug_type_concept_id, quantity, days_supply)
    SELECT 100 + i, 9, ${TABLET}, DATE '2021-01-01' + ((i // 3) * 5)::INTEGER, DATE '2021-01-10' + ((i // 3) * 5)::INTEGER, 32817, 30, 10
    FROM range(12) t(i)`);
  const once = await rows(`SELECT * FROM (${drugEraSql()}) WHERE person_id = 9`);
  for (let i = 0; i < 5; i++) assert.deepEqual(await rows(`SELECT * FROM (${drugEraSql()}) WHERE person_id = 9`), once);
  assert.equal(once.length, 1);
  assert.equal(once[0].drug_exposure_count, 12);
  await conn.run('DELETE FROM drug_exposure WHERE person_id = 9');
});
