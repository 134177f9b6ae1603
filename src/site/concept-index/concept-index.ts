/**
 * The site's in-memory concept index (built by build.ts, loaded by load.ts) and its search.
 *
 * Ranking tiers, in order: exact concept id or code; exact name or synonym (case-insensitive, by
 * tokens); name or synonym starting with the query; every query word present in any order (the
 * last word as a prefix while typing); fuzzy (each word within 1–2 edits of an indexed word).
 * Within a tier hits come in static rank order (standard first, more records, shorter name), which
 * is the document order every posting list is sorted in, so no hit is scored.
 */
import type { PackedText } from './grow.js';
import { allowedEdits, boundedLevenshtein, hashString, tokenize } from './tokens.js';
import { trigrams, type ConceptRecord } from './build.js';

export interface IndexParts {
  ids: Float64Array;
  domain: Uint16Array;
  vocab: Uint16Array;
  cls: Uint16Array;
  flags: Uint8Array;
  domains: string[];
  vocabularies: string[];
  classes: string[];
  invalids: string[];
  /** The clinical columns counted, as "table.column" (for concept-set person counts). */
  countedColumns: string[];
  names: PackedText;
  codes: PackedText;
  synonyms: PackedText;
  rowSynOff: Uint32Array;
  rowSyn: Uint32Array;
  tokens: string[];
  postOff: Uint32Array;
  post: Uint32Array;
  firstOff: Uint32Array;
  first: Uint32Array;
  docRow: Uint32Array;
  docTokOff: Uint32Array;
  docTok: Uint32Array;
  triIds: Map<string, number>;
  triOff: Uint32Array;
  triPost: Uint32Array;
  codeTable: Uint32Array;
  mapOff: Uint32Array;
  mapTo: Float64Array;
  records: Float64Array;
  persons: Float64Array;
}

export type MatchKind = 'id' | 'code' | 'name' | 'prefix' | 'words' | 'fuzzy';
export type StandardFilter = 'S' | 'C' | 'N' | 'any';

export interface SearchOptions {
  limit: number;
  offset?: number;
  domain?: string;
  vocabulary?: string;
  conceptClass?: string;
  standard?: StandardFilter;
  /** false: valid concepts only; true: invalid ones only; undefined: both. */
  invalid?: boolean;
}

export interface SearchHit {
  row: number;
  matched: MatchKind;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Concepts matching (any tier); an estimate when totalExact is false (very broad prefixes). */
  total: number;
  totalExact: boolean;
}

/** A concept as the index hands it out: the same fields it was built from. */
export type IndexedConcept = ConceptRecord;

/** A word's acceptable tokens: a range of token ids (exact: one id; prefix: many) or a set (fuzzy). */
interface Matcher {
  lo: number;
  hi: number;
  set?: Set<number>;
}

/** The fuzzy tier runs when the exact tiers match fewer concepts than this. */
export const FUZZY_BELOW = 10;
/** Documents a query's counting walk may visit before the total becomes an estimate. */
const COUNT_BUDGET = 100_000;

export class ConceptIndex {
  constructor(private readonly p: IndexParts) {}

  /** The arrays themselves (cache.ts writes them out). */
  get parts(): IndexParts {
    return this.p;
  }

  get size(): number {
    return this.p.ids.length;
  }

  get documents(): number {
    return this.p.docRow.length;
  }

  /** Bytes held by the typed arrays and packed text (the JS token dictionary is not counted). */
  get bytes(): number {
    let total = this.p.names.bytes + this.p.codes.bytes + this.p.synonyms.bytes;
    for (const v of Object.values(this.p)) if (ArrayBuffer.isView(v)) total += v.byteLength;
    return total;
  }

  rowOf(conceptId: number): number {
    const ids = this.p.ids;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[mid] === conceptId) return mid;
      if (ids[mid] < conceptId) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  concept(row: number): IndexedConcept {
    const p = this.p;
    const f = p.flags[row];
    const inv = f >> 2;
    return {
      conceptId: p.ids[row],
      name: p.names.get(row),
      domain: p.domains[p.domain[row]],
      vocabulary: p.vocabularies[p.vocab[row]],
      conceptClass: p.classes[p.cls[row]],
      standardConcept: (f & 3) === 1 ? 'S' : (f & 3) === 2 ? 'C' : null,
      code: p.codes.get(row),
      invalidReason: inv === 0 ? null : p.invalids[inv - 1],
    };
  }

  synonyms(row: number): string[] {
    const out: string[] = [];
    for (let k = this.p.rowSynOff[row]; k < this.p.rowSynOff[row + 1]; k++) out.push(this.p.synonyms.get(this.p.rowSyn[k]));
    return out;
  }

