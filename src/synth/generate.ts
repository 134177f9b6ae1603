/**
 * Writes one synthetic site: a fresh DuckDB file holding an OMOP CDM 5.4 database. All rows are
 * produced by set-based SQL inside DuckDB; JavaScript only assembles statements and times them.
 */
import { availableParallelism } from 'node:os';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { FedomopError } from '../errors.js';
import { DOSE_STRENGTHS, conditionSql, drugSql, measurementSql, procedureSql, visitSql } from './clinical.js';
import { deviceExposureSql, observationSql, payerPlanPeriodSql, specimenSql, visitDetailSql } from './clinical-other.js';
import { CDM_TABLES, cdmColumns, createTableSql, type CdmTableName, type IdType } from './ddl.js';
import { conditionEraSql, doseEraSql, drugEraSql } from './eras.js';
import { contextSql, deathSql, observationPeriodSql, personSql } from './person.js';
import { isSynthProfileName, type SynthProfileName } from './profiles.js';
import { macroStatements } from './sql-util.js';
import { cdmSourceStatement, vocabularyStatements } from './vocabulary-sql.js';
import { CONCEPTS } from './vocabulary.js';
import { largeVocabularyStatements } from './vocabulary-large.js';

export interface SynthOptions {
  /** Path of the DuckDB file; replaced if it exists. */
  out: string;
  seed: number;
  persons: number;
  profile: SynthProfileName;
  /** Mean rows per person in each clinical table; persons vary around it. Default 20. */
  eventsPerPerson?: number;
  /** Goes into cdm_source.cdm_source_name. */
  siteName?: string;
  /**
   * Store every column, so the clinical tables accept inserts later. By default columns the
   * generator leaves empty are always-NULL virtual columns (see ddl.ts), which halves the run time.
   */
  writable?: boolean;
  /**
   * Total concepts in the vocabulary: the real slice (vocabulary.ts) plus generated ones around it
   * (vocabulary-large.ts). Default: the real slice only.
   */
  vocabularySize?: number;
}

export interface SynthReport {
  out: string;
  seed: number;
  persons: number;
  profile: SynthProfileName;
  elapsedMs: number;
  /** Time spent writing each generated table, in table order (the vocabulary and context are not in it). */
  tableMs: Record<string, number>;
  rowCounts: Record<string, number>;
}

export const DEFAULT_EVENTS_PER_PERSON = 20;
const MAX_EVENTS_PER_PERSON = 400;
const INT32_MAX = 2 ** 31 - 1;
/** The site's concept index holds up to 16M concepts (src/site/concept-index/build.ts). */
const MAX_VOCABULARY = 16_000_000;

function check(condition: boolean, message: string): void {
  if (!condition) throw new FedomopError('ERR_BAD_REQUEST', message);
}

function validate(opts: SynthOptions): SynthOptions & { eventsPerPerson: number } {
  const eventsPerPerson = opts.eventsPerPerson ?? DEFAULT_EVENTS_PER_PERSON;
  check(typeof opts.out === 'string' && opts.out.length > 0, 'out must be a file path');
  check(Number.isSafeInteger(opts.seed) && opts.seed >= 0, `seed must be a non-negative integer, got ${opts.seed}`);
  check(Number.isSafeInteger(opts.persons) && opts.persons >= 1, `persons must be a positive integer, got ${opts.persons}`);
  check(typeof opts.profile === 'string' && isSynthProfileName(opts.profile), `unknown profile ${String(opts.profile)}`);
  check(
    Number.isSafeInteger(eventsPerPerson) && eventsPerPerson >= 1 && eventsPerPerson <= MAX_EVENTS_PER_PERSON,
    `eventsPerPerson must be an integer from 1 to ${MAX_EVENTS_PER_PERSON}, got ${eventsPerPerson}`,
  );
  check(
    opts.vocabularySize === undefined ||
      (Number.isSafeInteger(opts.vocabularySize) && opts.vocabularySize >= 0 && opts.vocabularySize <= MAX_VOCABULARY),
    `vocabularySize must be an integer from 0 to ${MAX_VOCABULARY}, got ${opts.vocabularySize}`,
  );
  return { ...opts, eventsPerPerson };
}

/** Creates `table`, making the nullable columns `select` does not fill virtual unless writable. */
async function createFor(conn: DuckDBConnection, table: CdmTableName, select: string, idType: IdType, writable: boolean) {
  const described = await conn.runAndReadAll(`DESCRIBE ${select}`);
  const filled = new Set(described.getRowObjects().map((row) => String(row.column_name)));
  const unknown = [...filled].filter((name) => !cdmColumns(table).some((c) => c.name === name));
  if (unknown.length > 0) throw new Error(`${table} has no column ${unknown.join(', ')}`);
  const empty = cdmColumns(table).filter((c) => !filled.has(c.name) && !c.notNull);
  await conn.run(createTableSql(table, { idType, virtualColumns: new Set(writable ? [] : empty.map((c) => c.name)) }));
}

