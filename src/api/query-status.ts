/**
 * The hub's query-status shapes on the wire (docs/http-api.md, Hub section): the one definition the
 * hub writes and every client (browser panel, Deno kernel, Node) reads. Types only, browser-safe.
 */
import type { PlanProblem } from '../errors.js';

export type QueryState = 'running' | 'done' | 'cancelled';
export type SiteState = 'queued' | 'running' | 'done' | 'failed' | 'timeout' | 'cancelled';

/** A site's error as the hub relays it: the site's own code and message, with the site id. */
export interface SiteError {
  code: string;
  message: string;
  site: string;
  problems?: PlanProblem[];
  /** ERR_NOT_ENTITLED: the entitlement group the site's policy wants. */
  group?: string;
  /** ERR_QUERY_FAILED: the id under which the site logged the database's own message. */
  incident?: string;
  /** ERR_DISCLOSURE_DIFFERENCE: the earlier release (plan hash, cell) the refused cell would difference. */
  earlierPlanHash?: string;
  earlierCell?: string;
  cell?: string;
  /** ERR_RATE_LIMITED at the site: seconds until it takes plans from this user again. */
  retryAfterSeconds?: number;
  /** ERR_DISCLOSURE_REFUSED from a round: the rule the site applied (e.g. a GLM trap, probe-budget). */
  rule?: string;
}

/** Where a site's answer came from, read off its Arrow schema metadata. */
export interface Provenance {
  planHash?: string;
  site?: string;
  cdmVersion?: string;
  vocabularyVersion?: string;
  disclosure?: string;
}

export interface SiteStatus {
  state: SiteState;
  startedAt?: string;
  finishedAt?: string;
  elapsedMs?: number;
  rows?: number;
  error?: SiteError;
  provenance?: Provenance;
}

export interface QueryStatus {
  id: string;
  planHash: string;
  state: QueryState;
  createdAt: string;
  finishedAt?: string;
  sites: Record<string, SiteStatus>;
  /** A rounds analysis (e.g. a GLM) that failed as a whole: why; the sites' own errors are per site. */
  error?: { code: string; message: string; site?: string; rule?: string };
}
