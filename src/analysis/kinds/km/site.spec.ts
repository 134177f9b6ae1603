import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STANDARD_POLICY } from '../../../disclosure/policy.js';
import type { PersonTable } from '../person-table.js';
import type { KmAnalysis } from './plan.js';
import { kmCounts, kmGrid } from './site.js';

/** 40 persons: 20 die at day 45 (bin 60), 20 are censored at day 200 (bin 210); nobody at day 0. */
function table(): PersonTable {
  const size = 40;
  const days = new Float64Array(size).map((_, i) => (i < 20 ? 45 : 200));
  const events = new Float64Array(size).map((_, i) => (i < 20 ? 1 : 0));
  const keys = new Uint32Array(size).map((_, i) => (i * 2654435761) >>> 0);
  return { size, keys, numeric: new Map([['t', days]]), events: new Map([['t', events]]), levels: new Map() };
}

const analysis: KmAnalysis = {
  kind: 'km',
  variables: { t: { type: 'time_to', event: { type: 'death' }, maxDays: 210 } },
  time: 't',
  binDays: 30,
};

describe('km at the site', () => {
  it('releases a bin without events on the agreed grid as an exact 0, so the curve goes on', () => {
    const ends = [0, 60, 210];
    const grid = kmGrid(table(), analysis, ends, 5);
    assert.deepEqual(grid, { type: 'km-grid', ok: [true, true, true] });
    const answer = kmCounts(table(), analysis, ends, STANDARD_POLICY);
    assert.equal(answer.type, 'km-counts');
    if (answer.type !== 'km-counts') return;
    const [day0, day60, day210] = answer.rows;
    assert.deepEqual(day0.n_events, { value: 0, lower: 0, upper: 0, suppressed: false });
    assert.deepEqual(day210.n_events, { value: 0, lower: 0, upper: 0, suppressed: false });
    // counts of k or more stay perturbed within the ptable's bound
    assert.ok(day60.n_events.value !== null && Math.abs(day60.n_events.value - 20) <= 2);
    // a censored count of 0 is not the grid's business: still withheld as everywhere else
    assert.equal(day0.n_censored.value, null);
  });
});
