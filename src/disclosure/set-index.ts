/**
 * Released person sets indexed for the differencing check: by size (a set differing from another by
 * at most k-1 persons has a size within k-1 of it, so 2k-1 lookups whatever the number of sets), with
 * each signature's occupancy bits for a cheap first test. One index per user history (history.ts)
 * and one of the site's published concept sets (src/site/concept-releases.ts): the same check for
 * both, so a cohort release is judged against everything of the same persons released before.
 */
import { mayDifferByAtMost, occupancy, symmetricDifference, type PersonSet } from './person-set.js';

export interface IndexedSet {
  n: number;
  signature: Int32Array;
  /** occupancy(signature), for the quick first test. */
  occupied: Uint32Array;
  planHash: string;
  cell: string;
  time: number;
}

export interface Conflict {
  planHash: string;
  cell: string;
  difference: number;
}

export const signed = (signature: Int32Array) => ({ signature, occupied: occupancy(signature) });

export class SetIndex {
  readonly bySize = new Map<number, IndexedSet[]>();
  count = 0;
  oldest = Infinity;

  /** False when the same set is stored already (a repeat adds nothing). */
  add(s: IndexedSet): boolean {
    let list = this.bySize.get(s.n);
    if (!list) this.bySize.set(s.n, (list = []));
    if (list.some((e) => symmetricDifference(e.signature, s.signature, 0) === 0)) return false;
    list.push(s);
    this.count++;
    this.oldest = Math.min(this.oldest, s.time);
    return true;
  }

  /** The first stored set found whose persons differ from `set` by 1..k-1. */
  conflict(set: PersonSet, k: number): Conflict | undefined {
    const occupied = occupancy(set.signature);
    for (let n = set.size - (k - 1); n <= set.size + (k - 1); n++) {
      for (const e of this.bySize.get(n) ?? []) {
        if (e.signature.length !== set.signature.length) continue; // written under another k
        if (!mayDifferByAtMost(occupied, e.occupied, k - 1)) continue;
        const d = symmetricDifference(set.signature, e.signature, k - 1);
        if (d >= 1 && d <= k - 1) return { planHash: e.planHash, cell: e.cell, difference: d };
      }
    }
    return undefined;
  }
}
