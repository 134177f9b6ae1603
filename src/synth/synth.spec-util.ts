/**
 * Test support for the synth specs: temp directories and a read-only view of a generated site.
 * Lives beside the specs (not in index.ts) because only they use it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export type Row = Record<string, unknown>;

export interface SiteReader {
  rows(sql: string): Promise<Row[]>;
  /** First column of the first row, BigInts turned into numbers. */
  value(sql: string): Promise<unknown>;
  close(): void;
}

const plain = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);

export async function openSite(path: string): Promise<SiteReader> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const conn: DuckDBConnection = await instance.connect();
  const rows = async (sql: string): Promise<Row[]> => {
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjects().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])));
  };
  return {
    rows,
    async value(sql) {
      const [first] = await rows(sql);
      return first === undefined ? undefined : Object.values(first)[0];
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'fedomop-synth-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Event tables with the column holding each event's start date. */
export const EVENT_DATES = {
  visit_occurrence: 'visit_start_date',
  condition_occurrence: 'condition_start_date',
  drug_exposure: 'drug_exposure_start_date',
  procedure_occurrence: 'procedure_date',
  measurement: 'measurement_date',
} as const;
