import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Concept } from '../../client/index.js';
import { validatePlan } from '../../plan/index.js';
import { buildPlan, type IAnalysisForm, type ICohortForm } from './plan-builder.js';

const prostate: Concept = {
  conceptId: 4163261,
  name: 'Malignant tumor of prostate',
  domain: 'Condition',
  vocabulary: 'SNOMED',
  standard: true,
  code: '399068003',
};
const carcinoma: Concept = {
  conceptId: 4116087,
  name: 'Carcinoma of prostate',
  domain: 'Condition',
  vocabulary: 'SNOMED',
  standard: true,
  code: '254900004',
};
const psa: Concept = {
  conceptId: 4272032,
  name: 'Prostate specific antigen measurement',
  domain: 'Measurement',
  vocabulary: 'SNOMED',
  standard: true,
  code: '63476009',
};
const visit: Concept = {
  conceptId: 9201,
  name: 'Inpatient visit',
  domain: 'Visit',
  vocabulary: 'Visit',
  standard: 'S',
  code: 'IP',
};

const cohort = (change: Partial<ICohortForm> = {}): ICohortForm => ({
  concepts: [prostate],
  ageMin: null,
  ageMax: null,
  gender: 'any',
  ...change,
});
const count: IAnalysisForm = { kind: 'count', by: [] };

function ok(result: ReturnType<typeof buildPlan>) {
  assert.ok(result.ok, `expected a plan, got problems: ${JSON.stringify(!result.ok && result.problems)}`);
  return result.plan;
}

test('one concept, count: a plan v1 that validatePlan accepts, persons entering at their first event', () => {
  const plan = ok(buildPlan(cohort(), count));
  assert.equal(validatePlan(plan).ok, true);
  assert.deepEqual(plan.analysis, { kind: 'count' });
  assert.equal(plan.cohort.ConceptSets[0].expression.items[0].concept.CONCEPT_ID, 4163261);
  assert.equal(plan.cohort.ConceptSets[0].expression.items[0].includeDescendants, true);
  assert.deepEqual(plan.cohort.PrimaryCriteria.CriteriaList, [{ ConditionOccurrence: { CodesetId: 0 } }]);
  assert.deepEqual(plan.cohort.PrimaryCriteria.PrimaryCriteriaLimit, { Type: 'First' });
});

test('concepts of one domain share a concept set; each domain gets its own criterion', () => {
  const plan = ok(buildPlan(cohort({ concepts: [prostate, psa, carcinoma] }), count));
  assert.equal(plan.cohort.ConceptSets.length, 2);
  assert.deepEqual(
    plan.cohort.ConceptSets[0].expression.items.map((i) => i.concept.CONCEPT_ID),
    [4163261, 4116087],
  );
  assert.deepEqual(plan.cohort.PrimaryCriteria.CriteriaList, [
    { ConditionOccurrence: { CodesetId: 0 } },
    { Measurement: { CodesetId: 1 } },
  ]);
});

test('age range and gender go on every criterion, as Circe ranges and gender concepts', () => {
  const cases: Array<[number | null, number | null, unknown]> = [
    [50, 70, { Value: 50, Op: 'bt', Extent: 70 }],
    [50, null, { Value: 50, Op: 'gte' }],
    [null, 70, { Value: 70, Op: 'lte' }],
    [60, 60, { Value: 60, Op: 'eq' }],
  ];
  for (const [ageMin, ageMax, expected] of cases) {
    const plan = ok(buildPlan(cohort({ ageMin, ageMax, gender: 'male', concepts: [prostate, psa] }), count));
    for (const criterion of plan.cohort.PrimaryCriteria.CriteriaList) {
      const c = Object.values(criterion)[0]!;
      assert.deepEqual(c.Age, expected, `ages ${ageMin}..${ageMax}`);
      assert.equal((c.Gender as Array<{ CONCEPT_ID: number }> | undefined)?.[0].CONCEPT_ID, 8507);
    }
  }
});

test('crosstab keeps the dimensions in the order picked', () => {
  const plan = ok(buildPlan(cohort(), { kind: 'crosstab', by: ['age_group', 'gender'] }));
  assert.deepEqual(plan.analysis, { kind: 'crosstab', by: ['age_group', 'gender'] });
});

test('an incomplete form names what is missing instead of producing a plan', () => {
  const cases: Array<[string, ICohortForm, IAnalysisForm, RegExp]> = [
    ['no concept', cohort({ concepts: [] }), count, /at least one concept/],
    ['min above max', cohort({ ageMin: 80, ageMax: 40 }), count, /Minimum age is above maximum age/],
    ['negative age', cohort({ ageMin: -1 }), count, /Minimum age must be a whole number/],
    ['unusable domain', cohort({ concepts: [visit] }), count, /Visit domain/],
    ['crosstab without dimension', cohort(), { kind: 'crosstab', by: [] }, /crosstab dimension/],
  ];
  for (const [name, c, a, message] of cases) {
    const result = buildPlan(c, a);
    assert.equal(result.ok, false, name);
    assert.match(!result.ok ? result.problems.map((p) => p.message).join(' | ') : '', message, name);
  }
});
