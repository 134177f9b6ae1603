/**
 * The site part of a rounds kind (summary, histogram, glm, km): what src/site/rounds.ts asks of the
 * kind for POST /v1/rounds. The generic code there keeps the sessions, the round shapes and the
 * release ledger; the kind says which variables it reads, which rounds it answers and how.
 */
import type { DisclosurePolicy } from '../../disclosure/index.js';
import type { PersonTable } from './person-table.js';
import type { Round, RoundAnswer } from './rounds.js';

/** A plan's memory between rounds at one site (per plan and user, a few minutes): the kind's own keys. */
export type RoundMemo = Map<string, unknown>;

export interface RoundsKindSite<A> {
  /** the rounds this kind answers; any other is refused as a bad request */
  rounds: readonly Round['type'][];
  /** the variables the analysis reads (their complete cases are what it sees) */
  variables(a: A): string[];
  /** why a quantile round's variable or level does not fit the analysis, or undefined */
  quantileProblem?(a: A, variable: unknown, level: unknown): string | undefined;
  /** answers one round (already checked against `rounds`); synchronous, so the ledger sees only it */
  answer(a: A, round: Round, t: PersonTable, policy: DisclosurePolicy, memo: RoundMemo): RoundAnswer;
}

/** Gets a memoised value, computing it once per session. */
export function memoised<T>(memo: RoundMemo, key: string, make: () => T): T {
  if (!memo.has(key)) memo.set(key, make());
  return memo.get(key) as T;
}
