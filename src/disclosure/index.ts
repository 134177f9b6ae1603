export { applyAttritionControl } from './attrition.js';
export { applyMinCellCount } from './min-cell.js';
export type { RawCell } from './min-cell.js';
export {
  DEFAULT_POLICY,
  STANDARD_POLICY,
  STRICT_POLICY,
  EXACT_POLICY,
  PROFILES,
  MIN_ALLOWED_CELL_COUNT,
  describePolicy,
  perturbs,
  strictFor,
} from './policy.js';
export type { DisclosurePolicy, DifferencingMode, ProfileName } from './policy.js';
export { perturbCount, widen, withheld, withheldWithRow } from './perturb.js';
export type { CellAction, Released } from './perturb.js';
export { buildPTable, noiseFor, ptableFor } from './ptable.js';
export type { PTable, PTableParams } from './ptable.js';
export { CellAccumulator, symmetricDifference } from './person-set.js';
export type { PersonSet } from './person-set.js';
export { releaseAnswer, cellLabel } from './release.js';
export type { AnswerRelease, CellDecision } from './release.js';
export { protectMargins } from './margins.js';
export type { MarginCell, MarginProtection } from './margins.js';
