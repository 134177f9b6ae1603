import { test } from 'node:test';
import assert from 'node:assert/strict';
import { streamBytes, tableFromRows } from '../arrow/encode.js';
import { resultSchema, type ResultRow } from '../arrow/result-schema.js';
import { FedomopError } from '../errors.js';
import { decodeSiteAnswerMemo, memoSize } from './answer-memo.js';
import { decodeSiteAnswer, expectedNullability, expectedSignature } from './decode.js';

const analysis = { kind: 'crosstab', by: ['gender'] } as const;
const cell = (value: number) => ({ value, lower: value, upper: value, suppressed: false });
const answer = (site: string, persons: number) => {
  const rows: ResultRow[] = [
    { site, dims: { gender: 'FEMALE' }, measures: { persons: cell(persons), events: cell(persons * 2) } },
  ];
  const schema = resultSchema(analysis as never, { 'fedomop.site': site });
  return Buffer.from(streamBytes(schema, tableFromRows(schema, rows).batches));
};
const expected = expectedSignature(analysis as never);
const nulls = expectedNullability(analysis as never);

test('the same bytes decode once; a hit is what decoding gives, frozen', () => {
  const bytes = answer('north', 12);
  const first = decodeSiteAnswerMemo(bytes, expected, 'north', undefined, nulls);
  // A fresh Buffer with equal bytes (as the next response would be) hits the kept answer.
  const again = decodeSiteAnswerMemo(Buffer.from(bytes), expected, 'north', undefined, nulls);
  assert.equal(again, first);
  const plain = decodeSiteAnswer(bytes, expected, 'north', undefined, nulls);
  assert.deepEqual(again.rows, plain.rows);
  assert.deepEqual(again.provenance, plain.provenance);
  assert.ok(again.batch?.equals(plain.batch!));
  assert.throws(() => {
    (again.rows[0].measures.persons as { value: number }).value = 1;
  }, TypeError);
});

test('other bytes, another site or another expected schema are decoded afresh', () => {
  const north = decodeSiteAnswerMemo(answer('north', 20), expected, 'north', undefined, nulls);
  const other = decodeSiteAnswerMemo(answer('north', 21), expected, 'north', undefined, nulls);
  assert.equal(north.rows[0].measures.persons.value, 20);
  assert.equal(other.rows[0].measures.persons.value, 21);
  // Bytes kept for north are not north's answer when south sends them: its rows say "north".
  assert.throws(
    () => decodeSiteAnswerMemo(answer('north', 20), expected, 'south', undefined, nulls),
    (err: FedomopError) => err.code === 'ERR_SITE_BAD_RESPONSE' && /labelled site "north"/.test(err.message),
  );
  const countSignature = expectedSignature({ kind: 'count' } as never);
  assert.throws(
    () => decodeSiteAnswerMemo(answer('north', 20), countSignature, 'north', undefined, nulls),
    (err: FedomopError) => err.code === 'ERR_SITE_BAD_RESPONSE',
  );
});

test('a bad answer is refused every time, never kept', () => {
  const bad = Buffer.from('not arrow at all');
  for (let i = 0; i < 2; i++) {
    assert.throws(
      () => decodeSiteAnswerMemo(bad, expected, 'north', 'text/plain', nulls),
      (err: FedomopError) => err.code === 'ERR_SITE_BAD_RESPONSE',
    );
  }
});

test('the memo is bounded by memory, not only by count: 128 answers of ~40 KiB are not all kept', () => {
  const big = (k: number) => {
    const rows: ResultRow[] = Array.from({ length: 500 }, (_, i) => ({
      site: 'south',
      dims: { gender: `G${k}-${i}` },
      measures: { persons: cell(i + k), events: cell(i + 2 * k) },
    }));
    const schema = resultSchema(analysis as never, { 'fedomop.site': 'south' });
    return Buffer.from(streamBytes(schema, tableFromRows(schema, rows).batches));
  };
  const size = big(0).length;
  assert.ok(size > 20 * 1024 && size <= 64 * 1024, `${size} B: small enough to be kept, large enough to weigh`);
  for (let k = 0; k < 128; k++) decodeSiteAnswerMemo(big(k), expected, 'south', undefined, nulls);
  // 8 MiB at 6 × the bytes each.
  assert.ok(memoSize() <= Math.ceil((8 * 1024 * 1024) / (6 * size)), `${memoSize()} answers of ${size} B kept`);
  assert.ok(memoSize() >= 1);
});
