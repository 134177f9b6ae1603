/**
 * `km` at the site. Grid rounds: for a proposed grid of bin ends, whether every stratum holds 0 or
 * at least k events (and, with a release history, censored) in each bin (a yes/no per bin, never a
 * count). Counts round: per stratum and bin of the agreed grid, persons at risk at the bin's start,
 * events and censored, each through the count seam with its person set (checked against and
 * recorded in the user's release history). A person's time is rounded up to whole bins of binDays
 * (day 0 stays 0), then placed in the first agreed bin whose end is at or after it.
 */
import { FedomopError } from '../../../errors.js';
import type { DisclosurePolicy } from '../../../disclosure/index.js';
import { binEnd } from '../../../stats/km-bins.js';
import { cellKey, completeCases, levelOf, type PersonTable } from '../person-table.js';
import { CellAccumulator, type PersonSet } from '../../../disclosure/person-set.js';
import { KM_DEFAULT_BIN_DAYS, type KmAnalysis } from './plan.js';
import { STRATUM_ALL, type KmCountsRow, type Round, type RoundAnswer } from '../rounds.js';
import type { RoundsKindSite } from '../rounds-site.js';
import { caseCounts, releaseCounted } from '../site-release.js';
import type { ReleasedValue } from '../../../arrow/result-schema.js';

interface Placed {
  complete: Int32Array;
  /** per complete case: its stratum and grid bin */
  stratum: string[];
  bin: Int32Array;
  event: Uint8Array;
}

function place(t: PersonTable, a: KmAnalysis, ends: readonly number[]): Placed {
  for (let b = 1; b < ends.length; b++) {
    if (!(ends[b] > ends[b - 1])) throw new FedomopError('ERR_BAD_REQUEST', 'grid ends must ascend');
  }
  const binDays = a.binDays ?? KM_DEFAULT_BIN_DAYS;
  const days = t.numeric.get(a.time)!;
  const events = t.events.get(a.time)!;
  const complete = completeCases(t, a.strata ? [a.time, a.strata] : [a.time]);
  const stratum: string[] = [];
  const bin = new Int32Array(complete.length);
  const event = new Uint8Array(complete.length);
  complete.forEach((i, j) => {
    const end = binEnd(days[i], binDays);
    let lo = 0;
    let hi = ends.length - 1;
    if (end > ends[hi]) throw new FedomopError('ERR_BAD_REQUEST', 'the grid ends before the longest follow-up');
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid] >= end) hi = mid;
      else lo = mid + 1;
    }
    bin[j] = lo;
    event[j] = events[i] === 1 ? 1 : 0;
    stratum.push(a.strata ? (levelOf(t, a.strata, i) ?? '') : STRATUM_ALL);
  });
  return { complete, stratum, bin, event };
}

/**
 * Which bins of a proposed grid every stratum can release: events 0 or ≥ k — and, when the
 * policy keeps a release history (`censoredToo`), censored 0 or ≥ k as well. Then every released
 * per-bin count is 0 or ≥ k and two at-risk sets (nested: bin b's holds bin b + 1's and the
 * persons who left in b) differ by 0 or ≥ k persons, so the differencing check never has to widen
 * a bin against its own curve (which would stop the curve there); the grid merges instead.
 */
export function kmGrid(t: PersonTable, a: KmAnalysis, ends: readonly number[], k: number, censoredToo = false): RoundAnswer {
  const p = place(t, a, ends);
  const events = new Map<string, Int32Array>();
  const censored = new Map<string, Int32Array>();
  p.bin.forEach((b, j) => {
    const counts = p.event[j] ? events : censored;
    let e = counts.get(p.stratum[j]);
    if (!e) counts.set(p.stratum[j], (e = new Int32Array(ends.length)));
    e[b]++;
  });
  // A stratum with 1 … k−1 events (or censored, under the rule above) over the whole follow-up
  // meets the rule on no grid: this site takes no part (a per-site refusal), and the curve is
  // pooled over the others.
  const checked = censoredToo ? [events, censored] : [events];
  for (const counts of checked)
    for (const e of counts.values()) {
      const total = e.reduce((x, y) => x + y, 0);
      if (total > 0 && total < k) {
        const what = counts === events ? 'events' : 'censored persons';
        throw new FedomopError(
          'ERR_DISCLOSURE_REFUSED',
          `a stratum holds fewer than ${k} ${what} over the whole follow-up at this site`,
          { rule: counts === events ? 'km-events-below-k' : 'km-censored-below-k' },
        );
      }
    }
  const ok = ends.map((_, b) => checked.every((counts) => [...counts.values()].every((e) => e[b] === 0 || e[b] >= k)));
  return { type: 'km-grid', ok };
}

