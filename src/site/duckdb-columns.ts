/**
 * A DuckDB result read column by column, for the person-level queries of disclosure control: on a
 * large site they return one row per (cell, person), tens of thousands of rows, and reading them
 * cost more than the disclosure work itself (issue 9's latency line).
 *
 * A null-free BIGINT or INTEGER column comes out as one typed array copied chunk by chunk from
 * DuckDB's own vectors (a memcpy per 2,048 rows, no value per row, nothing for the collector);
 * person ids as a BigInt64Array go straight to the record keys. A VARCHAR column's short values
 * (≤ 12 bytes, which DuckDB keeps inside the vector's 16-byte slot: cell labels such as `60-69` or
 * `FEMALE`) are decoded once per distinct slot and shared, instead of a TextDecoder call per row,
 * which cost more than all the disclosure work on a 40,000-row crosstab. Every other column, and an
 * integer column holding a NULL, is read value by value as before, with the values `query` gives
 * (bigint, number, string, boolean; others through the converter).
 *
 * These reads look inside @duckdb/node-api's vector objects (`items`, `dataView`, `validity.data`),
 * which its types mark private: when they are not what this expects (another version of the
 * library, a big-endian machine), the column falls back to the value-by-value read, so a change
 * there costs time, never values. duckdb-columns.spec.ts compares both reads, with NULLs.
 */
import { DuckDBTypeId, JSDuckDBValueConverter, type DuckDBDataChunk, type DuckDBMaterializedResult } from '@duckdb/node-api';
import { endianness } from 'node:os';
import type { SqlColumns } from './database.js';

type TypedColumn = BigInt64Array | Int32Array;

const TYPED: Partial<Record<DuckDBTypeId, { create(n: number): TypedColumn; holds(x: unknown): x is TypedColumn }>> = {
  [DuckDBTypeId.BIGINT]: { create: (n) => new BigInt64Array(n), holds: (x): x is TypedColumn => x instanceof BigInt64Array },
  [DuckDBTypeId.INTEGER]: { create: (n) => new Int32Array(n), holds: (x): x is TypedColumn => x instanceof Int32Array },
};

/** Types whose raw values are what JSDuckDBValueConverter gives (bigint, number, string, boolean). */
const PLAIN_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.VARCHAR,
]);

const ALL_ONES = 0xffff_ffff_ffff_ffffn;

/** True when a validity mask (one bit per row, 1 = valid) marks all of the first `rows` rows valid. */
function allValid(mask: BigUint64Array, rows: number): boolean {
  const full = Math.floor(rows / 64);
  for (let w = 0; w < full; w++) if (mask[w] !== ALL_ONES) return false;
  const rest = rows % 64;
  if (rest === 0) return true;
  const tail = (1n << BigInt(rest)) - 1n;
  return (mask[full] & tail) === tail;
}

/** The chunk's column as DuckDB holds it, when it is a typed array without NULLs; else undefined. */
function rawItems(chunk: DuckDBDataChunk, column: number, holds: (x: unknown) => x is TypedColumn) {
  const vector = chunk.getColumnVector(column) as unknown as { items?: unknown; validity?: { data?: unknown } };
  const items = vector.items;
  const mask = vector.validity?.data;
  if (!holds(items) || items.length !== chunk.rowCount) return undefined;
  if (mask === null) return items; // DuckDB keeps no mask when every row is valid
  if (mask instanceof BigUint64Array && allValid(mask, chunk.rowCount)) return items;
  return undefined;
}

function typedColumn(result: DuckDBMaterializedResult, chunks: DuckDBDataChunk[], column: number): TypedColumn | undefined {
  const kind = TYPED[result.columnTypeId(column)];
  if (!kind) return undefined;
  const out = kind.create(result.rowCount);
  let offset = 0;
  for (const chunk of chunks) {
    const items = rawItems(chunk, column, kind.holds);
    if (!items) return undefined;
    out.set(items as never, offset);
    offset += items.length;
  }
  return offset === out.length ? out : undefined;
}

