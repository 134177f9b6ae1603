/**
 * Secret record keys, one per person, derived at the site from a per-site secret and the person id.
 * Never released, never sent to the database (PostgreSQL may log bind parameters): the SQL returns
 * person ids to this process only, and the keys are computed here.
 *
 * The keyed function is AES-256 in ECB mode over one 16-byte block per person (the id as a signed
 * 64-bit little-endian integer, then a fixed 8-byte tag): a pseudo-random permutation, so a PRF on
 * distinct ids, and one cipher call covers a whole result (about 20 ms per million persons), so no
 * cache is needed. The 16 output bytes are four unsigned 32-bit words:
 *   0  the person's record key for person counts     (cell key = Σ mod 2³²)
 *   1  the person's record key for event counts      (cell key = Σ key × events mod 2³²)
 *   2,3 a 64-bit pseudonym used by the release history (the history never stores a person id)
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import path from 'node:path';
import { FedomopError } from '../errors.js';

const TAG = Buffer.from('fedomop1', 'ascii');
const TAG_WORD = TAG.readBigInt64LE(0);
const TAG_LO = TAG.readInt32LE(0);
const TAG_HI = TAG.readInt32LE(4);
const LITTLE_ENDIAN = endianness() === 'LE';
export const KEY_WORDS = 4;

export class RecordKeys {
  private constructor(private readonly secret: Buffer) {}

  /** Keys from a given 32-byte secret (specs, benchmarks). */
  static fromSecret(secret: Uint8Array): RecordKeys {
    if (secret.length !== 32) throw new FedomopError('ERR_CONFIG_INVALID', 'the site secret must be 32 bytes');
    return new RecordKeys(Buffer.from(secret));
  }

  /**
   * The site's secret file: read, or created with mode 0600 when absent. A readable-by-others file
   * is refused: whoever holds the secret can undo the perturbation.
   */
  static openSecretFile(file: string): RecordKeys {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, randomBytes(32).toString('hex') + '\n');
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new FedomopError('ERR_CONFIG_INVALID', `cannot create the site secret ${file}: ${(err as Error).message}`);
    }
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0)
      throw new FedomopError('ERR_CONFIG_INVALID', `the site secret ${file} is readable by others: chmod 600 it`);
    const text = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text))
      throw new FedomopError('ERR_CONFIG_INVALID', `the site secret ${file} is not 64 hex digits`);
    return new RecordKeys(Buffer.from(text, 'hex'));
  }

  /**
   * KEY_WORDS words per id, in the order of `ids`. An Int32Array (the CDM's INTEGER person_id, as
   * DuckDB hands it over) gives the keys of the same ids as 64-bit integers, without a BigInt per row.
   */
  derive(ids: BigInt64Array | Int32Array): Uint32Array {
    // Typed-array views are native-endian; on a big-endian machine fall back to explicit LE writes
    // so every site computes the same keys.
    let block: Uint8Array;
    if (LITTLE_ENDIAN && ids instanceof Int32Array) {
      const words32 = new Int32Array(ids.length * 4);
      for (let i = 0; i < ids.length; i++) {
        words32[4 * i] = ids[i];
        words32[4 * i + 1] = ids[i] < 0 ? -1 : 0; // sign extension to 64 bits
        words32[4 * i + 2] = TAG_LO;
        words32[4 * i + 3] = TAG_HI;
      }
      block = new Uint8Array(words32.buffer);
    } else if (!(ids instanceof BigInt64Array)) {
      return this.derive(BigInt64Array.from(ids, (v) => BigInt(v)));
    } else if (LITTLE_ENDIAN) {
      const words64 = new BigInt64Array(ids.length * 2);
      for (let i = 0; i < ids.length; i++) {
        words64[2 * i] = ids[i];
        words64[2 * i + 1] = TAG_WORD;
      }
      block = new Uint8Array(words64.buffer);
    } else {
      const b = Buffer.alloc(ids.length * 16);
      for (let i = 0; i < ids.length; i++) {
        b.writeBigInt64LE(ids[i], i * 16);
        TAG.copy(b, i * 16 + 8);
      }
      block = b;
    }
    const cipher = createCipheriv('aes-256-ecb', this.secret, null);
    cipher.setAutoPadding(false);
    // Whole blocks, no padding: update returns every output byte and final none.
    const out = cipher.update(block);
    const tail = cipher.final();
    const n = ids.length * KEY_WORDS;
    if (tail.length !== 0 || out.length !== n * 4) throw new Error('record keys: unexpected cipher output length');
    // The cipher's own output viewed as words where it is aligned: no copy of a megabyte per large answer.
    if (LITTLE_ENDIAN && out.byteOffset % 4 === 0) return new Uint32Array(out.buffer, out.byteOffset, n);
    const words = new Uint32Array(n);
    for (let i = 0; i < n; i++) words[i] = out.readUInt32LE(i * 4);
    return words;
  }
}

/** A person id as the database gives it (bigint from DuckDB, string or number from PostgreSQL). */
export function personId(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  throw new TypeError(`not a person id: ${String(v)}`);
}
