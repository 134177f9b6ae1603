import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TimeEvent } from './km-bins.js';
import { applyBinMerge, binEnd, binTimes, mergeEventBins, poolBinRows } from './km-bins.js';
import { kaplanMeier, kmMedian } from './km.js';
import { logRankTest } from './logrank.js';
import { relErr, rng } from './random.spec-util.js';

// Freireich et al. (1963) 6-MP leukaemia remission data, weeks (the classic Gehan example).
const SIX_MP: TimeEvent[] = [
  ...[6, 6, 6, 7, 10, 13, 16, 22, 23].map((time) => ({ time, event: 1 as const })),
  ...[6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35].map((time) => ({ time, event: 0 as const })),
];
const PLACEBO: TimeEvent[] = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23].map((time) => ({
  time,
  event: 1 as const,
}));

test('6-MP arm: survival, Greenwood SE and both CI transforms as R survival prints them', () => {
  const curve = kaplanMeier(binTimes(SIX_MP, 1)).filter((p) => p.n_events > 0);
  // R: summary(survfit(Surv(time, status) ~ 1, conf.type = ...)), rounded as printed
  const expected = [
    // time, n.risk, survival, std.err, log lower, log upper, log-log lower, log-log upper
    [6, 21, 0.857, 0.0764, 0.72, 1.0, 0.62, 0.952],
    [7, 17, 0.807, 0.0869, 0.653, 0.996, 0.563, 0.923],
    [10, 15, 0.753, 0.0963, 0.586, 0.968, 0.503, 0.889],
    [13, 12, 0.69, 0.1068, 0.51, 0.935, 0.432, 0.849],
    [16, 11, 0.627, 0.1141, 0.439, 0.896, 0.368, 0.805],
    [22, 7, 0.538, 0.1282, 0.337, 0.858, 0.268, 0.747],
    [23, 6, 0.448, 0.1346, 0.249, 0.807, 0.188, NaN], // upper log-log band at 23: checked by formula below
  ];
  const logCurve = kaplanMeier(binTimes(SIX_MP, 1), { confType: 'log' }).filter((p) => p.n_events > 0);
  assert.equal(curve.length, expected.length);
  expected.forEach(([time, nRisk, s, se, logLo, logHi, llLo, llHi], i) => {
    const p = curve[i];
    assert.equal(p.time, time);
    assert.equal(p.n_at_risk, nRisk);
    assert.ok(Math.abs(p.survival - s) < 5e-4, `S(${time})`);
    assert.ok(Math.abs(p.std_error - se) < 5e-5, `se(${time})`);
    assert.ok(Math.abs(logCurve[i].ci_lower - logLo) < 5e-4 && Math.abs(logCurve[i].ci_upper - logHi) < 5e-4, `log CI ${time}`);
    assert.ok(Math.abs(p.ci_lower - llLo) < 5e-4, `log-log CI ${time}`);
    if (!Number.isNaN(llHi)) assert.ok(Math.abs(p.ci_upper - llHi) < 5e-4, `log-log CI ${time}`);
    // the log-log band by its definition: log(−log S) ± z·se(log S)/|log S|
    const seLog = p.std_error / p.survival;
    const spread = (1.959963984540054 * seLog) / -Math.log(p.survival);
    assert.ok(relErr(p.ci_upper, Math.exp(-Math.exp(Math.log(-Math.log(p.survival)) - spread))) < 1e-12);
  });
  // exact product-limit values
  assert.ok(relErr(curve[6].survival, (18 / 21) * (16 / 17) * (14 / 15) * (11 / 12) * (10 / 11) * (6 / 7) * (5 / 6)) < 1e-15);
  // R print(survfit): median 23, 0.95LCL 13 (log-log) / 16 (log), UCL NA
  assert.deepEqual(kmMedian(kaplanMeier(binTimes(SIX_MP, 1))), { median: 23, ci_lower: 13, ci_upper: null });
  assert.deepEqual(kmMedian(kaplanMeier(binTimes(SIX_MP, 1), { confType: 'log' })), { median: 23, ci_lower: 16, ci_upper: null });
});

