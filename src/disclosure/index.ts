export { applyAttritionControl } from './attrition.js';
export { applyMinCellCount } from './min-cell.js';
export type { RawCell } from './min-cell.js';
export { DEFAULT_POLICY, STRICT_POLICY, MIN_ALLOWED_CELL_COUNT, describePolicy } from './policy.js';
export type { DisclosurePolicy } from './policy.js';
