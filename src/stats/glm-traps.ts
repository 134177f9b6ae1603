/**
 * The disclosure traps a site checks before it releases any GLM contribution, on its own rows
 * (DataSHIELD's glm filters, made stricter). All fail closed; the messages never state a count.
 *   too-many-parameters      p > n / 3 (p counts every coefficient, the intercept included)
 *   outcome-level-below-k    binomial: fewer than k persons with y = 1, or with y = 0
 *   covariate-level-below-k  a categorical term (its dummy columns) has a level, the reference
 *                            level included, held by fewer than k persons; a 0/1 covariate is a
 *                            categorical term with one dummy column
 *   saturated                no more distinct covariate patterns than parameters, or no residual
 *                            degrees of freedom: the fit would reproduce the cell means exactly
 */
import type { GlmFamilyName } from './glm-family.js';
import type { GlmRow } from './glm-site.js';

export type GlmTrapRule = 'too-many-parameters' | 'outcome-level-below-k' | 'covariate-level-below-k' | 'saturated';

export interface GlmTrap {
  rule: GlmTrapRule;
  message: string;
}

export interface GlmTrapOptions {
  k: number;
  family: GlmFamilyName;
  /** categorical terms: name → indices of their dummy columns in the design row */
  categorical?: Record<string, readonly number[]>;
  /** largest allowed p / n; default ⅓ */
  maxParameterShare?: number;
}

export function glmTraps(rows: readonly GlmRow[], options: GlmTrapOptions): GlmTrap[] {
  const { k } = options;
  const traps: GlmTrap[] = [];
  const n = rows.length;
  const p = rows[0]?.x.length ?? 0;
  const share = options.maxParameterShare ?? 1 / 3;
  if (n === 0 || p > share * n) {
    traps.push({
      rule: 'too-many-parameters',
      message: `the model has more parameters than ${share.toFixed(2)} × the site's persons`,
    });
  }
  if (options.family === 'binomial') {
    const ones = rows.filter((r) => r.y === 1).length;
    if (ones < k || n - ones < k) {
      traps.push({ rule: 'outcome-level-below-k', message: `one outcome level is held by fewer than ${k} persons` });
    }
  }
  for (const [term, columns] of Object.entries(options.categorical ?? {})) {
    const counts = new Array<number>(columns.length + 1).fill(0); // last: the reference level
    for (const r of rows) {
      const level = columns.findIndex((c) => r.x[c] === 1);
      counts[level < 0 ? columns.length : level]++;
    }
    if (counts.some((c) => c < k)) {
      traps.push({ rule: 'covariate-level-below-k', message: `a level of ${term} is held by fewer than ${k} persons` });
    }
  }
  const patterns = new Set(rows.map((r) => r.x.join('\u0000'))).size;
  if (n - p <= 0 || patterns <= p) {
    traps.push({ rule: 'saturated', message: 'the model is saturated at this site: it would reproduce its cell means exactly' });
  }
  return traps;
}