/** One validity bit per row, as 32-bit words (little-endian: row r is bit r % 32 of word r / 32). */
function validWords(mask: unknown, rows: number): Uint32Array | null | undefined {
  if (mask === null) return null; // all valid
  if (!(mask instanceof BigUint64Array) || mask.length * 64 < rows) return undefined;
  return new Uint32Array(mask.buffer, mask.byteOffset, mask.length * 2);
}

/** Short strings by their 16-byte slot (length word + 12 inline bytes): equal slots hold equal strings. */
class ShortStrings {
  private readonly bySlot = new Map<number, Array<{ b: number; c: number; d: number; len: number; value: string }>>();

  /** The string in `vector` row `i`, whose slot holds (len, b, c, d); decoded only the first time. */
  get(len: number, b: number, c: number, d: number, vector: { getItem(i: number): unknown }, i: number): string {
    const key = (Math.imul(len ^ b, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b) ^ Math.imul(d, 0xc2b2ae35)) | 0;
    let list = this.bySlot.get(key);
    if (list) {
      for (const e of list) if (e.len === len && e.b === b && e.c === c && e.d === d) return e.value;
    } else this.bySlot.set(key, (list = []));
    const value = String(vector.getItem(i));
    list.push({ b, c, d, len, value });
    return value;
  }
}

const LITTLE_ENDIAN = endianness() === 'LE';
const INLINE_BYTES = 12;

/** A VARCHAR column with its short values shared (see the top); undefined when the vectors are not as expected. */
function stringColumn(result: DuckDBMaterializedResult, chunks: DuckDBDataChunk[], column: number): unknown[] | undefined {
  if (!LITTLE_ENDIAN || result.columnTypeId(column) !== DuckDBTypeId.VARCHAR) return undefined;
  const out = new Array<unknown>(result.rowCount);
  const shared = new ShortStrings();
  let row = 0;
  for (const chunk of chunks) {
    const vector = chunk.getColumnVector(column) as unknown as {
      dataView?: unknown;
      validity?: { data?: unknown };
      getItem(i: number): unknown;
    };
    const view = vector.dataView;
    const n = chunk.rowCount;
    const valid = validWords(vector.validity?.data, n);
    if (!(view instanceof DataView) || view.byteLength < n * 16 || valid === undefined) return undefined;
    for (let i = 0; i < n; i++, row++) {
      if (valid && (valid[i >>> 5] & (1 << (i & 31))) === 0) {
        out[row] = null;
        continue;
      }
      const o = i * 16;
      const len = view.getUint32(o, true);
      out[row] =
        len > INLINE_BYTES
          ? vector.getItem(i)
          : // the vector and row, not a closure: a closure per row was most of what this read allocated
            shared.get(len, view.getInt32(o + 4, true), view.getInt32(o + 8, true), view.getInt32(o + 12, true), vector, i);
    }
  }
  return out;
}

function valueColumn(result: DuckDBMaterializedResult, chunks: DuckDBDataChunk[], column: number): unknown[] {
  const plain = PLAIN_TYPES.has(result.columnTypeId(column));
  const out: unknown[] = [];
  for (const chunk of chunks) {
    const values = plain ? chunk.getColumnValues(column) : chunk.convertColumnValues(column, JSDuckDBValueConverter);
    for (const v of values) out.push(v);
  }
  return out;
}

export function columnArrays(result: DuckDBMaterializedResult): SqlColumns {
  const names = result.deduplicatedColumnNames();
  // Each getChunk copies the chunk out of the result: once per chunk, not once per column.
  const chunks = Array.from({ length: result.chunkCount }, (_, c) => result.getChunk(c));
  const columns: SqlColumns['columns'] = {};
  names.forEach(
    (name, i) =>
      (columns[name] = typedColumn(result, chunks, i) ?? stringColumn(result, chunks, i) ?? valueColumn(result, chunks, i)),
  );
  return { length: result.rowCount, columns };
}
