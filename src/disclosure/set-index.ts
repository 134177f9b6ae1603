/**
 * Released person sets indexed for the differencing check: by size (a set differing from another by
 * at most k-1 persons has a size within k-1 of it, so 2k-1 lookups whatever the number of sets), with
 * each signature's occupancy bits for a cheap first test. One index per user history (history.ts)
 * and one of the site's published concept sets (src/site/concept-releases.ts): the same check for
 * both, so a cohort release is judged against everything of the same persons released before.
 *
 * The sets of one size sit side by side in one array (a `Bucket`), not as an object with two typed
 * arrays each: a user's 10,000 sets were 30,000 objects the collector marked and swept at every full
 * collection, which on a large site's answers came round about once per answer; and the scan of a
 * bucket is a loop over one array.
 */
import { mayDifferByAtMostAt, occupancy, symmetricDifferenceAt, type PersonSet } from './person-set.js';

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

/** Where a stored set came from. */
interface Origin {
  planHash: string;
  cell: string;
  time: number;
}

export const signed = (signature: Int32Array) => ({ signature, occupied: occupancy(signature) });

/** How many of a signature's first cell counts are kept apart for the quick test (`heads`). */
const HEAD_CELLS = 8;

/** The counts of a signature's first HEAD_CELLS cells (each cell is 4 words, the count first). */
function headsOf(signature: Int32Array, out: Int32Array, at: number): void {
  for (let c = 0; c < HEAD_CELLS; c++) out[at + c] = signature[4 * c];
}

/**
 * Sizes per bucket: a lookup for a set of size s reads the sizes s − (k − 1) … s + (k − 1), which for
 * k ≤ 8 lie in at most two buckets of 16 sizes; with a bucket per size that was nine map entries,
 * buckets and arrays to reach. Measured 10–20 % faster per lookup, hot or after a cache thrash.
 */
const SIZES_PER_BUCKET = 16;

/**
 * The stored sets of a few neighbouring sizes and one signature length (one k), side by side: their
 * sizes in one array (read first), and the counts of each signature's first cells again in one short
 * run. Those cells all lie in the signature's first
 * third, where every person sits in exactly one cell: two sets differing by d persons have first-third
 * counts apart by at most d in all. So reading the eight counts in a row turns away nearly every
 * unrelated set of some size (all its cells occupied, so the occupancy test passes it), usually at
 * the first or second count, before its signature is read.
 */
class Bucket {
  count = 0;
  sizes: Int32Array;
  signatures: Int32Array;
  occupancies: Uint32Array;
  heads: Int32Array;
  readonly origins: Origin[] = [];

  constructor(
    readonly words: number,
    readonly occupancyWords: number,
  ) {
    this.sizes = new Int32Array(2);
    this.signatures = new Int32Array(words * 2);
    this.occupancies = new Uint32Array(occupancyWords * 2);
    this.heads = new Int32Array(HEAD_CELLS * 2);
  }

  /** The first stored set with exactly these persons (so of size n), or -1. */
  find(n: number, signature: Int32Array): number {
    for (let i = 0; i < this.count; i++)
      if (this.sizes[i] === n && symmetricDifferenceAt(signature, this.signatures, i * this.words, 0) === 0) return i;
    return -1;
  }

  push(n: number, signature: Int32Array, occupied: Uint32Array, origin: Origin): void {
    if (this.count === this.sizes.length) {
      const sizes = new Int32Array(this.sizes.length * 2);
      sizes.set(this.sizes);
      this.sizes = sizes;
      const grown = new Int32Array(this.signatures.length * 2);
      grown.set(this.signatures);
      this.signatures = grown;
      const occ = new Uint32Array(this.occupancies.length * 2);
      occ.set(this.occupancies);
      this.occupancies = occ;
      const heads = new Int32Array(this.heads.length * 2);
      heads.set(this.heads);
      this.heads = heads;
    }
    this.sizes[this.count] = n;
    this.signatures.set(signature, this.count * this.words);
    this.occupancies.set(occupied, this.count * this.occupancyWords);
    headsOf(signature, this.heads, this.count * HEAD_CELLS);
    this.origins.push(origin);
    this.count++;
  }
}