  /** Concept ids this (non-standard) concept maps to. */
  mapsTo(row: number): number[] {
    return Array.from(this.p.mapTo.subarray(this.p.mapOff[row], this.p.mapOff[row + 1]));
  }

  /** True counts: site-private, release only through disclosure control. */
  trueCounts(row: number): { records: number; persons: number } {
    return { records: this.p.records[row], persons: this.p.persons[row] };
  }

  /** Values a filter may take, for error messages and the browser's filter lists. */
  facets(): { domains: string[]; vocabularies: string[]; conceptClasses: string[] } {
    return { domains: [...this.p.domains], vocabularies: [...this.p.vocabularies], conceptClasses: [...this.p.classes] };
  }

  search(q: string, opts: SearchOptions): SearchResult {
    const need = (opts.offset ?? 0) + opts.limit;
    const pass = this.filter(opts);
    const seen = new Set<number>();
    const hits: SearchHit[] = [];
    // Only the page's hits are remembered: counting a million matches must not fill a Set.
    const add = (row: number, matched: MatchKind) => {
      if (hits.length >= need || seen.has(row) || !pass(row)) return;
      seen.add(row);
      hits.push({ row, matched });
    };
    const text = q.trim();

    // Tier 0: exact concept id, exact code.
    if (/^\d{1,15}$/.test(text)) {
      const row = this.rowOf(Number(text));
      if (row >= 0) add(row, 'id');
    }
    for (const row of this.codeRows(text.toLowerCase())) add(row, 'code');
    const tier0 = [...seen];

    const words = tokenize(text);
    let total = seen.size;
    let totalExact = true;
    if (words.length === 0) return { hits: this.page(hits, opts), total, totalExact };
    const prefixLast = !/\s$/.test(q);
    const exactIds = words.map((w) => this.tokenId(w));
    const matchers: (Matcher | null)[] = words.map((w, i) => {
      if (i === words.length - 1 && prefixLast) {
        const [lo, hi] = this.prefixRange(w);
        return lo < hi ? { lo, hi } : null;
      }
      return exactIds[i] >= 0 ? { lo: exactIds[i], hi: exactIds[i] + 1 } : null;
    });

    // Tier 1: exact name or synonym. Tier 2: starts with the query.
    if (exactIds.every((t) => t >= 0)) {
      const ids = exactIds;
      this.walkFirst(ids[0], ids[0] + 1, (doc) => {
        const from = this.p.docTokOff[doc];
        if (this.p.docTokOff[doc + 1] - from !== ids.length) return true;
        for (let i = 1; i < ids.length; i++) if (this.p.docTok[from + i] !== ids[i]) return true;
        add(this.p.docRow[doc], 'name');
        return true;
      });
    }
    if (matchers.every((m) => m !== null) && hits.length < need) {
      const ms = matchers as Matcher[];
      const firstM = ms[0];
      this.walkFirst(firstM.lo, firstM.hi, (doc) => {
        const from = this.p.docTokOff[doc];
        if (this.p.docTokOff[doc + 1] - from < ms.length) return true;
        for (let i = 0; i < ms.length; i++) if (!accepts(ms[i], this.p.docTok[from + i])) return true;
        add(this.p.docRow[doc], 'prefix');
        return hits.length < need;
      });
    }

    // Tier 3: every word present, any order; this walk also counts the total.
    const tier0Extra = (ms: (Matcher | null)[]) =>
      ms.every((m) => m !== null) ? tier0.filter((r) => !this.rowHasAll(r, ms as Matcher[])).length : tier0.length;
    if (matchers.every((m) => m !== null)) {
      const counted = this.walkAll(matchers as Matcher[], pass, (row) => (add(row, 'words'), hits.length < need));
      total = counted.count + tier0Extra(matchers);
      totalExact = counted.exact;
    }

    // Tier 4: misspellings, when the exact tiers find few concepts (a fixed threshold, not the page
    // size, so every page of one query counts the same total). Each word's fuzzy set holds its exact
    // matches too, so this walk's count covers tier 3's.
    if (total < FUZZY_BELOW) {
      const fuzzy = words.map((w, i) => this.fuzzyMatcher(w, i === words.length - 1 && prefixLast, matchers[i]));
      if (fuzzy.every((m) => m !== null)) {
        const counted = this.walkAll(fuzzy as Matcher[], pass, (row) => (add(row, 'fuzzy'), hits.length < need));
        total = Math.max(total, counted.count + tier0Extra(fuzzy));
        if (!counted.exact) totalExact = false;
      }
    }
    return { hits: this.page(hits, opts), total: Math.max(total, seen.size), totalExact };
  }

