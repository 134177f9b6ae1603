/**
 * A released cell's persons, as disclosure control needs them: how many, the cell keys (sums of the
 * persons' secret record keys) that drive perturbation, and a signature that tells whether two sets
 * differ by only a few persons — the differencing attack — without keeping the sets themselves.
 *
 * The signature is an invertible Bloom lookup table (Goodrich & Mitzenmacher 2011) over the persons'
 * 64-bit pseudonyms: CELLS cells of (count, xor of pseudonyms, xor of a check hash), each person in
 * three cells (one per third). Subtracting two signatures cell by cell leaves the symmetric
 * difference; peeling it recovers every element when the difference is small, so |A Δ B| is known
 * exactly for small differences — the ones that matter — and "large" otherwise. Its size does not
 * grow with the set: a million-person cell costs the same bytes as a five-person cell.
 */
import { KEY_WORDS } from './record-keys.js';

/** Cells per signature: ~6 per element for differences up to 8 (k ≤ 9) decode essentially always. */
export function signatureCells(k: number): number {
  return 3 * Math.max(16, 2 * (k - 1));
}
const WORDS = 4; // count, pseudonym lo, pseudonym hi, check

export interface PersonSet {
  size: number;
  /** Σ persons' record keys mod 2³² (the persons measure's cell key). */
  personKey: number;
  /** Invertible signature of the set (see above). */
  signature: Int32Array;
}

/** Counts per cell for one measure: the true value and its cell key. */
export interface CountCell {
  trueValue: number;
  cellKey: number;
}

