/**
 * Arrow table -> danfojs DataFrame, one column per result column. danfojs is imported lazily: the
 * library works without it, and it (with tfjs) never reaches a browser bundle through this folder.
 * danfojs cannot hold BigInt, so Int64 counts become numbers (they fit in 2^53) and nulls become NaN
 * in numeric columns, which danfojs treats as missing.
 */
import { DataType, type Table } from 'apache-arrow';
import type { DataFrame } from 'danfojs';
import { plainRows } from '../client/index.js';

type Danfo = typeof import('danfojs');

let danfo: Promise<Danfo> | undefined;

export function loadDanfo(): Promise<Danfo> {
  danfo ??= import('danfojs').then(
    (mod) => ((mod as Danfo & { default?: Danfo }).DataFrame ? mod : (mod as { default: Danfo }).default),
    (cause: unknown) => {
      danfo = undefined;
      throw new Error('toDanfo() needs the danfojs package (npm install danfojs@1.1.2)', { cause });
    },
  );
  return danfo;
}

export async function toDanfo(table: Table): Promise<DataFrame> {
  const { DataFrame } = await loadDanfo();
  const fields = table.schema.fields;
  const rows = plainRows(table);
  const columns: Record<string, unknown[]> = {};
  const dtypes: string[] = [];
  for (const field of fields) {
    const values = rows.map((r) => r[field.name]);
    const numeric = DataType.isInt(field.type) || DataType.isFloat(field.type) || DataType.isDecimal(field.type);
    if (numeric) {
      const hasNull = values.some((v) => v === null);
      columns[field.name] = values.map((v) => (v === null ? NaN : v));
      // danfojs knows int32 and float32 only; a column with gaps must be float to hold NaN.
      dtypes.push(hasNull || !DataType.isInt(field.type) ? 'float32' : 'int32');
    } else if (DataType.isBool(field.type)) {
      columns[field.name] = values;
      dtypes.push('boolean');
    } else {
      columns[field.name] = values.map((v) => (v === null ? null : String(v)));
      dtypes.push('string');
    }
  }
  if (rows.length === 0) return new DataFrame([], { columns: fields.map((f) => f.name) });
  return new DataFrame(columns, { columns: fields.map((f) => f.name), dtypes });
}
