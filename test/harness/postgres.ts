/**
 * A real PostgreSQL server for tests: Debian's binaries, a throwaway cluster in a temp directory,
 * run as the `postgres` user (the server refuses to run as root), on a loopback TCP port.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';

export interface PgServer {
  url(database: string): string;
  stop(): void;
}

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort().at(-1);
  return version ? path.join(root, version, 'bin') : undefined;
}

export const POSTGRES_AVAILABLE = binDir() !== undefined;

function asPostgres(cmd: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const r = asRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' })
    : spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} failed: ${r.stderr || r.stdout}`);
}

/** A loopback TCP port that was free a moment ago (the kernel's choice, asked from a child: this is synchronous). */
function freePort(): number {
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
    ],
    { encoding: 'utf8' },
  );
  const port = Number(r.stdout);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no free port: ${r.stderr}`);
  return port;
}

/**
 * Starts the server on `port`, or on a free port when that one is taken: the callers' ports lie in the
 * kernel's range for outgoing connections (32768–60999), so during a test run one of the many client
 * sockets can hold it for a while (CI once failed with "could not bind … Address already in use").
 */
export function startPostgres(port: number): PgServer {
  const bin = binDir();
  if (!bin) throw new Error('PostgreSQL is not installed (scripts/setup.sh installs Debian’s postgresql)');
  const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-pg-'));
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'log');
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  asPostgres(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  let listening = port;
  for (let attempt = 1; ; attempt++) {
    try {
      asPostgres(path.join(bin, 'pg_ctl'), [
        '-D',
        data,
        '-l',
        log,
        '-w',
        'start',
        '-o',
        `-p ${listening} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c synchronous_commit=off`,
      ]);
      break;
    } catch (err) {
      const taken = existsSync(log) && readFileSync(log, 'utf8').includes('Address already in use');
      if (!taken || attempt >= 5) throw err;
      listening = freePort();
    }
  }
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${listening}/${database}`,
    stop: () => {
      try {
        asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

const TYPE_MAP: Record<string, string> = {
  BIGINT: 'bigint',
  INTEGER: 'integer',
  DATE: 'date',
  VARCHAR: 'text',
  DOUBLE: 'double precision',
  FLOAT: 'real',
  TIMESTAMP: 'timestamp',
};

function pgType(duckdbType: string): string {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(duckdbType);
  if (decimal) return `numeric(${decimal[1]},${decimal[2]})`;
  const mapped = TYPE_MAP[duckdbType];
  if (!mapped) throw new Error(`no PostgreSQL type for DuckDB type ${duckdbType}`);
  return mapped;
}

/** Copies every table of a DuckDB CDM file into a fresh PostgreSQL database (via CSV and COPY). */
export async function copyDuckDbToPostgres(duckdbFile: string, server: PgServer, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: server.url('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const client = new pg.Client({ connectionString: server.url(database) });
  await client.connect();
  const duck = await DuckDBInstance.create(duckdbFile, { access_mode: 'READ_ONLY' });
  const conn = await duck.connect();
  const csvDir = mkdtempSync(path.join(tmpdir(), 'fedomop-csv-'));
  chmodSync(csvDir, 0o777);
  try {
    const tables = (
      await conn.runAndReadAll(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1`)
    ).getRowObjectsJS();
    for (const { table_name } of tables as Array<{ table_name: string }>) {
      const cols = (
        await conn.runAndReadAll(
          `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
          [table_name],
        )
      ).getRowObjectsJS() as Array<{ column_name: string; data_type: string }>;
      const ddl = cols.map((c) => `"${c.column_name}" ${pgType(c.data_type)}`).join(', ');
      await client.query(`CREATE TABLE "${table_name}" (${ddl})`);
      const csv = path.join(csvDir, `${table_name}.csv`);
      await conn.run(`COPY (SELECT * FROM "${table_name}") TO '${csv}' (HEADER, FORMAT csv)`);
      chmodSync(csv, 0o644);
      await client.query(`COPY "${table_name}" FROM '${csv}' WITH (FORMAT csv, HEADER true)`);
    }
    await client.query('ANALYZE');
  } finally {
    conn.closeSync();
    duck.closeSync();
    await client.end();
    rmSync(csvDir, { recursive: true, force: true });
  }
}
