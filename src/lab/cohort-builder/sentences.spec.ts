import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConceptSet } from '../../circe/types.js';
import { ageGroup, measurementCriterion } from '../cohort-document/cohort-edits.js';
import { correlatedText, criterionText, demographicText, groupHead, limitText, rangeText } from './sentences.js';

const sets: ConceptSet[] = [{ id: 1, name: 'PSA', expression: { items: [] } }];

test('criteria read as ATLAS reads them', () => {
  assert.equal(rangeText({ Value: 2, Op: 'bt', Extent: 10 }), 'between 2 and 10');
  assert.equal(rangeText({ Value: 50, Op: 'gte' }), '≥ 50');
  assert.equal(
    correlatedText(measurementCriterion(1, { Value: 4, Op: 'gt' }, null), sets),
    'having at least 1 measurement of “PSA”, with value as number > 4, starting between all days before and 0 days after the index start date',
  );
  assert.equal(
    criterionText({ ConditionOccurrence: { CodesetId: 7, First: true } }, sets),
    "condition occurrence of missing concept set 7, for the first time in the person's history",
  );
  assert.equal(demographicText(ageGroup({ Value: 50, Op: 'gte' }).DemographicCriteriaList![0]), 'with age ≥ 50');
  assert.equal(groupHead({ Type: 'AT_LEAST', Count: 2 }), 'having at least 2 of the following criteria');
  assert.equal(limitText('all', 'events'), 'all events');
});
