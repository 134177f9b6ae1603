/**
 * What a site writes to a user's release history after one answer's disclosure decisions, in one place
 * for every kind of release (plans, concept-set resolves): a differencing refusal is recorded with the
 * earlier release it would have undone, a release with its decision counts and the person sets it let out.
 */
import type { ReleaseHistory } from '../disclosure/history.js';
import type { AnswerRelease } from '../disclosure/release.js';

/** The fields every history line of one answer shares. */
export interface OutcomeBase {
  time: string;
  planHash: string;
  analysis: string;
}

export function decisionCounts(release: AnswerRelease): { perturbed: number; withheld: number; widened: number } {
  const count = (action: string) => release.decisions.filter((d) => d.action === action).length;
  return { perturbed: count('perturbed'), withheld: count('withheld'), widened: count('widened') };
}

export function recordRefusal(
  history: ReleaseHistory,
  user: string | null,
  base: OutcomeBase,
  refusal: NonNullable<AnswerRelease['refusal']>,
): void {
  history.record(
    {
      ...base,
      decision: 'refused',
      reason: 'differencing',
      earlier: { planHash: refusal.planHash, cell: refusal.cell, difference: refusal.difference },
    },
    user,
  );
}

export function recordReleased(history: ReleaseHistory, user: string | null, base: OutcomeBase, release: AnswerRelease): void {
  history.record({ ...base, decision: 'released', ...decisionCounts(release) }, user, release.releasedSets);
}
