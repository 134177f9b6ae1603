import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_STATUS, FedomopError } from '../errors.js';
import { jsonStringBytes } from './json-scan.js';
import { PLAN_LIMITS, parsePlan, validatePlan, validatePlanText } from './index.js';

type Json = any;

function basePlan(): Json {
  return {
    version: 1,
    cohort: {
      ConceptSets: [
        { id: 0, name: 'Breast cancer', expression: { items: [{ concept: { CONCEPT_ID: 4112853 }, includeDescendants: true }] } },
      ],
      PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }] },
    },
    analysis: { kind: 'count' },
  };
}

const items = (p: Json) => p.cohort.ConceptSets[0].expression.items;
const conceptItems = (n: number) => Array.from({ length: n }, (_, i) => ({ concept: { CONCEPT_ID: i + 1 } }));

function problemsOf(input: unknown, limits?: Partial<typeof PLAN_LIMITS>) {
  const r = validatePlan(input, { limits });
  return r.ok ? [] : r.problems;
}

test('the published limits are the documented ones and cannot be changed at run time', () => {
  assert.deepEqual(
    { ...PLAN_LIMITS },
    {
      maxPlanBytes: 8388608,
      maxPlanTextBytes: 16777216,
      maxConceptSets: 500,
      maxConceptSetItems: 50000,
      maxCriteria: 50,
      maxTotalCriteria: 500,
      maxInclusionRules: 50,
      maxGroupDepth: 8,
      maxDepth: 32,
      maxStringLength: 2000,
      maxProblems: 100,
    },
  );
  assert.ok(Object.isFrozen(PLAN_LIMITS));
});

test('the size measured is exactly the compact JSON size in UTF-8, escapes and all', () => {
  for (const s of ['', 'plain', 'quote " backslash \\ newline \n tab \t', '\u0001\u001f', 'Übersicht – 肺癌 😀', '\ud800 lone']) {
    assert.equal(jsonStringBytes(s), new TextEncoder().encode(JSON.stringify(s)).length, JSON.stringify(s));
  }
  const p = basePlan();
  p.cohort.ConceptSets[0].name = 'Brustkrebs – Übersicht 😀 "quoted"\n';
  const exact = new TextEncoder().encode(JSON.stringify(p)).length;
  assert.ok(validatePlan(p, { limits: { maxPlanBytes: exact } }).ok, 'a plan of exactly the limit is accepted');
  const over = validatePlan(p, { limits: { maxPlanBytes: exact - 1 } });
  assert.ok(!over.ok && over.code === 'ERR_PLAN_TOO_LARGE', 'one byte over is refused');
});

test('a plan over 8 MiB is ERR_PLAN_TOO_LARGE, as a value and as text', () => {
  const p = basePlan();
  p.cohort.ConceptSets[0].expression.items = Array.from({ length: 5700 }, (_, i) => ({
    concept: { CONCEPT_ID: i + 1, CONCEPT_NAME: 'x'.repeat(1500) },
  }));
  for (const input of [p, JSON.stringify(p)]) {
    let err: unknown;
    try {
      parsePlan(input);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof FedomopError, String(err));
    assert.equal(err.code, 'ERR_PLAN_TOO_LARGE');
    assert.equal(err.status, ERROR_STATUS.ERR_PLAN_TOO_LARGE);
    assert.match(err.message, /8192 KiB/);
  }
});

test('plan text is limited before parsing, but indentation alone does not count against the plan limit', () => {
  const p = basePlan();
  p.cohort.ConceptSets[0].expression.items = Array.from({ length: 3000 }, (_, i) => ({
    concept: { CONCEPT_ID: i + 1, CONCEPT_NAME: 'y'.repeat(1000) },
  }));
  // Whitespace between tokens only (no value holds a comma), as a generously indented export would have.
  const pretty = JSON.stringify(p, null, 2).replace(/,\n/g, ',\n' + ' '.repeat(1000));
  assert.ok(pretty.length > PLAN_LIMITS.maxPlanBytes && pretty.length < PLAN_LIMITS.maxPlanTextBytes);
  assert.ok(validatePlanText(pretty).ok);
  const huge = validatePlanText(' '.repeat(PLAN_LIMITS.maxPlanTextBytes) + JSON.stringify(basePlan()));
  assert.ok(!huge.ok && huge.code === 'ERR_PLAN_TOO_LARGE');
});

