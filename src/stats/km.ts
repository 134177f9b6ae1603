/**
 * Kaplan–Meier from binned counts, as the hub pools them: per stratum, one row per time bin with
 * the persons at risk at the bin's start, the events and the censored in it. Times are bin ends
 * in days, so the estimate equals the product-limit estimate on times rounded up to the bin end,
 * with censorings in a bin counted after its events (the usual convention for ties).
 *
 * Variance: Greenwood, Var(log Ŝ) = Σ d / (n (n − d)). Confidence intervals, pointwise 95 %:
 *   'log-log' (default): Ŝ^exp(±z·se/log Ŝ)  — R survival's conf.type = "log-log";
 *   'log':               Ŝ·exp(±z·se), capped at 1 — R survival's default conf.type = "log";
 *   'plain':             Ŝ ± z·Ŝ·se, clipped to [0, 1] — R's conf.type = "plain".
 * where se = √(Σ d / (n (n − d))) is the standard error of log Ŝ. Where Ŝ = 1 the interval is
 * [1, 1]; where Ŝ = 0 it is undefined (NaN), as in R.
 */
import { FedomopError } from '../errors.js';
import { zForConfidence } from './special.js';

export interface KmBinRow {
  /** bin end in days */
  time: number;
  nAtRisk: number;
  nEvents: number;
  nCensored: number;
}

export type KmConfType = 'log-log' | 'log' | 'plain';

export interface KmPoint {
  time: number;
  n_at_risk: number;
  n_events: number;
  n_censored: number;
  survival: number;
  /** Greenwood standard error of Ŝ itself (Ŝ·se of log Ŝ), as R's summary(survfit) prints */
  std_error: number;
  ci_lower: number;
  ci_upper: number;
}

export interface KmOptions {
  confType?: KmConfType;
  level?: number;
}

function sortedRows(rows: readonly KmBinRow[]): KmBinRow[] {
  const sorted = [...rows].sort((a, b) => a.time - b.time);
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i];
    if (i > 0 && sorted[i - 1].time === r.time) {
      throw new FedomopError('ERR_BAD_REQUEST', `time ${r.time} appears twice in one stratum`);
    }
    if (r.nEvents < 0 || r.nCensored < 0 || r.nEvents + r.nCensored > r.nAtRisk) {
      throw new FedomopError('ERR_BAD_REQUEST', `inconsistent counts at time ${r.time}`);
    }
  }
  return sorted;
}

export function kaplanMeier(rows: readonly KmBinRow[], options: KmOptions = {}): KmPoint[] {
  const confType = options.confType ?? 'log-log';
  const z = zForConfidence(options.level ?? 0.95);
  let s = 1;
  let greenwood = 0;
  return sortedRows(rows).map((r) => {
    const n = r.nAtRisk;
    const d = r.nEvents;
    if (d > 0) {
      s *= 1 - d / n;
      greenwood += n > d ? d / (n * (n - d)) : Infinity;
    }
    const se = Math.sqrt(greenwood);
    const [lower, upper] = confidence(s, se, z, confType);
    return {
      time: r.time,
      n_at_risk: n,
      n_events: d,
      n_censored: r.nCensored,
      survival: s,
      std_error: s === 0 ? NaN : s * se,
      ci_lower: lower,
      ci_upper: upper,
    };
  });
}

function confidence(s: number, se: number, z: number, type: KmConfType): [number, number] {
  if (s === 1) return [1, 1];
  if (s === 0 || !Number.isFinite(se)) return [NaN, NaN];
  switch (type) {
    case 'log-log': {
      const logS = Math.log(s);
      const spread = (z * se) / Math.abs(logS);
      return [Math.pow(s, Math.exp(spread)), Math.pow(s, Math.exp(-spread))];
    }
    case 'log':
      return [s * Math.exp(-z * se), Math.min(1, s * Math.exp(z * se))];
    case 'plain':
      return [Math.max(0, s - z * s * se), Math.min(1, s + z * s * se)];
  }
}

export interface KmMedian {
  /** first time with Ŝ ≤ ½, null if the curve never gets there */
  median: number | null;
  /** first time the lower band is ≤ ½ (R survival's rule) */
  ci_lower: number | null;
  /** first time the upper band is ≤ ½; null when it never gets there */
  ci_upper: number | null;
}

/**
 * Median survival and its CI by inverting the pointwise band, as R's print.survfit does. On a
 * binned grid the median is the first bin end where Ŝ ≤ ½ (R averages two times when Ŝ is exactly
 * ½ over an interval; on bins we keep the first bin end, which is what a binned curve shows).
 */
export function kmMedian(points: readonly KmPoint[]): KmMedian {
  const first = (pred: (p: KmPoint) => boolean): number | null => points.find(pred)?.time ?? null;
  return {
    median: first((p) => p.survival <= 0.5),
    ci_lower: first((p) => p.ci_lower <= 0.5 || p.survival === 0),
    ci_upper: first((p) => p.ci_upper <= 0.5 || p.survival === 0),
  };
}

export interface LogRankResult {
  statistic: number;
  df: number;
  p_value: number;
  observed: Record<string, number>;
  expected: Record<string, number>;
}
