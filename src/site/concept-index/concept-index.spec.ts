import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConceptIndexBuilder, type ConceptRecord } from './build.js';
import type { ConceptIndex, SearchOptions } from './concept-index.js';
import { tokenize } from './tokens.js';

const concept = (conceptId: number, name: string, extra: Partial<ConceptRecord> = {}): ConceptRecord => ({
  conceptId,
  name,
  domain: 'Condition',
  vocabulary: 'SNOMED',
  conceptClass: 'Clinical Finding',
  standardConcept: 'S',
  code: `x${conceptId}`,
  invalidReason: null,
  ...extra,
});

function build(concepts: ConceptRecord[], more: (b: ConceptIndexBuilder) => void = () => {}): ConceptIndex {
  const b = new ConceptIndexBuilder();
  for (const c of [...concepts].sort((x, y) => x.conceptId - y.conceptId)) b.addConcept(c);
  more(b);
  return b.finish();
}

const ids = (index: ConceptIndex, q: string, opts: Partial<SearchOptions> = {}) =>
  index.search(q, { limit: 50, ...opts }).hits.map((h) => index.concept(h.row).conceptId);
const kinds = (index: ConceptIndex, q: string, opts: Partial<SearchOptions> = {}) =>
  index.search(q, { limit: 50, ...opts }).hits.map((h) => `${index.concept(h.row).conceptId}:${h.matched}`);

const VOCAB = [
  concept(1, 'Malignant tumor of prostate'),
  concept(2, 'Prostate'),
  concept(3, 'Prostate specific antigen measurement', { domain: 'Measurement', conceptClass: 'Procedure' }),
  concept(4, 'Carcinoma of prostate'),
  concept(5, 'Malignant neoplasm of prostate', { vocabulary: 'ICD10CM', standardConcept: null, code: 'C61' }),
  concept(6, 'Prostatitis'),
  concept(7, 'Old prostate concept', { standardConcept: null, invalidReason: 'D' }),
  concept(8, 'Tumor of prostate, malignant'),
  concept(61, 'Something with a numeric id'),
  concept(9, 'Biopsy of prostate', { domain: 'Procedure', conceptClass: 'Procedure' }),
];

test('tiers: id, code, exact name, prefix, all words, fuzzy; each kind labelled', () => {
  const index = build(VOCAB);
  assert.deepEqual(kinds(index, '61'), ['61:id']);
  assert.deepEqual(kinds(index, 'C61'), ['5:code']);
  // "prostate": exact name 2, then names starting with it (standard, then shorter), then containing it.
  const prostate = kinds(index, 'prostate');
  assert.deepEqual(prostate.slice(0, 3), ['2:name', '3:prefix', '9:words']); // 9: the shortest name holding it
  assert.ok(prostate.indexOf('1:words') > prostate.indexOf('3:prefix'));
  // Words in any order.
  assert.deepEqual(ids(index, 'prostate malignant tumor'), [1, 8]);
  // Misspelt: no exact word, so the fuzzy tier answers.
  assert.deepEqual(kinds(index, 'prostrate carcinoma '), ['4:fuzzy']);
  assert.deepEqual(ids(index, 'carcinoma prostrate '), [4]);
});

test('the last word is a prefix while typing; a trailing space makes it a whole word', () => {
  const index = build(VOCAB);
  // All standard, no records: shorter names first.
  assert.deepEqual(kinds(index, 'prostat').slice(0, 3), ['2:prefix', '6:prefix', '3:prefix']);
  assert.ok(kinds(index, 'prostatit').includes('6:prefix')); // Prostatitis
  // A whole word now: there is no such word, so only near misses (2 edits) answer.
  const whole = kinds(index, 'prostatit ');
  assert.ok(whole.includes('6:fuzzy') && whole.every((k) => k.endsWith(':fuzzy')));
  // Few exact matches: the fuzzy tier adds near misses after them ("prostate" is 2 edits from "prostatitis"'s prefix).
  assert.equal(kinds(index, 'prostate').at(-1), '6:fuzzy');
});

