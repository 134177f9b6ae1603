// Tests src/cli/synth-command.ts; kept here because this work owns only that one file in cli/.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { synthCommand, type CommandIo } from '../cli/synth-command.js';
import { tempDir } from './synth.spec-util.js';

const dir = await tempDir();
after(() => dir.remove());

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

test('an unknown flag exits 2 and names the flag on stderr', async () => {
  const io = capture();
  assert.equal(await synthCommand(['--out', join(dir.path, 'x.duckdb'), '--bogus', '1'], io), 2);
  assert.match(io.stderr.join('\n'), /bogus/);
  assert.deepEqual(io.stdout, []);
});

test('bad values exit 2 with a message that says what is wrong', async () => {
  const out = join(dir.path, 'never.duckdb');
  const cases: [string[], RegExp][] = [
    [['--out', out, '--persons', 'many'], /--persons needs a whole number/],
    [['--out', out, '--seed', '-3'], /--seed|argument/],
    [['--out', out, '--profile', 'huge'], /unknown profile "huge".*central, regional, small/],
    [['--out', out, '--persons', '0'], /--persons must be at least 1/],
    [['--out', out, '--events-per-person', '9999'], /eventsPerPerson/],
    [['--persons', '10'], /--out FILE is required/],
    [['--out'], /--out/],
  ];
  for (const [argv, message] of cases) {
    const io = capture();
    assert.equal(await synthCommand(argv, io), 2, argv.join(' '));
    assert.match(io.stderr.join('\n'), message, argv.join(' '));
  }
  await assert.rejects(access(out), 'nothing is written for a bad command line');
});

test('--help prints usage and exits 0', async () => {
  const io = capture();
  assert.equal(await synthCommand(['--help'], io), 0);
  assert.match(io.stdout.join('\n'), /Usage: fedomop synth --out FILE/);
  assert.match(io.stdout.join('\n'), /--events-per-person/);
});

test('a good command line writes the file and prints one summary line', async () => {
  const out = join(dir.path, 'site.duckdb');
  const io = capture();
  const code = await synthCommand(
    ['--seed', '3', '--persons', '300', '--profile', 'small', '--out', out, '--events-per-person', '4', '--site-name', 'north'],
    io,
  );
  assert.equal(code, 0, io.stderr.join('\n'));
  await access(out);
  assert.equal(io.stdout.length, 1);
  assert.match(io.stdout[0], /person=300 /);
  assert.match(io.stdout[0], /condition_occurrence=\d+/);
  assert.match(io.stdout[0], /in \d+\.\d s/);
});
