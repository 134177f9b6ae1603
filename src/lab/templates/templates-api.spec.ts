import type { CirceExpression } from '../../circe/types.js';
import { cohortChoices, describeChoice } from './templates-api.js';

const cohort = { ConceptSets: [], PrimaryCriteria: { CriteriaList: [] } } as unknown as CirceExpression;

describe('templates-api', () => {
  it('a selected .cohort.json comes first, then the panel’s cohort, the sample always last', () => {
    const choices = cohortChoices(['study/lung.cohort.json', 'notes.md', 'b.cohort.json'], cohort);
    expect(choices.map((c) => c.kind)).toStrictEqual(['file', 'file', 'panel', 'sample']);
    expect(choices.map(describeChoice).slice(0, 2)).toStrictEqual(['study/lung.cohort.json', 'b.cohort.json']);
  });

  it('without a selection or a panel the sample is the only choice', () => {
    expect(cohortChoices(['a.ipynb'], null)).toStrictEqual([{ kind: 'sample' }]);
  });
});
