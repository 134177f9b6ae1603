import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chiSquareCdf, chiSquareSf, erfc, logGamma, normalCdf, normalQuantile, normalSf, zForConfidence } from './special.js';
import { relErr } from './random.spec-util.js';

test('logGamma equals ln((n−1)!) summed directly, and ln √π at ½', () => {
  let lnFact = 0;
  for (let n = 1; n <= 170; n++) {
    if (n > 1) lnFact += Math.log(n - 1);
    assert.ok(Math.abs(logGamma(n) - lnFact) <= 1e-13 * Math.max(1, Math.abs(lnFact)), `n=${n}`);
  }
  assert.ok(relErr(logGamma(0.5), 0.5 * Math.log(Math.PI)) < 1e-14);
  // Γ(x+1) = x Γ(x) across non-integers
  for (const x of [0.01, 0.3, 1.7, 4.2, 14.9, 33.3]) {
    assert.ok(Math.abs(logGamma(x + 1) - logGamma(x) - Math.log(x)) < 1e-13, `x=${x}`);
  }
});

test('erfc and the normal distribution match published values', () => {
  assert.ok(relErr(erfc(1), 0.15729920705028513) < 1e-14);
  assert.ok(relErr(erfc(0.5), 0.4795001221869535) < 1e-14);
  assert.ok(relErr(erfc(-1), 1.8427007929497148) < 1e-15);
  assert.ok(Math.abs(normalCdf(1.959963984540054) - 0.975) < 1e-15);
  assert.ok(relErr(normalSf(10), 7.619853024160527e-24) < 1e-12);
  assert.ok(relErr(normalCdf(-5), 2.866515718791939e-7) < 1e-12);
  assert.equal(normalCdf(0), 0.5);
});

test('normalQuantile inverts normalCdf and gives the textbook z values', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-14);
  assert.ok(Math.abs(zForConfidence(0.95) - 1.959963984540054) < 1e-14);
  assert.ok(Math.abs(normalQuantile(0.995) - 2.5758293035489004) < 1e-13);
  assert.ok(relErr(normalQuantile(1e-10), -6.361340902404056) < 1e-12);
  for (const p of [1e-12, 0.001, 0.05, 0.3, 0.5, 0.77, 0.999, 1 - 1e-9]) {
    const x = normalQuantile(p);
    const back = p < 0.5 ? normalCdf(x) : 1 - normalSf(x);
    assert.ok(relErr(back, p) < 1e-12, `p=${p}`);
  }
});

test('chi-square tails match closed forms and the 5 % critical value', () => {
  assert.ok(relErr(chiSquareSf(3.841458820694124, 1), 0.05) < 1e-12);
  assert.ok(relErr(chiSquareSf(5.991464547107979, 2), 0.05) < 1e-12);
  for (const x of [0.1, 1, 5, 30, 200]) {
    assert.ok(relErr(chiSquareSf(x, 2), Math.exp(-x / 2)) < 1e-13, `df=2 x=${x}`);
    assert.ok(relErr(chiSquareSf(x, 4), Math.exp(-x / 2) * (1 + x / 2)) < 1e-13, `df=4 x=${x}`);
    // df = 1 is the square of a standard normal
    assert.ok(relErr(chiSquareSf(x, 1), 2 * normalSf(Math.sqrt(x))) < 1e-13, `df=1 x=${x}`);
    assert.ok(Math.abs(chiSquareCdf(x, 3) + chiSquareSf(x, 3) - 1) < 1e-15);
  }
});
