import type { ConceptSet } from '../../circe/types.js';
import { ageGroup, measurementCriterion } from '../cohort-document/cohort-edits.js';
import { correlatedText, criterionText, demographicText, groupHead, limitText, rangeText } from './sentences.js';

const sets: ConceptSet[] = [{ id: 1, name: 'PSA', expression: { items: [] } }];

describe('builder sentences', () => {
  it('read criteria as ATLAS reads them', () => {
    expect(rangeText({ Value: 2, Op: 'bt', Extent: 10 })).toBe('between 2 and 10');
    expect(rangeText({ Value: 50, Op: 'gte' })).toBe('≥ 50');
    expect(correlatedText(measurementCriterion(1, { Value: 4, Op: 'gt' }, null), sets)).toBe(
      'having at least 1 measurement of “PSA”, with value as number > 4, starting between all days before and 0 days after the index start date',
    );
    expect(criterionText({ ConditionOccurrence: { CodesetId: 7, First: true } }, sets)).toBe(
      "condition occurrence of missing concept set 7, for the first time in the person's history",
    );
    expect(demographicText(ageGroup({ Value: 50, Op: 'gte' }).DemographicCriteriaList![0])).toBe('with age ≥ 50');
    expect(groupHead({ Type: 'AT_LEAST', Count: 2 })).toBe('having at least 2 of the following criteria');
    expect(limitText('all', 'events')).toBe('all events');
  });
});