async function removeDatabase(path: string): Promise<void> {
  await rm(path, { force: true });
  await rm(`${path}.wal`, { force: true });
}

export async function generateSite(options: SynthOptions): Promise<SynthReport> {
  const opts = validate(options);
  const started = performance.now();
  // Per-person event counts never exceed 2.1 × the mean (see contextSql), so blocks of `cap`
  // ids never collide. Specimen ids double an event id (clinical-other.ts), hence the 2.
  const cap = Math.ceil(opts.eventsPerPerson * 2.1) + 1;
  const idType: IdType = opts.persons * cap * 2 + 1 < INT32_MAX ? 'INTEGER' : 'BIGINT';

  await removeDatabase(opts.out);
  await mkdir(dirname(opts.out), { recursive: true });
  const instance = await DuckDBInstance.create(opts.out);
  let conn: DuckDBConnection | undefined;
  try {
    conn = await instance.connect();
    await conn.run(`SET threads = ${availableParallelism()}`);
    // Rows need no particular order on disk; letting DuckDB write them as they come is faster.
    await conn.run('SET preserve_insertion_order = false');
    for (const sql of macroStatements(opts.seed)) await conn.run(sql);
    // Tables filled by a SELECT; created once its columns are known. The rest are created now.
    const steps: [CdmTableName, string][] = [
      ['person', personSql()],
      ['observation_period', observationPeriodSql()],
      ['death', deathSql()],
      ['visit_occurrence', visitSql(cap)],
      ['condition_occurrence', conditionSql(cap)],
      ['drug_exposure', drugSql(cap)],
      ['procedure_occurrence', procedureSql(cap)],
      ['measurement', measurementSql(cap)],
      ['observation', observationSql(cap)],
      // Derived from the tables above.
      ['visit_detail', visitDetailSql()],
      ['device_exposure', deviceExposureSql()],
      ['specimen', specimenSql()],
      ['payer_plan_period', payerPlanPeriodSql()],
      ['condition_era', conditionEraSql()],
      ['drug_era', drugEraSql()],
      ['dose_era', doseEraSql(DOSE_STRENGTHS)],
    ];
    for (const table of CDM_TABLES) {
      if (!steps.some(([t]) => t === table)) await conn.run(createTableSql(table, { idType }));
    }
    for (const sql of vocabularyStatements()) await conn.run(sql);
    const generated = Math.max(0, (opts.vocabularySize ?? 0) - CONCEPTS.length);
    for (const sql of largeVocabularyStatements(generated)) await conn.run(sql);
    await conn.run(contextSql({ persons: opts.persons, profile: opts.profile, eventsPerPerson: opts.eventsPerPerson, cap }));
    const tableMs: Record<string, number> = {};
    for (const [table, select] of steps) {
      const t0 = performance.now();
      await createFor(conn, table, select, idType, opts.writable === true);
      await conn.run(`INSERT INTO ${table} BY NAME ${select}`);
      tableMs[table] = Math.round(performance.now() - t0);
    }
    const source = cdmSourceStatement({
      siteName: opts.siteName ?? `fedomop synthetic site (${opts.profile})`,
      abbreviation: opts.siteName ?? `synth-${opts.profile}`,
      description:
        `Synthetic OMOP CDM 5.4 data from fedomop synth: profile ${opts.profile}, seed ${opts.seed}, ` +
        `${opts.persons} persons, about ${opts.eventsPerPerson} events per person per table. Not real patients.`,
    });
    await conn.run(source.sql, source.params);
    await conn.run('DROP TABLE synth_ctx');

    const counts = await conn.runAndReadAll(
      CDM_TABLES.map((t) => `SELECT '${t}' AS name, count(*)::BIGINT AS n FROM ${t}`).join(' UNION ALL '),
    );
    const rowCounts: Record<string, number> = {};
    for (const row of counts.getRowObjects()) rowCounts[String(row.name)] = Number(row.n);
    await conn.run('CHECKPOINT');
    conn.closeSync();
    conn = undefined;
    instance.closeSync();
    return {
      out: opts.out,
      seed: opts.seed,
      persons: opts.persons,
      profile: opts.profile,
      elapsedMs: Math.round(performance.now() - started),
      tableMs,
      rowCounts: Object.fromEntries(CDM_TABLES.map((t) => [t, rowCounts[t] ?? 0])),
    };
  } catch (error) {
    conn?.closeSync();
    instance.closeSync();
    // A half-written site would look valid to a site service; leave nothing behind.
    await removeDatabase(opts.out);
    throw error;
  }
}
