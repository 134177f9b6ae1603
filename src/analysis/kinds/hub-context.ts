/**
 * What a rounds kind's hub part gets from the hub (src/hub/rounds-run.ts) and gives back. The hub
 * part decides which rounds to ask, pools the answers and builds the result rows; the hub runs the
 * HTTP, the progress events, the results stream. Browser-safe types and helpers.
 */
import type { ReleasedValue } from '../../arrow/result-schema.js';
import type { FedomopError } from '../../errors.js';
import type { VariableAnalysis } from './plan-types.js';
import type { ResultRecord } from './result-columns.js';
import type { Round, RoundAnswer } from './rounds.js';

export type SiteAnswers<T extends RoundAnswer['type'] = RoundAnswer['type']> = Map<
  string,
  Extract<RoundAnswer, { type: T }> & { k?: number }
>;

export interface RoundsContext<A extends VariableAnalysis = VariableAnalysis> {
  analysis: A;
  /** Asks every site still taking part; a site that fails is dropped (and shown failed) and absent here. */
  ask<T extends Round>(round: T): Promise<SiteAnswers<T['type']>>;
  /** Sites still taking part, in the query's order. */
  sites(): string[];
  /** A progress event (`event: iteration`). */
  iteration(data: { round: number; kind: string; [key: string]: unknown }): void;
}

export interface KindOutcome {
  /** schema metadata of the result (JSON values) */
  metadata: Record<string, string>;
  perSite: Array<[string, ResultRecord[]]>;
  pooled?: ResultRecord[];
  /** the analysis failed as a whole (e.g. a GLM a site refused with onRefusal 'fail') */
  error?: FedomopError;
}

/** The sum of released counts: exact while every part is, an interval that holds the truth always. */
export function addReleased(parts: readonly ReleasedValue[]): ReleasedValue {
  let value: number | null = 0;
  let lower = 0;
  let upper = 0;
  let suppressed = false;
  for (const p of parts) {
    value = value === null || p.value === null || p.suppressed ? null : value + p.value;
    lower += p.lower;
    upper += p.upper;
    suppressed ||= p.suppressed;
  }
  return { value, lower, upper, suppressed };
}

/** A count's four columns for a result record. */
export function countFields(name: string, r: ReleasedValue): ResultRecord {
  return { [name]: r.value, [`${name}_lower`]: r.lower, [`${name}_upper`]: r.upper, [`${name}_suppressed`]: r.suppressed };
}

/** The largest k any site reported (the hub's release checks use the strictest). */
export function largestK(answers: Iterable<{ k?: number }>, fallback = 5): number {
  let k = 0;
  for (const a of answers) if (typeof a.k === 'number') k = Math.max(k, a.k);
  return k || fallback;
}
