/** Federated statistics: pure functions, no I/O and no dependencies, safe in Node and the browser. */
export {
  chiSquareCdf,
  chiSquareSf,
  erfc,
  gammaP,
  gammaQ,
  logGamma,
  normalCdf,
  normalPdf,
  normalQuantile,
  normalSf,
  zForConfidence,
} from './special.js';
export type { Matrix } from './linalg.js';
export { cholesky, choleskySolve, inverseSpd, solveSpd } from './linalg.js';
export type { GlmFamily, GlmFamilyName } from './glm-family.js';
export { glmFamily, isGlmFamilyName } from './glm-family.js';
export type { GlmContribution, GlmRow } from './glm-site.js';
export { nullModelRows, siteContribution } from './glm-site.js';
export type { GlmFit, GlmState, GlmStep, GlmTermResult, PooledContribution } from './glm-hub.js';
export { GLM_MAX_ITERATIONS, GLM_TOLERANCE, glmResult, hubUpdate, initialGlmState, poolContributions } from './glm-hub.js';
export type { GlmTrap, GlmTrapOptions, GlmTrapRule } from './glm-traps.js';
export { glmTraps } from './glm-traps.js';
export type { FederatedGlmOptions, GlmModel } from './glm-fit.js';
export { fitFederatedGlm } from './glm-fit.js';
export type { KmBinRow, KmConfType, KmMedian, KmOptions, KmPoint, LogRankResult } from './km.js';
export { kaplanMeier, kmMedian } from './km.js';
export { logRankTest } from './logrank.js';
export type { BinMerge, TimeEvent } from './km-bins.js';
export { applyBinMerge, binEnd, binTimes, mergeEventBins, poolBinRows } from './km-bins.js';
export type { QuantileGrid, QuantileOptions, QuantileResult } from './quantile.js';
export { SUMMARY_PROBABILITIES, pooledQuantiles, quantileTarget } from './quantile.js';
export type { PooledMoments, SiteMoments } from './moments.js';
export { poolMoments, siteMoments } from './moments.js';
export type { ChiSquareResult, FisherResult } from './tables.js';
export { chiSquareTest, fisherExact2x2 } from './tables.js';
