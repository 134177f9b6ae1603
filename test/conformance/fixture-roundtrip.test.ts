/**
 * Lossless import/export of Circe expressions, on every cohort definition of circe-be's conformance
 * suite (shared/conformance/circe), as shipped and with each manifest patch applied: parse →
 * export → parse gives the same value, and normalisation is pure, idempotent and blind to the trip.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { exportCohortExpression, normalizeCohortExpression, parseCohortExpression } from '../../src/circe/roundtrip.js';
import { FedomopError } from '../../src/errors.js';
import { validateCohortExpression } from '../../src/plan/validate.js';
import { applyPatch } from './json-patch.js';
import { CONFORMANCE_ROOT, conformanceAvailable, readJson, readManifest } from './manifest.js';

const available = conformanceAvailable();
const skip = available ? false : `circe conformance data not found at ${CONFORMANCE_ROOT}`;

/** Every fixture text: each expression file as shipped, then each manifest case with its patch. */
function fixtures(): Array<{ name: string; text: string }> {
  if (!available) return [];
  const manifest = readManifest();
  const files = [...new Set(manifest.map((c) => c.expression))];
  return [
    ...files.map((f) => ({ name: f, text: readFileSync(path.join(CONFORMANCE_ROOT, f), 'utf8') })),
    ...manifest.map((c) => ({
      name: c.name,
      text: JSON.stringify(applyPatch(readJson(CONFORMANCE_ROOT, c.expression), c.modifications)),
    })),
  ];
}

const cases = fixtures();

test('there are fixtures to round-trip', { skip }, () => {
  assert.ok(cases.length >= 40, `${cases.length} fixtures`);
});

for (const { name, text } of cases) {
  test(`round trip ${name}`, { skip }, () => {
    const input = JSON.parse(text);
    const checked = validateCohortExpression(input);
    if (!checked.ok) {
      // The two `error` cases and firstOccurrence as shipped (an empty CriteriaList) are refused;
      // export alone must still be lossless for them.
      assert.throws(() => parseCohortExpression(text), FedomopError);
      assert.deepEqual(JSON.parse(exportCohortExpression(input)), input);
      return;
    }
    const { expression } = parseCohortExpression(text);
    assert.deepEqual(expression, input, 'parse keeps every field, unknown ones included');
    const exported = exportCohortExpression(expression);
    const again = parseCohortExpression(exported).expression;
    assert.deepEqual(again, input, 'parse → export → parse is the identity');

    const before = exportCohortExpression(expression);
    const normal = normalizeCohortExpression(expression);
    assert.equal(exportCohortExpression(expression), before, 'normalize must not change its input');
    assert.deepEqual(normalizeCohortExpression(again), normal, 'normalize(parse(export(x))) = normalize(x)');
    assert.deepEqual(normalizeCohortExpression(normal), normal, 'normalize is idempotent');
    const stillValid = validateCohortExpression(normal);
    assert.ok(stillValid.ok, stillValid.ok ? '' : JSON.stringify(stillValid.problems, null, 1));
  });
}