  private page(hits: SearchHit[], opts: SearchOptions): SearchHit[] {
    const offset = opts.offset ?? 0;
    return hits.slice(offset, offset + opts.limit);
  }

  private filter(opts: SearchOptions): (row: number) => boolean {
    const p = this.p;
    const idx = (list: string[], v: string | undefined) => (v === undefined ? -1 : list.indexOf(v));
    const domain = idx(p.domains, opts.domain);
    const vocab = idx(p.vocabularies, opts.vocabulary);
    const cls = idx(p.classes, opts.conceptClass);
    // A filter value the vocabulary does not have matches nothing (not an error: another site may have it).
    const impossible =
      (opts.domain !== undefined && domain < 0) ||
      (opts.vocabulary !== undefined && vocab < 0) ||
      (opts.conceptClass !== undefined && cls < 0);
    const std = opts.standard ?? 'any';
    const wantStd = std === 'S' ? 1 : std === 'C' ? 2 : std === 'N' ? 0 : -1;
    const invalid = opts.invalid;
    return (row) => {
      if (impossible) return false;
      if (domain >= 0 && p.domain[row] !== domain) return false;
      if (vocab >= 0 && p.vocab[row] !== vocab) return false;
      if (cls >= 0 && p.cls[row] !== cls) return false;
      const f = p.flags[row];
      if (wantStd >= 0 && (f & 3) !== wantStd) return false;
      if (invalid !== undefined && (f >> 2 !== 0) !== invalid) return false;
      return true;
    };
  }

  private codeRows(code: string): number[] {
    if (code.length === 0 || code.length > 50) return [];
    const table = this.p.codeTable;
    const mask = table.length - 1;
    const out: number[] = [];
    for (let h = hashString(code) & mask; table[h] !== 0; h = (h + 1) & mask) {
      const row = table[h] - 1;
      if (this.p.codes.get(row).toLowerCase() === code) out.push(row);
    }
    return out.sort((a, b) => this.docOfRow(a) - this.docOfRow(b));
  }

  /** Rank order of a row, for sorting the few tier-0 hits like the rest. */
  private docOfRow(row: number): number {
    // Standard first, then more records: the static rank in brief, without the full key.
    return ((this.p.flags[row] & 3) === 1 ? 0 : 1e12) - this.p.records[row];
  }

  tokenId(word: string): number {
    const t = this.p.tokens;
    const i = lowerBound(t, word);
    return i < t.length && t[i] === word ? i : -1;
  }

  private prefixRange(word: string): [number, number] {
    return [lowerBound(this.p.tokens, word), lowerBound(this.p.tokens, word + '\uffff')];
  }

  /** Documents whose first token is in [lo, hi), ascending, each once. */
  private walkFirst(lo: number, hi: number, visit: (doc: number) => boolean): void {
    const { firstOff, first } = this.p;
    const lists: Uint32Array[] = [];
    for (let t = lo; t < hi; t++) if (firstOff[t + 1] > firstOff[t]) lists.push(first.subarray(firstOff[t], firstOff[t + 1]));
    mergeLists(lists, visit);
  }

  private rowHasAll(row: number, ms: Matcher[]): boolean {
    const name = tokenize(this.p.names.get(row)).map((w) => this.tokenId(w));
    return ms.every((m) => name.some((t) => t >= 0 && accepts(m, t)));
  }

  /** The documents holding a token the matcher accepts, as posting lists (one per token). */
  private listsOf(m: Matcher): Uint32Array[] {
    const { postOff, post } = this.p;
    const tokens = m.set ? [...m.set] : Array.from({ length: m.hi - m.lo }, (_, k) => m.lo + k);
    return tokens.map((t) => post.subarray(postOff[t], postOff[t + 1])).filter((l) => l.length > 0);
  }

