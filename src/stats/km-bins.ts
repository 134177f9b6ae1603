/**
 * Time bins for a federated Kaplan–Meier. A site rounds each person's time up to the bin end
 * (days 1–30 → 30, day 0 → 0) and reports per bin: at risk, events, censored. Before any count is
 * released the sites and the hub agree on one grid: a bin is merged forward into the next later
 * bin until, in every series (one per site and stratum), the merged bin holds at least k events
 * or none. Events left over at the end, where there is no later bin, are merged backward into
 * the last closed bin (repeatedly, if that breaks the rule again). `satisfied` is false only when
 * even a single bin over the whole follow-up cannot meet the rule; the caller then refuses.
 */
import { FedomopError } from '../errors.js';
import type { KmBinRow } from './km.js';

export interface TimeEvent {
  /** days from index; ≥ 0 */
  time: number;
  /** 1 = event, 0 = censored */
  event: 0 | 1;
}

export function binEnd(time: number, binDays: number): number {
  return Math.ceil(time / binDays) * binDays;
}

/** One row per bin end that holds an event or a censoring (what a site computes in SQL). */
export function binTimes(people: readonly TimeEvent[], binDays: number): KmBinRow[] {
  if (!(binDays > 0)) throw new FedomopError('ERR_BAD_REQUEST', 'binDays must be positive');
  const byEnd = new Map<number, { e: number; c: number }>();
  for (const p of people) {
    if (!(p.time >= 0)) throw new FedomopError('ERR_BAD_REQUEST', `negative or missing time ${p.time}`);
    const end = binEnd(p.time, binDays);
    const cell = byEnd.get(end) ?? { e: 0, c: 0 };
    if (p.event === 1) cell.e++;
    else cell.c++;
    byEnd.set(end, cell);
  }
  const ends = [...byEnd.keys()].sort((a, b) => a - b);
  let remaining = people.length;
  return ends.map((time) => {
    const { e, c } = byEnd.get(time)!;
    const row = { time, nAtRisk: remaining, nEvents: e, nCensored: c };
    remaining -= e + c;
    return row;
  });
}

export interface BinMerge {
  /** the original bin ends, ascending */
  binEnds: number[];
  /** for each original bin, the end of the merged bin it belongs to */
  mergedEnd: number[];
  /** the merged grid, ascending */
  mergedEnds: number[];
  /** merged bins that took in more than one original bin: [first original end, merged end] */
  merges: { from: number; to: number; bins: number }[];
  satisfied: boolean;
}

/**
 * `events[s][b]`: events of series s (a site × stratum) in original bin b; `binEnds[b]` its end.
 */
export function mergeEventBins(events: readonly (readonly number[])[], binEnds: readonly number[], k: number): BinMerge {
  const B = binEnds.length;
  for (let b = 1; b < B; b++) {
    if (!(binEnds[b] > binEnds[b - 1])) throw new FedomopError('ERR_BAD_REQUEST', 'bin ends must ascend');
  }
  for (const series of events) {
    if (series.length !== B) throw new FedomopError('ERR_BAD_REQUEST', 'every series needs one count per bin');
  }
  const ok = (sums: number[]): boolean => sums.every((x) => x === 0 || x >= k);
  // groups as [first, last] original bin indices
  const groups: [number, number][] = [];
  let start = 0;
  let sums = events.map(() => 0);
  for (let b = 0; b < B; b++) {
    sums = sums.map((x, s) => x + events[s][b]);
    if (ok(sums)) {
      groups.push([start, b]);
      start = b + 1;
      sums = events.map(() => 0);
    }
  }
  let satisfied = true;
  if (start < B) {
    // A tail that never met the rule: merge it backward until it does.
    let tail: [number, number] = [start, B - 1];
    for (;;) {
      const tailSums = events.map((series) => series.slice(tail[0], tail[1] + 1).reduce((a, x) => a + x, 0));
      if (ok(tailSums)) break;
      const prev = groups.pop();
      if (!prev) {
        satisfied = false;
        break;
      }
      tail = [prev[0], tail[1]];
    }
    groups.push(tail);
  }
  const mergedEnd = new Array<number>(B);
  const merges: BinMerge['merges'] = [];
  for (const [first, last] of groups) {
    for (let b = first; b <= last; b++) mergedEnd[b] = binEnds[last];
    if (last > first) merges.push({ from: binEnds[first], to: binEnds[last], bins: last - first + 1 });
  }
  return {
    binEnds: [...binEnds],
    mergedEnd,
    mergedEnds: groups.map(([, last]) => binEnds[last]),
    merges,
    satisfied,
  };
}

/**
 * A stratum's rows on the merged grid: events and censored summed; at risk is the count at the
 * start of the merged bin, i.e. that of its earliest row (nobody leaves between rows).
 */
export function applyBinMerge(rows: readonly KmBinRow[], merge: BinMerge): KmBinRow[] {
  const endOf = new Map(merge.binEnds.map((e, i) => [e, merge.mergedEnd[i]]));
  const out = new Map<number, KmBinRow>();
  for (const r of [...rows].sort((a, b) => a.time - b.time)) {
    const end = endOf.get(r.time);
    if (end === undefined) throw new FedomopError('ERR_BAD_REQUEST', `time ${r.time} is not on the agreed grid`);
    const cell = out.get(end);
    if (cell) {
      cell.nEvents += r.nEvents;
      cell.nCensored += r.nCensored;
    } else {
      out.set(end, { time: end, nAtRisk: r.nAtRisk, nEvents: r.nEvents, nCensored: r.nCensored });
    }
  }
  return [...out.values()];
}

/** Sums per-site rows of one stratum on a common grid (at risk adds up too). */
export function poolBinRows(sites: readonly (readonly KmBinRow[])[]): KmBinRow[] {
  const times = [...new Set(sites.flatMap((rows) => rows.map((r) => r.time)))].sort((a, b) => a - b);
  return times.map((time) => {
    let nAtRisk = 0;
    let nEvents = 0;
    let nCensored = 0;
    for (const rows of sites) {
      const sorted = [...rows].sort((a, b) => a.time - b.time);
      // A site without a row at this time: its at-risk count is that of its next row.
      nAtRisk += sorted.find((r) => r.time >= time)?.nAtRisk ?? 0;
      const hit = sorted.find((r) => r.time === time);
      nEvents += hit?.nEvents ?? 0;
      nCensored += hit?.nCensored ?? 0;
    }
    return { time, nAtRisk, nEvents, nCensored };
  });
}