test('6-MP vs placebo log-rank: O/E and chi-square 16.79 on 1 df as in R survdiff', () => {
  const r = logRankTest({ '6-MP': binTimes(SIX_MP, 1), placebo: binTimes(PLACEBO, 1) });
  assert.equal(r.observed['6-MP'], 9);
  assert.equal(r.observed.placebo, 21);
  assert.ok(Math.abs(r.expected['6-MP'] - 19.25) < 1e-2); // R: 19.3 (textbooks: 19.25)
  assert.ok(Math.abs(r.expected.placebo - 10.75) < 1e-2);
  assert.equal(r.df, 1);
  assert.equal(r.statistic.toFixed(1), '16.8');
  assert.ok(Math.abs(r.statistic - 16.79) < 0.005);
  assert.ok(r.p_value < 5e-5 && r.p_value > 3e-5); // R: p = 4e-05
});

// ---- generated survival over 3 sites × 3 strata, compared with person-level computations ----

interface Person extends TimeEvent {
  site: number;
  stratum: string;
}

function people(seed: number): Person[] {
  const u = rng(seed);
  const out: Person[] = [];
  const sizes = [140, 220, 180];
  const strata = ['F', 'M', 'U'];
  sizes.forEach((size, site) => {
    for (let i = 0; i < size; i++) {
      const stratum = strata[Math.floor(u() * 3)];
      const rate = stratum === 'F' ? 1 / 500 : stratum === 'M' ? 1 / 350 : 1 / 420;
      const t = Math.floor(-Math.log(u()) / rate);
      const c = Math.floor(u() * 900); // end of observation / maxDays
      out.push({ site, stratum, time: Math.min(t, c), event: t <= c ? 1 : 0 });
    }
  });
  return out;
}

/** Product-limit estimate on individual times (each person's time already mapped to its bin end). */
function directKm(persons: readonly TimeEvent[]): Map<number, number> {
  const times = [...new Set(persons.filter((p) => p.event === 1).map((p) => p.time))].sort((a, b) => a - b);
  const out = new Map<number, number>();
  let s = 1;
  for (const t of times) {
    const atRisk = persons.filter((p) => p.time >= t).length;
    const deaths = persons.filter((p) => p.time === t && p.event === 1).length;
    s *= 1 - deaths / atRisk;
    out.set(t, s);
  }
  return out;
}

/** Mantel–Haenszel log-rank statistic from individual data, via its k−1 × k−1 covariance. */
function directLogRank(persons: readonly Person[], strata: string[]): number {
  const times = [...new Set(persons.filter((p) => p.event === 1).map((p) => p.time))];
  const G = strata.length;
  const u = new Array<number>(G).fill(0);
  const v = Array.from({ length: G }, () => new Array<number>(G).fill(0));
  for (const t of times) {
    const n = strata.map((g) => persons.filter((p) => p.stratum === g && p.time >= t).length);
    const d = strata.map((g) => persons.filter((p) => p.stratum === g && p.time === t && p.event === 1).length);
    const N = n.reduce((a, b) => a + b);
    const D = d.reduce((a, b) => a + b);
    for (let g = 0; g < G; g++) {
      u[g] += d[g] - (D * n[g]) / N;
      for (let h = 0; h < G; h++) {
        if (N > 1) v[g][h] += ((D * (N - D)) / (N - 1)) * (n[g] / N) * ((g === h ? 1 : 0) - n[h] / N);
      }
    }
  }
  // 2 × 2 inverse by hand (three strata → drop the last)
  const [[a, b], [c, d]] = [v[0].slice(0, 2), v[1].slice(0, 2)];
  const det = a * d - b * c;
  const inv = [
    [d / det, -b / det],
    [-c / det, a / det],
  ];
  return u[0] * (inv[0][0] * u[0] + inv[0][1] * u[1]) + u[1] * (inv[1][0] * u[0] + inv[1][1] * u[1]);
}

function siteRows(persons: readonly Person[], site: number, stratum: string, binDays: number) {
  return binTimes(
    persons.filter((p) => p.site === site && p.stratum === stratum),
    binDays,
  );
}

test('pooled binned KM over 3 sites equals the product-limit estimate on the union of rounded times (1e-12)', () => {
  const all = people(2024);
  const binDays = 30;
  for (const stratum of ['F', 'M', 'U']) {
    const pooled = poolBinRows([0, 1, 2].map((s) => siteRows(all, s, stratum, binDays)));
    const curve = kaplanMeier(pooled);
    const direct = directKm(all.filter((p) => p.stratum === stratum).map((p) => ({ ...p, time: binEnd(p.time, binDays) })));
    let checked = 0;
    for (const point of curve) {
      if (point.n_events === 0) continue;
      assert.ok(relErr(point.survival, direct.get(point.time)!) < 1e-12, `${stratum} t=${point.time}`);
      checked++;
    }
    assert.equal(checked, direct.size);
  }
});

