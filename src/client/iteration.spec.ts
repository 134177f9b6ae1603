import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iterationLabel } from './iteration.js';

test("a GLM's null-model rounds are named as such, not as more iterations of the model", () => {
  assert.equal(
    iterationLabel({ round: 3, kind: 'glm', model: 'full', iteration: 3, modelIterations: 3, nullIterations: 0 }),
    'glm iteration 3',
  );
  assert.equal(
    iterationLabel({ round: 8, kind: 'glm', model: 'null', iteration: 2, modelIterations: 6, nullIterations: 2 }),
    'glm null model iteration 2 (model: 6 iterations)',
  );
  // Hubs that send only the round (and other kinds' rounds) read as before.
  assert.equal(iterationLabel({ round: 4, kind: 'quantile' }), 'quantile iteration 4');
});
