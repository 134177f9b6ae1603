import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FedomopError } from '../errors.js';
import { jsonErrorOffset } from './json-error-offset.js';
import { lineColumn, parseJsonText, readExpressionFile, unwrapCohortDefinition } from './read-expression.js';

const bare = { ConceptSets: [], PrimaryCriteria: { CriteriaList: [] } };

test('jsonErrorOffset finds the first bad character, and nothing in valid JSON', () => {
  const cases: Array<[string, number | undefined]> = [
    ['{"a": [1, 2, {"b": null}], "c": "x\\n"}', undefined],
    ['[1,]', 3],
    ['{"a": 1,\n  "b" 2}', 15],
    ['{"a":1}}', 7],
    ['{"a": tru}', 6],
    ['{"a": 01}', 7],
    ['{\n"a":', 6],
  ];
  for (const [text, offset] of cases) assert.equal(jsonErrorOffset(text), offset, text);
});

test('a JSON syntax error names line and column', () => {
  assert.deepEqual(lineColumn('ab\ncd', 4), { line: 2, column: 2 });
  const cases: Array<[string, RegExp]> = [
    ['{\n  "ConceptSets": [],\n  "PrimaryCriteria": {,}\n}', /^x\.json:3:23: JSON syntax error/],
    ['[1,]', /^x\.json:1:4: JSON syntax error: Unexpected token '\]'$/],
    ['{\n"a":', /^x\.json:2:5: JSON syntax error: unexpected end of input$/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseJsonText(text, 'x.json'),
      (err: FedomopError) => err.code === 'ERR_PLAN_INVALID' && message.test(err.message),
      text,
    );
  }
});

test('an ATLAS cohort definition is unwrapped to its expression, object or string', () => {
  assert.equal(unwrapCohortDefinition(bare, 'f'), bare);
  assert.deepEqual(unwrapCohortDefinition({ name: 'x', expression: bare }, 'f'), bare);
  assert.deepEqual(unwrapCohortDefinition({ name: 'x', expression: JSON.stringify(bare) }, 'f'), bare);
  assert.throws(() => unwrapCohortDefinition({ name: 'x', expression: '{' }, 'f'), /f \(\.expression\):1:2/);
});

test('reading: a missing file, a directory, a BOM', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fedomop-expr-'));
  try {
    await assert.rejects(readExpressionFile(join(dir, 'nope.json')), /cannot read expression .*nope\.json: file not found/);
    await assert.rejects(readExpressionFile(dir), /is a directory/);
    const file = join(dir, 'bom.json');
    await writeFile(file, '\uFEFF' + JSON.stringify({ name: 'n', expression: bare }));
    assert.deepEqual(await readExpressionFile(file), bare);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
