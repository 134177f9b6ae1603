import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FedomopError } from '../errors.js';
import { planHashSync } from '../node/plan-hash.js';
import { parsePlan } from '../plan/index.js';
import { keptPlans, readPlan } from './plan-memo.js';

const text = (days: number) =>
  JSON.stringify({
    version: 1,
    cohort: {
      ConceptSets: [
        { id: 0, name: 'c', expression: { items: [{ concept: { CONCEPT_ID: 4163261 }, includeDescendants: true }] } },
      ],
      PrimaryCriteria: {
        CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }],
        ObservationWindow: { PriorDays: days, PostDays: 0 },
        PrimaryCriteriaLimit: { Type: 'All' },
      },
    },
    analysis: { kind: 'count' },
  });

test('a text read again gives what reading gives: the same plan and hash, frozen', () => {
  for (let round = 0; round < 2; round++) {
    for (const days of [0, 365, 366]) {
      const got = readPlan(text(days));
      const plan = parsePlan(text(days));
      assert.deepEqual(got.plan, plan, `days ${days}, round ${round}`);
      assert.equal(got.hash, planHashSync(plan));
    }
  }
  assert.notEqual(readPlan(text(365)).hash, readPlan(text(366)).hash);
  assert.ok(Object.isFrozen(readPlan(text(0)).plan.cohort.PrimaryCriteria.ObservationWindow));
});

test('a bad text is refused every time, never kept', () => {
  for (let i = 0; i < 2; i++) {
    assert.throws(
      () => readPlan('{"version": 1'),
      (err: FedomopError) => err.code === 'ERR_PLAN_INVALID',
    );
    assert.throws(
      () => readPlan(text(-5)),
      (err: FedomopError) => err.code === 'ERR_PLAN_INVALID',
    );
  }
});

test('kept plans are bounded by weight too: texts near 64 KiB push out the least recently used', () => {
  // One concept set of many items makes a valid plan text just under the 64 KiB kept at most.
  const items = (from: number) =>
    Array.from({ length: 900 }, (_, i) => ({ concept: { CONCEPT_ID: from + i }, includeDescendants: true }));
  const large = (n: number) => {
    const plan = JSON.parse(text(n)) as { cohort: { ConceptSets: Array<{ expression: { items: unknown[] } }> } };
    plan.cohort.ConceptSets[0].expression.items = items(1_000_000 + n * 1000);
    return JSON.stringify(plan);
  };
  assert.ok(large(0).length > 40 * 1024 && large(0).length <= 64 * 1024, `${large(0).length} chars`);
  for (let n = 0; n < 128; n++) readPlan(large(n));
  const { count, bytes } = keptPlans();
  assert.ok(bytes <= 8 * 1024 * 1024, `${bytes} bytes kept`);
  assert.ok(count < 64, `${count} plans kept: the weight, not the count of 128, bounds them`);
  assert.deepEqual(readPlan(large(127)).plan, parsePlan(large(127)));
});
