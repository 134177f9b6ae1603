import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disclosureFrom } from './disclosure-config.js';
import { STANDARD_POLICY, STRICT_POLICY, EXACT_POLICY } from '../disclosure/index.js';

const bad = (m: string): never => {
  throw new Error(m);
};

test('profiles by name, standard by default; keys override and make the policy custom', () => {
  assert.deepEqual(disclosureFrom(undefined, undefined, {}, bad), STANDARD_POLICY);
  assert.deepEqual(disclosureFrom('strict', undefined, {}, bad), STRICT_POLICY);
  assert.deepEqual(disclosureFrom(undefined, undefined, { profile: 'exact' }, bad), EXACT_POLICY);
  const p = disclosureFrom('standard', '7', { noise_variance: 1.5, differencing: 'refuse', rate_limit_queries: 10 }, bad);
  assert.equal(p.minCellCount, 7);
  assert.equal(p.profile, 'custom');
  assert.equal(p.differencing, 'refuse');
  assert.deepEqual(p.rateLimit, { queries: 10, windowSeconds: 3600 });
  assert.equal(disclosureFrom('standard', undefined, { differencing: 'off' }, bad).differencing, undefined);
});

test('impossible settings are refused with the reason', () => {
  assert.throws(() => disclosureFrom('lenient', undefined, {}, bad), /standard, strict or exact/);
  assert.throws(() => disclosureFrom(undefined, '2', {}, bad), /≥ 3/);
  assert.throws(() => disclosureFrom(undefined, undefined, { noise_variance: 5 }, bad), /exceeds/);
  assert.throws(() => disclosureFrom(undefined, undefined, { differencing: 'maybe' }, bad), /widen, refuse or off/);
});