test('merged grid: every site × stratum bin holds 0 or ≥ k events, and KM and log-rank equal person-level values on it (1e-9)', () => {
  const all = people(77);
  const binDays = 30;
  const k = 5;
  const ends = [...new Set(all.map((p) => binEnd(p.time, binDays)))].sort((a, b) => a - b);
  const series: number[][] = [];
  for (const site of [0, 1, 2]) {
    for (const stratum of ['F', 'M', 'U']) {
      const rows = siteRows(all, site, stratum, binDays);
      series.push(ends.map((e) => rows.find((r) => r.time === e)?.nEvents ?? 0));
    }
  }
  const merge = mergeEventBins(series, ends, k);
  assert.equal(merge.satisfied, true);
  assert.ok(merge.merges.length > 0, 'these small sites need merging');
  for (const s of series) {
    for (const end of merge.mergedEnds) {
      const events = s.reduce((acc, x, b) => acc + (merge.mergedEnd[b] === end ? x : 0), 0);
      assert.ok(events === 0 || events >= k);
    }
  }
  const onGrid = all.map((p) => ({ ...p, time: merge.mergedEnd[ends.indexOf(binEnd(p.time, binDays))] }));
  const strataRows: Record<string, ReturnType<typeof poolBinRows>> = {};
  for (const stratum of ['F', 'M', 'U']) {
    const pooled = poolBinRows([0, 1, 2].map((s) => applyBinMerge(siteRows(all, s, stratum, binDays), merge)));
    strataRows[stratum] = pooled;
    const direct = directKm(onGrid.filter((p) => p.stratum === stratum));
    for (const point of kaplanMeier(pooled)) {
      if (point.n_events > 0) assert.ok(relErr(point.survival, direct.get(point.time)!) < 1e-9);
    }
  }
  const lr = logRankTest(strataRows);
  const direct = directLogRank(onGrid, ['F', 'M', 'U']);
  assert.equal(lr.df, 2);
  assert.ok(relErr(lr.statistic, direct) < 1e-9, `${lr.statistic} vs ${direct}`);
  console.log(
    `# log-rank on merged grid ${lr.statistic} vs person-level ${direct}: rel err ${relErr(lr.statistic, direct).toExponential(2)}`,
  );
});

test('bin merging: forward into the next bin, a short tail backward, and an impossible rule reported', () => {
  // two series (sites), k = 3
  const m = mergeEventBins(
    [
      [1, 2, 0, 4, 0, 1],
      [0, 3, 0, 0, 0, 0],
    ],
    [0, 30, 60, 90, 120, 150],
    3,
  );
  // 0+30 → [3,3] ok at 30; 60 → [0,0] ok; 90 → [4,0] ok; 120 → [0,0] ok; 150 → [1,0] fails → back into 120 → [1,0] fails → into 90 → [5,0]
  assert.deepEqual(m.mergedEnds, [30, 60, 150]);
  assert.deepEqual(m.mergedEnd, [30, 30, 60, 150, 150, 150]);
  assert.deepEqual(m.merges, [
    { from: 0, to: 30, bins: 2 },
    { from: 90, to: 150, bins: 3 },
  ]);
  assert.equal(m.satisfied, true);
  assert.equal(mergeEventBins([[1, 1]], [30, 60], 3).satisfied, false);
});

test('log-rank: a stratum never at risk at an event time is left out, as R does', () => {
  const two = logRankTest({ '6-MP': binTimes(SIX_MP, 1), placebo: binTimes(PLACEBO, 1) });
  // two persons censored at day 0, before the first event (day 1)
  const gone = [{ time: 0, nAtRisk: 2, nEvents: 0, nCensored: 2 }];
  const three = logRankTest({ '6-MP': binTimes(SIX_MP, 1), placebo: binTimes(PLACEBO, 1), gone });
  assert.equal(three.df, 1);
  assert.ok(Math.abs(three.statistic - two.statistic) < 1e-12);
});
