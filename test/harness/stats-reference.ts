/**
 * Reference computations for the statistics tests, written independently of src/stats: the
 * Hyndman–Fan type 1 quantile of sorted values, mean and sd, a direct IRLS for the three GLM
 * families with Gauss–Jordan inversion, the product-limit estimate and the two-group log-rank
 * statistic. Plain and slow on purpose: one place, all rows.
 */
export function type1Quantile(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  const target = Math.max(1, Math.ceil(p * n - 1e-9));
  return sorted[target - 1];
}

export function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const ss = xs.reduce((a, x) => a + (x - mean) * (x - mean), 0);
  return { mean, sd: Math.sqrt(ss / (xs.length - 1)) };
}

export function invert(m: number[][]): number[][] {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    const d = a[c][c];
    for (let j = 0; j < 2 * n; j++) a[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c];
      if (f !== 0) for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row) => row.slice(n));
}

export type Family = 'gaussian' | 'binomial' | 'poisson';

/** Maximum likelihood by Newton / Fisher scoring (canonical links), to convergence of β itself. */
export function directGlm(x: number[][], y: number[], family: Family): { beta: number[]; se: number[]; deviance: number } {
  const p = x[0].length;
  const n = y.length;
  const mean = (eta: number) => (family === 'gaussian' ? eta : family === 'binomial' ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta));
  const weight = (mu: number) => (family === 'gaussian' ? 1 : family === 'binomial' ? mu * (1 - mu) : mu);
  let beta = new Array<number>(p).fill(0);
  if (family === 'poisson') beta[0] = Math.log(y.reduce((a, b) => a + b, 0) / n);
  let info: number[][] = [];
  for (let it = 0; it < 100; it++) {
    const score = new Array<number>(p).fill(0);
    info = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < n; i++) {
      const eta = x[i].reduce((a, v, j) => a + v * beta[j], 0);
      const mu = mean(eta);
      const w = weight(mu);
      for (let a = 0; a < p; a++) {
        score[a] += x[i][a] * (y[i] - mu);
        for (let b = 0; b < p; b++) info[a][b] += w * x[i][a] * x[i][b];
      }
    }
    const inv = invert(info);
    const step = inv.map((row) => row.reduce((a, v, j) => a + v * score[j], 0));
    beta = beta.map((b, j) => b + step[j]);
    if (Math.max(...step.map((s, j) => Math.abs(s) / (Math.abs(beta[j]) + 1e-8))) < 1e-13) break;
  }
  let deviance = 0;
  let rss = 0;
  info = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < n; i++) {
    const eta = x[i].reduce((a, v, j) => a + v * beta[j], 0);
    const mu = mean(eta);
    const w = weight(mu);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) info[a][b] += w * x[i][a] * x[i][b];
    rss += (y[i] - mu) ** 2;
    if (family === 'gaussian') deviance += (y[i] - mu) ** 2;
    else if (family === 'binomial') deviance += -2 * (y[i] === 1 ? Math.log(mu) : Math.log(1 - mu));
    else deviance += 2 * ((y[i] > 0 ? y[i] * Math.log(y[i] / mu) : 0) - (y[i] - mu));
  }
  const scale = family === 'gaussian' ? rss / (n - p) : 1;
  const cov = invert(info);
  return { beta, se: cov.map((row, j) => Math.sqrt(row[j] * scale)), deviance };
}

export interface Survival {
  time: number;
  atRisk: number;
  events: number;
  survival: number;
}

/** Product-limit over (time, event) pairs whose times are already on the grid. */
export function productLimit(people: ReadonlyArray<{ time: number; event: number }>): Survival[] {
  const times = [...new Set(people.map((q) => q.time))].sort((a, b) => a - b);
  let s = 1;
  return times.map((t) => {
    const atRisk = people.filter((q) => q.time >= t).length;
    const events = people.filter((q) => q.time === t && q.event === 1).length;
    s *= 1 - events / atRisk;
    return { time: t, atRisk, events, survival: s };
  });
}

/** Log-rank (Mantel–Haenszel) statistic for two groups. */
export function logRank2(
  a: ReadonlyArray<{ time: number; event: number }>,
  b: ReadonlyArray<{ time: number; event: number }>,
): number {
  const times = [...new Set([...a, ...b].filter((q) => q.event === 1).map((q) => q.time))].sort((x, y) => x - y);
  let oMinusE = 0;
  let v = 0;
  for (const t of times) {
    const n1 = a.filter((q) => q.time >= t).length;
    const n2 = b.filter((q) => q.time >= t).length;
    const d1 = a.filter((q) => q.time === t && q.event === 1).length;
    const d = d1 + b.filter((q) => q.time === t && q.event === 1).length;
    const n = n1 + n2;
    oMinusE += d1 - (d * n1) / n;
    if (n > 1) v += (d * (n1 / n) * (1 - n1 / n) * (n - d)) / (n - 1);
  }
  return (oMinusE * oMinusE) / v;
}
