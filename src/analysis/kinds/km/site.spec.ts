import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXACT_POLICY, STANDARD_POLICY, STRICT_POLICY, type DisclosurePolicy } from '../../../disclosure/policy.js';
import { KEY_WORDS, RecordKeys } from '../../../disclosure/record-keys.js';
import { SetIndex, signed } from '../../../disclosure/set-index.js';
import type { FedomopError } from '../../../errors.js';
import { ReleaseLedger } from '../release-ledger.js';
import type { RoundAnswer } from '../rounds.js';
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
    // with a release history the grid rules on censored too (0 or ≥ k), so a censored 0 is an exact 0 …
    assert.deepEqual(day0.n_censored, { value: 0, lower: 0, upper: 0, suppressed: false });
    // … and without one (perturbing, no history: the events-only grid) it is withheld as everywhere else
    const noHistory = kmCounts(table(), analysis, ends, { ...STANDARD_POLICY, differencing: undefined });
    assert.equal(noHistory.type === 'km-counts' && noHistory.rows[0].n_censored.value, null);
  });
});

/**
 * The release history seam: a KM's per-bin counts carry their person sets. 60 persons with
 * RecordKeys words: 20 die at day 45, 20 are censored at day 100, 20 die at day 200; `drop` leaves
 * out persons (an age bound moved, as an analyst would).
 */
function keyed(drop = 0): PersonTable {
  const n = 60 - drop;
  const ids = new BigInt64Array(n).map((_, i) => BigInt(1000 + i + drop));
  const words = keys.derive(ids);
  const at = (i: number) => i + drop;
  const days = new Float64Array(n).map((_, i) => (at(i) < 20 ? 45 : at(i) < 40 ? 100 : 200));
  const events = new Float64Array(n).map((_, i) => (at(i) < 20 || at(i) >= 40 ? 1 : 0));
  const personKeys = new Uint32Array(n).map((_, i) => words[i * KEY_WORDS]);
  return {
    size: n,
    keys: personKeys,
    words,
    numeric: new Map([['t', days]]),
    events: new Map([['t', events]]),
    levels: new Map(),
  };
}
const keys = RecordKeys.fromSecret(new Uint8Array(32).fill(4));
const ends = [0, 60, 120, 210];

/** One counts round with a ledger whose earlier releases are `history` (as src/site/rounds.ts does). */
function countsRound(t: PersonTable, policy: DisclosurePolicy, history: SetIndex, planHash: string) {
  const ledger = new ReleaseLedger(policy.minCellCount, (s) => history.conflict(s, policy.minCellCount), 'km-counts');
  t.ledger = ledger;
  try {
    const answer = kmCounts(t, analysis, ends, policy);
    for (const { cell, set } of ledger.sets) history.add({ n: set.size, ...signed(set.signature), planHash, cell, time: 0 });
    return { answer: answer as Extract<RoundAnswer, { type: 'km-counts' }>, ledger };
  } finally {
    t.ledger = undefined;
  }
}

const okOf = (a: RoundAnswer) => (a.type === 'km-grid' ? a.ok : []);

