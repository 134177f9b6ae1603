/**
 * The plans of the flood scenario (issue 11), shared by the abuse and site-fairness tests and the
 * flood benchmark: a small count (the second caller's one-off query) and the crosstab a flood repeats.
 */
export const COUNT = {
  version: 1,
  cohort: {
    ConceptSets: [
      { id: 0, name: 'prostate', expression: { items: [{ concept: { CONCEPT_ID: 4163261 }, includeDescendants: true }] } },
    ],
    PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }], PrimaryCriteriaLimit: { Type: 'First' } },
  },
  analysis: { kind: 'count' },
};

export const CROSSTAB = { ...COUNT, analysis: { kind: 'crosstab', by: ['gender', 'age_group', 'index_year'] } };
