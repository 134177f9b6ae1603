/**
 * The conformance runner's own parts, without the compiler: the JSON Patch applier, the CDM DDL
 * against every fixture, and the comparison (fed the expected rows themselves, then a tampered copy).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainSql } from '../../src/generate/database.js';
import { DuckDbWriter } from '../../src/generate/duckdb-writer.js';
import { createResultsTablesStatements } from '../../src/generate/results-tables.js';
import { duckdbDialect } from '../../src/sql/dialect.js';
import { cdmColumns, cdmDdl } from './cdm-ddl.js';
import { actualRows, compareRows, expectedRows } from './compare.js';
import { applyPatch } from './json-patch.js';
import { insertStatements, loadDataFile } from './load-data.js';
import { CONFORMANCE_ROOT, conformanceAvailable, readJson, readManifest } from './manifest.js';

const skip = conformanceAvailable() ? false : `circe conformance data not found at ${CONFORMANCE_ROOT}`;

test('JSON Patch: add, replace, remove on objects and arrays; the input is left alone', () => {
  const doc = { a: { b: [1, 2, 3] }, c: 'x', 'd/e': 1 };
  const out = applyPatch(doc, [
    { op: 'replace', path: '/a/b/1', value: 20 },
    { op: 'add', path: '/a/b/-', value: 4 },
    { op: 'add', path: '/a/b/0', value: 0 },
    { op: 'remove', path: '/c' },
    { op: 'add', path: '/n', value: { deep: [1] } },
    { op: 'replace', path: '/d~1e', value: 2 },
  ]);
  assert.deepEqual(out, { a: { b: [0, 1, 20, 3, 4] }, n: { deep: [1] }, 'd/e': 2 });
  assert.deepEqual(doc, { a: { b: [1, 2, 3] }, c: 'x', 'd/e': 1 });
});

test('JSON Patch is strict: replace/remove need a target; other ops are refused', () => {
  assert.throws(() => applyPatch({ a: 1 }, [{ op: 'replace', path: '/b', value: 1 }]), /replace: nothing at \/b/);
  assert.throws(() => applyPatch({ a: 1 }, [{ op: 'remove', path: '/b' }]), /remove: nothing at \/b/);
  assert.throws(() => applyPatch({ a: [1] }, [{ op: 'replace', path: '/a/1', value: 1 }]), /out of range/);
  assert.throws(() => applyPatch({ a: 1 }, [{ op: 'add', path: '/x/y', value: 1 }]), /no container/);
  assert.throws(() => applyPatch({ a: 1 }, [{ op: 'move', path: '/a' }]), /unsupported patch op "move"/);
});

test('every manifest patch applies to its expression', { skip }, () => {
  for (const c of readManifest())
    assert.doesNotThrow(() => applyPatch(readJson(CONFORMANCE_ROOT, c.expression), c.modifications), c.name);
});

test('the CDM DDL has every table and column the fixtures load, and they load', { skip }, async () => {
  const files = [...new Set(readManifest().flatMap((c) => c.prep))];
  const db = await DuckDbWriter.open(':memory:');
  try {
    await db.transaction(async (tx) => {
      for (const ddl of cdmDdl('duckdb')) await tx.query(plainSql(ddl));
      for (const file of files) assert.ok((await loadDataFile(tx, readJson(CONFORMANCE_ROOT, file), db.dialect)) > 0, file);
      const [row] = await tx.query(plainSql(`SELECT count(*) AS n FROM condition_occurrence WHERE condition_end_date IS NULL`));
      assert.ok(Number(row.n) > 0, 'left-out columns load as NULL');
    });
  } finally {
    await db.close();
  }
});

test('the CDM DDL has the columns the compiler may read', () => {
  for (const [table, column] of [
    ['drug_exposure', 'effective_drug_dose'],
    ['drug_exposure', 'dose_unit_concept_id'],
    ['condition_occurrence', 'condition_status_concept_id'],
    ['visit_detail', 'visit_detail_type_concept_id'],
    ['payer_plan_period', 'stop_reason_source_concept_id'],
    ['care_site', 'place_of_service_concept_id'],
    ['provider', 'specialty_concept_id'],
  ])
    assert.ok(
      cdmColumns(table)?.some((c) => c.name === column),
      `${table}.${column}`,
    );
  assert.throws(() => insertStatements({ 'cdm.person': [{ person_idx: 1 }] }, duckdbDialect), /person_idx/);
});

test('comparison: the expected rows themselves pass; a changed date or a missing row is shown', { skip }, async () => {
  const c = readManifest().find((m) => m.name === 'testSimpleInclusionRule')!;
  const verify = readJson(CONFORMANCE_ROOT, c.verify!);
  const db = await DuckDbWriter.open(':memory:');
  try {
    await db.transaction(async (tx) => {
      for (const s of createResultsTablesStatements(db.dialect)) await tx.query(s);
      // Stand in for a generation: write the VERIFY rows (in reverse, so orderBy has to work).
      for (const vt of c.verifyTables) {
        for (const row of [...expectedRows(verify, vt)].reverse()) {
          const cols = Object.keys(row);
          await tx.query(
            plainSql(`INSERT INTO ${vt.table} (${cols.join(', ')}) VALUES (${cols.map((k) => `'${row[k]}'`).join(', ')})`),
          );
        }
        assert.deepEqual(compareRows(vt.table, expectedRows(verify, vt), await actualRows(tx, db.dialect, vt)), [], vt.key);
      }
      const vt = c.verifyTables[0];
      await tx.query(plainSql(`UPDATE cohort SET cohort_end_date = DATE '2001-01-02'`));
      const diff = compareRows(vt.table, expectedRows(verify, vt), await actualRows(tx, db.dialect, vt));
      assert.match(
        diff.join('\n'),
        /cohort: 1 expected rows, 1 actual; 1 differ\n {2}row 1: expected .*cohort_end_date=2001-01-01\n.*actual .*cohort_end_date=2001-01-02/,
      );
      await tx.query(plainSql(`DELETE FROM cohort`));
      assert.match(
        compareRows(vt.table, expectedRows(verify, vt), await actualRows(tx, db.dialect, vt)).join('\n'),
        /actual \(none\)/,
      );
    });
  } finally {
    await db.close();
  }
});
