/**
 * Where a case runs. DuckDB: a fresh in-memory database per case, CDM and results tables in its
 * default schema. PostgreSQL: one throwaway cluster for the whole run, and per case a fresh CDM
 * schema (put on the search_path) plus a separate results schema, so results-schema qualification
 * is exercised too.
 */
import pg from 'pg';
import type { WritableDatabase } from '../../src/generate/database.js';
import { DuckDbWriter } from '../../src/generate/duckdb-writer.js';
import { PostgresWriter } from '../../src/generate/postgres-writer.js';
import { POSTGRES_AVAILABLE, startPostgres, type PgServer } from '../harness/postgres.js';

export type EngineName = 'duckdb' | 'postgres';

export interface CaseDatabase {
  db: WritableDatabase;
  /** Where the CDM tables go (undefined: the default schema). */
  cdmSchema?: string;
  /** Where the results tables go (undefined: the default schema). */
  resultsSchema?: string;
  dispose(): Promise<void>;
}

export interface Engine {
  name: EngineName;
  /** A fresh, empty database for case number `index`. */
  create(index: number): Promise<CaseDatabase>;
  stop(): Promise<void>;
}

export const duckdbEngine: Engine = {
  name: 'duckdb',
  async create() {
    const db = await DuckDbWriter.open(':memory:');
    return { db, dispose: () => db.close() };
  },
  async stop() {},
};

export { POSTGRES_AVAILABLE };

const DATABASE = 'circe_conformance';

export interface PostgresEngine extends Engine {
  /** The cluster, for tests that want a database of their own in it. */
  server: PgServer;
}

/** Starts a throwaway PostgreSQL cluster; `stop()` removes it. */
export async function startPostgresEngine(port = 55000 + (process.pid % 1000)): Promise<PostgresEngine> {
  const server: PgServer = startPostgres(port);
  try {
    const admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${DATABASE}`);
    await admin.end();
  } catch (err) {
    server.stop();
    throw err;
  }
  return {
    name: 'postgres',
    server,
    async create(index) {
      const cdmSchema = `case_${index}_cdm`;
      const resultsSchema = `case_${index}_results`;
      const admin = new pg.Client({ connectionString: server.url(DATABASE) });
      await admin.connect();
      try {
        for (const s of [cdmSchema, resultsSchema]) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
        await admin.query(`CREATE SCHEMA ${cdmSchema}`);
      } finally {
        await admin.end();
      }
      // The results schema is left for the generation to create, as it would on a real site.
      const db = await PostgresWriter.open(server.url(DATABASE), { schema: cdmSchema });
      return { db, cdmSchema, resultsSchema, dispose: () => db.close() };
    },
    async stop() {
      server.stop();
    },
  };
}
