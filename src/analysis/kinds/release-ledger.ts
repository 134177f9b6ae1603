/**
 * The differencing seam for statistics rounds: the person sets a round releases, checked against
 * the user's release history, the site's published concept sets and the round's own earlier sets
 * (as src/disclosure/release.ts does for one answer), then recorded in the history by the site
 * (src/site/rounds.ts). A set differing from one of those by 1 … k−1 persons is widened, or the round
 * refused, by the policy.
 *
 * Bounded: a round records at most MAX_ROUND_SETS distinct sets (a repeat within the round is kept
 * once); one more refuses the round (422, rule `round-sets`) before anything is released, so a
 * Kaplan–Meier of many bins and strata cannot write an unbounded history line. Each set is a
 * fixed-size signature whatever its persons (src/disclosure/person-set.ts).
 */
import { FedomopError } from '../../errors.js';
import { CellAccumulator, symmetricDifference, type PersonSet } from '../../disclosure/person-set.js';
import type { Conflict } from '../../disclosure/set-index.js';

/** The planHash of a conflict within the round itself: widened, never refused (as within one answer). */
export const THIS_ROUND = 'this round';

/** Distinct person sets one round may record in the user's history (~1.1 KB each on disk at k = 5). */
export const MAX_ROUND_SETS = 2048;

export class ReleaseLedger {
  readonly sets: Array<{ cell: string; set: PersonSet }> = [];

  constructor(
    readonly k: number,
    /** Earlier releases: the user's history and the published concept sets. */
    private readonly earlier: (set: PersonSet) => Conflict | undefined,
    private readonly label: string,
  ) {}

  /** The set of the persons at `indices` of a table's key words. */
  setOf(words: Uint32Array, indices: ArrayLike<number>): PersonSet {
    const acc = new CellAccumulator(this.k);
    for (let i = 0; i < indices.length; i++) acc.add(words, indices[i], true, 0);
    return acc.personSet();
  }

  /** A conflict of `set` with this round's sets or an earlier release; none: the set is recorded. */
  check(set: PersonSet, cell?: string): Conflict | undefined {
    const k = this.k;
    let repeat = false;
    const inRound = this.sets.find((r) => {
      if (Math.abs(r.set.size - set.size) >= k) return false;
      const d = symmetricDifference(r.set.signature, set.signature, k - 1);
      if (d === 0 && r.set.size === set.size) repeat = true;
      return d >= 1 && d <= k - 1;
    });
    if (inRound) return { planHash: THIS_ROUND, cell: inRound.cell, difference: -1 };
    const c = this.earlier(set);
    if (!c && !repeat) {
      if (this.sets.length >= MAX_ROUND_SETS)
        throw new FedomopError(
          'ERR_DISCLOSURE_REFUSED',
          `this round would record more than ${MAX_ROUND_SETS} person sets in your release history at this site; ask with wider bins or fewer strata`,
          { rule: 'round-sets' },
        );
      this.sets.push({ cell: cell ? `${this.label} ${cell}` : `${this.label} ${this.sets.length + 1}`, set });
    }
    return c;
  }
}
