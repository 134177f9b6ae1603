import type { Concept } from '../../client/index.js';
import { validatePlan } from '../../plan/index.js';
import { buildPlan, type ICohortForm } from './plan-builder.js';
import { expectOk, expectNotOk } from '../expect-ok.spec-util.js';
import { defaultStatsForm, namesFor, statsAnalysis, variableForm, type IStatsForm, type StatsKind } from './stats-form.js';

const lung: Concept = {
  conceptId: 443388,
  name: 'Malignant tumor of lung',
  domain: 'Condition',
  vocabulary: 'SNOMED',
  standard: true,
  code: '363358000',
};
const cohort: ICohortForm = { concepts: [lung], ageMin: null, ageMax: null, gender: 'any' };

function plan(kind: StatsKind, change: Partial<IStatsForm> = {}) {
  return buildPlan(cohort, { kind, by: [], stats: { ...defaultStatsForm(), ...change } });
}

describe('stats-form', () => {
  it('KM by gender from the default form: the time_to and gender variables, strata, 30-day bins — a valid plan', () => {
    const built = plan('km');
    expectOk(built);
    expect(built.plan.analysis).toEqual({
      kind: 'km',
      variables: { survival: { type: 'time_to', event: { type: 'death' }, maxDays: 1825 }, gender: { type: 'gender' } },
      time: 'survival',
      strata: 'gender',
      binDays: 30,
    });
  });

  it('logistic GLM from the default form: death within a year on age and gender; only used variables are sent', () => {
    const built = plan('glm');
    expectOk(built);
    expect(built.plan.analysis).toEqual({
      kind: 'glm',
      variables: {
        death_1y: { type: 'death', window: { start: 0, end: 365 } },
        age: { type: 'age_at_index' },
        gender: { type: 'gender' },
      },
      family: 'binomial',
      outcome: 'death_1y',
      covariates: ['age', 'gender'],
    });
    const more = plan('glm', { offset: null, onRefusal: 'continue', family: 'poisson' });
    expectOk(more);
    expect((more.plan.analysis as { onRefusal?: string }).onRefusal).toBe('continue');
  });

  it('summary of a measurement: the concept id becomes an inline concept set with descendants; by gender', () => {
    const psa = variableForm('psa', 'measurement', { conceptId: 4272032, windowStart: -180, windowEnd: 0, pick: 'mean' });
    const built = plan('summary', { variables: [...defaultStatsForm().variables, psa], of: ['age', 'psa'], by: 'gender' });
    expectOk(built);
    expect(built.plan.analysis).toEqual({
      kind: 'summary',
      variables: {
        age: { type: 'age_at_index' },
        psa: {
          type: 'measurement',
          conceptSet: {
            items: [{ concept: { CONCEPT_ID: 4272032 }, includeDescendants: true, isExcluded: false, includeMapped: false }],
          },
          window: { start: -180, end: 0 },
          pick: 'mean',
        },
        gender: { type: 'gender' },
      },
      of: ['age', 'psa'],
      by: 'gender',
    });
  });

  it('histogram: edges when given (and then no bins), else bins', () => {
    const withEdges = plan('histogram', { edges: '40, 50,60,70' });
    expectOk(withEdges);
    expect(withEdges.plan.analysis).toEqual({
      kind: 'histogram',
      variables: { age: { type: 'age_at_index' } },
      of: 'age',
      edges: [40, 50, 60, 70],
    });
    const withBins = plan('histogram', { bins: 12 });
    expectOk(withBins);
    expect((withBins.plan.analysis as { bins?: number }).bins).toBe(12);
  });

  it('incomplete forms say what is missing, by path; a half-filled unused variable does not block', () => {
    const unusedBroken = [...defaultStatsForm().variables, variableForm('psa', 'measurement')];
    // psa is not used by the KM
    expectOk(plan('km', { variables: unusedBroken }));
    const cases: Array<[StatsKind, Partial<IStatsForm>, string, RegExp]> = [
      ['glm', { covariates: [] }, 'analysis.covariates', /at least one covariate/],
      ['glm', { covariates: ['age', 'death_1y'] }, 'analysis.covariates', /outcome cannot also be a covariate/],
      ['summary', { variables: unusedBroken, of: ['psa'] }, 'analysis.variables.psa.conceptSet', /standard concept id/],
      ['histogram', { edges: '10, 5' }, 'analysis.edges', /ascending/],
      ['km', { time: null }, 'analysis.time', /time-to-event/],
      ['summary', { of: ['nope'] }, 'analysis.variables', /No variable is named "nope"/],
      [
        'summary',
        { variables: [...defaultStatsForm().variables, variableForm('age', 'index_year')] },
        'analysis.variables.age',
        /Two variables/,
      ],
    ];
    for (const [kind, change, path, message] of cases) {
      const built = statsAnalysis(kind, { ...defaultStatsForm(), ...change });
      expectNotOk(built);
      expect(built.problems.filter((p) => p.path === path && message.test(p.message))).toHaveLength(1);
    }
  });

  it('roles offer only fitting variables: a binomial outcome is binary, a KM time is a time_to, strata categorical', () => {
    const form = defaultStatsForm();
    expect(namesFor(form, 'outcome')).toEqual(['death_1y']);
    expect(namesFor({ ...form, family: 'gaussian' }, 'outcome')).toEqual(['age', 'death_1y']);
    expect(namesFor(form, 'time')).toEqual(['survival']);
    expect(namesFor(form, 'strata')).toEqual(['gender', 'death_1y']);
    expect(namesFor(form, 'histogram')).toEqual(['age']);
  });

  it('every default-form plan passes the validator the hub runs', () => {
    for (const kind of ['summary', 'histogram', 'glm', 'km'] as const) {
      const built = plan(kind);
      expectOk(built);
      expectOk(validatePlan(built.plan));
    }
  });
});
