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
import { CellAccumulator, type PersonSet } from '../../disclosure/person-set.js';
import { SetIndex, signed, type Conflict } from '../../disclosure/set-index.js';

/** The planHash of a conflict within the round itself: widened, never refused (as within one answer). */
export const THIS_ROUND = 'this round';

/** Distinct person sets one round may record in the user's history (~1.1 KB each on disk at k = 5). */
export const MAX_ROUND_SETS = 2048;

export class ReleaseLedger {
  readonly sets: Array<{ cell: string; set: PersonSet }> = [];
  private readonly index = new SetIndex();

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
    // The round's own sets in a size index, as the history keeps them: a KM of hundreds of
    // similar-sized bins compares each set with the few of nearby size that may differ by < k.
    const inRound = this.index.conflict(set, this.k);
    if (inRound) return { ...inRound, planHash: THIS_ROUND };
    const c = this.earlier(set);
    if (c) return c;
    if (this.index.has(set)) return undefined; // a repeat of this round's set
    if (this.sets.length >= MAX_ROUND_SETS)
      throw new FedomopError(
        'ERR_DISCLOSURE_REFUSED',
        `this round would record more than ${MAX_ROUND_SETS} person sets in your release history at this site; ask with wider bins or fewer strata`,
        { rule: 'round-sets' },
      );
    const name = cell ? `${this.label} ${cell}` : `${this.label} ${this.sets.length + 1}`;
    this.index.add({ n: set.size, ...signed(set.signature), planHash: THIS_ROUND, cell: name, time: 0 });
    this.sets.push({ cell: name, set });
    return undefined;
  }
}
