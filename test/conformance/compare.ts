/**
 * Step 4 of "How to run a case": select the compared columns where rowFilter holds, order by
 * orderBy, and compare row by row with the VERIFY rows that match rowFilter, in file order. Dates
 * compare as calendar dates (YYYY-MM-DD text) and counts as integers, whatever the driver returns.
 */
import type { Transaction } from '../../src/generate/database.js';
import type { Dialect } from '../../src/sql/dialect.js';
import type { VerifyTable } from './manifest.js';

export type Row = Record<string, string | null>;

const isDateColumn = (name: string) => name.endsWith('_date');

/** A value as the comparison sees it: YYYY-MM-DD for dates, integer text for counts and ids. */
export function normalise(column: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (isDateColumn(column)) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    const m = /^(\d{4}-\d{2}-\d{2})/.exec(String(value));
    return m ? m[1] : String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  const n = Number(value);
  return Number.isInteger(n) ? String(n) : String(value);
}

export function expectedRows(verifyFile: Record<string, unknown[]>, vt: VerifyTable): Row[] {
  const rows = (verifyFile[vt.key] ?? []) as Array<Record<string, unknown>>;
  return rows
    .filter((r) => Object.entries(vt.rowFilter).every(([k, v]) => normalise(k, r[k]) === normalise(k, v)))
    .map((r) => Object.fromEntries(vt.columns.map((c) => [c, normalise(c, r[c])])));
}

export async function actualRows(tx: Transaction, dialect: Dialect, vt: VerifyTable, schema?: string): Promise<Row[]> {
  const q = (n: string) => dialect.quoteIdentifier(n);
  // Both engines print a DATE cast to text as YYYY-MM-DD, which keeps time zones out of it.
  const select = vt.columns.map((c) =>
    isDateColumn(c) ? `CAST(${q(c)} AS VARCHAR) AS ${q(c)}` : `CAST(${q(c)} AS BIGINT) AS ${q(c)}`,
  );
  const filters = Object.keys(vt.rowFilter).map((c, i) => `${q(c)} = ${dialect.placeholder(i + 1, 'bigint')}`);
  const table = (schema ? `${q(schema)}.` : '') + q(vt.table);
  const rows = await tx.query({
    sql:
      `SELECT ${select.join(', ')} FROM ${table}` +
      (filters.length ? ` WHERE ${filters.join(' AND ')}` : '') +
      (vt.orderBy.length ? ` ORDER BY ${vt.orderBy.map(q).join(', ')}` : ''),
    parameters: Object.values(vt.rowFilter).map(Number),
    parameterTypes: Object.keys(vt.rowFilter).map(() => 'bigint' as const),
  });
  return rows.map((r) => Object.fromEntries(vt.columns.map((c) => [c, normalise(c, r[c])])));
}

const show = (row: Row | undefined) =>
  row === undefined
    ? '(none)'
    : Object.entries(row)
        .map(([k, v]) => `${k}=${v ?? 'NULL'}`)
        .join(' ');

/** Empty when equal; otherwise lines naming the row counts and the first differing rows. */
export function compareRows(table: string, expected: Row[], actual: Row[], maxRows = 5): string[] {
  const diffs: number[] = [];
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    if (show(expected[i]) !== show(actual[i])) diffs.push(i);
  }
  if (diffs.length === 0) return [];
  const lines = [`${table}: ${expected.length} expected rows, ${actual.length} actual; ${diffs.length} differ`];
  for (const i of diffs.slice(0, maxRows)) {
    lines.push(`  row ${i + 1}: expected ${show(expected[i])}`);
    lines.push(`  ${' '.repeat(`row ${i + 1}: `.length)}  actual ${show(actual[i])}`);
  }
  if (diffs.length > maxRows) lines.push(`  … ${diffs.length - maxRows} more differing rows`);
  return lines;
}
