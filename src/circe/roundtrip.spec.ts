/**
 * Lossless import/export of Circe expressions, on every cohort definition of circe-be's conformance
 * suite (shared/conformance/circe), as shipped and with each manifest patch applied: parse →
 * export → parse gives the same value, and normalisation is pure, idempotent and blind to the trip.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FedomopError } from '../errors.js';
import { validateCohortExpression } from '../plan/validate.js';
import { exportCohortExpression, normalizeCohortExpression, parseCohortExpression } from './roundtrip.js';
import type { CirceExpression } from './types.js';

type Json = any;

const ROOT =
  process.env.FEDOMOP_CIRCE_CONFORMANCE ?? fileURLToPath(new URL('../../../shared/conformance/circe/', import.meta.url));
const available = existsSync(`${ROOT}/manifest.json`);
const skip = available ? false : `circe conformance data not found at ${ROOT}`;

/** RFC 6902 add/replace/remove, the only operations the manifest uses. */
function applyPatch(doc: Json, ops: Array<{ op: string; path: string; value?: Json }>): Json {
  for (const { op, path, value } of ops) {
    const parts = path
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop()!;
    const parent = parts.reduce((node, key) => node[Array.isArray(node) ? Number(key) : key], doc);
    if (op === 'remove') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (op === 'add' && Array.isArray(parent)) {
      parent.splice(last === '-' ? parent.length : Number(last), 0, value);
    } else parent[last] = value;
  }
  return doc;
}

/** Every fixture text: each expression file as shipped, then each manifest case with its patch. */
function fixtures(): Array<{ name: string; text: string }> {
  if (!available) return [];
  const manifest: Json[] = JSON.parse(readFileSync(`${ROOT}/manifest.json`, 'utf8'));
  const files = [...new Set(manifest.map((c) => c.expression as string))];
  return [
    ...files.map((f) => ({ name: f, text: readFileSync(`${ROOT}/${f}`, 'utf8') })),
    ...manifest.map((c) => ({
      name: c.name,
      text: JSON.stringify(applyPatch(JSON.parse(readFileSync(`${ROOT}/${c.expression}`, 'utf8')), c.modifications)),
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

function expr(extra: Json = {}): CirceExpression {
  return {
    ConceptSets: [{ id: 0, name: 'x', expression: { items: [{ concept: { CONCEPT_ID: 1, CONCEPT_NAME: 'One' } }] } }],
    PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }] },
    ...extra,
  };
}

test('parse reports broken JSON with its line and column, and refuses an invalid expression with its path', () => {
  assert.throws(
    () => parseCohortExpression('{\n "ConceptSets": {,\n}'),
    (e: unknown) => e instanceof FedomopError && e.code === 'ERR_PLAN_INVALID' && /not JSON.*line 2/.test(e.message),
  );
  const bad = expr({ InclusionRules: [{ name: 'r', expression: { Type: 'ALL', CriteriaList: [{ Criteria: { Death: {} } }] } }] });
  assert.throws(
    () => parseCohortExpression(JSON.stringify(bad)),
    (e: unknown) =>
      e instanceof FedomopError &&
      e.message.startsWith('InclusionRules[0].expression.CriteriaList[0].Occurrence: Occurrence is required'),
  );
});

test('parse keeps concept details and Circe fields fedomop ignores; export writes them back', () => {
  const input = expr({
    Title: 't',
    cdmVersionRange: '>=5.0.0',
    InclusionRules: [{ name: 'r', description: 'd', expression: {} }],
  });
  const text = exportCohortExpression(input);
  const { expression, warnings } = parseCohortExpression('\ufeff' + text);
  assert.deepEqual(expression, input);
  assert.equal(exportCohortExpression(expression), text);
  assert.deepEqual(
    warnings.map((w) => w.path),
    ['InclusionRules[0].expression'],
  );
});

test('normalize folds the spellings circe treats alike', () => {
  const a = normalizeCohortExpression(
    expr({
      PrimaryCriteria: {
        CriteriaList: [
          { ConditionOccurrence: { CodesetId: 0, First: false, ConditionType: [], Age: { Value: 3, Op: 'gt', Extent: 9 } } },
        ],
        PrimaryCriteriaLimit: { Type: 'all' },
      },
      ExpressionLimit: null,
      CollapseSettings: { CollapseType: 'ERA', EraPadUnitValue: 7, EraPadUnit: 'day' },
      AdditionalCriteria: {
        Type: 'at_least',
        Count: 1,
        CriteriaList: [
          {
            Criteria: { DrugExposure: {} },
            StartWindow: { Start: { TimeUnitValue: 30, TimeUnit: 'day', Coeff: -1 }, End: { Days: 0, Coeff: 1 } },
            EndWindow: { Start: { Coeff: -1 }, End: { Coeff: 1 } },
            Occurrence: { Type: 2, Count: 1 },
          },
        ],
      },
      CensorWindow: { StartDate: '', EndDate: null },
    }),
  ) as Json;
  assert.deepEqual(a.PrimaryCriteria.PrimaryCriteriaLimit, { Type: 'All' });
  assert.deepEqual(a.ExpressionLimit, { Type: 'First' });
  assert.deepEqual(a.QualifiedLimit, { Type: 'First' });
  assert.deepEqual(a.PrimaryCriteria.ObservationWindow, { PriorDays: 0, PostDays: 0 });
  assert.deepEqual(a.PrimaryCriteria.CriteriaList[0], { ConditionOccurrence: { CodesetId: 0, Age: { Value: 3, Op: 'gt' } } });
  assert.deepEqual(a.CollapseSettings, { CollapseType: 'ERA', EraPad: 7 });
  assert.equal(a.CensorWindow, undefined);
  assert.deepEqual(a.InclusionRules, []);
  assert.deepEqual(a.CensoringCriteria, []);
  const group = a.AdditionalCriteria;
  assert.equal(group.Type, 'AT_LEAST');
  assert.deepEqual(group.CriteriaList[0], {
    Criteria: { DrugExposure: {} },
    StartWindow: { Start: { Coeff: -1, Days: 30 }, End: { Coeff: 1, Days: 0 }, UseIndexEnd: false, UseEventEnd: false },
    EndWindow: { Start: { Coeff: -1 }, End: { Coeff: 1 }, UseIndexEnd: false, UseEventEnd: true },
    RestrictVisit: false,
    IgnoreObservationPeriod: false,
    Occurrence: { Type: 2, Count: 1, IsDistinct: false },
  });
  assert.equal(a.ConceptSets[0].expression.items[0].concept.CONCEPT_NAME, 'One', 'concept details are kept');
  assert.deepEqual(
    normalizeCohortExpression(expr({ AdditionalCriteria: {} })).AdditionalCriteria,
    { Type: 'ALL', CriteriaList: [], DemographicCriteriaList: [], Groups: [] },
    'an empty AdditionalCriteria stays (circe then applies QualifiedLimit)',
  );
});