/**
 * A count the agreed grid rules on: events always, censored where the policy keeps a history (see
 * kmGrid). The grid round already established, and the reported merge tells the researcher, that
 * every site's bin holds 0 or at least k of them in every stratum, so a count below k is known to be
 * 0: released as an exact 0 rather than withheld as [0, k−1] (which would stop the curve at its first
 * event-free bin — e.g. day 0 — without protecting anyone, and says nothing the grid did not).
 */
function onAgreedGrid(
  t: PersonTable,
  members: number[],
  key: number,
  policy: DisclosurePolicy,
  cell: string,
  ruled: boolean,
): ReleasedValue {
  if (ruled && members.length === 0) return { value: 0, lower: 0, upper: 0, suppressed: false };
  return releaseCounted(t, members.length, key, (l, w) => l.setOf(w, members), policy, cell);
}

/**
 * Per stratum and bin: at risk, events, censored. Each is released through the count seam with its
 * person set (built only when the round has a ledger), so the release history sees every KM number:
 * - n_at_risk of bin b: the stratum's complete cases whose (rounded) time falls in bin b or later;
 * - n_events of bin b: those of them in bin b with the event;
 * - n_censored of bin b: those in bin b without it.
 * The at-risk sets are built as suffix unions (one pass over the persons, a signature copy per bin).
 */
export function kmCounts(t: PersonTable, a: KmAnalysis, ends: readonly number[], policy: DisclosurePolicy): RoundAnswer {
  const p = place(t, a, ends);
  const B = ends.length;
  const strata = [...new Set(p.stratum)].sort();
  const rows: KmCountsRow[] = [];
  const sets = t.ledger !== undefined && t.words !== undefined;
  const censoredRuled = policy.differencing !== undefined; // as kmRoundsSite asks the grid round
  for (const s of strata) {
    // table indices of the stratum's persons per bin, with and without the event
    const evIn: number[][] = Array.from({ length: B }, () => []);
    const ceIn: number[][] = Array.from({ length: B }, () => []);
    p.bin.forEach((b, j) => {
      if (p.stratum[j] !== s) return;
      (p.event[j] ? evIn : ceIn)[b].push(p.complete[j]);
    });
    const evKey = evIn.map((m) => cellKey(t, m));
    const ceKey = ceIn.map((m) => cellKey(t, m));
    // at risk at the start of bin b: everyone whose bin is b or later (suffix sums)
    const atRisk = new Float64Array(B);
    const atRiskKey = new Uint32Array(B);
    const atRiskSet: PersonSet[] = [];
    const acc = sets ? new CellAccumulator(policy.minCellCount) : undefined;
    let risk = 0;
    let riskKey = 0;
    for (let b = B - 1; b >= 0; b--) {
      risk += evIn[b].length + ceIn[b].length;
      riskKey = (riskKey + evKey[b] + ceKey[b]) >>> 0;
      atRisk[b] = risk;
      atRiskKey[b] = riskKey;
      if (acc) {
        for (const i of evIn[b]) acc.add(t.words!, i, true, 0);
        for (const i of ceIn[b]) acc.add(t.words!, i, true, 0);
        const ps = acc.personSet();
        atRiskSet[b] = { ...ps, signature: ps.signature.slice() };
      }
    }
    const cell = (what: string, b: number) => `${what} ${s} ${ends[b]}`;
    for (let b = 0; b < B; b++) {
      rows.push({
        stratum: s,
        time: ends[b],
        n_at_risk: releaseCounted(t, atRisk[b], atRiskKey[b], () => atRiskSet[b], policy, cell('at-risk', b)),
        n_events: onAgreedGrid(t, evIn[b], evKey[b], policy, cell('events', b), true),
        n_censored: onAgreedGrid(t, ceIn[b], ceKey[b], policy, cell('censored', b), censoredRuled),
      });
    }
  }
  return { type: 'km-counts', cases: caseCounts(t, p.complete, policy), rows };
}

export const kmRoundsSite: RoundsKindSite<KmAnalysis> = {
  rounds: ['km-grid', 'km-counts'],
  variables: (a) => [a.time, ...(a.strata ? [a.strata] : [])],
  answer(a, round, t, policy) {
    const ends = (round as Extract<Round, { type: 'km-grid' | 'km-counts' }>).ends;
    return round.type === 'km-grid'
      ? kmGrid(t, a, ends, policy.minCellCount, policy.differencing !== undefined)
      : kmCounts(t, a, ends, policy);
  },
};
