import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalPlan } from '../node/plan-hash.js';
import { validatePlan } from '../plan/index.js';
import { checkSubmittedPlan, rememberBodyText } from './plan-memo.js';

const plan = (days: number, analysis: object = { kind: 'count' }) => ({
  version: 1,
  cohort: {
    ConceptSets: [{ id: 0, name: 'c', expression: { items: [{ concept: { CONCEPT_ID: 4163261 }, includeDescendants: true }] } }],
    PrimaryCriteria: {
      CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }],
      ObservationWindow: { PriorDays: days, PostDays: 0 },
      PrimaryCriteriaLimit: { Type: 'All' },
    },
  },
  analysis,
});
/** What the hub's body parser does: parse the text and remember it. */
const body = (value: object) => {
  const text = JSON.stringify(value);
  const parsed = JSON.parse(text) as { plan: unknown };
  rememberBodyText(parsed, text);
  return parsed;
};

test('a body text submitted again gives what validating and hashing give, frozen', () => {
  for (let round = 0; round < 2; round++) {
    for (const days of [0, 365]) {
      const got = checkSubmittedPlan(body({ plan: plan(days) }));
      const want = validatePlan(plan(days));
      assert.ok(got.ok && want.ok);
      assert.deepEqual(got.plan, want.plan, `days ${days}, round ${round}`);
      assert.deepEqual(got.warnings, want.warnings);
      assert.deepEqual({ json: got.json, hash: got.hash }, canonicalPlan(want.plan));
      assert.ok(Object.isFrozen(got.plan.cohort));
    }
  }
});

test('refusals and rounds kinds are read afresh every time', () => {
  for (let i = 0; i < 2; i++) {
    const bad = checkSubmittedPlan(body({ plan: plan(-5) }));
    assert.equal(bad.ok, false);
  }
  const summary = { kind: 'summary', variables: { age: { type: 'age_at_index' } }, of: ['age'] };
  const first = checkSubmittedPlan(body({ plan: plan(0, summary) }));
  assert.ok(first.ok, JSON.stringify(first));
  assert.equal(Object.isFrozen(first.plan), false);
});
