/**
 * The site's audit log: one JSON line per plan the site was asked to answer, for the data steward —
 * when, which plan (its hash), which analysis, who asked (a digest of the token, never the token),
 * what happened (released / refused / failed / cancelled, with the error code) and how much was
 * released (rows, and how many cells were suppressed). No count, no value, no plan text: the log
 * says what was asked and whether an answer left, not what the answer was.
 */
import type { FedomopError } from '../errors.js';

export { AuditLog, callerDigest } from '../node/audit-log.js';

export type AuditOutcome = 'released' | 'refused' | 'failed' | 'cancelled';

export interface AuditEntry {
  time: string;
  site: string;
  /** `round`: one of a hub's rounds for an analysis that reads variables (src/site/rounds.ts). */
  event: 'execute' | 'round';
  /** the round's type (moments, quantile, glm, ...) for `round` lines */
  round?: string;
  outcome: AuditOutcome;
  status: number;
  code?: string;
  planHash?: string;
  analysis?: string;
  rows?: number;
  suppressedCells?: number;
  /** SHA-256 (hex) of the Arrow bytes released. */
  released?: string;
  /** The disclosure profile the site's policy chose for this caller (`standard`, `strict`). */
  profile?: string;
  /** The verified caller: `<issuer>|<subject>` (or `insecure:<digest>` under --dev-insecure), name and groups. */
  user?: string;
  username?: string;
  groups?: string[];
  elapsedMs: number;
  /** Disclosure control's decision: cells perturbed / withheld / widened, or why it refused. */
  disclosure?: {
    decision: 'released' | 'refused';
    perturbed?: number;
    withheld?: number;
    widened?: number;
    reason?: string;
    earlierPlanHash?: string;
  };
  /** First 16 hex digits of the SHA-256 of the Authorization header; null when there was none. */
  caller: string | null;
  remote?: string;
}

/** Which outcome an error code means: the site said no (4xx), could not (5xx), or was told to stop. */
export function outcomeOf(err: FedomopError): AuditOutcome {
  if (err.code === 'ERR_QUERY_CANCELLED') return 'cancelled';
  return err.status < 500 || err.code === 'ERR_SHUTTING_DOWN' ? 'refused' : 'failed';
}
