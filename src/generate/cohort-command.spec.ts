// The error paths of `fedomop cohort generate`, in process: each must say what is wrong, on stderr,
// with a non-zero exit and nothing on stdout. The happy path runs in test/integration/conformance.test.ts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { cohortCommand, type CommandIo } from './cohort-command.js';

const dir = await mkdtemp(join(tmpdir(), 'fedomop-cohort-cmd-'));
after(() => rm(dir, { recursive: true, force: true }));

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

const expression = { ConceptSets: [], PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: {} }] } };
const good = join(dir, 'good.json');
await writeFile(good, JSON.stringify({ name: 'wrapped', expression }));
const broken = join(dir, 'broken.json');
await writeFile(broken, '{\n  "ConceptSets": [],\n  "PrimaryCriteria": { "CriteriaList": [] ,}\n}\n');
const invalid = join(dir, 'invalid.json');
await writeFile(invalid, JSON.stringify({ PrimaryCriteria: 3 }));
const emptyDb = join(dir, 'empty.duckdb');
(await DuckDBInstance.create(emptyDb)).closeSync();

async function run(argv: string[]) {
  const io = capture();
  const code = await cohortCommand(argv, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

const base = (db: string, file = good, id = '3') => ['generate', '--db', db, '--expression', file, '--cohort-id', id];

test('command-line mistakes exit 2 and say what is wrong', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /say what to do: generate/],
    [['make'], /unknown action "make"/],
    [['generate', '--expression', good, '--cohort-id', '1'], /--db is required/],
    [['generate', '--db', emptyDb, '--cohort-id', '1'], /--expression FILE is required/],
    [['generate', '--db', emptyDb, '--expression', good], /--cohort-id N is required/],
    [base(emptyDb, good, '0'), /--cohort-id must be a positive whole number.*got "0"/],
    [base(emptyDb, good, '-4'), /--cohort-id|argument/],
    [base(emptyDb, good, '2.5'), /--cohort-id must be a positive whole number/],
    [base(emptyDb, good, '99999999999'), /--cohort-id must be a positive whole number/],
    [[...base(emptyDb), '--bogus'], /bogus/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.stderr, message, argv.join(' '));
    assert.equal(r.stdout, '', argv.join(' '));
  }
});

test('expression file problems exit 2: missing, JSON syntax with line:column, refused by the validator', async () => {
  let r = await run(base(emptyDb, join(dir, 'nope.json')));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot read expression .*nope\.json: file not found/);
  r = await run(base(emptyDb, broken));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /broken\.json:3:44: JSON syntax error: /);
  r = await run(base(emptyDb, invalid));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /ConceptSets|PrimaryCriteria/);
});

test('database problems exit 1: missing file, not a CDM, bad schema, PostgreSQL unreachable', async () => {
  let r = await run(base(join(dir, 'missing.duckdb')));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /database file not found: .*missing\.duckdb/);
  r = await run(base(emptyDb));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /empty\.duckdb is not an OMOP CDM database: missing .*condition_occurrence.*person/);
  r = await run([...base(emptyDb), '--cdm-schema', 'cdm']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /schema "cdm" not found/);
  r = await run([...base(emptyDb), '--results-schema', 'bad-name']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /results schema must be a plain SQL name/);
  r = await run(base('postgres://nobody:secret@127.0.0.1:1/cdm'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot connect to PostgreSQL at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/cdm/);
  assert.doesNotMatch(r.stderr, /secret/);
});

test('a statement failing half-way exits 1, names the statement, and rolls everything back', async () => {
  // Tables with the right names but not the columns circe reads: the results tables get created,
  // then a generation statement fails.
  const file = join(dir, 'hollow.duckdb');
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  for (const t of ['person', 'observation_period', 'concept', 'concept_ancestor', 'condition_occurrence'])
    await conn.run(`CREATE TABLE ${t} (person_id INTEGER)`);
  conn.closeSync();
  instance.closeSync();
  const r = await run(base(file));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /statement \d+ of \d+ failed \(/);
  assert.match(r.stderr, /nothing was written: the generation runs in one transaction, now rolled back/);
  const check = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const c2 = await check.connect();
  const tables = (await c2.runAndReadAll(`SELECT table_name FROM information_schema.tables ORDER BY 1`)).getRowObjectsJS();
  c2.closeSync();
  check.closeSync();
  assert.deepEqual(
    tables.map((t) => t.table_name),
    ['concept', 'concept_ancestor', 'condition_occurrence', 'observation_period', 'person'],
    'the results tables created in the transaction are gone again',
  );
});

test('--help prints usage and exits 0', async () => {
  const r = await run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: fedomop cohort generate --db DB --expression FILE --cohort-id N/);
});
