/** The soak's plans (bench/soak.ts, bench/query-footprint.ts): count, crosstab and attrition of three cancer cohorts aged 50+. */
const CONCEPTS = { prostate: 4163261, lung: 443388, breast: 4112853 };

const cohort = (concept: number) => ({
  ConceptSets: [{ id: 0, name: 'c', expression: { items: [{ concept: { CONCEPT_ID: concept }, includeDescendants: true }] } }],
  PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }], PrimaryCriteriaLimit: { Type: 'First' } },
  InclusionRules: [
    {
      name: 'aged 50+',
      expression: { Type: 'ALL', DemographicCriteriaList: [{ Age: { Value: 50, Op: 'gte' } }], CriteriaList: [], Groups: [] },
    },
  ],
});

export const SOAK_PLANS = Object.values(CONCEPTS).flatMap((c) => [
  { version: 1, cohort: cohort(c), analysis: { kind: 'count' } },
  { version: 1, cohort: cohort(c), analysis: { kind: 'crosstab', by: ['gender', 'age_group'] } },
  { version: 1, cohort: cohort(c), analysis: { kind: 'attrition' } },
]);
