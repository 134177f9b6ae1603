import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CirceExpression } from '../../circe/types.js';
import { cohortChoices, describeChoice } from './templates-api.js';

const cohort = { ConceptSets: [], PrimaryCriteria: { CriteriaList: [] } } as unknown as CirceExpression;

test('a selected .cohort.json comes first, then the panel’s cohort, the sample always last', () => {
  const choices = cohortChoices(['study/lung.cohort.json', 'notes.md', 'b.cohort.json'], cohort);
  assert.deepEqual(
    choices.map((c) => c.kind),
    ['file', 'file', 'panel', 'sample'],
  );
  assert.deepEqual(choices.map(describeChoice).slice(0, 2), ['study/lung.cohort.json', 'b.cohort.json']);
});

test('without a selection or a panel the sample is the only choice', () => {
  assert.deepEqual(cohortChoices(['a.ipynb'], null), [{ kind: 'sample' }]);
});
