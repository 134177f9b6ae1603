/**
 * The hub's JSON shapes as a client sees them (docs/http-api.md, Hub section). Query status comes
 * from src/api, which the hub writes with; nothing here depends on server code.
 */
import type { RecordBatch } from 'apache-arrow';
import type { ResultRow } from '../arrow/result-schema.js';

import type { QueryStatus, SiteError, SiteState, SiteStatus } from '../api/query-status.js';
export type { Provenance, QueryState, QueryStatus, SiteError, SiteState, SiteStatus } from '../api/query-status.js';

/** A site's GET /v1/info answer, as the hub caches it. */
export interface SiteInfo {
  site: string;
  name: string;
  cdmVersion: string;
  vocabularyVersion: string;
  dialect: string;
  persons?: number;
  minCellCount: number;
  analyses: string[];
  planVersion: number;
}

export interface HubSite {
  id: string;
  url: string;
  status: 'up' | 'down';
  info?: SiteInfo;
  error?: SiteError;
}

export interface SubmitResult {
  id: string;
  planHash: string;
  sites: string[];
  /** Likely mistakes in a valid plan (e.g. an empty concept set in use), by path; older hubs send none. */
  warnings?: Array<{ path: string; message: string }>;
}

/** POST /v1/preview: per site, what disclosure control would do with each cell — never a value. */
export interface PreviewResult {
  planHash: string;
  sites: SitePreview[];
}

export interface SitePreview {
  site: string;
  decision?: 'released' | 'refused';
  reason?: string;
  /** The site's disclosure policy as its result metadata states it (k, ptable D and V, differencing). */
  policy?: Record<string, unknown>;
  cells?: Array<{
    cell: string;
    measure: string;
    action: 'exact' | 'perturbed' | 'withheld' | 'widened' | 'refused';
    reason: string;
  }>;
  /** The site could not say (down, refused the caller, ...). */
  error?: { code: string; message: string };
}

export interface Concept {
  conceptId: number;
  name: string;
  domain: string;
  vocabulary: string;
  standard: boolean | string;
  code: string;
}

/** One SSE message from GET /v1/queries/{id}/events, typed by its `event:` field. */
export type HubEvent =
  | { type: 'site'; site: string; state: SiteState; elapsedMs?: number; rows?: number; error?: SiteError }
  | { type: 'pooled'; rows: number }
  | ({ type: 'iteration' } & HubIteration)
  | { type: 'done'; status: QueryStatus };

/** One round of the hub's own iteration (a GLM IRLS step, a quantile bisection round). */
export interface HubIteration {
  round: number;
  /** what is iterating, e.g. "glm" or "quantile" */
  kind: string;
  /** GLM: the summed deviance after this round */
  deviance?: number;
  /** GLM: which model this round fits: the model asked for, or the intercept-only one (null deviance) */
  model?: 'full' | 'null';
  /** GLM: this model's round (1 = its first) */
  iteration?: number;
  /** GLM: rounds so far of the model asked for, and of the null model */
  modelIterations?: number;
  nullIterations?: number;
}

/** What results() yields: one site's released rows (or the pooled rows, site "pooled"). */
export interface SiteBatch {
  site: string;
  rows: ResultRow[];
  batch: RecordBatch;
}

/** The state of every site of a running query, handed to onProgress on each change. */
export interface ProgressSnapshot {
  queryId: string;
  sites: Record<string, SiteStatus>;
  /** Set once the pooled batch has arrived. */
  pooledRows?: number;
  /** The hub's latest iteration round, for analyses it fits by iterating (GLM, quantiles). */
  iteration?: HubIteration;
  done: boolean;
}
