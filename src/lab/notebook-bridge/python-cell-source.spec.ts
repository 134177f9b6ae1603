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

describe('python-cell-source', () => {
  it('the Python cell carries the exact plan, whatever its strings hold, as Python reads it', () => {
    const source = pythonCellSource({ plan, sites: ['central', 'north'], timeoutMs: 5000 }, 'http://127.0.0.1:8100');
    expect(planAsPythonSeesIt(source)).toStrictEqual(plan);
    // The title's line breaks cannot turn the rest of the comment into code.
    expect(source.split('\n')[0].startsWith('# He said')).toBeTruthy();
    expect(source.split('\n')[1].startsWith('#')).toBeTruthy();
  });

  it('the Python cell connects to the given hub, runs with the panel’s sites and timeout, shows the result and the frame', () => {
    const source = pythonCellSource({ plan, sites: ['central', 'north'], timeoutMs: 5000 }, 'http://127.0.0.1:8100');
    expect(source).toMatch(/^hub = fedomop\.connect\(hub="http:\/\/127\.0\.0\.1:8100"\)$/m);
    expect(source).toMatch(/^result = hub\.run\(plan, sites=\["central","north"\], timeout_ms=5000\)$/m);
    expect(source).toMatch(/^display\(result\)$/m);
    expect(source.trim().split('\n').at(-1)).toBe('df');
    // Valid Python as a whole (compiled, not run: it would ask a hub).
    execFileSync(PYTHON, ['-c', 'import sys; compile(sys.stdin.read(), "cell", "exec")'], { input: source });
  });

  it('without a server-side hub URL the Python kernel finds its own', () => {
    const source = pythonCellSource({ plan, sites: ['central'] }, '');
    expect(source).toMatch(/^hub = fedomop\.connect\(\)$/m);
    expect(source).toMatch(/^result = hub\.run\(plan, sites=\["central"\]\)$/m);
  });
});
