export { chartFor, isChartKind, type ChartKind } from './chart-for.js';
export { POOLED, VEGA_LITE_SCHEMA, type ChartRow, type VegaLiteSpec } from './common.js';
export { GLM_META, glmChart, isIntercept, type GlmMeta } from './glm.js';
export { histogramChart, type HistogramOptions } from './histogram.js';
export { ALL_STRATUM, KM_META, formatP, kmChart, type KmMeta } from './km.js';
export { summaryChart } from './summary.js';
export { cellText, formatNumber, shownColumns } from './columns.js';
