/**
 * circe-be's own cohort-generation cases (shared/conformance/circe) as plans: the ones inside the
 * subset must validate, and every other one must be refused as ERR_PLAN_UNSUPPORTED, naming the
 * part of the expression outside the subset. FEDOMOP_CIRCE_CONFORMANCE points elsewhere if needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FedomopError } from '../errors.js';
import { parsePlan, validatePlan } from './validate.js';

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
    } else if (op === 'add' || op === 'replace') {
      parent[last] = value;
    } else throw new Error(`unexpected patch op ${op}`);
  }
  return doc;
}

const CO = 'cohort.PrimaryCriteria.CriteriaList[0]';
type Refusal = Array<[path: string, mentions: RegExp]>;
const additional: Refusal = [['cohort.AdditionalCriteria', /additional criteria/]];
const customEra: Refusal = [['cohort.EndStrategy', /end strategies \(CustomEra\)/]];
const domain = (d: string): Refusal => [[`${CO}.${d}`, new RegExp(`^${d} criteria are not supported`)]];

/** `'ok'` or the parts a refusal must name. Every manifest case must be listed. */
const EXPECTED: Record<string, 'ok' | Refusal> = {
  rawJsonTest: [
    [`${CO}.ObservationPeriod`, /ObservationPeriod criteria/],
    ['cohort.InclusionRules', /inclusion rules \(14: /],
  ],
  allCriteriaTest: [
    [`${CO}.ObservationPeriod`, /ObservationPeriod criteria/],
    ['cohort.InclusionRules', /inclusion rules \(14: /],
  ],
  'firstOccurrenceTest/ConditionEra': domain('ConditionEra'),
  'firstOccurrenceTest/ConditionOccurrence': 'ok',
  'firstOccurrenceTest/DeviceExposure': domain('DeviceExposure'),
  'firstOccurrenceTest/DrugEra': domain('DrugEra'),
  'firstOccurrenceTest/DrugExposure': 'ok',
  'firstOccurrenceTest/Measurement': 'ok',
  'firstOccurrenceTest/Observation': domain('Observation'),
  'firstOccurrenceTest/ProcedureOccurrence': 'ok',
  'firstOccurrenceTest/Specimen': domain('Specimen'),
  'firstOccurrenceTest/VisitOccurrence': domain('VisitOccurrence'),
  'firstOccurrenceTest/PayerPlanPeriod': domain('PayerPlanPeriod'),
  'testCorrelatedCriteriaCounts/exactly0': additional,
  'testCorrelatedCriteriaCounts/atLeast1': additional,
  'testCorrelatedCriteriaCounts/atMost0': additional,
  'testCorrelatedCriteriaCounts/visitWindow': additional,
  'testCorrelatedCriteriaCounts/invalidOccurrenceType': additional,
  'testGroups/anyOf': additional,
  'testGroups/atLeast2': additional,
  'testGroups/atMost2': additional,
  'testGroups/allWithInnerAtMost0': additional,
  'testGroups/emptyInnerGroup': additional,
  testSimpleInclusionRule: [['cohort.InclusionRules', /inclusion rules \(1: "Prior Condition"\)/]],
  'testContinuousExposure/allEvents': customEra,
  'testContinuousExposure/primaryLimitFirst': customEra,
  'testContinuousExposure/nullDrugCodesetId': customEra,
  testFixedOffset: [['cohort.EndStrategy', /end strategies \(DateOffset\)/]],
  testCensorEvents: [
    ['cohort.CensoringCriteria', /censoring criteria/],
    ['cohort.EndStrategy', /DateOffset/],
  ],
  testMixedConceptsets: [[`${CO}.ConditionOccurrence.ConditionSourceConcept`, /ConditionSourceConcept/]],
  'testConditionStatusCriteria/null': 'ok',
  'testConditionStatusCriteria/empty': 'ok',
  'testConditionStatusCriteria/status1': [[`${CO}.ConditionOccurrence.ConditionStatus`, /ConditionStatus/]],
};

const manifest: Json[] = available ? JSON.parse(readFileSync(`${ROOT}/manifest.json`, 'utf8')) : [];

test('every conformance case has an expected outcome', { skip }, () => {
  assert.deepEqual(manifest.map((c) => c.name).sort(), Object.keys(EXPECTED).sort());
});

for (const c of manifest) {
  const expected = EXPECTED[c.name];
  test(`conformance ${c.name}: ${expected === 'ok' ? 'accepted' : 'refused as unsupported'}`, { skip }, () => {
    const expression = applyPatch(JSON.parse(readFileSync(`${ROOT}/${c.expression}`, 'utf8')), c.modifications);
    const plan = { version: 1, cohort: expression, analysis: { kind: 'count' } };
    const r = validatePlan(plan);
    if (expected === 'ok' || expected === undefined) {
      assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.problems, null, 1));
      return;
    }
    assert.ok(!r.ok, 'expected a refusal');
    if (r.ok) return;
    assert.equal(r.code, 'ERR_PLAN_UNSUPPORTED', JSON.stringify(r.problems, null, 1));
    assert.deepEqual(r.problems.map((p) => p.path).sort(), expected.map(([path]) => path).sort());
    for (const [path, mentions] of expected) {
      assert.match(r.problems.find((p) => p.path === path)!.message, mentions, path);
    }
    let err: unknown;
    try {
      parsePlan(plan);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof FedomopError && err.code === 'ERR_PLAN_UNSUPPORTED');
    assert.ok(err.message.startsWith(`${r.problems[0].path}: `), `message does not name the part: ${err.message}`);
  });
}

test('the firstOccurrence expression as shipped (no criteria) is a mistake, not an unsupported feature', { skip }, () => {
  const expression = JSON.parse(
    readFileSync(`${ROOT}/cohortgeneration/firstOccurrence/firstOccurrenceTestExpression.json`, 'utf8'),
  );
  const r = validatePlan({ version: 1, cohort: expression, analysis: { kind: 'count' } });
  assert.ok(!r.ok && r.code === 'ERR_PLAN_INVALID');
  assert.equal(r.problems[0].path, 'cohort.PrimaryCriteria.CriteriaList');
});