test('ties: standard first, then more records, then shorter name', () => {
  const index = build(
    [
      concept(10, 'Knee pain severe', { standardConcept: null }),
      concept(11, 'Knee pain severe and long'),
      concept(12, 'Knee pain severe and longer'),
      concept(13, 'Knee pain severe and longest'),
    ],
    (b) => {
      b.setCounts(13, 500, 40);
      b.setCounts(12, 10, 3);
    },
  );
  assert.deepEqual(ids(index, 'pain knee'), [13, 12, 11, 10]);
});

test('filters combine: domain, vocabulary, class, standard, invalid', () => {
  const index = build(VOCAB);
  assert.deepEqual(ids(index, 'prostate', { domain: 'Procedure' }), [9]);
  assert.deepEqual(ids(index, 'prostate', { vocabulary: 'ICD10CM' }), [5]);
  assert.deepEqual(ids(index, 'prostate', { standard: 'N' }).sort(), [5, 7]);
  assert.deepEqual(ids(index, 'prostate', { invalid: true }), [7]);
  assert.ok(!ids(index, 'prostate', { invalid: false }).includes(7));
  assert.deepEqual(ids(index, 'prostate', { standard: 'N', invalid: false }), [5]);
  assert.deepEqual(ids(index, 'prostate', { domain: 'Nowhere' }), []);
  assert.deepEqual(ids(index, 'prostate', { conceptClass: 'Procedure', domain: 'Measurement' }), [3]);
});

test('synonyms are searched and returned; maps-to and counts are kept per concept', () => {
  const index = build(VOCAB, (b) => {
    b.addSynonym(1, 'Prostate cancer');
    b.addSynonym(1, 'Malignant tumor of prostate'); // same as the name: dropped
    b.addMapsTo(5, 1);
    b.setCounts(1, 42, 7);
  });
  assert.deepEqual(kinds(index, 'prostate cancer'), ['1:name']);
  const row = index.rowOf(1);
  assert.deepEqual(index.synonyms(row), ['Prostate cancer']);
  assert.deepEqual(index.mapsTo(index.rowOf(5)), [1]);
  assert.deepEqual(index.trueCounts(row), { records: 42, persons: 7 });
});

test('paging and totals agree with the hits', () => {
  const index = build(VOCAB);
  const all = ids(index, 'prostate');
  const result = index.search('prostate', { limit: 3, offset: 2 });
  assert.deepEqual(
    result.hits.map((h) => index.concept(h.row).conceptId),
    all.slice(2, 5),
  );
  assert.equal(result.total, all.length);
  assert.equal(result.totalExact, true);
});

test('against a brute-force scan: the words tier finds exactly the names holding every word', () => {
  // A seeded pseudo-random vocabulary of 20k names from 60 words, and 200 random two-word queries.
  let seed = 7;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const words = Array.from({ length: 60 }, (_, i) => `w${i.toString(36)}x${(i * 7) % 13}`);
  const names = Array.from({ length: 20_000 }, () =>
    Array.from({ length: 2 + Math.floor(rand() * 4) }, () => words[Math.floor(rand() * words.length)]).join(' '),
  );
  const index = build(names.map((n, i) => concept(i + 1, n, { standardConcept: rand() < 0.8 ? 'S' : null })));
  for (let k = 0; k < 200; k++) {
    const q = [words[Math.floor(rand() * 60)], words[Math.floor(rand() * 60)]];
    const expected = names
      .map((n, i) => [n, i + 1] as const)
      .filter(([n]) => q.every((w) => tokenize(n).includes(w)))
      .map(([, id]) => id)
      .sort((a, b) => a - b);
    const got = index.search(q.join(' ') + ' ', { limit: 100 });
    assert.equal(got.total, expected.length, q.join(' '));
    const hitIds = got.hits.map((h) => index.concept(h.row).conceptId);
    assert.ok(
      hitIds.every((id) => expected.includes(id)),
      q.join(' '),
    );
    // Standard concepts come before non-standard ones within the page.
    const std = got.hits.map((h) => index.concept(h.row).standardConcept === 'S');
    assert.ok(
      std.indexOf(false) === -1 || std.lastIndexOf(true) < std.indexOf(false) || got.hits.some((h) => h.matched !== 'words'),
    );
  }
});
