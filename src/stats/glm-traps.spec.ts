import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GlmRow } from './glm-site.js';
import { glmTraps } from './glm-traps.js';
import { rng } from './random.spec-util.js';

function rows(n: number, seed = 3): GlmRow[] {
  const u = rng(seed);
  // intercept, age, a three-level factor as two dummies (columns 2, 3), y binary
  return Array.from({ length: n }, (_, i) => {
    const level = i % 3;
    return { x: [1, 40 + Math.floor(u() * 40), level === 1 ? 1 : 0, level === 2 ? 1 : 0], y: u() < 0.4 ? 1 : 0 };
  });
}

const rules = (r: ReturnType<typeof glmTraps>) => r.map((t) => t.rule);

test('a well-posed fit passes every trap', () => {
  assert.deepEqual(glmTraps(rows(300), { k: 5, family: 'binomial', categorical: { stage: [2, 3] } }), []);
});

test('parameters above ⅓ of n are refused', () => {
  assert.deepEqual(rules(glmTraps(rows(11), { k: 1, family: 'gaussian' })), ['too-many-parameters']);
  assert.deepEqual(glmTraps(rows(12), { k: 1, family: 'gaussian' }), []); // 4 = 12 / 3
});

test('a binomial outcome level under k is refused, naming the rule and no count', () => {
  const r = rows(300).map((row, i) => ({ ...row, y: i < 4 ? 1 : 0 }));
  const traps = glmTraps(r, { k: 5, family: 'binomial' });
  assert.deepEqual(rules(traps), ['outcome-level-below-k']);
  assert.ok(!/\b4\b/.test(traps[0].message));
});

test('every level of a categorical covariate, the reference included, needs k persons', () => {
  const base = rows(300);
  const fewInLevel2 = base.map((row, i) => (row.x[3] === 1 && i > 12 ? { ...row, x: [1, row.x[1], 0, 0] } : row));
  assert.deepEqual(rules(glmTraps(fewInLevel2, { k: 5, family: 'gaussian', categorical: { stage: [2, 3] } })), [
    'covariate-level-below-k',
  ]);
  const fewInReference = base.map((row, i) =>
    row.x[2] === 0 && row.x[3] === 0 && i > 6 ? { ...row, x: [1, row.x[1], 1, 0] } : row,
  );
  assert.deepEqual(rules(glmTraps(fewInReference, { k: 5, family: 'gaussian', categorical: { stage: [2, 3] } })), [
    'covariate-level-below-k',
  ]);
});

test('a saturated model (as many covariate patterns as parameters) is refused', () => {
  // intercept + the two dummies on a factor with three levels: three patterns, three parameters
  const r = rows(300).map((row) => ({ x: [1, row.x[2], row.x[3]], y: row.y }));
  assert.deepEqual(rules(glmTraps(r, { k: 5, family: 'binomial', categorical: { stage: [1, 2] } })), ['saturated']);
});
