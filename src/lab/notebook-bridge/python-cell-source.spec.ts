import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Plan } from '../../plan/index.js';
import { pythonCellSource } from './python-cell-source.js';

const PYTHON = existsSync('.venv/bin/python') ? '.venv/bin/python' : 'python3';

// Strings a pasted ATLAS export may hold that would break a naive Python literal.
const nasty = 'He said """stop""" and \'\'\'go\'\'\', C:\\temp\\new \\" \u2028 ü 🧬 \n end\\';

const plan: Plan = {
  version: 1,
  cohort: {
    Title: nasty,
    ConceptSets: [
      { id: 0, name: nasty, expression: { items: [{ concept: { CONCEPT_ID: 4163261 }, includeDescendants: true }] } },
    ],
    PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }] },
  },
  analysis: { kind: 'count' },
};

/** Runs the cell's statements up to the plan in a real Python and returns what Python made of it. */
function planAsPythonSeesIt(source: string): unknown {
  const lines = source.split('\n');
  const upToPlan = lines
    .slice(
      0,
      lines.findIndex((l) => l.startsWith('result = ')),
    )
    .filter((l) => !l.includes('fedomop'));
  const out = execFileSync(PYTHON, ['-c', `${upToPlan.join('\n')}\nprint(json.dumps(plan))`], { encoding: 'utf8' });
  return JSON.parse(out);
}

test('the Python cell carries the exact plan, whatever its strings hold, as Python reads it', () => {
  const source = pythonCellSource({ plan, sites: ['central', 'north'], timeoutMs: 5000 }, 'http://127.0.0.1:8100');
  assert.deepEqual(planAsPythonSeesIt(source), plan);
  // The title's line breaks cannot turn the rest of the comment into code.
  assert.ok(source.split('\n')[0].startsWith('# He said'));
  assert.ok(source.split('\n')[1].startsWith('#'));
});

test('the Python cell connects to the given hub, runs with the panel’s sites and timeout, shows the result and the frame', () => {
  const source = pythonCellSource({ plan, sites: ['central', 'north'], timeoutMs: 5000 }, 'http://127.0.0.1:8100');
  assert.match(source, /^hub = fedomop\.connect\(hub="http:\/\/127\.0\.0\.1:8100"\)$/m);
  assert.match(source, /^result = hub\.run\(plan, sites=\["central","north"\], timeout_ms=5000\)$/m);
  assert.match(source, /^display\(result\)$/m);
  assert.equal(source.trim().split('\n').at(-1), 'df');
  // Valid Python as a whole (compiled, not run: it would ask a hub).
  execFileSync(PYTHON, ['-c', 'import sys; compile(sys.stdin.read(), "cell", "exec")'], { input: source });
});

test('without a server-side hub URL the Python kernel finds its own', () => {
  const source = pythonCellSource({ plan, sites: ['central'] }, '');
  assert.match(source, /^hub = fedomop\.connect\(\)$/m);
  assert.match(source, /^result = hub\.run\(plan, sites=\["central"\]\)$/m);
});
