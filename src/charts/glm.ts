/**
 * GLM coefficient forest plot: per term the estimate and its 95 % CI. For binomial and poisson fits the
 * terms read as odds / rate ratios (exp of estimate and bounds) on a log axis with a reference at 1;
 * gaussian coefficients on a linear axis with a reference at 0. The intercept is left out: its scale
 * is not the other terms' and it would squeeze them.
 */
import { base, isNumber, metaJson, pooledOrSites, type ChartRow, type VegaLiteSpec } from './common.js';
import { formatP } from './km.js';

export const GLM_META = 'fedomop.glm';

export interface GlmMeta {
  family?: 'gaussian' | 'binomial' | 'poisson';
  n?: number;
  iterations?: number;
  converged?: boolean;
  deviance?: number;
  aic?: number;
}

const RATIO_LABEL: Record<string, string> = { binomial: 'odds ratio', poisson: 'rate ratio' };

export function isIntercept(term: unknown): boolean {
  return typeof term === 'string' && /^\(?intercept\)?$/i.test(term);
}

export function glmChart(rows: readonly ChartRow[], metadata?: Record<string, string>): VegaLiteSpec {
  const meta = metaJson<GlmMeta>(metadata, GLM_META) ?? {};
  const family = meta.family ?? 'gaussian';
  const ratio = family in RATIO_LABEL;
  const tx = (v: unknown): number | null => (isNumber(v) ? (ratio ? Math.exp(v) : v) : null);
  const values = pooledOrSites(rows)
    .rows.filter((r) => !isIntercept(r.term) && isNumber(r.estimate))
    .map((r) => ({
      term: String(r.term),
      estimate: tx(r.estimate),
      ci_lower: tx(r.ci_lower),
      ci_upper: tx(r.ci_upper),
      p_value: isNumber(r.p_value) ? r.p_value : null,
    }));
  const terms = values.map((v) => v.term);
  const label = RATIO_LABEL[family] ?? 'coefficient';
  const xScale = ratio ? { type: 'log' } : { zero: false };
  const x = { field: 'estimate', type: 'quantitative', title: `${label} (95 % CI)`, scale: xScale };
  const y = { field: 'term', type: 'nominal', title: null, sort: terms };
  const details = [
    meta.n !== undefined ? `n = ${meta.n}` : '',
    meta.iterations !== undefined ? `${meta.iterations} iterations` : '',
    meta.converged === false ? 'NOT converged' : '',
  ].filter(Boolean);
  return {
    ...base({ text: `GLM (${family}): ${label}s`, subtitle: details.join(' · ') }),
    height: { step: 28 },
    data: { values },
    layer: [
      // Its own one-row data: on the terms' rows the reference would be drawn once per term.
      {
        data: { values: [{}] },
        mark: { type: 'rule', strokeDash: [4, 3], color: 'gray' },
        encoding: { x: { datum: ratio ? 1 : 0 } },
      },
      {
        mark: { type: 'rule' },
        encoding: { y, x: { field: 'ci_lower', type: 'quantitative', scale: xScale }, x2: { field: 'ci_upper' } },
      },
      { mark: { type: 'point', filled: true, size: 60, tooltip: true }, encoding: { y, x } },
    ],
  };
}

export { formatP };