/** A 32-bit mix of two words (murmur3's finaliser over them); an int32 whose uint32 is `>>> 0`. */
function mix(a: number, b: number, seed: number): number {
  let h = Math.imul(a ^ seed, 0x85ebca6b) ^ Math.imul(b + seed, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return h ^ (h >>> 16);
}

const check = (lo: number, hi: number) => mix(lo, hi, 0x9e3779b9);

/**
 * (h as uint32) mod m, in small integers: a float modulo of a uint32 above 2³¹ was most of the cost
 * of a person's signature update. A power of two (every k ≤ 9) is a mask; otherwise two steps of
 * 16 bits, each below 2³¹. Same value as `(h >>> 0) % m`, so stored signatures stay comparable.
 */
function slot(h: number, m: number): number {
  if ((m & (m - 1)) === 0) return h & (m - 1);
  return ((((h >>> 16) % m) << 16) + (h & 0xffff)) % m;
}

function flip(sig: Int32Array, o: number, lo: number, hi: number, c: number, sign: number): void {
  sig[o] += sign;
  sig[o + 1] ^= lo;
  sig[o + 2] ^= hi;
  sig[o + 3] ^= c;
}

/**
 * Adds (sign 1) or removes (-1) one pseudonym in its three cells, one per third of the table
 * (written out, without allocating: this runs once per person of every answer).
 */
function toggle(sig: Int32Array, third: number, lo: number, hi: number, sign: 1 | -1): void {
  const c = check(lo, hi);
  flip(sig, slot(mix(lo, hi, 0x1b873593), third) * WORDS, lo, hi, c, sign);
  flip(sig, (third + slot(mix(lo, hi, 0x27d4eb2f), third)) * WORDS, lo, hi, c, sign);
  flip(sig, (2 * third + slot(mix(lo, hi, 0x165667b1), third)) * WORDS, lo, hi, c, sign);
}

/**
 * toggle(sig, third, lo, hi, 1) for a power-of-two `third`, written out: this runs once per person
 * of every answer, and as calls through toggle, slot and flip it took about twice as long (2.0–2.8
 * against 1.1–1.2 ms for 47,714 persons). The same cells and words as toggle, so signatures agree.
 */
function addWithMask(sig: Int32Array, third: number, mask: number, lo: number, hi: number): void {
  const c = check(lo, hi);
  let o = (mix(lo, hi, 0x1b873593) & mask) * WORDS;
  sig[o]++;
  sig[o + 1] ^= lo;
  sig[o + 2] ^= hi;
  sig[o + 3] ^= c;
  o = (third + (mix(lo, hi, 0x27d4eb2f) & mask)) * WORDS;
  sig[o]++;
  sig[o + 1] ^= lo;
  sig[o + 2] ^= hi;
  sig[o + 3] ^= c;
  o = (2 * third + (mix(lo, hi, 0x165667b1) & mask)) * WORDS;
  sig[o]++;
  sig[o + 1] ^= lo;
  sig[o + 2] ^= hi;
  sig[o + 3] ^= c;
}

/** Accumulates one cell: persons (with their key words) and events. */
export class CellAccumulator {
  persons = 0;
  events = 0;
  // The key sums mod 2³², held as int32: V8 keeps a uint32 above 2³¹ in a heap number, and a field
  // holding one got a new heap number for every person added (1.6 MB of garbage per 40,000 persons).
  private personBits = 0;
  private eventBits = 0;
  readonly signature: Int32Array;
  private readonly third: number;

  /** Σ persons' record keys mod 2³² (the persons measure's cell key). */
  get personKey(): number {
    return this.personBits >>> 0;
  }
  set personKey(key: number) {
    this.personBits = key | 0;
  }
  /** Σ record key × events mod 2³² (the events measure's cell key). */
  get eventKey(): number {
    return this.eventBits >>> 0;
  }
  set eventKey(key: number) {
    this.eventBits = key | 0;
  }

  constructor(k: number) {
    this.third = signatureCells(k) / 3;
    this.signature = new Int32Array(signatureCells(k) * WORDS);
    this.thirdMask = (this.third & (this.third - 1)) === 0 ? this.third - 1 : -1;
  }

  /** third − 1 when `third` is a power of two (every k ≤ 9), so a slot is a mask; else −1. */
  private readonly thirdMask: number;

  /** keys holds KEY_WORDS words per person; `counted` says the person counts in this cell's persons. */
  add(keys: Uint32Array, index: number, counted: boolean, events: number): void {
    const o = index * KEY_WORDS;
    if (counted) {
      this.persons++;
      this.personBits = (this.personBits + keys[o]) | 0;
      const lo = keys[o + 2] | 0;
      const hi = keys[o + 3] | 0;
      if (this.thirdMask >= 0) addWithMask(this.signature, this.third, this.thirdMask, lo, hi);
      else toggle(this.signature, this.third, lo, hi, 1);
    }
    if (events > 0) {
      this.events += events;
      this.eventBits = (this.eventBits + Math.imul(keys[o + 1], events)) | 0;
    }
  }

  personSet(): PersonSet {
    return { size: this.persons, personKey: this.personKey, signature: this.signature };
  }
}

/**
 * |A Δ B| when it is at most `limit`, else Infinity (the difference is larger, or too large to
 * decode, which for signatureCells(k) happens only for differences well beyond k).
 */
export function symmetricDifference(a: Int32Array, b: Int32Array, limit: number): number {
  return symmetricDifferenceAt(a, b, 0, limit);
}

/**
 * symmetricDifference of `a` and the signature of a.length words at `b[at]` (signatures stored
 * side by side in one array: src/disclosure/set-index.ts).
 */
export function symmetricDifferenceAt(a: Int32Array, b: Int32Array, at: number, limit: number): number {
  // Each differing person touches 3 cells and moves each of their counts by one: more differing
  // cells than 3 × limit, or counts apart by more than 3 × limit in all, is a large difference.
  // The counts' sum usually says so within a few cells for two unrelated sets of some size, whose
  // cells are all occupied and all differ (the occupancy test cannot tell those apart).
  let touched = 0;
  let apart = 0;
  for (let o = 0; o < a.length; o += WORDS) {
    const dn = a[o] - b[at + o];
    if (dn !== 0) {
      apart += dn < 0 ? -dn : dn;
      if (apart > 3 * limit) return Infinity;
    }
    if (dn !== 0 || a[o + 1] !== b[at + o + 1] || a[o + 2] !== b[at + o + 2] || a[o + 3] !== b[at + o + 3]) {
      if (++touched > 3 * limit) return Infinity;
    }
  }
  if (touched === 0) return 0;
  const d = new Int32Array(a.length);
  const third = a.length / WORDS / 3;
  for (let i = 0; i < a.length; i++) d[i] = i % WORDS === 0 ? a[i] - b[at + i] : a[i] ^ b[at + i];
  const cells = d.length / WORDS;
  let found = 0;
  let progress = true;
  while (progress) {
    progress = false;
    for (let p = 0; p < cells; p++) {
      const o = p * WORDS;
      const n = d[o];
      if ((n !== 1 && n !== -1) || d[o + 3] !== check(d[o + 1], d[o + 2])) continue;
      if (++found > limit) return Infinity;
      toggle(d, third, d[o + 1], d[o + 2], n === 1 ? -1 : 1);
      progress = true;
    }
  }
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return Infinity;
  return found;
}

/**
 * Which cells of a signature hold anybody, one bit per cell: a cheap first test before
 * symmetricDifference. Two sets differing by at most `limit` persons differ in at most 3 × limit
 * cells (each person sits in three), and a cell occupied in one and empty in the other is such a
 * cell; so more than 3 × limit differing bits proves a large difference without reading the cells.
 */
export function occupancy(sig: Int32Array): Uint32Array {
  const cells = sig.length / WORDS;
  const bits = new Uint32Array(Math.ceil(cells / 32));
  for (let p = 0; p < cells; p++) if (sig[p * WORDS] !== 0) bits[p >>> 5] |= 1 << (p & 31);
  return bits;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** False when the occupancies alone prove |A Δ B| > limit; true means "compare the signatures". */
export function mayDifferByAtMost(a: Uint32Array, b: Uint32Array, limit: number): boolean {
  return mayDifferByAtMostAt(a, b, 0, limit);
}

/** mayDifferByAtMost of `a` and the occupancy of a.length words at `b[at]`. */
export function mayDifferByAtMostAt(a: Uint32Array, b: Uint32Array, at: number, limit: number): boolean {
  let differing = 0;
  for (let i = 0; i < a.length; i++) differing += popcount(a[i] ^ b[at + i]);
  return differing <= 3 * limit;
}

export function encodeSignature(sig: Int32Array): string {
  return Buffer.from(sig.buffer, sig.byteOffset, sig.byteLength).toString('base64');
}

export function decodeSignature(text: string): Int32Array {
  const buf = Buffer.from(text, 'base64');
  const copy = new Uint8Array(buf.length);
  copy.set(buf);
  return new Int32Array(copy.buffer);
}
