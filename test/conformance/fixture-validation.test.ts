/**
 * circe-be's own cohort-generation cases (shared/conformance/circe) as plans: every `cohort` and
 * `smoke` case (its patches applied) must validate without errors, and both `error` cases must be
 * refused naming the field circe-be rejects. FEDOMOP_CIRCE_CONFORMANCE points elsewhere if needed.
 * Reads the suite with the conformance runner's own manifest reader and patcher.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FedomopError } from '../../src/errors.js';
import { parsePlan, validatePlan } from '../../src/plan/validate.js';
import { applyPatch } from './json-patch.js';
import { CONFORMANCE_ROOT, conformanceAvailable, readJson, readManifest, type ConformanceCase } from './manifest.js';

const available = conformanceAvailable();
const skip = available ? false : `circe conformance data not found at ${CONFORMANCE_ROOT}`;

/** The two `error` cases, and where (and why) each must be refused. */
const REFUSED: Record<string, [path: string, message: RegExp]> = {
  'testCorrelatedCriteriaCounts/invalidOccurrenceType': [
    'cohort.AdditionalCriteria.CriteriaList[0].Occurrence.Type',
    /^Occurrence\.Type must be 0 \(exactly\), 1 \(at most\) or 2 \(at least\), got the number -99$/,
  ],
  'testContinuousExposure/nullDrugCodesetId': [
    'cohort.EndStrategy.CustomEra.DrugCodesetId',
    /^EndStrategy\.CustomEra\.DrugCodesetId is required/,
  ],
};

const manifest: ConformanceCase[] = available ? readManifest() : [];

test('the manifest has the expected mix of cases', { skip }, () => {
  assert.equal(manifest.length, 33);
  assert.deepEqual(
    manifest
      .filter((c) => c.kind === 'error')
      .map((c) => c.name)
      .sort(),
    Object.keys(REFUSED).sort(),
  );
});

for (const c of manifest) {
  const refusal = REFUSED[c.name];
  test(`conformance ${c.name} (${c.kind}): ${refusal ? 'refused' : 'accepted'}`, { skip }, () => {
    const expression = applyPatch(readJson(CONFORMANCE_ROOT, c.expression), c.modifications);
    const plan = { version: 1, cohort: expression, analysis: { kind: 'attrition' } };
    const r = validatePlan(plan);
    if (!refusal) {
      assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.problems, null, 1));
      return;
    }
    assert.ok(!r.ok, 'expected a refusal');
    if (r.ok) return;
    assert.equal(r.code, 'ERR_PLAN_INVALID', JSON.stringify(r.problems, null, 1));
    assert.deepEqual(
      r.problems.map((p) => p.path),
      [refusal[0]],
    );
    assert.match(r.problems[0].message, refusal[1]);
    let err: unknown;
    try {
      parsePlan(plan);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof FedomopError && err.code === 'ERR_PLAN_INVALID');
    assert.ok(err.message.startsWith(`${refusal[0]}: `), `message does not name the part: ${err.message}`);
  });
}

test('the only warnings on the fixtures are the deliberate ones of the all-criteria smoke test', { skip }, () => {
  for (const c of manifest) {
    if (REFUSED[c.name]) continue;
    const expression = applyPatch(readJson(CONFORMANCE_ROOT, c.expression), c.modifications);
    const r = validatePlan({ version: 1, cohort: expression, analysis: { kind: 'count' } });
    assert.ok(r.ok);
    if (c.name === 'rawJsonTest' || c.name === 'allCriteriaTest') {
      // It uses a concept set named "Empty Concept Set" throughout, and one text filter without Text.
      assert.ok(r.warnings.length > 10);
      assert.ok(
        r.warnings.every((w) => /is empty|has no Text/.test(w.message)),
        JSON.stringify(r.warnings, null, 1),
      );
    } else assert.deepEqual(r.warnings, [], c.name);
  }
});

test('the firstOccurrence expression as shipped (no criteria) is a mistake, not an unsupported feature', { skip }, () => {
  const expression = readJson(CONFORMANCE_ROOT, 'cohortgeneration/firstOccurrence/firstOccurrenceTestExpression.json');
  const r = validatePlan({ version: 1, cohort: expression, analysis: { kind: 'count' } });
  assert.ok(!r.ok && r.code === 'ERR_PLAN_INVALID');
  assert.equal(r.problems[0].path, 'cohort.PrimaryCriteria.CriteriaList');
});
