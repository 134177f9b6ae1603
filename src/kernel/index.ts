/**
 * `import { connect } from "fedomop"` in a TypeScript notebook (Deno kernel).
 *
 * No `@ts-self-types` directive: Deno does not look for the sibling .d.ts files of imported .js files,
 * so pointing it at index.d.ts would make `deno check` fail on every type re-exported from another
 * compiled module. Deno infers types from the JS instead, which checks cleanly.
 */
import { restoreNotebookDir } from './notebook-cwd.js';

restoreNotebookDir();

export { connect, Session, type SessionRunOptions } from './session.js';
export { KernelResult } from './kernel-result.js';
export { StatsResult } from './stats-result.js';
export type { GlmOptions, HistogramOptions, KmOptions, SummaryOptions } from './stats-calls.js';
export { glmChart, histogramChart, kmChart, summaryChart, chartFor } from '../charts/index.js';
export { configPath, type ConnectOptions } from './config.js';
export { cohortFromFile } from './cohort-file.js';
export { vegaLite } from './vega-lite.js';
export { renderResult } from './result-view.js';
export { toDanfo } from './to-danfo.js';
export { display, renderFrame, showFrame, type FrameLike } from './frame-view.js';
export { HubClient } from '../client/index.js';
export { FedomopError } from '../errors.js';
export type {
  FederatedResult,
  HubIteration,
  HubSite,
  PlainRow,
  ProgressSnapshot,
  QueryStatus,
  SiteFailure,
} from '../client/index.js';
export type { Plan, Variables, VariableSpec } from '../plan/types.js';
export type { ResultRow } from '../arrow/result-schema.js';
