/**
 * ResultRow[] <-> Arrow record batches. Sites and the hub encode with these; the client decodes with
 * rows-from-table. Browser-safe: apache-arrow only.
 */
import {
  Bool,
  Int32,
  Int64,
  RecordBatch,
  RecordBatchStreamWriter,
  Table,
  Utf8,
  makeData,
  Struct,
  vectorFromArray,
  type Data,
  type DataType,
  type Schema,
} from 'apache-arrow';
import type { ResultDimension } from './result-schema.js';
import { MEASURES, measureColumns, type ResultRow } from './result-schema.js';

/** Builds one record batch of `schema` from rows; the schema decides which dimension columns exist. */
export function batchFromRows(schema: Schema, rows: ResultRow[]): RecordBatch {
  const children = schema.fields.map((field) =>
    columnData(
      field.type,
      rows.map((row) => cellOf(row, field.name)),
    ),
  );
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

/**
 * One column's Arrow data. Counts, years and flags are written straight into typed arrays: the
 * generic vectorFromArray builder costs most of a small answer's encoding time, on every site
 * answer and twice more at the hub.
 */
const UTF8 = new TextEncoder();

function columnData(type: DataType, values: unknown[]): Data {
  const length = values.length;
  if (!(type instanceof Int64 || type instanceof Int32 || type instanceof Bool || type instanceof Utf8)) {
    return vectorFromArray(values, type).data[0];
  }
  const validity = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null || v === undefined) nullCount++;
    else validity[i >> 3] |= 1 << (i & 7);
  });
  const nullBitmap = nullCount > 0 ? validity : undefined;
  if (type instanceof Utf8) {
    // Offsets and UTF-8 bytes written directly: the generic builder was most of a crosstab's encoding time.
    const valueOffsets = new Int32Array(length + 1);
    const parts: Uint8Array[] = [];
    let total = 0;
    values.forEach((v, i) => {
      if (v !== null && v !== undefined) {
        const bytes = UTF8.encode(String(v));
        parts.push(bytes);
        total += bytes.length;
      }
      valueOffsets[i + 1] = total;
    });
    const data = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      data.set(p, at);
      at += p.length;
    }
    return makeData({ type, length, nullCount, nullBitmap, valueOffsets, data });
  }
  if (type instanceof Bool) {
    const bits = new Uint8Array(Math.ceil(length / 8));
    values.forEach((v, i) => {
      if (v === true) bits[i >> 3] |= 1 << (i & 7);
    });
    return makeData({ type, length, nullCount, nullBitmap, data: bits });
  }
  if (type instanceof Int64) {
    const data = new BigInt64Array(length);
    values.forEach((v, i) => {
      if (v !== null && v !== undefined) data[i] = BigInt(v as bigint | number);
    });
    return makeData({ type, length, nullCount, nullBitmap, data });
  }
  const data = new Int32Array(length);
  values.forEach((v, i) => {
    if (v !== null && v !== undefined) data[i] = Number(v);
  });
  return makeData({ type, length, nullCount, nullBitmap, data });
}

function cellOf(row: ResultRow, column: string): unknown {
  if (column === 'site') return row.site;
  for (const m of MEASURES) {
    const c = measureColumns(m);
    const v = row.measures[m];
    if (column === c.value) return v.value === null ? null : BigInt(v.value);
    if (column === c.lower) return BigInt(v.lower);
    if (column === c.upper) return BigInt(v.upper);
    if (column === c.suppressed) return v.suppressed;
  }
  return row.dims[column as ResultDimension] ?? null;
}

/** A whole IPC stream (schema message, the batches, end-of-stream marker) as bytes. */
export function streamBytes(schema: Schema, batches: RecordBatch[]): Uint8Array {
  const writer = new RecordBatchStreamWriter();
  writer.reset(undefined, schema);
  for (const b of batches) writer.write(b);
  writer.finish();
  return writer.toUint8Array(true);
}

export function tableFromRows(schema: Schema, rows: ResultRow[]): Table {
  return new Table(schema, [batchFromRows(schema, rows)]);
}

/** The inverse of batchFromRows: Int64 columns come back as JS numbers (counts fit in 2^53). */
export function rowsFromBatch(batch: RecordBatch | Table): ResultRow[] {
  const names = batch.schema.fields.map((f) => f.name);
  const dimNames = names.filter((n) => n !== 'site' && !MEASURES.some((m) => n.startsWith(m)));
  // Each column looked up once, not once per cell: the lookup cost the hub more than the values.
  const column = (name: string): ((i: number) => unknown) => {
    const v = batch.getChild(name);
    return v ? (i) => v.get(i) : () => undefined;
  };
  const site = column('site');
  const dims = dimNames.map((d) => [d as ResultDimension, column(d)] as const);
  const measures = MEASURES.map((m) => {
    const c = measureColumns(m);
    return [m, column(c.value), column(c.lower), column(c.upper), column(c.suppressed)] as const;
  });
  const rows: ResultRow[] = [];
  for (let i = 0; i < batch.numRows; i++) {
    const rowDims: ResultRow['dims'] = {};
    for (const [d, get] of dims) rowDims[d] = toPlain(get(i)) as string | number | null;
    const rowMeasures = {} as ResultRow['measures'];
    for (const [m, value, lower, upper, suppressed] of measures) {
      const v = value(i);
      rowMeasures[m] = {
        value: v === null || v === undefined ? null : Number(v),
        lower: Number(lower(i)),
        upper: Number(upper(i)),
        suppressed: Boolean(suppressed(i)),
      };
    }
    rows.push({ site: String(site(i)), dims: rowDims, measures: rowMeasures });
  }
  return rows;
}

function toPlain(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : (v ?? null);
}