test('more than 500 concept sets is refused at cohort.ConceptSets; 500 are fine', () => {
  const p = basePlan();
  p.cohort.ConceptSets = Array.from({ length: 500 }, (_, i) => ({ id: i, expression: { items: [] } }));
  assert.ok(validatePlan(p).ok);
  p.cohort.ConceptSets.push({ id: 500, expression: { items: [] } });
  const problems = problemsOf(p);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].path, 'cohort.ConceptSets');
  assert.match(problems[0].message, /501 concept sets; the limit is 500/);
});

test('more than 50,000 items in one concept set is refused; 50,000 are fine', () => {
  const p = basePlan();
  p.cohort.ConceptSets[0].expression.items = conceptItems(50_000);
  assert.deepEqual(problemsOf(p), []);
  items(p).push({ concept: { CONCEPT_ID: 99 } });
  const problems = problemsOf(p);
  assert.equal(problems[0].path, 'cohort.ConceptSets[0].expression.items');
  assert.match(problems[0].message, /50001 items; the limit is 50000/);
});

test('more than 50 criteria is refused; 50 are fine', () => {
  const p = basePlan();
  p.cohort.PrimaryCriteria.CriteriaList = Array.from({ length: 50 }, () => ({ DrugExposure: { CodesetId: 0 } }));
  assert.ok(validatePlan(p).ok);
  p.cohort.PrimaryCriteria.CriteriaList.push({ Measurement: {} });
  const problems = problemsOf(p);
  assert.equal(problems[0].path, 'cohort.PrimaryCriteria.CriteriaList');
  assert.match(problems[0].message, /51 criteria; the limit is 50/);
});

test('nesting deeper than 32 levels is refused at the first level too deep; 32 levels are fine', () => {
  // plan(1) cohort(2) ConceptSets(3) [0](4) expression(5) items(6) [0](7) concept(8); `extra` opens level 9.
  const nested = (levels: number) => {
    let v: Json = [];
    for (let i = 1; i < levels; i++) v = [v];
    return v;
  };
  const p = basePlan();
  items(p)[0].concept.extra = nested(32 - 8);
  assert.ok(validatePlan(p).ok);
  items(p)[0].concept.extra = nested(32 - 8 + 1);
  const problems = problemsOf(p);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].path, 'cohort.ConceptSets[0].expression.items[0].concept.extra' + '[0]'.repeat(24));
  assert.match(problems[0].message, /deeper than 32 levels/);
});

test('strings and field names longer than 2,000 characters are refused at their path', () => {
  const p = basePlan();
  p.cohort.Title = 't'.repeat(2000);
  assert.ok(validatePlan(p).ok);
  p.cohort.Title += 't';
  items(p)[0].concept['k'.repeat(2001)] = 1;
  const problems = problemsOf(p);
  assert.deepEqual(
    problems.map((x) => x.path),
    [`cohort.ConceptSets[0].expression.items[0].concept["${'k'.repeat(100)}…"]`, 'cohort.Title'],
  );
  assert.match(problems[1].message, /text is 2001 characters long; the limit is 2000/);
  assert.match(problems[0].message, /field name is 2001 characters long/);
});

test('problems are capped at 100 with a note on how many more there were', () => {
  const p = basePlan();
  p.cohort.PrimaryCriteria.CriteriaList[0].ConditionOccurrence.Gender = Array.from({ length: 150 }, () => ({
    CONCEPT_ID: 'male',
  }));
  const problems = problemsOf(p);
  assert.equal(problems.length, 101);
  assert.deepEqual(problems[100], { path: '', message: '50 further problem(s) not listed' });
});

test('limit overrides that are not positive integers are ignored', () => {
  const p = basePlan();
  p.cohort.PrimaryCriteria.CriteriaList = Array.from({ length: 3 }, () => ({ DrugExposure: {} }));
  assert.ok(validatePlan(p, { limits: { maxCriteria: -1, maxDepth: NaN, maxPlanBytes: 1.5 } }).ok);
  assert.ok(!validatePlan(p, { limits: { maxCriteria: 2 } }).ok);
});
