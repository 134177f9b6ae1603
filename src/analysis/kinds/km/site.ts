/**
 * `km` at the site. Grid rounds: for a proposed grid of bin ends, whether every stratum holds 0 or
 * at least k events in each bin (a yes/no per bin, never a count). Counts round: per stratum and
 * bin of the agreed grid, persons at risk at the bin's start, events and censored, each through
 * the count seam. A person's time is rounded up to whole bins of binDays (day 0 stays 0), then
 * placed in the first agreed bin whose end is at or after it.
 */
import { FedomopError } from '../../../errors.js';
import type { DisclosurePolicy } from '../../../disclosure/index.js';
import { binEnd } from '../../../stats/km-bins.js';
import { completeCases, levelOf, type PersonTable } from '../person-table.js';
import { KM_DEFAULT_BIN_DAYS, type KmAnalysis } from './plan.js';
import { STRATUM_ALL, type KmCountsRow, type Round, type RoundAnswer } from '../rounds.js';
import type { RoundsKindSite } from '../rounds-site.js';
import { caseCounts, releaseCount } from '../site-release.js';
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

export function kmGrid(t: PersonTable, a: KmAnalysis, ends: readonly number[], k: number): RoundAnswer {
  const p = place(t, a, ends);
  const events = new Map<string, Int32Array>();
  p.bin.forEach((b, j) => {
    if (!p.event[j]) return;
    let e = events.get(p.stratum[j]);
    if (!e) events.set(p.stratum[j], (e = new Int32Array(ends.length)));
    e[b]++;
  });
  // A stratum with 1 … k−1 events over the whole follow-up meets the rule on no grid: this site
  // takes no part (a per-site refusal), and the curve is pooled over the others.
  for (const e of events.values()) {
    const total = e.reduce((x, y) => x + y, 0);
    if (total > 0 && total < k) {
      throw new FedomopError(
        'ERR_DISCLOSURE_REFUSED',
        `a stratum holds fewer than ${k} events over the whole follow-up at this site`,
        {
          rule: 'km-events-below-k',
        },
      );
    }
  }
  const ok = ends.map((_, b) => [...events.values()].every((e) => e[b] === 0 || e[b] >= k));
  return { type: 'km-grid', ok };
}

/**
 * Events of a bin of the agreed grid. The grid round already established, and the reported merge
 * tells the researcher, that every site's bin holds 0 or at least k events in every stratum, so a
 * count below k is known to be 0: released as an exact 0 rather than withheld as [0, k−1] (which
 * would stop the curve at its first event-free bin — e.g. day 0 — without protecting anyone).
 */
function eventsOnAgreedGrid(count: number, key: number, policy: DisclosurePolicy): ReleasedValue {
  if (count === 0) return { value: 0, lower: 0, upper: 0, suppressed: false };
  return releaseCount(count, key, policy);
}

export function kmCounts(t: PersonTable, a: KmAnalysis, ends: readonly number[], policy: DisclosurePolicy): RoundAnswer {
  const p = place(t, a, ends);
  const B = ends.length;
  const strata = [...new Set(p.stratum)].sort();
  const rows: KmCountsRow[] = [];
  for (const s of strata) {
    const ev = new Float64Array(B);
    const ce = new Float64Array(B);
    const evKey = new Uint32Array(B);
    const ceKey = new Uint32Array(B);
    p.bin.forEach((b, j) => {
      if (p.stratum[j] !== s) return;
      const key = t.keys[p.complete[j]];
      if (p.event[j]) {
        ev[b]++;
        evKey[b] = (evKey[b] + key) >>> 0;
      } else {
        ce[b]++;
        ceKey[b] = (ceKey[b] + key) >>> 0;
      }
    });
    // at risk at the start of bin b: everyone whose bin is b or later (suffix sums)
    let risk = 0;
    let riskKey = 0;
    const atRisk = new Float64Array(B);
    const atRiskKey = new Uint32Array(B);
    for (let b = B - 1; b >= 0; b--) {
      risk += ev[b] + ce[b];
      riskKey = (riskKey + evKey[b] + ceKey[b]) >>> 0;
      atRisk[b] = risk;
      atRiskKey[b] = riskKey;
    }
    for (let b = 0; b < B; b++) {
      rows.push({
        stratum: s,
        time: ends[b],
        n_at_risk: releaseCount(atRisk[b], atRiskKey[b], policy),
        n_events: eventsOnAgreedGrid(ev[b], evKey[b], policy),
        n_censored: releaseCount(ce[b], ceKey[b], policy),
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
    return round.type === 'km-grid' ? kmGrid(t, a, ends, policy.minCellCount) : kmCounts(t, a, ends, policy);
  },
};
