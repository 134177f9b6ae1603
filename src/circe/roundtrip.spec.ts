/**
 * Lossless import/export of Circe expressions: errors, kept fields, normalisation. The same checks
 * over every OHDSI fixture are in test/conformance/fixture-roundtrip.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FedomopError } from '../errors.js';
import { exportCohortExpression, normalizeCohortExpression, parseCohortExpression } from './roundtrip.js';
import type { CirceExpression } from './types.js';

type Json = any;

function expr(extra: Json = {}): CirceExpression {
  return {
    ConceptSets: [{ id: 0, name: 'x', expression: { items: [{ concept: { CONCEPT_ID: 1, CONCEPT_NAME: 'One' } }] } }],
    PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }] },
    ...extra,
  };
}

test('parse reports broken JSON with its line and column, and refuses an invalid expression with its path', () => {
  assert.throws(
    () => parseCohortExpression('{\n "ConceptSets": {,\n}'),
    (e: unknown) => e instanceof FedomopError && e.code === 'ERR_PLAN_INVALID' && /not JSON.*line 2/.test(e.message),
  );
  const bad = expr({ InclusionRules: [{ name: 'r', expression: { Type: 'ALL', CriteriaList: [{ Criteria: { Death: {} } }] } }] });
  assert.throws(
    () => parseCohortExpression(JSON.stringify(bad)),
    (e: unknown) =>
      e instanceof FedomopError &&
      e.message.startsWith('InclusionRules[0].expression.CriteriaList[0].Occurrence: Occurrence is required'),
  );
});

test('parse keeps concept details and Circe fields fedomop ignores; export writes them back', () => {
  const input = expr({
    Title: 't',
    cdmVersionRange: '>=5.0.0',
    InclusionRules: [{ name: 'r', description: 'd', expression: {} }],
  });
  const text = exportCohortExpression(input);
  const { expression, warnings } = parseCohortExpression('\ufeff' + text);
  assert.deepEqual(expression, input);
  assert.equal(exportCohortExpression(expression), text);
  assert.deepEqual(
    warnings.map((w) => w.path),
    ['InclusionRules[0].expression'],
  );
});

test('normalize folds the spellings circe treats alike', () => {
  const a = normalizeCohortExpression(
    expr({
      PrimaryCriteria: {
        CriteriaList: [
          { ConditionOccurrence: { CodesetId: 0, First: false, ConditionType: [], Age: { Value: 3, Op: 'gt', Extent: 9 } } },
        ],
        PrimaryCriteriaLimit: { Type: 'all' },
      },
      ExpressionLimit: null,
      CollapseSettings: { CollapseType: 'ERA', EraPadUnitValue: 7, EraPadUnit: 'day' },
      AdditionalCriteria: {
        Type: 'at_least',
        Count: 1,
        CriteriaList: [
          {
            Criteria: { DrugExposure: {} },
            StartWindow: { Start: { TimeUnitValue: 30, TimeUnit: 'day', Coeff: -1 }, End: { Days: 0, Coeff: 1 } },
            EndWindow: { Start: { Coeff: -1 }, End: { Coeff: 1 } },
            Occurrence: { Type: 2, Count: 1 },
          },
        ],
      },
      CensorWindow: { StartDate: '', EndDate: null },
    }),
  ) as Json;
  assert.deepEqual(a.PrimaryCriteria.PrimaryCriteriaLimit, { Type: 'All' });
  assert.deepEqual(a.ExpressionLimit, { Type: 'First' });
  assert.deepEqual(a.QualifiedLimit, { Type: 'First' });
  assert.deepEqual(a.PrimaryCriteria.ObservationWindow, { PriorDays: 0, PostDays: 0 });
  assert.deepEqual(a.PrimaryCriteria.CriteriaList[0], { ConditionOccurrence: { CodesetId: 0, Age: { Value: 3, Op: 'gt' } } });
  assert.deepEqual(a.CollapseSettings, { CollapseType: 'ERA', EraPad: 7 });
  assert.equal(a.CensorWindow, undefined);
  assert.deepEqual(a.InclusionRules, []);
  assert.deepEqual(a.CensoringCriteria, []);
  const group = a.AdditionalCriteria;
  assert.equal(group.Type, 'AT_LEAST');
  assert.deepEqual(group.CriteriaList[0], {
    Criteria: { DrugExposure: {} },
    StartWindow: { Start: { Coeff: -1, Days: 30 }, End: { Coeff: 1, Days: 0 }, UseIndexEnd: false, UseEventEnd: false },
    EndWindow: { Start: { Coeff: -1 }, End: { Coeff: 1 }, UseIndexEnd: false, UseEventEnd: true },
    RestrictVisit: false,
    IgnoreObservationPeriod: false,
    Occurrence: { Type: 2, Count: 1, IsDistinct: false },
  });
  assert.equal(a.ConceptSets[0].expression.items[0].concept.CONCEPT_NAME, 'One', 'concept details are kept');
  assert.deepEqual(
    normalizeCohortExpression(expr({ AdditionalCriteria: {} })).AdditionalCriteria,
    { Type: 'ALL', CriteriaList: [], DemographicCriteriaList: [], Groups: [] },
    'an empty AdditionalCriteria stays (circe then applies QualifiedLimit)',
  );
});
