/**
 * Builds a ConceptIndex from concepts fed in ascending concept_id order (the loader pages the
 * concept table that way), then synonyms, 'Maps to' pairs and per-concept counts.
 *
 * The one idea that makes search fast: every posting list is ordered by a static rank (standard
 * first, then more records, then shorter name, then concept id), the order the ranking breaks ties
 * in. Documents (a concept's name, then each synonym) are numbered in that order, so walking any
 * posting list or the document range visits hits best-first, and a page of results is found by
 * stopping early instead of scoring every match.
 */
import { GrowF64, GrowText, GrowU32 } from './grow.js';
import { ConceptIndex, type IndexParts } from './concept-index.js';
import { hashString, tokenize } from './tokens.js';

export interface ConceptRecord {
  conceptId: number;
  name: string;
  domain: string;
  vocabulary: string;
  conceptClass: string;
  standardConcept: 'S' | 'C' | null;
  code: string;
  invalidReason: string | null;
}

/** Small string → number dictionaries (domains, vocabularies, classes, invalid reasons). */
class Dict {
  readonly values: string[] = [];
  private readonly map = new Map<string, number>();
  id(s: string): number {
    let i = this.map.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(s);
      this.map.set(s, i);
    }
    return i;
  }
}

const ROW_BITS = 2 ** 24;
export const MAX_CONCEPTS = ROW_BITS - 1;

export class ConceptIndexBuilder {
  private readonly ids = new GrowF64(1 << 16);
  private readonly domain = new GrowU32(1 << 16);
  private readonly vocab = new GrowU32(1 << 16);
  private readonly cls = new GrowU32(1 << 16);
  private readonly flags = new GrowU32(1 << 16); // bits 0-1 standard (0 none, 1 S, 2 C), bits 2+ invalid reason + 1
  private readonly names = new GrowText();
  private readonly codes = new GrowText();
  private readonly nameLen = new GrowU32(1 << 16);
  private readonly domains = new Dict();
  private readonly vocabularies = new Dict();
  private readonly classes = new Dict();
  private readonly invalids = new Dict();
  /** Tokens in first-seen order while loading; sorted in finish(). */
  private readonly tokenIds = new Map<string, number>();
  private readonly tokenList: string[] = [];
  private readonly nameTokOff = new GrowU32(1 << 16);
  private readonly nameTok = new GrowU32(1 << 18);
  private readonly synRow = new GrowU32();
  private readonly synTokOff = new GrowU32();
  private readonly synTok = new GrowU32();
  private readonly synText = new GrowText();
  private readonly mapFrom = new GrowU32();
  private readonly mapTo = new GrowF64();
  /** The clinical columns the counts came from, as "table.column". */
  countedColumns: string[] = [];
  private records?: Float64Array;
  private persons?: Float64Array;

  constructor() {
    this.nameTokOff.push(0);
    this.synTokOff.push(0);
  }

  get size(): number {
    return this.ids.length;
  }

  private tok(text: string, out: GrowU32): void {
    for (const t of tokenize(text)) {
      let id = this.tokenIds.get(t);
      if (id === undefined) {
        id = this.tokenList.length;
        this.tokenList.push(t);
        this.tokenIds.set(t, id);
      }
      out.push(id);
    }
  }

  addConcept(c: ConceptRecord): void {
    const n = this.ids.length;
    if (n > 0 && c.conceptId <= this.ids.data[n - 1]) throw new Error('concepts must come in ascending concept_id order');
    if (n >= MAX_CONCEPTS) throw new Error(`the concept index holds at most ${MAX_CONCEPTS} concepts`);
    this.ids.push(c.conceptId);
    this.domain.push(this.domains.id(c.domain));
    this.vocab.push(this.vocabularies.id(c.vocabulary));
    this.cls.push(this.classes.id(c.conceptClass));
    const std = c.standardConcept === 'S' ? 1 : c.standardConcept === 'C' ? 2 : 0;
    const inv = c.invalidReason === null ? 0 : this.invalids.id(c.invalidReason) + 1;
    this.flags.push(std | (inv << 2));
    this.names.push(c.name);
    this.codes.push(c.code);
    this.nameLen.push(Math.min(c.name.length, 255));
    this.tok(c.name, this.nameTok);
    this.nameTokOff.push(this.nameTok.length);
  }

  /** [first, last] concept id of consecutive runs of `step` concepts, for paging tables keyed by concept id. */
  idRanges(step: number): [number, number][] {
    const out: [number, number][] = [];
    const n = this.ids.length;
    for (let i = 0; i < n; i += step) out.push([this.ids.data[i], this.ids.data[Math.min(n, i + step) - 1]]);
    return out;
  }