describe('km counts and the release history', () => {
  it('records every released per-bin count with its person set, named by measure, stratum and bin end', () => {
    const { answer, ledger } = countsRound(keyed(), STANDARD_POLICY, new SetIndex(), 'plan-a');
    const cells = ledger.sets.map((s) => s.cell);
    const size = (c: string) => ledger.sets.find((s) => s.cell === `km-counts ${c}`)?.set.size;
    assert.equal(size('at-risk all 0'), 60);
    assert.equal(size('at-risk all 120'), 40);
    assert.equal(size('at-risk all 210'), 20);
    assert.equal(size('events all 60'), 20);
    assert.equal(size('censored all 120'), 20);
    // the last bin's events are its at-risk persons: the same set, stored once
    assert.equal(size('events all 210'), undefined);
    // at risk at day 0 is the complete cases again: one set, stored once
    assert.equal(cells.filter((c) => /at-risk all 0$|complete$|persons$/.test(c)).length, 1);
    // nothing conflicts within the round: every count ≥ k is released with a value
    assert.ok(answer.rows.every((r) => r.n_at_risk.value !== null && r.n_events.value !== null));
  });

  it('the same KM on 1 … k−1 persons fewer: the differing counts are widened (standard)', () => {
    const history = new SetIndex();
    countsRound(keyed(), STANDARD_POLICY, history, 'plan-a');
    for (const drop of [1, 2, 4]) {
      const { answer } = countsRound(keyed(drop), STANDARD_POLICY, history, `plan-drop-${drop}`);
      const [day0, day60, day120, day210] = answer.rows;
      // the dropped persons died at day 45: at risk at 0 and events in (0, 60] differ by `drop`
      assert.equal(day0.n_at_risk.value, null, `drop ${drop}: at risk at day 0 widened`);
      assert.ok(day0.n_at_risk.upper - day0.n_at_risk.lower > 2 * 2 + 2);
      assert.equal(day60.n_events.value, null, `drop ${drop}: events at day 60 widened`);
      // the later bins hold the same persons as before: the same release, not widened
      assert.notEqual(day120.n_at_risk.value, null);
      assert.notEqual(day210.n_events.value, null);
      assert.equal(day60.n_at_risk.value, null, `drop ${drop}: at risk at day 60 widened`);
    }
  });

  it('strict: refused (ERR_DISCLOSURE_DIFFERENCE) naming the earlier query; a repeat is not', () => {
    const history = new SetIndex();
    const strict = { ...STRICT_POLICY, minCellCount: 5 };
    countsRound(keyed(), strict, history, 'plan-a');
    assert.doesNotThrow(() => countsRound(keyed(), strict, history, 'plan-a-again'));
    assert.throws(
      () => countsRound(keyed(3), strict, history, 'plan-b'),
      (e: FedomopError) => e.code === 'ERR_DISCLOSURE_DIFFERENCE' && e.details?.earlierPlanHash === 'plan-a',
    );
  });

  it('without a ledger (exact profile) the counts are the same as before: key sums, no sets', () => {
    const t = keyed();
    const plain = kmCounts(t, analysis, ends, EXACT_POLICY);
    assert.equal(plain.type, 'km-counts');
    if (plain.type !== 'km-counts') return;
    assert.deepEqual(
      plain.rows.map((r) => [r.time, r.n_at_risk.value, r.n_events.value, r.n_censored.value]),
      [
        [0, 60, 0, 0],
        [60, 60, 20, 0],
        [120, 40, 0, 20],
        [210, 20, 20, 0],
      ],
    );
  });

  it('with a history the grid also asks censored 0 or ≥ k per bin (so at-risk sets differ by 0 or ≥ k)', () => {
    const t = keyed();
    // the first 23 persons: 20 events, 3 censored — no grid can release 3 censored
    const small: PersonTable = { ...t, size: 23 };
    assert.deepEqual(okOf(kmGrid(small, analysis, ends, 5)), [true, true, true, true]);
    assert.throws(
      () => kmGrid(small, analysis, ends, 5, true),
      (e: FedomopError) => e.code === 'ERR_DISCLOSURE_REFUSED' && e.details?.rule === 'km-censored-below-k',
    );
    assert.deepEqual(okOf(kmGrid(t, analysis, ends, 5, true)), [true, true, true, true]);
    // 3 of the 20 censored at day 150 instead of 100: bins (60, 120] and (120, 210] fail, and merge
    const days = Float64Array.from(t.numeric.get('t')!, (d, i) => (i >= 37 && i < 40 ? 150 : d));
    const split: PersonTable = { ...t, numeric: new Map([['t', days]]) };
    assert.deepEqual(okOf(kmGrid(split, analysis, ends, 5)), [true, true, true, true]);
    assert.deepEqual(okOf(kmGrid(split, analysis, ends, 5, true)), [true, true, true, false]);
  });
});

describe('km counts by stratum and the release history', () => {
  /** keyed() with a stratum per person: the first 30 ids "F", the others "M" (by id, so drops keep strata). */
  function stratified(drop = 0): PersonTable {
    const t = keyed(drop);
    const sex = Array.from({ length: t.size }, (_, i) => (i + drop < 30 ? 'F' : 'M'));
    return { ...t, levels: new Map([['sex', sex]]) };
  }
  const byStratum: KmAnalysis = {
    ...analysis,
    variables: { ...analysis.variables, sex: { type: 'gender' } },
    strata: 'sex',
  };
  const round = (t: PersonTable, history: SetIndex, planHash: string) => {
    const ledger = new ReleaseLedger(5, (s) => history.conflict(s, 5), 'km-counts');
    t.ledger = ledger;
    try {
      const answer = kmCounts(t, byStratum, ends, STANDARD_POLICY) as Extract<RoundAnswer, { type: 'km-counts' }>;
      for (const { cell, set } of ledger.sets) history.add({ n: set.size, ...signed(set.signature), planHash, cell, time: 0 });
      return { answer, cells: ledger.sets.map((s) => s.cell) };
    } finally {
      t.ledger = undefined;
    }
  };

  it('names each set by stratum, and 2 persons fewer in one stratum widen only that stratum’s counts', () => {
    const history = new SetIndex();
    const { cells } = round(stratified(), history, 'plan-a');
    assert.ok(cells.includes('km-counts at-risk F 0') && cells.includes('km-counts at-risk M 0'));
    const { answer } = round(stratified(2), history, 'plan-b');
    const at = (s: string, time: number) => answer.rows.find((r) => r.stratum === s && r.time === time)!;
    assert.equal(at('F', 0).n_at_risk.value, null, 'F at day 0: 2 persons fewer, widened');
    assert.equal(at('F', 60).n_events.value, null, 'F events at day 60: 2 fewer, widened');
    assert.notEqual(at('M', 0).n_at_risk.value, null, 'M: the same persons, the same release');
    assert.notEqual(at('M', 120).n_censored.value, null);
  });
});
