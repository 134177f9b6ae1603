import type { Concept } from '../../client/index.js';
import { validatePlan } from '../../plan/index.js';
import { buildPlan, type IAnalysisForm, type ICohortForm } from './plan-builder.js';
import { expectOk } from '../expect-ok.spec-util.js';

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
  expectOk(result);
  return result.plan;
}

describe('plan-builder', () => {
  it('one concept, count: a plan v1 that validatePlan accepts, persons entering at their first event', () => {
    const plan = ok(buildPlan(cohort(), count));
    expect(validatePlan(plan).ok).toBe(true);
    expect(plan.analysis).toStrictEqual({ kind: 'count' });
    expect(plan.cohort.ConceptSets[0].expression.items[0].concept.CONCEPT_ID).toBe(4163261);
    expect(plan.cohort.ConceptSets[0].expression.items[0].includeDescendants).toBe(true);
    expect(plan.cohort.PrimaryCriteria.CriteriaList).toStrictEqual([{ ConditionOccurrence: { CodesetId: 0 } }]);
    expect(plan.cohort.PrimaryCriteria.PrimaryCriteriaLimit).toStrictEqual({ Type: 'First' });
  });

  it('concepts of one domain share a concept set; each domain gets its own criterion', () => {
    const plan = ok(buildPlan(cohort({ concepts: [prostate, psa, carcinoma] }), count));
    expect(plan.cohort.ConceptSets.length).toBe(2);
    expect(plan.cohort.ConceptSets[0].expression.items.map((i) => i.concept.CONCEPT_ID)).toStrictEqual([4163261, 4116087]);
    expect(plan.cohort.PrimaryCriteria.CriteriaList).toStrictEqual([
      { ConditionOccurrence: { CodesetId: 0 } },
      { Measurement: { CodesetId: 1 } },
    ]);
  });

  it('age range and gender go on every criterion, as Circe ranges and gender concepts', () => {
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
        expect({ ages: `${ageMin}..${ageMax}`, Age: c.Age }).toStrictEqual({ ages: `${ageMin}..${ageMax}`, Age: expected });
        expect((c.Gender as Array<{ CONCEPT_ID: number }> | undefined)?.[0].CONCEPT_ID).toBe(8507);
      }
    }
  });

  it('crosstab keeps the dimensions in the order picked', () => {
    const plan = ok(buildPlan(cohort(), { kind: 'crosstab', by: ['age_group', 'gender'] }));
    expect(plan.analysis).toStrictEqual({ kind: 'crosstab', by: ['age_group', 'gender'] });
  });

  it('an incomplete form names what is missing instead of producing a plan', () => {
    const cases: Array<[string, ICohortForm, IAnalysisForm, RegExp]> = [
      ['no concept', cohort({ concepts: [] }), count, /at least one concept/],
      ['min above max', cohort({ ageMin: 80, ageMax: 40 }), count, /Minimum age is above maximum age/],
      ['negative age', cohort({ ageMin: -1 }), count, /Minimum age must be a whole number/],
      ['unusable domain', cohort({ concepts: [visit] }), count, /Visit domain/],
      ['crosstab without dimension', cohort(), { kind: 'crosstab', by: [] }, /crosstab dimension/],
    ];
    for (const [name, c, a, message] of cases) {
      const result = buildPlan(c, a);
      expect({ name, ok: result.ok }).toEqual({ name, ok: false });
      expect(`${name}: ${!result.ok ? result.problems.map((p) => p.message).join(' | ') : ''}`).toMatch(message);
    }
  });
});
