/** A cohort and variables of every type, shared by the variables spec and the PostgreSQL test. */
import type { CirceExpression } from '../../circe/types.js';
import type { Variables } from './types.js';

const item = (id: number, includeDescendants = false) => ({ concept: { CONCEPT_ID: id }, includeDescendants });

// Any cancer (malignant neoplasm and descendants) as the entry event; every event counts, the
// variables take the first one per person.
export const COHORT: CirceExpression = {
  ConceptSets: [
    { id: 0, name: 'cancer', expression: { items: [item(443392, true)] } },
    { id: 1, name: 'PSA', expression: { items: [item(3013603)] } },
  ],
  PrimaryCriteria: {
    CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }],
    ObservationWindow: { PriorDays: 0, PostDays: 0 },
    PrimaryCriteriaLimit: { Type: 'All' },
  },
  ExpressionLimit: { Type: 'All' },
} as CirceExpression;

const ANTIANDROGEN = { items: [item(40239056), item(42900250)] };
const BIOPSY = { items: [item(4278515), item(4047494)] };

export const VARIABLES: Variables = {
  age: { type: 'age_at_index' },
  year: { type: 'index_year' },
  sex: { type: 'gender' },
  psa_latest: { type: 'measurement', conceptSet: 1, window: { start: -365, end: 0 }, pick: 'latest' },
  psa_first: { type: 'measurement', conceptSet: 1, window: { start: -730, end: 30 }, pick: 'first' },
  psa_mean: { type: 'measurement', conceptSet: 1, window: { start: -730, end: 30 }, pick: 'mean' },
  psa_max: { type: 'measurement', conceptSet: 1, window: { start: -730, end: 30 }, pick: 'max' },
  psa_min: { type: 'measurement', conceptSet: 1, window: { start: -730, end: 30 }, pick: 'min' },
  hb_mean: { type: 'measurement', conceptSet: { items: [item(3000963)] }, window: { start: -180, end: 180 }, pick: 'mean' },
  antiandrogen: { type: 'occurrence', domain: 'drug', conceptSet: ANTIANDROGEN, window: { start: 0, end: 365 } },
  biopsy: { type: 'occurrence', domain: 'procedure', conceptSet: BIOPSY, window: { start: -90, end: 90 } },
  visits: {
    type: 'count_occurrences',
    domain: 'visit',
    conceptSet: { items: [item(9201), item(9202), item(9203)] },
    window: { start: -365, end: -1 },
  },
  psa_tests: { type: 'count_occurrences', domain: 'measurement', conceptSet: 1, window: { start: 0, end: 730 } },
  cancer_again: { type: 'occurrence', domain: 'condition', conceptSet: 0, window: { start: 1, end: 3650 } },
  died_1y: { type: 'death', window: { start: 0, end: 365 } },
  os: { type: 'time_to', event: { type: 'death' }, maxDays: 1825 },
  to_antiandrogen: { type: 'time_to', event: { type: 'occurrence', domain: 'drug', conceptSet: ANTIANDROGEN }, maxDays: 3650 },
};
