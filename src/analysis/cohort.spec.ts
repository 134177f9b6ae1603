/**
 * Cohort semantics on a hand-built CDM where every expected number can be read off the fixture
 * below by eye. The expectations are written independently of the compiler.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { analysisQuery } from '../analysis/index.js';
import type { Analysis, CirceExpression, ConceptSet, Criterion, Plan } from '../plan/types.js';
import { compile, duckdbDialect } from '../sql/index.js';

let conn: DuckDBConnection;

before(async () => {
  conn = await (await DuckDBInstance.create(':memory:')).connect();
  await conn.run(`
    CREATE TABLE person (person_id BIGINT, gender_concept_id INTEGER, year_of_birth INTEGER);
    CREATE TABLE observation_period (person_id BIGINT, observation_period_start_date DATE, observation_period_end_date DATE);
    CREATE TABLE condition_occurrence (condition_occurrence_id BIGINT, person_id BIGINT, condition_concept_id INTEGER,
      condition_start_date DATE, condition_end_date DATE, condition_source_concept_id INTEGER, visit_occurrence_id BIGINT);
    CREATE TABLE measurement (measurement_id BIGINT, person_id BIGINT, measurement_concept_id INTEGER, measurement_date DATE, value_as_number DOUBLE, visit_occurrence_id BIGINT);
    CREATE TABLE concept (concept_id INTEGER, concept_name VARCHAR, invalid_reason VARCHAR);
    CREATE TABLE concept_ancestor (ancestor_concept_id INTEGER, descendant_concept_id INTEGER);
    CREATE TABLE concept_relationship (concept_id_1 INTEGER, concept_id_2 INTEGER, relationship_id VARCHAR, invalid_reason VARCHAR);
    INSERT INTO concept (concept_id, concept_name) VALUES (443392,'malignant'),(4163261,'prostate'),(200962,'primary prostate'),(4112853,'breast'),(201826,'T2DM'),(3013603,'PSA'),(45000001,'ICD10 C61');
    INSERT INTO concept_ancestor VALUES (443392,443392),(4163261,4163261),(200962,200962),(4112853,4112853),(201826,201826),(3013603,3013603),
      (443392,4163261),(443392,200962),(4163261,200962),(443392,4112853);
    INSERT INTO concept_relationship VALUES (45000001, 4163261, 'Maps to', NULL);
    INSERT INTO person VALUES (1, 8507, 1950), (2, 8532, 1980), (3, 8507, 1940), (4, 8507, 1960), (5, 8507, 1955);
    INSERT INTO observation_period VALUES (1,'2010-01-01','2020-12-31'), (2,'2015-01-01','2020-12-31'), (3,'2000-01-01','2005-12-31'),
      (4,'2010-01-01','2020-12-31'), (5,'2010-01-01','2020-12-31');
    INSERT INTO condition_occurrence (condition_occurrence_id, person_id, condition_concept_id, condition_start_date, condition_end_date, condition_source_concept_id) VALUES
      (10, 1, 200962, '2012-05-01', NULL, 0), (11, 1, 200962, '2015-01-01', NULL, 0), (12, 1, 201826, '2011-01-01', NULL, 0),
      (20, 2, 4112853, '2015-01-10', NULL, 0),
      (30, 3, 200962, '2008-01-01', NULL, 0),
      (40, 4, 4163261, '2016-03-03', NULL, 0),
      (50, 5, 45000001, '2017-07-07', NULL, 45000001);
    INSERT INTO measurement (measurement_id, person_id, measurement_concept_id, measurement_date, value_as_number) VALUES (60, 1, 3013603, '2013-01-01', 3.5), (61, 1, 3013603, '2014-01-01', 12.0), (62, 4, 3013603, '2016-01-01', 4.2);
  `);
});
after(() => conn.closeSync());

const item = (id: number, opts: { desc?: boolean; excluded?: boolean; mapped?: boolean } = {}) => ({
  concept: { CONCEPT_ID: id },
  includeDescendants: opts.desc ?? false,
  isExcluded: opts.excluded ?? false,
  includeMapped: opts.mapped ?? false,
});
const set = (id: number, items: ConceptSet['expression']['items']): ConceptSet => ({
  id,
  name: `set ${id}`,
  expression: { items },
});

function cohort(
  sets: ConceptSet[],
  criteria: Criterion[],
  limit = 'All',
  window = { PriorDays: 0, PostDays: 0 },
): CirceExpression {
  return {
    ConceptSets: sets,
    PrimaryCriteria: { CriteriaList: criteria, ObservationWindow: window, PrimaryCriteriaLimit: { Type: limit as 'All' } },
    ExpressionLimit: { Type: 'All' },
  };
}

async function run(expr: CirceExpression, analysis: Analysis = { kind: 'count' }) {
  const plan: Plan = { version: 1, cohort: expr, analysis };
  const c = compile(analysisQuery(plan), duckdbDialect);
  const rows = (await conn.runAndReadAll(c.sql, c.parameters as never)).getRowObjectsJS();
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

const cancer = [set(0, [item(443392, { desc: true })])];

test('descendants, observation periods and limit All: events outside an observation period do not count', async () => {
  // persons 1 (2 events), 2, 4; person 3's event lies outside their observation period
  assert.deepEqual(await run(cohort(cancer, [{ ConditionOccurrence: { CodesetId: 0 } }])), [{ persons: 3, events: 4 }]);
});

test('PrimaryCriteriaLimit First keeps one event per person; Last too', async () => {
  assert.deepEqual(await run(cohort(cancer, [{ ConditionOccurrence: { CodesetId: 0 } }], 'First')), [{ persons: 3, events: 3 }]);
  assert.deepEqual(await run(cohort(cancer, [{ ConditionOccurrence: { CodesetId: 0 } }], 'last')), [{ persons: 3, events: 3 }]);
});

test('ExpressionLimit left out means First (circe default); Last picks the latest event', async () => {
  const all = cohort(cancer, [{ ConditionOccurrence: { CodesetId: 0 } }]);
  const { ExpressionLimit: _omitted, ...defaulted } = all;
  assert.deepEqual(await run(defaulted as CirceExpression), [{ persons: 3, events: 3 }]);
  // person 1's latest event is 2015: by index year, Last puts them in 2015, First in 2012
  const byYear: Analysis = { kind: 'crosstab', by: ['index_year'] };
  const last = await run({ ...all, ExpressionLimit: { Type: 'Last' } }, byYear);
  const first = await run({ ...all, ExpressionLimit: { Type: 'First' } }, byYear);
  assert.deepEqual(
    last.map((r) => r.index_year),
    [2015, 2016],
  );
  assert.deepEqual(
    first.map((r) => r.index_year),
    [2012, 2015, 2016],
  );
  // QualifiedLimit acts only when AdditionalCriteria is present, even as an empty group
  const emptyGroup = { Type: 'ALL', CriteriaList: [], DemographicCriteriaList: [], Groups: [] };
  const qualifiedLast = await run({ ...all, QualifiedLimit: { Type: 'Last' } }, byYear);
  assert.equal(qualifiedLast.length, 3, 'ignored without AdditionalCriteria');
  const withGroup = await run({ ...all, AdditionalCriteria: emptyGroup, QualifiedLimit: { Type: 'Last' } }, byYear);
  assert.deepEqual(
    withGroup.map((r) => r.index_year),
    [2015, 2016],
  );
});

test('ObservationWindow prior days drops events too close to the start of observation', async () => {
  // person 2's event is 9 days after their observation starts
  const expr = cohort(cancer, [{ ConditionOccurrence: { CodesetId: 0 } }], 'All', { PriorDays: 30, PostDays: 0 });
  assert.deepEqual(await run(expr), [{ persons: 2, events: 3 }]);
});

test('excluded items (with descendants) are removed from the concept set', async () => {
  const sets = [set(0, [item(443392, { desc: true }), item(4163261, { desc: true, excluded: true })])];
  assert.deepEqual(await run(cohort(sets, [{ ConditionOccurrence: { CodesetId: 0 } }])), [{ persons: 1, events: 1 }]);
});

test('includeMapped brings in source concepts that map to the set', async () => {
  const plain = [set(0, [item(4163261)])];
  const mapped = [set(0, [item(4163261, { mapped: true })])];
  assert.deepEqual(await run(cohort(plain, [{ ConditionOccurrence: { CodesetId: 0 } }])), [{ persons: 1, events: 1 }]);
  assert.deepEqual(await run(cohort(mapped, [{ ConditionOccurrence: { CodesetId: 0 } }])), [{ persons: 2, events: 2 }]);
});

test('Age (year difference at the event) and Gender filter events', async () => {
  const old = cohort(cancer, [{ ConditionOccurrence: { CodesetId: 0, Age: { Value: 60, Op: 'gte' } } }]);
  assert.deepEqual(await run(old), [{ persons: 1, events: 2 }]);
  const women = cohort(cancer, [{ ConditionOccurrence: { CodesetId: 0, Gender: [{ CONCEPT_ID: 8532 }] } }]);
  assert.deepEqual(await run(women), [{ persons: 1, events: 1 }]);
  const between = cohort(cancer, [{ ConditionOccurrence: { CodesetId: 0, Age: { Value: 30, Op: 'bt', Extent: 60 } } }]);
  assert.deepEqual(await run(between), [{ persons: 2, events: 2 }]);
});

test('First is applied before the other attribute filters, as circe-be does', async () => {
  // person 1's first prostate event (2012) fails the date filter, so person 1 drops out entirely
  const expr = cohort(cancer, [
    { ConditionOccurrence: { CodesetId: 0, First: true, OccurrenceStartDate: { Value: '2013-01-01', Op: 'gt' } } },
  ]);
  assert.deepEqual(await run(expr), [{ persons: 2, events: 2 }]);
});

test('a criterion without CodesetId matches every record of its domain', async () => {
  assert.deepEqual(await run(cohort([], [{ ConditionOccurrence: {} }])), [{ persons: 4, events: 6 }]);
});

test('measurement value filter and a union of criteria', async () => {
  const psa = [set(1, [item(3013603)])];
  const high = cohort(psa, [{ Measurement: { CodesetId: 1, ValueAsNumber: { Value: 4, Op: 'gt' } } }]);
  assert.deepEqual(await run(high), [{ persons: 2, events: 2 }]);
  const both = cohort(
    [...cancer, ...psa],
    [{ ConditionOccurrence: { CodesetId: 0 } }, { Measurement: { CodesetId: 1, ValueAsNumber: { Value: 4, Op: 'gt' } } }],
    'First',
  );
  assert.deepEqual(await run(both), [{ persons: 3, events: 3 }]);
});

test('crosstab counts a person once, in the cell of their earliest event', async () => {
  const rows = await run(cohort(cancer, [{ ConditionOccurrence: { CodesetId: 0 } }]), {
    kind: 'crosstab',
    by: ['gender', 'age_group', 'index_year'],
  });
  assert.deepEqual(rows, [
    { gender: 'FEMALE', age_group: '30-39', index_year: 2015, persons: 1, events: 1 },
    { gender: 'MALE', age_group: '50-59', index_year: 2016, persons: 1, events: 1 },
    { gender: 'MALE', age_group: '60-69', index_year: 2012, persons: 1, events: 1 },
    { gender: 'MALE', age_group: '60-69', index_year: 2015, persons: 0, events: 1 },
  ]);
});
