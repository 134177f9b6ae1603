/**
 * Site answers the hub has decoded recently, by their exact bytes. Decoding an Arrow answer (schema,
 * batch, rows, checks) was the largest piece of the hub's own work on a tiny query (~0.3–0.4 ms of
 * CPU per answer, issue 11), and the same plan asked again gets the same bytes from a site: exact
 * answers are deterministic, perturbed ones consistent by design (same persons, same answer).
 *
 * Decoding is a pure function of (bytes, site, expected schema), so a hit returns what decoding
 * returned then: the entry keeps the bytes and a hit must equal them byte for byte (the SHA-256
 * only finds the candidate). The rows and provenance are frozen: every query holding them shares
 * them, and nothing may change them. Small answers only; anything that failed to decode is not kept.
 */
import { createHash } from 'node:crypto';
import { decodeSiteAnswer, type SiteAnswer } from './decode.js';
import { owned } from './result-encoder.js';
import { Recent } from '../node/recent.js';

/** Answers kept, and the largest kept (a tiny query's answer is ~2 KiB; a wide crosstab more). */
const MAX_ENTRIES = 128;
const MAX_BYTES = 64 * 1024;
/**
 * And at most this much memory: a kept answer weighs ~5.6× its bytes (the bytes, the decoded rows and
 * their cells; measured with 128 answers of 47 KiB: 33 MiB), counted as 6×. 128 tiny-query answers fit;
 * of the largest, about 20.
 */
const MAX_KEPT = 8 * 1024 * 1024;
const WEIGHT_PER_BYTE = 6;

interface Entry {
  bytes: Buffer;
  answer: SiteAnswer;
}

const entries = new Recent<Entry>(MAX_ENTRIES, MAX_KEPT);

/** decodeSiteAnswer, answered from memory when these exact bytes were decoded for this site and schema. */
export function decodeSiteAnswerMemo(
  body: Buffer,
  expected: string,
  site: string,
  contentType?: string,
  expectedNulls?: string,
): SiteAnswer {
  if (body.byteLength > MAX_BYTES) return decodeSiteAnswer(body, expected, site, contentType, expectedNulls);
  const digest = createHash('sha256').update(body).digest('base64');
  const key = `${site}\u0000${expected}\u0000${expectedNulls ?? ''}\u0000${digest}`;
  const hit = entries.get(key);
  if (hit && hit.bytes.equals(body)) return hit.answer;
  // Decoded from memory of its own (the answer's batch is a view into it), not from the response's
  // buffer, which may be a slice of Node's shared pool. Throws for a bad answer: nothing is kept then.
  const bytes = owned(body);
  const answer = deepFreeze(decodeSiteAnswer(bytes, expected, site, contentType, expectedNulls));
  entries.set(key, { bytes, answer }, bytes.byteLength * WEIGHT_PER_BYTE);
  return answer;
}

/** Freezes rows, their cells and provenance; the batch Buffer is left (Buffers cannot be frozen, and it is copied on use). */
function deepFreeze(answer: SiteAnswer): SiteAnswer {
  for (const row of answer.rows) {
    for (const m of Object.values(row.measures)) Object.freeze(m);
    Object.freeze(row.measures);
    Object.freeze(row.dims);
    Object.freeze(row);
  }
  Object.freeze(answer.rows);
  Object.freeze(answer.provenance);
  return Object.freeze(answer);
}

/** How many answers are kept (specs). */
export function memoSize(): number {
  return entries.size;
}
