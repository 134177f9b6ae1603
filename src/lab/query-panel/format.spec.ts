import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FedomopError } from '../../errors.js';
import { describeError, describeSiteError, formatMs, formatValue } from './format.js';

test('formatValue: exact values as numbers, withheld ones as their interval, marked', () => {
  assert.deepEqual(formatValue({ value: 42, lower: 42, upper: 42, suppressed: false }), { text: '42', suppressed: false });
  const hidden = formatValue({ value: null, lower: 1, upper: 4, suppressed: true });
  assert.equal(hidden.text, '1–4');
  assert.equal(hidden.suppressed, true);
  assert.match(hidden.title ?? '', /between 1 and 4/);
  assert.equal(formatValue({ value: null, lower: 0, upper: 0, suppressed: true }).text, '0');
  assert.equal(formatValue(undefined).text, '—');
});

test('formatMs: milliseconds under a second, seconds above', () => {
  assert.equal(formatMs(312.4), '312 ms');
  assert.equal(formatMs(1234), '1.23 s');
  assert.equal(formatMs(12_345), '12.3 s');
  assert.equal(formatMs(undefined), '');
});

test('site errors are worded for a researcher and name the site', () => {
  assert.match(
    describeSiteError('east', 'failed', { code: 'ERR_SITE_UNREACHABLE', message: 'connection refused', site: 'east' }),
    /^Site “east” could not be reached.*connection refused/,
  );
  assert.match(describeSiteError('north', 'timeout'), /Site “north” did not answer in time/);
  assert.match(
    describeSiteError('south', 'failed', { code: 'ERR_DISCLOSURE_REFUSED', message: 'cell below 5', site: 'south' }),
    /Site “south” refused to release/,
  );
  const group = 'urn:geant:helmholtz.de:group:fedomop:south';
  assert.equal(
    describeSiteError('south', 'failed', { code: 'ERR_NOT_ENTITLED', message: 'site south: ...', site: 'south', group }),
    `Site “south” refused: to run this there you need the group ${group}.`,
  );
});

test('query errors: an unreachable hub and a refused plan are explained', () => {
  assert.match(describeError(new FedomopError('ERR_SITE_UNREACHABLE', 'hub at x is unreachable')), /hub cannot be reached/);
  const refused = new FedomopError('ERR_PLAN_INVALID', 'bad plan', {
    problems: [{ path: 'cohort.ConceptSets', message: 'is empty' }],
  });
  assert.match(describeError(refused), /cohort\.ConceptSets: is empty/);
});
