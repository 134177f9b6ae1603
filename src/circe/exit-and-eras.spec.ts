/**
 * Exit dates, era collapse, censoring, the censor window, nested criteria, date adjustments and
 * text filters, on a hand-built CDM whose expected cohort rows can be read off the fixture by eye.
 * These are the parts of circe the OHDSI fixtures touch least; expectations follow the semantics
 * in shared/conformance/circe/README.md, written independently of the compiler.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createResultsTablesStatements } from '../generate/results-tables.js';
import { duckdbParameterTypes } from '../node/duckdb-parameter-types.js';
import { duckdbDialect } from '../sql/dialect.js';
import type { CompiledQuery } from '../sql/compiler.js';
import { cohortGenerationStatements } from './generation.js';
import type { CirceExpression } from './types.js';

let conn: DuckDBConnection;

async function run(q: CompiledQuery): Promise<void> {
  await conn.run(q.sql, q.parameters as never, duckdbParameterTypes(q.parameterTypes));
}

before(async () => {
  conn = await (await DuckDBInstance.create(':memory:')).connect();
  await conn.run(`
    CREATE TABLE person (person_id BIGINT, gender_concept_id INTEGER, year_of_birth INTEGER, race_concept_id INTEGER, ethnicity_concept_id INTEGER);
    CREATE TABLE observation_period (observation_period_id BIGINT, person_id BIGINT, observation_period_start_date DATE, observation_period_end_date DATE, period_type_concept_id INTEGER);
    CREATE TABLE condition_occurrence (condition_occurrence_id BIGINT, person_id BIGINT, condition_concept_id INTEGER, condition_start_date DATE,
      condition_end_date DATE, condition_type_concept_id INTEGER, stop_reason VARCHAR, visit_occurrence_id BIGINT, condition_source_concept_id INTEGER);
    CREATE TABLE drug_exposure (drug_exposure_id BIGINT, person_id BIGINT, drug_concept_id INTEGER, drug_exposure_start_date DATE,
      drug_exposure_end_date DATE, days_supply INTEGER, visit_occurrence_id BIGINT, drug_source_concept_id INTEGER);
    CREATE TABLE procedure_occurrence (procedure_occurrence_id BIGINT, person_id BIGINT, procedure_concept_id INTEGER, procedure_date DATE,
      visit_occurrence_id BIGINT, procedure_source_concept_id INTEGER);
    CREATE TABLE measurement (measurement_id BIGINT, person_id BIGINT, measurement_concept_id INTEGER, measurement_date DATE,
      value_as_number DOUBLE, visit_occurrence_id BIGINT, measurement_source_concept_id INTEGER);
    CREATE TABLE concept (concept_id INTEGER, invalid_reason VARCHAR);
    CREATE TABLE concept_ancestor (ancestor_concept_id INTEGER, descendant_concept_id INTEGER);
    CREATE TABLE concept_relationship (concept_id_1 INTEGER, concept_id_2 INTEGER, relationship_id VARCHAR, invalid_reason VARCHAR);
    INSERT INTO concept (concept_id) VALUES (100), (200), (300), (400);
    INSERT INTO person VALUES (1, 8507, 1950, 0, 0), (2, 8532, 1960, 0, 0), (3, 8507, 1970, 0, 0);
    INSERT INTO observation_period VALUES (1, 1, '2019-01-01', '2021-12-31', 0), (2, 2, '2019-01-01', '2021-12-31', 0), (3, 3, '2019-01-01', '2021-12-31', 0);
    -- person 1: three condition 100 episodes; the second starts the day the first ends, the third 5 days after the second ends
    INSERT INTO condition_occurrence VALUES
      (11, 1, 100, '2020-01-01', '2020-01-10', 0, NULL, NULL, 0),
      (12, 1, 100, '2020-01-10', '2020-01-20', 0, NULL, NULL, 0),
      (13, 1, 100, '2020-01-25', '2020-01-30', 0, 'moved 50% away', NULL, 0),
      (21, 2, 100, '2020-03-01', '2020-03-05', 0, 'moved_away', NULL, 0),
      (31, 3, 100, '2020-06-01', NULL, 0, NULL, NULL, 0);
    -- person 2: a procedure 200 that censors; person 3: drug 300 exposures for a custom era
    INSERT INTO procedure_occurrence VALUES (201, 2, 200, '2020-03-03', NULL, 0), (202, 2, 200, '2020-02-01', NULL, 0);
    INSERT INTO drug_exposure VALUES
      (301, 3, 300, '2020-05-20', '2020-06-10', NULL, NULL, 0),
      (302, 3, 300, '2020-06-25', NULL, 10, NULL, 0),
      (303, 3, 300, '2020-09-01', '2020-09-30', NULL, NULL, 0);
    INSERT INTO measurement VALUES (401, 1, 400, '2020-01-27', 1.0, NULL, 0);
  `);
  for (const q of createResultsTablesStatements(duckdbDialect)) await run(q);
});
after(() => conn.closeSync());

const set = (id: number, conceptId: number) => ({
  id,
  name: `set ${id}`,
  expression: { items: [{ concept: { CONCEPT_ID: conceptId } }] },
});

function expression(
  extra: Partial<CirceExpression>,
  criterion: Record<string, unknown> = { ConditionOccurrence: { CodesetId: 0 } },
): CirceExpression {
  return {
    ConceptSets: [set(0, 100), set(1, 200), set(2, 300), set(3, 400)],
    PrimaryCriteria: {
      CriteriaList: [criterion as never],
      ObservationWindow: { PriorDays: 0, PostDays: 0 },
      PrimaryCriteriaLimit: { Type: 'All' },
    },
    ExpressionLimit: { Type: 'All' },
    ...extra,
  };
}

let nextId = 1;
async function cohortRows(e: CirceExpression): Promise<string[]> {
  const cohortId = nextId++;
  for (const q of cohortGenerationStatements(e, duckdbDialect, { cohortId })) await run(q);
  const rows = (
    await conn.runAndReadAll(
      `SELECT subject_id, strftime(cohort_start_date, '%m-%d') AS s, strftime(cohort_end_date, '%m-%d') AS e FROM cohort
       WHERE cohort_definition_id = ${cohortId} ORDER BY subject_id, cohort_start_date`,
    )
  ).getRowObjectsJS();
  return rows.map((r) => `${r.subject_id}:${r.s}..${r.e}`);
}

const endDateExit = { EndStrategy: { DateOffset: { DateField: 'EndDate', Offset: 0 } } };

test('exit at the record end; era pad 0 merges a row starting the day another ends, not one 5 days later', async () => {
  assert.deepEqual(await cohortRows(expression({ ...endDateExit, CollapseSettings: { CollapseType: 'ERA', EraPad: 0 } })), [
    '1:01-01..01-20',
    '1:01-25..01-30',
    '2:03-01..03-05',
    // no end date: a condition ends the day after it starts
    '3:06-01..06-02',
  ]);
});

test('era pad 5 (old field) and EraPadUnitValue 5 days (new fields) both bridge a 5-day gap', async () => {
  const merged = ['1:01-01..01-30', '2:03-01..03-05', '3:06-01..06-02'];
  assert.deepEqual(
    await cohortRows(expression({ ...endDateExit, CollapseSettings: { CollapseType: 'ERA', EraPad: 5 } })),
    merged,
  );
  assert.deepEqual(
    await cohortRows(
      expression({ ...endDateExit, CollapseSettings: { CollapseType: 'ERA', EraPadUnitValue: 5, EraPadUnit: 'day' } }),
    ),
    merged,
  );
});

test('no end strategy: every row ends at the end of its observation period, so a person collapses to one era', async () => {
  assert.deepEqual(await cohortRows(expression({})), ['1:01-01..12-31', '2:03-01..12-31', '3:06-01..12-31']);
});

test('DateOffset from StartDate + 7, capped at the observation period end', async () => {
  assert.deepEqual(await cohortRows(expression({ EndStrategy: { DateOffset: { DateField: 'StartDate', Offset: 7 } } })), [
    // 01-08 is before the next row's 01-10: no merge with pad 0
    '1:01-01..01-08',
    '1:01-10..01-17',
    '1:01-25..02-01',
    '2:03-01..03-08',
    '3:06-01..06-08',
  ]);
});

test('censoring: the first censoring event on or after the index start ends the row; earlier ones do not', async () => {
  const rows = await cohortRows(expression({ CensoringCriteria: [{ ProcedureOccurrence: { CodesetId: 1 } }] as never }));
  // person 2: the procedure on 02-01 is before the index (03-01) and ignored; 03-03 censors
  assert.ok(rows.includes('2:03-01..03-03'), rows.join(' '));
});

test('CustomEra: exposures merge across a gap of up to GapDays; the era holding the index start gives the end', async () => {
  const customEra = (gap: number, offset: number) =>
    expression({ EndStrategy: { CustomEra: { DrugCodesetId: 2, GapDays: gap, Offset: offset } } });
  // drug exposures of person 3: 05-20..06-10, 06-25..07-05 (10 days supply), 09-01..09-30; index 06-01
  assert.ok((await cohortRows(customEra(0, 0))).includes('3:06-01..06-10'), 'gap 0: the first exposure alone');
  assert.ok((await cohortRows(customEra(15, 0))).includes('3:06-01..07-05'), 'gap 15 bridges 06-10 → 06-25');
  assert.ok((await cohortRows(customEra(15, 3))).includes('3:06-01..07-08'), 'offset 3 days after the era end');
  // person 1 has no exposure to drug 300: no era holds the index, so the observation period end applies
  assert.ok((await cohortRows(customEra(0, 0))).includes('1:01-01..12-31'));
});

test('CensorWindow clips starts and ends; rows left empty are dropped; lost persons are counted', async () => {
  const id = nextId;
  const rows = await cohortRows(
    expression({
      ...endDateExit,
      CollapseSettings: { CollapseType: 'ERA', EraPad: 0 },
      CensorWindow: { StartDate: '2020-01-05', EndDate: '2020-03-02' },
    }),
  );
  assert.deepEqual(rows, ['1:01-05..01-20', '1:01-25..01-30', '2:03-01..03-02']);
  const lost = (
    await conn.runAndReadAll(`SELECT lost_count FROM cohort_censor_stats WHERE cohort_definition_id = ${id}`)
  ).getRowObjectsJS();
  assert.deepEqual(
    lost.map((r) => Number(r.lost_count)),
    [1],
    'person 3 (06-01) falls outside the window',
  );
});

test('nested CorrelatedCriteria on a criterion: only records with a measurement within 3 days after count', async () => {
  const nested = {
    ConditionOccurrence: {
      CodesetId: 0,
      CorrelatedCriteria: {
        Type: 'ALL',
        CriteriaList: [
          {
            Criteria: { Measurement: { CodesetId: 3 } },
            StartWindow: { Start: { Days: 0, Coeff: 1 }, End: { Days: 3, Coeff: 1 } },
            Occurrence: { Type: 2, Count: 1 },
          },
        ],
      },
    },
  };
  // the measurement is on 01-27: two days after record 13 (01-25), not within 3 days after 11 or 12
  assert.deepEqual(await cohortRows(expression(endDateExit, nested)), ['1:01-25..01-30']);
});

test('DateAdjustment moves the event dates before anything else sees them', async () => {
  const adjusted = {
    ConditionOccurrence: {
      CodesetId: 0,
      DateAdjustment: { StartWith: 'START_DATE', StartOffset: 1, EndWith: 'START_DATE', EndOffset: 2 },
    },
  };
  assert.deepEqual(await cohortRows(expression(endDateExit, adjusted)), [
    '1:01-02..01-03',
    '1:01-11..01-12',
    '1:01-26..01-27',
    '2:03-02..03-03',
    '3:06-02..06-03',
  ]);
});

test('text filters match % and _ literally', async () => {
  const contains = (Text: string) => ({ ConditionOccurrence: { CodesetId: 0, StopReason: { Text, Op: 'contains' } } });
  assert.deepEqual(await cohortRows(expression(endDateExit, contains('50%'))), ['1:01-25..01-30']);
  assert.deepEqual(await cohortRows(expression(endDateExit, contains('_'))), ['2:03-01..03-05'], '_ is not a wildcard');
  const notStarting = { ConditionOccurrence: { CodesetId: 0, StopReason: { Text: 'moved', Op: '!startsWith' } } };
  assert.deepEqual(await cohortRows(expression(endDateExit, notStarting)), [], 'NULL stop reasons match neither form, as in SQL');
});
