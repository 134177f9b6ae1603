/**
 * ResultRow[] <-> Arrow record batches. Sites and the hub encode with these; the client decodes with
 * rows-from-table. Browser-safe: apache-arrow only.
 */
import {
  RecordBatch,
  RecordBatchStreamWriter,
  Table,
  makeData,
  Struct,
  vectorFromArray,
  type Schema,
  type Vector,
} from 'apache-arrow';
import type { CrosstabDimension } from '../plan/types.js';
import { MEASURES, measureColumns, type ResultRow } from './result-schema.js';

/** Builds one record batch of `schema` from rows; the schema decides which dimension columns exist. */
export function batchFromRows(schema: Schema, rows: ResultRow[]): RecordBatch {
  const columns: Vector[] = schema.fields.map((field) => {
    const values = rows.map((row) => cellOf(row, field.name));
    return vectorFromArray(values, field.type);
  });
  const data = makeData({
    type: new Struct(schema.fields),
    length: rows.length,
    nullCount: 0,
    children: columns.map((c) => c.data[0]),
  });
  return new RecordBatch(schema, data);
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
  return row.dims[column as CrosstabDimension] ?? null;
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
  const rows: ResultRow[] = [];
  for (let i = 0; i < batch.numRows; i++) {
    const get = (name: string): unknown => batch.getChild(name)?.get(i);
    const dims: ResultRow['dims'] = {};
    for (const d of dimNames) dims[d as CrosstabDimension] = toPlain(get(d)) as string | number | null;
    const measures = {} as ResultRow['measures'];
    for (const m of MEASURES) {
      const c = measureColumns(m);
      const value = get(c.value);
      measures[m] = {
        value: value === null || value === undefined ? null : Number(value),
        lower: Number(get(c.lower)),
        upper: Number(get(c.upper)),
        suppressed: Boolean(get(c.suppressed)),
      };
    }
    rows.push({ site: String(get('site')), dims, measures });
  }
  return rows;
}

function toPlain(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : (v ?? null);
}
