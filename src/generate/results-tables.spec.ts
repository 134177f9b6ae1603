import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duckdbDialect, postgresDialect } from '../sql/dialect.js';
import { DuckDbWriter } from './duckdb-writer.js';
import { inclusionRuleStatements } from './inclusion-rules.js';
import { RESULTS_TABLES, createResultsTablesStatements, resultsColumns } from './results-tables.js';

test('results tables carry the OHDSI results-schema columns', () => {
  assert.deepEqual(resultsColumns('cohort'), ['cohort_definition_id', 'subject_id', 'cohort_start_date', 'cohort_end_date']);
  assert.deepEqual(resultsColumns('cohort_inclusion_result'), [
    'cohort_definition_id',
    'inclusion_rule_mask',
    'person_count',
    'mode_id',
  ]);
  assert.deepEqual(resultsColumns('cohort_inclusion_stats'), [
    'cohort_definition_id',
    'rule_sequence',
    'person_count',
    'gain_count',
    'person_total',
    'mode_id',
  ]);
  assert.deepEqual(resultsColumns('cohort_summary_stats'), ['cohort_definition_id', 'base_count', 'final_count', 'mode_id']);
  assert.deepEqual(resultsColumns('cohort_censor_stats'), ['cohort_definition_id', 'lost_count']);
  assert.deepEqual(resultsColumns('cohort_inclusion'), ['cohort_definition_id', 'rule_sequence', 'name', 'description']);
});

test('the DDL is schema-qualified when asked and pins the PostgreSQL text', () => {
  const [schema, cohort] = createResultsTablesStatements(postgresDialect, 'results');
  assert.equal(schema.sql, 'CREATE SCHEMA IF NOT EXISTS "results"');
  assert.equal(
    cohort.sql,
    'CREATE TABLE IF NOT EXISTS "results"."cohort" (\n  "cohort_definition_id" INTEGER NOT NULL,\n  "subject_id" BIGINT NOT NULL,\n' +
      '  "cohort_start_date" DATE NOT NULL,\n  "cohort_end_date" DATE NOT NULL\n)',
  );
  assert.equal(createResultsTablesStatements(duckdbDialect).length, RESULTS_TABLES.length);
});

test('creating twice keeps rows; a failing transaction writes nothing', async () => {
  const db = await DuckDbWriter.open(':memory:');
  try {
    const expression = {
      ConceptSets: [],
      PrimaryCriteria: { CriteriaList: [] },
      InclusionRules: [{ name: 'has a visit', description: 'd', expression: {} }, { expression: {} }],
    };
    await db.transaction(async (tx) => {
      for (const s of createResultsTablesStatements(duckdbDialect, 'res')) await tx.query(s);
      for (const s of inclusionRuleStatements(duckdbDialect, expression as never, 7, 'res')) await tx.query(s);
    });
    await assert.rejects(
      db.transaction(async (tx) => {
        for (const s of createResultsTablesStatements(duckdbDialect, 'res')) await tx.query(s);
        for (const s of inclusionRuleStatements(duckdbDialect, { ...expression, InclusionRules: [] } as never, 7, 'res'))
          await tx.query(s);
        await tx.query({ sql: 'SELECT * FROM no_such_table', parameters: [], parameterTypes: [] });
      }),
      /no_such_table/,
    );
    const rows = await db.transaction((tx) =>
      tx.query({
        sql: 'SELECT rule_sequence, name, description FROM res.cohort_inclusion ORDER BY 1',
        parameters: [],
        parameterTypes: [],
      }),
    );
    assert.deepEqual(rows, [
      { rule_sequence: 0, name: 'has a visit', description: 'd' },
      { rule_sequence: 1, name: null, description: null },
    ]);
  } finally {
    await db.close();
  }
});