  /** Row of a concept id (ids are sorted), or -1. */
  rowOf(id: number): number {
    const ids = this.ids.data;
    let lo = 0;
    let hi = this.ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[mid] === id) return mid;
      if (ids[mid] < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  addSynonym(conceptId: number, text: string): void {
    const row = this.rowOf(conceptId);
    if (row < 0) return;
    // A synonym equal to the name adds nothing but a duplicate hit.
    if (tokenize(text).join(' ') === this.nameOf(row)) return;
    this.synRow.push(row);
    this.synText.push(text);
    this.tok(text, this.synTok);
    this.synTokOff.push(this.synTok.length);
  }

  /** The name as tokens joined by spaces (the packed names are not readable until finish()). */
  private nameOf(row: number): string {
    const from = this.nameTokOff.data[row];
    const to = this.nameTokOff.data[row + 1];
    const parts: string[] = [];
    for (let i = from; i < to; i++) parts.push(this.tokenList[this.nameTok.data[i]]);
    return parts.join(' ');
  }

  addMapsTo(sourceId: number, targetId: number): void {
    const row = this.rowOf(sourceId);
    if (row < 0 || sourceId === targetId) return;
    this.mapFrom.push(row);
    this.mapTo.push(targetId);
  }

  /** True per-concept counts (site data; released only through disclosure control). */
  setCounts(conceptId: number, records: number, persons: number): void {
    const row = this.rowOf(conceptId);
    if (row < 0) return;
    this.records ??= new Float64Array(this.ids.length);
    this.persons ??= new Float64Array(this.ids.length);
    this.records[row] += records;
    this.persons[row] = Math.max(this.persons[row], persons);
  }

  finish(): ConceptIndex {
    const n = this.ids.length;
    const ids = this.ids.done();
    const records = this.records ?? new Float64Array(n);
    const persons = this.persons ?? new Float64Array(n);
    const flags = this.flags.done();
    const nameLen = this.nameLen.data;

    // Static rank: one sortable number per row (standard, record-count bucket, name length), the row
    // in the low 24 bits so equal keys keep concept_id order. A native Float64Array sort of 5M keys
    // takes well under a second; a comparator sort took seconds.
    const keys = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const std = (flags[r] & 3) === 1 ? 0 : 1;
      const bucket = 1023 - Math.min(1023, Math.round(Math.log2(1 + records[r]) * 32));
      keys[r] = ((std * 1024 + bucket) * 256 + nameLen[r]) * ROW_BITS + r;
    }
    keys.sort();
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = keys[i] % ROW_BITS;

    // Sorted token dictionary: prefix search is a range of token ids.
    const tmpTokens = this.tokenList;
    const sortedIdx = Array.from(tmpTokens.keys()).sort((a, b) => (tmpTokens[a] < tmpTokens[b] ? -1 : 1));
    const tokens = sortedIdx.map((i) => tmpTokens[i]);
    const remap = new Uint32Array(tmpTokens.length);
    sortedIdx.forEach((tmp, fin) => (remap[tmp] = fin));

    // Synonyms per row (CSR by counting sort).
    const synRow = this.synRow.data;
    const nSyn = this.synRow.length;
    const rowSynOff = new Uint32Array(n + 1);
    for (let s = 0; s < nSyn; s++) rowSynOff[synRow[s] + 1]++;
    for (let r = 0; r < n; r++) rowSynOff[r + 1] += rowSynOff[r];
    const rowSyn = new Uint32Array(nSyn);
    const fill = rowSynOff.slice(0, n);
    for (let s = 0; s < nSyn; s++) rowSyn[fill[synRow[s]]++] = s;

    // Documents in rank order: each row's name, then its synonyms.
    const nDocs = n + nSyn;
    const docRow = new Uint32Array(nDocs);
    const docTokOff = new Uint32Array(nDocs + 1);
    const docTok = new Uint32Array(this.nameTok.length + this.synTok.length);
    const nameTokOff = this.nameTokOff.data;
    const nameTok = this.nameTok.data;
    const synTokOff = this.synTokOff.data;
    const synTok = this.synTok.data;
    let d = 0;
    let w = 0;
    const copy = (src: Uint32Array, from: number, to: number) => {
      for (let i = from; i < to; i++) docTok[w++] = remap[src[i]];
      docTokOff[++d] = w;
    };
    for (let i = 0; i < n; i++) {
      const r = order[i];
      docRow[d] = r;
      copy(nameTok, nameTokOff[r], nameTokOff[r + 1]);
      for (let k = rowSynOff[r]; k < rowSynOff[r + 1]; k++) {
        const s = rowSyn[k];
        docRow[d] = r;
        copy(synTok, synTokOff[s], synTokOff[s + 1]);
      }
    }

    // Posting lists (token → documents, ascending = best first) and first-token lists.
    const nTok = tokens.length;
    const postOff = new Uint32Array(nTok + 1);
    const firstOff = new Uint32Array(nTok + 1);
    const distinct = (doc: number, i: number) => {
      for (let j = docTokOff[doc]; j < i; j++) if (docTok[j] === docTok[i]) return false;
      return true;
    };
    for (let doc = 0; doc < nDocs; doc++) {
      const from = docTokOff[doc];
      const to = docTokOff[doc + 1];
      if (from < to) firstOff[docTok[from] + 1]++;
      for (let i = from; i < to; i++) if (distinct(doc, i)) postOff[docTok[i] + 1]++;
    }
    for (let t = 0; t < nTok; t++) {
      postOff[t + 1] += postOff[t];
      firstOff[t + 1] += firstOff[t];
    }
    const post = new Uint32Array(postOff[nTok]);
    const first = new Uint32Array(firstOff[nTok]);
    const pFill = postOff.slice(0, nTok);
    const fFill = firstOff.slice(0, nTok);
    for (let doc = 0; doc < nDocs; doc++) {
      const from = docTokOff[doc];
      const to = docTokOff[doc + 1];
      if (from < to) first[fFill[docTok[from]]++] = doc;
      for (let i = from; i < to; i++) if (distinct(doc, i)) post[pFill[docTok[i]]++] = doc;
    }

    // Trigrams of tokens (with a two-character start pad) for fuzzy matching of misspelt words.
    const triIds = new Map<string, number>();
    const triCount: number[] = [];
    const tokTris: number[][] = tokens.map((t) => {
      const ids2 = [...new Set(trigrams(t))].map((g) => {
        let id = triIds.get(g);
        if (id === undefined) {
          id = triCount.length;
          triIds.set(g, id);
          triCount.push(0);
        }
        triCount[id]++;
        return id;
      });
      return ids2;
    });
    const triOff = new Uint32Array(triCount.length + 1);
    for (let g = 0; g < triCount.length; g++) triOff[g + 1] = triOff[g] + triCount[g];
    const triPost = new Uint32Array(triOff[triCount.length]);
    const tFill = triOff.slice(0, triCount.length);
    tokTris.forEach((list, t) => {
      for (const g of list) triPost[tFill[g]++] = t;
    });

    // Codes: open addressing, lower-cased code → row + 1 (several concepts may share a code).
    const codes = this.codes.done();
    const slots = 2 ** Math.ceil(Math.log2(Math.max(16, n * 2)));
    const codeTable = new Uint32Array(slots);
    for (let r = 0; r < n; r++) {
      let h = hashString(codes.get(r).toLowerCase()) & (slots - 1);
      while (codeTable[h] !== 0) h = (h + 1) & (slots - 1);
      codeTable[h] = r + 1;
    }

    // 'Maps to' per row (CSR), targets as concept ids.
    const nMap = this.mapFrom.length;
    const mapOff = new Uint32Array(n + 1);
    for (let i = 0; i < nMap; i++) mapOff[this.mapFrom.data[i] + 1]++;
    for (let r = 0; r < n; r++) mapOff[r + 1] += mapOff[r];
    const mapTo = new Float64Array(nMap);
    const mFill = mapOff.slice(0, n);
    for (let i = 0; i < nMap; i++) mapTo[mFill[this.mapFrom.data[i]]++] = this.mapTo.data[i];

    const parts: IndexParts = {
      ids,
      domain: Uint16Array.from(this.domain.data.subarray(0, n)),
      vocab: Uint16Array.from(this.vocab.data.subarray(0, n)),
      cls: Uint16Array.from(this.cls.data.subarray(0, n)),
      flags: Uint8Array.from(flags),
      domains: this.domains.values,
      vocabularies: this.vocabularies.values,
      classes: this.classes.values,
      invalids: this.invalids.values,
      countedColumns: this.countedColumns,
      names: this.names.done(),
      codes,
      synonyms: this.synText.done(),
      rowSynOff,
      rowSyn,
      tokens,
      postOff,
      post,
      firstOff,
      first,
      docRow,
      docTokOff,
      docTok,
      triIds,
      triOff,
      triPost,
      codeTable,
      mapOff,
      mapTo,
      records,
      persons,
    };
    return new ConceptIndex(parts);
  }
}

export function trigrams(token: string): string[] {
  const padded = '  ' + token;
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
}
