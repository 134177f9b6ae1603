/**
 * The concept table's columns the site reads. Concept search, details and sets live in
 * concept-routes.ts over the in-memory index (src/site/concept-index/, docs/concept-search.md).
 */
export const CONCEPT_COLUMNS = [
  'concept_id',
  'concept_name',
  'domain_id',
  'vocabulary_id',
  'concept_class_id',
  'standard_concept',
  'concept_code',
];