  /**
   * Counts distinct rows whose some document has every matcher; hands each to `hit` in rank order.
   * Driven by the matcher with the fewest postings: its lists merged in document order (a heap over
   * the lists, so a prefix with thousands of words costs no sort), the others checked per document.
   * Past COUNT_BUDGET documents the count is extrapolated.
   */
  private walkAll(
    ms: Matcher[],
    pass: (row: number) => boolean,
    hit: (row: number) => boolean,
  ): { count: number; exact: boolean } {
    let best = 0;
    let bestSize = Infinity;
    const sizes = ms.map((m) => this.postings(m));
    sizes.forEach((size, i) => {
      if (size < bestSize) [best, bestSize] = [i, size];
    });
    const others = ms.filter((_, i) => i !== best);
    const { docRow, docTokOff, docTok } = this.p;
    let count = 0;
    let visited = 0;
    let lastRow = -1;
    let exact = true;
    let collecting = true;
    const has = (doc: number, m: Matcher) => {
      const to = docTokOff[doc + 1];
      if (m.set) {
        for (let i = docTokOff[doc]; i < to; i++) if (m.set.has(docTok[i])) return true;
      } else {
        for (let i = docTokOff[doc]; i < to; i++) if (docTok[i] >= m.lo && docTok[i] < m.hi) return true;
      }
      return false;
    };
    mergeLists(this.listsOf(ms[best]), (doc) => {
      visited++;
      const row = docRow[doc];
      if (row !== lastRow) {
        let ok = true;
        for (let k = 0; k < others.length && ok; k++) ok = has(doc, others[k]);
        if (ok && pass(row)) {
          lastRow = row;
          count++;
          if (collecting) collecting = hit(row);
        }
      }
      if (visited >= COUNT_BUDGET) {
        exact = false;
        // A document of a row with two matching words may be visited twice: an estimate, said so.
        count = Math.round((count / visited) * bestSize);
        return false;
      }
      return true;
    });
    return { count, exact };
  }

  /** Postings (documents, with repeats across tokens) behind a matcher. */
  private postings(m: Matcher): number {
    const { postOff } = this.p;
    if (!m.set) return postOff[m.hi] - postOff[m.lo];
    let size = 0;
    for (const t of m.set) size += postOff[t + 1] - postOff[t];
    return size;
  }

  /** Tokens within the allowed edits of `word` (as a prefix for the word being typed), plus its exact matches. */
  private fuzzyMatcher(word: string, prefix: boolean, exact: Matcher | null): Matcher | null {
    const edits = allowedEdits(word);
    const set = new Set<number>();
    if (exact) for (let t = exact.lo; t < exact.hi; t++) set.add(t);
    if (edits > 0) {
      const grams = [...new Set(trigrams(word))];
      const need = Math.max(1, grams.length - 3 * edits);
      const hitsPerToken = new Map<number, number>();
      for (const g of grams) {
        const id = this.p.triIds.get(g);
        if (id === undefined) continue;
        for (let i = this.p.triOff[id]; i < this.p.triOff[id + 1]; i++) {
          const t = this.p.triPost[i];
          hitsPerToken.set(t, (hitsPerToken.get(t) ?? 0) + 1);
        }
      }
      for (const [t, shared] of hitsPerToken) {
        if (shared < need || set.has(t)) continue;
        const token = this.p.tokens[t];
        const d = prefix
          ? Math.min(
              ...[-1, 0, 1].map((delta) =>
                boundedLevenshtein(word, token.slice(0, word.length + delta * Math.min(1, edits)), edits),
              ),
            )
          : boundedLevenshtein(word, token, edits);
        if (d <= edits) set.add(t);
      }
    }
    if (set.size === 0) return null;
    return { lo: 0, hi: 0, set };
  }
}

/** Visits the documents of sorted lists in ascending order, each once, until visit returns false. */
function mergeLists(lists: Uint32Array[], visit: (doc: number) => boolean): void {
  if (lists.length === 1) {
    const l = lists[0];
    for (let i = 0; i < l.length; i++) if (!visit(l[i])) return;
    return;
  }
  // Binary heap of list indexes keyed by each list's current document.
  const pos = new Uint32Array(lists.length);
  const heap: number[] = lists.map((_, i) => i);
  const key = (h: number) => lists[heap[h]][pos[heap[h]]];
  const down = (h: number) => {
    for (;;) {
      const l = 2 * h + 1;
      const r = l + 1;
      let m = h;
      if (l < heap.length && key(l) < key(m)) m = l;
      if (r < heap.length && key(r) < key(m)) m = r;
      if (m === h) return;
      [heap[h], heap[m]] = [heap[m], heap[h]];
      h = m;
    }
  };
  for (let h = (heap.length >> 1) - 1; h >= 0; h--) down(h);
  let last = -1;
  while (heap.length > 0) {
    const doc = key(0);
    if (doc !== last) {
      last = doc;
      if (!visit(doc)) return;
    }
    const top = heap[0];
    if (++pos[top] >= lists[top].length) {
      heap[0] = heap[heap.length - 1];
      heap.pop();
    }
    if (heap.length > 0) down(0);
  }
}

function accepts(m: Matcher, token: number): boolean {
  return m.set ? m.set.has(token) : token >= m.lo && token < m.hi;
}

function lowerBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
