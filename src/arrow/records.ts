/**
 * Plain records ↔ Arrow for the tables described by column specs (the variable kinds'
 * results, src/analysis/kinds/result-columns.ts). Browser-safe: apache-arrow only.
 */
import {
  Bool,
  Field,
  Float64,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Utf8,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import type { ColumnSpec, ColumnType, ResultRecord } from '../analysis/kinds/result-columns.js';

const TYPES: Record<ColumnType, () => DataType> = {
  utf8: () => new Utf8(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  float64: () => new Float64(),
  bool: () => new Bool(),
};

export function schemaFromColumns(columns: readonly ColumnSpec[], metadata: Record<string, string> = {}): Schema {
  return new Schema(
    columns.map((c) => new Field(c.name, TYPES[c.type](), c.nullable)),
    new Map(Object.entries(metadata)),
  );
}

export function batchFromRecords(schema: Schema, records: readonly ResultRecord[]): RecordBatch {
  const children = schema.fields.map((f) => {
    const values = records.map((r) => {
      const v = r[f.name] ?? null;
      if (v === null) return null;
      if (f.type instanceof Int64) return BigInt(Math.round(Number(v)));
      if (f.type instanceof Float64 || f.type instanceof Int32) return Number(v);
      return v;
    });
    return vectorFromArray(values, f.type).data[0];
  });
  const data = makeData({ type: new Struct(schema.fields), length: records.length, nullCount: 0, children });
  return new RecordBatch(schema, data);
}

/** The inverse: Int64 as JS numbers (counts fit in 2^53), NaN kept as NaN. */
export function recordsFromBatch(batch: {
  schema: Schema;
  numRows: number;
  getChild(name: string): { get(i: number): unknown } | null;
}): ResultRecord[] {
  const names = batch.schema.fields.map((f) => f.name);
  const out: ResultRecord[] = [];
  for (let i = 0; i < batch.numRows; i++) {
    const r: ResultRecord = {};
    for (const n of names) {
      const v = batch.getChild(n)?.get(i);
      r[n] = typeof v === 'bigint' ? Number(v) : ((v ?? null) as ResultRecord[string]);
    }
    out.push(r);
  }
  return out;
}