export class SetIndex {
  /** Buckets by signature length (sets written under another k are never compared), then by size / SIZES_PER_BUCKET. */
  private readonly byLength = new Map<number, Map<number, Bucket>>();
  count = 0;
  oldest = Infinity;

  private bucket(n: number, signature: Int32Array, create: true): Bucket;
  private bucket(n: number, signature: Int32Array, create: false): Bucket | undefined;
  private bucket(n: number, signature: Int32Array, create: boolean): Bucket | undefined {
    let bySize = this.byLength.get(signature.length);
    if (!bySize) {
      if (!create) return undefined;
      this.byLength.set(signature.length, (bySize = new Map()));
    }
    const at = Math.floor(n / SIZES_PER_BUCKET);
    let b = bySize.get(at);
    if (!b && create) bySize.set(at, (b = new Bucket(signature.length, occupancy(signature).length)));
    return b;
  }

  /** False when the same set is stored already (a repeat adds nothing). */
  add(s: IndexedSet): boolean {
    const b = this.bucket(s.n, s.signature, true);
    if (b.find(s.n, s.signature) >= 0) return false;
    b.push(s.n, s.signature, s.occupied, { planHash: s.planHash, cell: s.cell, time: s.time });
    this.count++;
    this.oldest = Math.min(this.oldest, s.time);
    return true;
  }

  /** True when exactly this set is stored. */
  has(set: PersonSet): boolean {
    const b = this.bucket(set.size, set.signature, false);
    return b !== undefined && b.find(set.size, set.signature) >= 0;
  }

  /** The first stored set found whose persons differ from `set` by 1..k-1. */
  conflict(set: PersonSet, k: number): Conflict | undefined {
    const bySize = this.byLength.get(set.signature.length);
    if (!bySize) return undefined;
    const occupied = occupancy(set.signature);
    const sig = set.signature;
    const heads = new Int32Array(HEAD_CELLS);
    headsOf(sig, heads, 0);
    // The heads are first-third counts (HEAD_CELLS ≤ signatureCells(k) / 3 for every k): a set within
    // k − 1 persons has them within k − 1 in all. (The bound over all three thirds would be 3(k − 1),
    // which let ~2.3 unrelated sets per lookup through to the occupancy test instead of ~0.1.)
    const apartAtMost = k - 1;
    const last = Math.floor((set.size + (k - 1)) / SIZES_PER_BUCKET);
    for (let at = Math.floor(Math.max(0, set.size - (k - 1)) / SIZES_PER_BUCKET); at <= last; at++) {
      const b = bySize.get(at);
      if (!b) continue;
      const stored = b.heads;
      const sizes = b.sizes;
      entries: for (let i = 0; i < b.count; i++) {
        const dn = sizes[i] - set.size;
        if (dn > k - 1 || dn < 1 - k) continue;
        let apart = 0;
        for (let c = 0, o = i * HEAD_CELLS; c < HEAD_CELLS; c++, o++) {
          const dn = heads[c] - stored[o];
          apart += dn < 0 ? -dn : dn;
          if (apart > apartAtMost) continue entries;
        }
        if (!mayDifferByAtMostAt(occupied, b.occupancies, i * b.occupancyWords, k - 1)) continue;
        const d = symmetricDifferenceAt(sig, b.signatures, i * b.words, k - 1);
        if (d >= 1 && d <= k - 1) return { planHash: b.origins[i].planHash, cell: b.origins[i].cell, difference: d };
      }
    }
    return undefined;
  }

  /** Every stored set (copies of the signatures), for writing the index out. */
  *entries(): Generator<IndexedSet> {
    for (const bySize of this.byLength.values())
      for (const b of bySize.values())
        for (let i = 0; i < b.count; i++) {
          const signature = b.signatures.slice(i * b.words, (i + 1) * b.words);
          yield { n: b.sizes[i], ...signed(signature), ...b.origins[i] };
        }
  }
}
