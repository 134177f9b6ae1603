/**
 * Result tables of the statistics kinds for client and kernel tests (with the stand-in hub): rows in,
 * one Arrow batch per site and pooled out, in one explicit schema (columns as docs/statistics.md lists
 * them, numbers Float64, labels Utf8). Never exported from an index.
 */
import { Bool, Field, Float64, RecordBatch, Schema, Table, Utf8, vectorFromArray, type DataType } from 'apache-arrow';

export type StatsRow = Record<string, string | number | boolean | null>;

function typeOf(rows: StatsRow[], name: string): DataType {
  const v = rows.map((r) => r[name]).find((x) => x !== null && x !== undefined);
  if (typeof v === 'boolean') return new Bool();
  if (typeof v === 'number') return new Float64();
  return new Utf8();
}

/** One batch per site (in first-seen order), all in one schema carrying `metadata`. */
export function statsBatches(
  rows: StatsRow[],
  metadata: Record<string, string> = {},
): { schema: Schema; batches: Record<string, RecordBatch> } {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const schema = new Schema(
    names.map((n) => new Field(n, typeOf(rows, n), true)),
    new Map(Object.entries(metadata)),
  );
  const batches: Record<string, RecordBatch> = {};
  for (const site of [...new Set(rows.map((r) => String(r.site)))]) {
    const mine = rows.filter((r) => r.site === site);
    const columns = Object.fromEntries(
      schema.fields.map((f) => [
        f.name,
        vectorFromArray(
          mine.map((r) => r[f.name] ?? null),
          f.type,
        ),
      ]),
    );
    const table = new Table(columns);
    batches[site] = new RecordBatch(schema, table.batches[0].data);
  }
  return { schema, batches };
}
