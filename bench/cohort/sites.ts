/**
 * The benchmark's databases. The 1M-person synthetic site is spine-bench's first site (same name,
 * seed and profile), reused when present. Cohort generation writes, so DuckDB gets a copy of the
 * file; PostgreSQL gets a throwaway cluster holding only the tables this cohort reads, indexed as
 * OHDSI's CDM DDL indexes them.
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { REPO, runCli } from '../../test/harness/processes.js';
import { copyDuckDbToPostgres, startPostgres, type PgServer } from '../../test/harness/postgres.js';

export const DIR = path.join(REPO, '.data', 'bench');

/** spine-bench's site0 for this size; synthesised (seed 100, profile central) if missing. */
export async function sourceSite(persons: number, log: (line: string) => void): Promise<string> {
  const file = path.join(DIR, `site0-${persons}.duckdb`);
  if (existsSync(file)) {
    log(`reusing ${path.relative(REPO, file)}`);
    return file;
  }
  const started = performance.now();
  const r = await runCli(['synth', '--seed', '100', '--persons', String(persons), '--profile', 'central', '--out', file]);
  if (r.code !== 0) throw new Error(r.stderr);
  log(`synth ${persons} persons: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return file;
}

/** A scratch copy the benchmark may write its cohorts into (the source stays as generated). */
export function duckdbCopy(source: string, persons: number): string {
  const file = path.join(DIR, `cohort-bench-${persons}.duckdb`);
  rmSync(`${file}.wal`, { force: true });
  copyFileSync(source, file);
  if (existsSync(`${source}.wal`)) copyFileSync(`${source}.wal`, `${file}.wal`);
  return file;
}

/**
 * Indexes of OHDSI's PostgreSQL CDM 5.4 DDL (OMOPCDM_postgresql_5.4_indices.sql) on the tables
 * copied: person_id on clinical tables, concept ids, vocabulary keys. Its CLUSTER commands are left
 * out: the generator writes rows in person order already, which is what CLUSTER would give.
 */
const OHDSI_INDEXES: Record<string, string[]> = {
  person: ['UNIQUE (person_id)', '(gender_concept_id)'],
  observation_period: ['(person_id)'],
  condition_occurrence: ['(person_id)', '(condition_concept_id)', '(visit_occurrence_id)'],
  measurement: ['(person_id)', '(measurement_concept_id)', '(visit_occurrence_id)'],
  drug_exposure: ['(person_id)', '(drug_concept_id)', '(visit_occurrence_id)'],
  procedure_occurrence: ['(person_id)', '(procedure_concept_id)', '(visit_occurrence_id)'],
  visit_occurrence: ['(person_id)', '(visit_concept_id)'],
  concept: ['UNIQUE (concept_id)', '(concept_code)', '(vocabulary_id)', '(domain_id)', '(concept_class_id)'],
  concept_ancestor: ['(ancestor_concept_id)', '(descendant_concept_id)'],
  concept_relationship: ['(concept_id_1)', '(concept_id_2)', '(relationship_id)'],
};

export interface PgSite {
  url: string;
  /** Stops the cluster, unless it is to be kept for profiling. */
  stop(keep: boolean): Promise<void>;
}

/**
 * A throwaway cluster with `tables` of `source` (copied by the test harness, which ANALYZEs),
 * OHDSI's indexes on them, and the memory settings a server of this size would be given.
 */
export async function postgresSite(source: string, tables: string[], port: number, log: (line: string) => void): Promise<PgSite> {
  // The harness copies every table of a file: give it a file with just the ones needed (the other
  // clinical tables would double the load time and change nothing the cohort reads).
  const subset = path.join(DIR, `cohort-bench-pg-subset.duckdb`);
  rmSync(subset, { force: true });
  const duck = await DuckDBInstance.create(subset);
  const conn = await duck.connect();
  await conn.run(`ATTACH '${source}' AS src (READ_ONLY)`);
  for (const t of tables) await conn.run(`CREATE TABLE "${t}" AS SELECT * FROM src."${t}"`);
  conn.closeSync();
  duck.closeSync();

  const server: PgServer = startPostgres(port);
  let dataDir = '';
  try {
    let t = performance.now();
    await copyDuckDbToPostgres(subset, server, 'cdm');
    log(`postgres: copied ${tables.join(', ')} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    const client = new pg.Client({ connectionString: server.url('cdm') });
    await client.connect();
    try {
      // Defaults (4 MB work_mem) would make every hash spill; a CDM server is configured for its data.
      await client.query(`ALTER SYSTEM SET work_mem = '64MB'`);
      await client.query(`ALTER SYSTEM SET effective_cache_size = '8GB'`);
      await client.query('SELECT pg_reload_conf()');
      await client.query(`SET maintenance_work_mem = '1GB'`);
      t = performance.now();
      for (const table of tables) {
        for (const [k, spec] of (OHDSI_INDEXES[table] ?? []).entries()) {
          const unique = spec.startsWith('UNIQUE ');
          await client.query(
            `CREATE ${unique ? 'UNIQUE ' : ''}INDEX idx_${table}_${k} ON "${table}" ${spec.replace('UNIQUE ', '')}`,
          );
        }
      }
      await client.query('ANALYZE');
      dataDir = String((await client.query('SHOW data_directory')).rows[0].data_directory);
      log(`postgres: OHDSI indexes + ANALYZE in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    } finally {
      await client.end();
    }
  } catch (err) {
    server.stop();
    throw err;
  } finally {
    rmSync(subset, { force: true });
  }
  return {
    url: server.url('cdm'),
    stop: async (keep) => {
      if (!keep) return server.stop();
      log(`postgres kept running at ${server.url('cdm')} (--pg-url to reuse it); stop it with:`);
      log(
        `  runuser -u postgres -- $(ls -d /usr/lib/postgresql/*/bin | tail -1)/pg_ctl -D ${dataDir} -m immediate stop && rm -rf ${path.dirname(dataDir)}`,
      );
    },
  };
}
