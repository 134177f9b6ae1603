/**
 * OHDSI circe-be's cohort-generation cases (shared/conformance/circe) run through `generateCohort`
 * on DuckDB (a fresh in-memory database per case) and PostgreSQL (one throwaway cluster, a schema
 * per case), one test per case and engine; the report also goes to test-results/conformance.txt.
 * Then `fedomop cohort generate` end to end on a synthetic DuckDB site, against hand-written SQL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  POSTGRES_AVAILABLE,
  duckdbEngine,
  startPostgresEngine,
  type Engine,
  type PostgresEngine,
} from '../conformance/engines.js';
import { CONFORMANCE_ROOT, conformanceAvailable, readManifest } from '../conformance/manifest.js';
import { formatReport, writeReport } from '../conformance/report.js';
import { runCase, type CaseOutcome } from '../conformance/run-case.js';
import { copyDuckDbToPostgres } from '../harness/postgres.js';
import { runCli } from '../harness/processes.js';
import { siteFile } from '../harness/sites.js';

const available = conformanceAvailable();
const cases = available ? readManifest() : [];
const outcomes: CaseOutcome[] = [];
const notes: string[] = [];
const pgSkip = POSTGRES_AVAILABLE ? false : 'PostgreSQL is not installed (scripts/setup.sh installs it)';
// One throwaway cluster for the whole file: the conformance cases and the CLI test share it.
let postgres: PostgresEngine | undefined;

before(async () => {
  if (!pgSkip) postgres = await startPostgresEngine();
});

after(async () => {
  await postgres?.stop();
  if (outcomes.length) writeReport(formatReport(outcomes, notes));
});

function caseTests(engineName: 'duckdb' | 'postgres', engine: () => Engine | undefined, skip: string | false) {
  for (const [index, c] of cases.entries()) {
    test(`${engineName}: ${c.name} (${c.kind})`, { skip }, async () => {
      const outcome = await runCase(c, index, CONFORMANCE_ROOT, engine()!);
      outcomes.push(outcome);
      if (!outcome.passed) assert.fail(`${c.name} on ${engineName}:\n${outcome.detail.join('\n')}`);
    });
  }
}

describe('circe conformance on DuckDB', () => {
  const skip = available ? false : `circe conformance data not found at ${CONFORMANCE_ROOT}`;
  if (!available) test('circe conformance suite', { skip }, () => {});
  caseTests('duckdb', () => duckdbEngine, skip);
});

describe('circe conformance on PostgreSQL', () => {
  const skip = !available ? `circe conformance data not found at ${CONFORMANCE_ROOT}` : pgSkip;
  if (skip) {
    notes.push(`postgres: skipped, ${skip}`);
    test('circe conformance suite', { skip }, () => {});
  }
  caseTests('postgres', () => postgres, skip);
});

describe('fedomop cohort generate on a synthetic DuckDB site', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-cohort-e2e-'));
  const db = path.join(dir, 'site.duckdb');
  after(() => rmSync(dir, { recursive: true, force: true }));

  const SITE = { id: 'cohortgen', seed: 7, persons: 400, profile: 'small' } as const;
  const HYPERTENSION = 320128;
  // First hypertension diagnosis after a year of observation, with a visit within ten years of it.
  const definition = {
    name: 'hypertension with a visit',
    expression: {
      ConceptSets: [
        {
          id: 0,
          name: 'hypertension',
          expression: { items: [{ concept: { CONCEPT_ID: HYPERTENSION }, includeDescendants: true }] },
        },
      ],
      PrimaryCriteria: {
        CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }],
        ObservationWindow: { PriorDays: 365, PostDays: 0 },
        PrimaryCriteriaLimit: { Type: 'First' },
      },
      InclusionRules: [
        {
          name: 'has a visit',
          expression: {
            Type: 'ALL',
            CriteriaList: [
              {
                Criteria: { VisitOccurrence: {} },
                StartWindow: { Start: { Days: 3650, Coeff: -1 }, End: { Days: 3650, Coeff: 1 } },
                Occurrence: { Type: 2, Count: 1 },
              },
            ],
            DemographicCriteriaList: [],
            Groups: [],
          },
        },
      ],
      QualifiedLimit: { Type: 'First' },
      ExpressionLimit: { Type: 'First' },
    },
  };
  // The same cohort by hand: circe's codeset (the concept and its valid descendants), events in an
  // observation period with 365 days before them, each person's first, then the visit rule.
  const HAND_SQL = `
    WITH codeset AS (
      SELECT concept_id FROM concept WHERE concept_id = ${HYPERTENSION}
      UNION SELECT c.concept_id FROM concept_ancestor ca JOIN concept c ON c.concept_id = ca.descendant_concept_id
        AND c.invalid_reason IS NULL WHERE ca.ancestor_concept_id = ${HYPERTENSION}),
    events AS (
      SELECT co.person_id, co.condition_occurrence_id AS id, co.condition_start_date AS start_date,
        op.observation_period_start_date AS op_start, op.observation_period_end_date AS op_end
      FROM condition_occurrence co JOIN observation_period op ON op.person_id = co.person_id
        AND co.condition_start_date >= op.observation_period_start_date + 365
        AND co.condition_start_date <= op.observation_period_end_date
      WHERE co.condition_concept_id IN (SELECT concept_id FROM codeset)),
    firsts AS (
      SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY person_id ORDER BY start_date, id) AS n FROM events) WHERE n = 1)
    SELECT
      (SELECT count(*) FROM firsts) AS base,
      (SELECT count(*) FROM firsts f WHERE EXISTS (
        SELECT 1 FROM visit_occurrence v WHERE v.person_id = f.person_id
          AND v.visit_start_date BETWEEN f.start_date - 3650 AND f.start_date + 3650
          AND v.visit_start_date BETWEEN f.op_start AND f.op_end)) AS final`;

  async function query(sql: string): Promise<Array<Record<string, unknown>>> {
    const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
    const conn = await instance.connect();
    try {
      return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  }

  test('writes the cohort a hand-written SQL count predicts, with rule names and masks', async () => {
    // A copy: the cached site file is shared by other tests and must stay as generated.
    copyFileSync(await siteFile(SITE), db);
    const file = path.join(dir, 'definition.json');
    writeFileSync(file, JSON.stringify(definition, null, 2));
    const [{ base, final }] = await query(HAND_SQL);
    assert.ok(Number(final) > 10 && Number(final) <= Number(base), `a cohort worth testing (base ${base}, final ${final})`);

    const r = await runCli(['cohort', 'generate', '--db', db, '--expression', file, '--cohort-id', '42']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`cohort 42: ${final} persons, ${final} cohort rows`));
    assert.match(r.stderr, /\[1\/\d+\] CREATE TABLE IF NOT EXISTS/, 'progress lines on stderr');

    const [cohort] = await query(
      `SELECT count(DISTINCT subject_id) AS persons, count(*) AS n FROM cohort WHERE cohort_definition_id = 42`,
    );
    assert.equal(Number(cohort.persons), Number(final));
    assert.equal(Number(cohort.n), Number(final));
    assert.deepEqual(await query(`SELECT rule_sequence, name FROM cohort_inclusion WHERE cohort_definition_id = 42`), [
      { rule_sequence: 0, name: 'has a visit' },
    ]);
    // Mode 1 (persons): every base person once, by mask; mask 1 = passed rule 0 = the cohort.
    const masks = await query(
      `SELECT inclusion_rule_mask AS mask, person_count AS n FROM cohort_inclusion_result WHERE cohort_definition_id = 42 AND mode_id = 1 ORDER BY 1`,
    );
    assert.equal(
      masks.reduce((s, m) => s + Number(m.n), 0),
      Number(base),
    );
    assert.equal(Number(masks.find((m) => Number(m.mask) === 1)?.n ?? 0), Number(final));

    // Generating again replaces cohort 42's rows rather than adding to them.
    const again = await runCli(['cohort', 'generate', '--db', db, '--expression', file, '--cohort-id', '42', '--quiet']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, '');
    const [twice] = await query(`SELECT count(*) AS n FROM cohort WHERE cohort_definition_id = 42`);
    assert.equal(Number(twice.n), Number(final));
  });

  test('the same cohort from the same site in PostgreSQL, results in their own schema', { skip: pgSkip }, async () => {
    await copyDuckDbToPostgres(await siteFile(SITE), postgres!.server, 'synthetic');
    const file = path.join(dir, 'definition.json');
    const [{ final }] = await query(HAND_SQL);
    const url = postgres!.server.url('synthetic');
    const r = await runCli([
      'cohort',
      'generate',
      '--db',
      url,
      '--results-schema',
      'results',
      '--expression',
      file,
      '--cohort-id',
      '42',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`cohort 42: ${final} persons, ${final} cohort rows`));
    const missing = await runCli([
      'cohort',
      'generate',
      '--db',
      url,
      '--cdm-schema',
      'cdm',
      '--expression',
      file,
      '--cohort-id',
      '42',
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /schema "cdm" not found/);
  });

  test('a refused expression exits 2 naming the problem and writes nothing', async () => {
    const file = path.join(dir, 'bad.json');
    const bad = structuredClone(definition.expression) as any;
    bad.InclusionRules[0].expression.CriteriaList[0].Occurrence.Type = 7;
    writeFileSync(file, JSON.stringify(bad));
    const r = await runCli(['cohort', 'generate', '--db', db, '--expression', file, '--cohort-id', '43']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Occurrence\.Type/);
    const [row] = await query(`SELECT count(*) AS n FROM cohort WHERE cohort_definition_id = 43`);
    assert.equal(Number(row.n), 0);
  });
});
