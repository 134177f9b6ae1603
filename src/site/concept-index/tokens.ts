/**
 * How concept names and search text become tokens: lower case, accents folded, split on anything
 * that is not a letter or a digit. Names and queries go through the same function, so "Ag [Mass/volume]"
 * and "ag mass volume" meet. Codes are not tokenised: they are looked up whole (see code-table.ts).
 */

const SPLIT = /[^\p{L}\p{N}]+/u;
const MARKS = /\p{M}+/gu;
/** Longer tokens are cut: nobody types 40 letters of one word, and it bounds the trigram work. */
export const MAX_TOKEN = 32;

export function normalize(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const part of normalize(text).split(SPLIT)) {
    if (part.length > 0) out.push(part.length > MAX_TOKEN ? part.slice(0, MAX_TOKEN) : part);
  }
  return out;
}

/** Edit distance between a and b, or max + 1 as soon as it must exceed max (two rows, early exit). */
export function boundedLevenshtein(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/** Edits a misspelt word may have: none for short words (too many false friends), 1 up to 7 letters, else 2. */
export function allowedEdits(word: string): number {
  if (word.length <= 3) return 0;
  return word.length <= 7 ? 1 : 2;
}

/** 32-bit FNV-1a over a string's UTF-16 units: the hash of the code table. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
