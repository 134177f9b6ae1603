import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planHash } from '../plan/index.js';
import { COUNT_PLAN, PLAN } from '../hub/hub-client.spec-util.js';
import { planHashSync } from './plan-hash.js';

test("the services' synchronous plan hash equals the plan module's planHash", async () => {
  const unicode = {
    ...PLAN,
    cohort: { ...PLAN.cohort, ConceptSets: [{ ...PLAN.cohort.ConceptSets[0], name: 'Prostata-Krebs ü 前列腺 😀' }] },
  };
  for (const plan of [PLAN, COUNT_PLAN, unicode]) assert.equal(planHashSync(plan), await planHash(plan));
  assert.notEqual(planHashSync(PLAN), planHashSync(COUNT_PLAN));
});
