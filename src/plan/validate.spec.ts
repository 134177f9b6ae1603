import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FedomopError } from '../errors.js';
import { parsePlan, validatePlan, validatePlanText } from './index.js';

type Json = any;

function basePlan(): Json {
  return {
    version: 1,
    cohort: {
      ConceptSets: [
        {
          id: 0,
          name: 'Prostate cancer',
          expression: { items: [{ concept: { CONCEPT_ID: 4163261 }, includeDescendants: true }] },
        },
        { id: 1, name: 'PSA', expression: { items: [{ concept: { CONCEPT_ID: 3013603 } }] } },
      ],
      PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }], PrimaryCriteriaLimit: { Type: 'First' } },
    },
    analysis: { kind: 'count' },
  };
}

const criterion = (p: Json) => p.cohort.PrimaryCriteria.CriteriaList[0].ConditionOccurrence;
const CO = 'cohort.PrimaryCriteria.CriteriaList[0].ConditionOccurrence';

function failure(input: unknown) {
  const r = validatePlan(input);
  assert.equal(r.ok, false, 'expected the plan to be refused');
  if (r.ok) throw new Error('unreachable');
  return r;
}

function thrown(fn: () => unknown): FedomopError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof FedomopError, `expected a FedomopError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a throw');
}

test('a minimal plan validates and comes back as a copy of what was validated', () => {
  const input = basePlan();
  const r = validatePlan(input);
  assert.ok(r.ok);
  assert.deepEqual(r.plan, input);
  assert.notEqual(r.plan, input);
  input.cohort.PrimaryCriteria.CriteriaList[0].ConditionOccurrence.CodesetId = 99;
  assert.equal(criterion(r.plan).CodesetId, 0, 'later changes to the input must not reach the validated plan');
});

test('a dangling CodesetId names the id and the known concept set ids', () => {
  const p = basePlan();
  criterion(p).CodesetId = 7;
  const r = failure(p);
  assert.deepEqual(r.problems, [
    { path: `${CO}.CodesetId`, message: 'CodesetId 7 does not match any ConceptSets[].id (known: 0, 1)' },
  ]);
  assert.equal(r.code, 'ERR_PLAN_INVALID');
});

test('every problem is reported, each at its own path', () => {
  const p = basePlan();
  p.version = 2;
  p.cohort.ConceptSets[1].id = 0;
  criterion(p).Age = { Value: 40, Op: 'bt' };
  criterion(p).First = 'yes';
  p.analysis = { kind: 'crosstab', by: ['gender', 'gender'] };
  const paths = failure(p).problems.map((x) => x.path);
  assert.deepEqual(paths.sort(), ['analysis.by[1]', 'cohort.ConceptSets[1].id', `${CO}.Age.Extent`, `${CO}.First`, 'version']);
});

test('parsePlan throws ERR_PLAN_INVALID with the first problem, a count of the rest and all problems in details', () => {
  const p = basePlan();
  p.version = 3;
  p.analysis = { kind: 'survival' };
  const err = thrown(() => parsePlan(p));
  assert.equal(err.code, 'ERR_PLAN_INVALID');
  assert.equal(err.status, 400);
  assert.match(err.message, /^version: version must be 1 .*\(and 1 more\)$/);
  assert.equal(err.details.problems?.length, 2);
  assert.match(
    err.details.problems![1].message,
    /unknown analysis kind "survival" .*allowed kinds: count, attrition, crosstab, summary, histogram, glm, km/,
  );
});

test('malformed JSON text is reported as not JSON, with the line and column where it broke', () => {
  const text = '{\n  "version": 1,\n  "cohort": {,\n}';
  const err = thrown(() => parsePlan(text));
  assert.equal(err.code, 'ERR_PLAN_INVALID');
  assert.match(err.message, /not JSON/);
  assert.match(err.message, /line 3, column 14/);
  assert.match(thrown(() => parsePlan('')).message, /not JSON: the text is empty/);
});

test('plan text with a byte-order mark parses like the same text without it', () => {
  const r = validatePlanText('\ufeff' + JSON.stringify(basePlan()));
  assert.ok(r.ok);
});

test('a plan using only Circe features fedomop does not run is ERR_PLAN_UNSUPPORTED, naming the part and its path', () => {
  const p = basePlan();
  p.cohort.PrimaryCriteria.CriteriaList.push({ Episode: { CodesetId: 0 } });
  p.cohort.CollapseSettings = { CollapseType: 'ERA', EraPadUnit: 'hour', EraPadUnitValue: 2 };
  const r = failure(p);
  assert.equal(r.unsupported, true);
  assert.deepEqual(r.problems.map((x) => x.path).sort(), [
    'cohort.CollapseSettings.EraPadUnit',
    'cohort.PrimaryCriteria.CriteriaList[1].Episode',
  ]);
  const err = thrown(() => parsePlan(p));
  assert.equal(err.code, 'ERR_PLAN_UNSUPPORTED');
  assert.match(err.message, /^cohort\.PrimaryCriteria\.CriteriaList\[1\]\.Episode: Episode criteria are not supported: /);
});

test('mistakes mixed with unsupported features are ERR_PLAN_INVALID, and the message leads with the mistake', () => {
  const p = basePlan();
  p.cohort.PrimaryCriteria.CriteriaList.push({ LocationRegion: {} });
  p.analysis.kind = 'cuont';
  const r = failure(p);
  assert.equal(r.unsupported, false);
  assert.equal(r.code, 'ERR_PLAN_INVALID');
  const err = thrown(() => parsePlan(p));
  assert.match(err.message, /^analysis\.kind: unknown analysis kind "cuont" \(did you mean count\?\)/);
  assert.match(err.message, /\(and 1 more\)$/);
});

test('the attrition analysis takes no options', () => {
  const p = basePlan();
  p.analysis = { kind: 'attrition' };
  assert.ok(validatePlan(p).ok);
  p.analysis.by = ['gender'];
  assert.equal(failure(p).problems[0].path, 'analysis.by');
});

test('limit types compare without regard to case, as circe does', () => {
  for (const type of ['first', 'ALL', 'Last', 'aLL']) {
    const p = basePlan();
    p.cohort.PrimaryCriteria.PrimaryCriteriaLimit.Type = type;
    p.cohort.ExpressionLimit = { Type: 'all' };
    assert.ok(validatePlan(p).ok, type);
  }
});

test('ExpressionLimit and QualifiedLimit of every type are accepted (the compiler applies them); bad types are not', () => {
  const withLimits = (primary: string | undefined, extra: Json) => {
    const p = basePlan();
    if (primary === undefined) delete p.cohort.PrimaryCriteria.PrimaryCriteriaLimit;
    else p.cohort.PrimaryCriteria.PrimaryCriteriaLimit.Type = primary;
    Object.assign(p.cohort, extra);
    return validatePlan(p);
  };
  assert.ok(withLimits('First', { ExpressionLimit: { Type: 'Last' }, QualifiedLimit: { Type: 'Last' } }).ok);
  assert.ok(withLimits(undefined, {}).ok, 'circe defaults every limit to First');
  assert.ok(withLimits('All', {}).ok);
  assert.ok(withLimits('All', { ExpressionLimit: { Type: 'last' } }).ok);
  const emptyGroup = { Type: 'ALL', CriteriaList: [], DemographicCriteriaList: [], Groups: [] };
  assert.ok(withLimits('All', { AdditionalCriteria: emptyGroup, QualifiedLimit: { Type: 'First' } }).ok);
  const bad = withLimits('All', { ExpressionLimit: { Type: 'Sometimes' } });
  assert.ok(
    !bad.ok && bad.code === 'ERR_PLAN_INVALID' && bad.problems[0].path === 'cohort.ExpressionLimit.Type',
    JSON.stringify(bad),
  );
});

test('CollapseSettings are accepted whatever the era pad, but their types are checked', () => {
  const p = basePlan();
  p.cohort.CollapseSettings = { CollapseType: 'ERA', EraPad: 30 };
  assert.ok(validatePlan(p).ok);
  p.cohort.CollapseSettings.EraPad = -1;
  assert.equal(failure(p).problems[0].path, 'cohort.CollapseSettings.EraPad');
});

test('every catalogue attribute kind is accepted when well formed; null means "not set"', () => {
  const p = basePlan();
  Object.assign(criterion(p), {
    ConditionType: [{ CONCEPT_ID: 32817, CONCEPT_NAME: 'EHR' }],
    ConditionTypeExclude: true,
    ConditionStatusCS: { CodesetId: 1, IsExclusion: false },
    ConditionSourceConcept: 1,
    StopReason: { Text: 'x', Op: '!contains' },
    OccurrenceEndDate: { Value: '2020-01-01', Op: '!eq' },
    DateAdjustment: { StartWith: 'START_DATE', StartOffset: -3, EndWith: 'START_DATE', EndOffset: 30 },
    VisitType: null,
    CorrelatedCriteria: { Type: 'ALL', CriteriaList: [], Groups: [] },
  });
  p.cohort.PrimaryCriteria.CriteriaList.push({
    ObservationPeriod: { UserDefinedPeriod: { StartDate: '2019-01-01' }, PeriodLength: { Value: 30, Op: 'gte' } },
  });
  const r = validatePlan(p);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.problems));
});

test('a misspelt attribute is a mistake with a suggestion, not an unsupported feature', () => {
  const p = basePlan();
  criterion(p).codesetId = 0;
  const r = failure(p);
  assert.equal(r.code, 'ERR_PLAN_INVALID');
  assert.match(r.problems[0].message, /did you mean CodesetId\?/);
});

test('an attribute of another domain is refused, naming the domains that have it', () => {
  const p = basePlan();
  p.cohort.PrimaryCriteria.CriteriaList = [{ Measurement: { CodesetId: 1, ValueAsNumber: { Value: 4, Op: 'gt' } } }];
  assert.ok(validatePlan(p).ok);
  p.cohort.PrimaryCriteria.CriteriaList = [{ DrugExposure: { ValueAsNumber: { Value: 4, Op: 'gt' } } }];
  assert.match(
    failure(p).problems[0].message,
    /"ValueAsNumber" is not a DrugExposure attribute \(it is an attribute of Measurement, Observation\)/,
  );
});

test('values are checked for what SQL will bind: whole years, 32-bit concept ids, real dates', () => {
  const cases: Array<[string, (p: Json) => void, string]> = [
    ['fractional age', (p) => (criterion(p).Age = { Value: 50.5, Op: 'gte' }), `${CO}.Age.Value`],
    [
      'concept id beyond int32',
      (p) => (p.cohort.ConceptSets[0].expression.items[0].concept.CONCEPT_ID = 2 ** 31),
      'cohort.ConceptSets[0].expression.items[0].concept.CONCEPT_ID',
    ],
    [
      'leap day in a common year',
      (p) => (criterion(p).OccurrenceStartDate = { Value: '2019-02-29', Op: 'gte' }),
      `${CO}.OccurrenceStartDate.Value`,
    ],
    [
      'date range ending before it starts',
      (p) => (criterion(p).OccurrenceStartDate = { Value: '2020-01-01', Extent: '2019-12-31', Op: '!bt' }),
      `${CO}.OccurrenceStartDate.Extent`,
    ],
    ['missing Op', (p) => (criterion(p).Age = { Value: 50 }), `${CO}.Age.Op`],
    ['null Extent', (p) => (criterion(p).Age = { Value: 50, Op: 'gt', Extent: null }), `${CO}.Age.Extent`],
  ];
  for (const [name, change, path] of cases) {
    const p = basePlan();
    change(p);
    assert.deepEqual(
      failure(p).problems.map((x) => x.path),
      [path],
      name,
    );
  }
  const leap = basePlan();
  criterion(leap).OccurrenceStartDate = { Value: '2020-02-29', Op: 'gte' };
  assert.ok(validatePlan(leap).ok);
});

test('a plan that is not an object is refused at the root path', () => {
  for (const input of [null, [], 42, 'plan', true, undefined]) {
    const r = failure(input);
    assert.equal(r.problems[0].path, '');
    assert.match(r.problems[0].message, /a plan must be a JSON object/);
  }
});

test('undefined members are dropped like JSON.stringify does; holes, functions, NaN and class instances are not JSON', () => {
  const p = basePlan();
  criterion(p).First = undefined;
  const r = validatePlan(p);
  assert.ok(r.ok);
  assert.equal('First' in criterion(r.plan), false);

  const bad = basePlan();
  bad.analysis.by = undefined;
  criterion(bad).Age = { Value: NaN, Op: 'gt' };
  bad.cohort.Title = new Date();
  bad.cohort.ConceptSets[0].expression.items.push(undefined);
  criterion(bad).Gender = [{ CONCEPT_ID: () => 8507 }];
  const paths = failure(bad).problems.map((x) => x.path);
  for (const path of [
    `${CO}.Age.Value`,
    'cohort.Title',
    'cohort.ConceptSets[0].expression.items[1]',
    `${CO}.Gender[0].CONCEPT_ID`,
  ]) {
    assert.ok(paths.includes(path), `${path} missing from ${paths.join(' | ')}`);
  }
});

test('a whole ATLAS cohort definition or a bare expression gets a hint on how to wrap it', () => {
  const def = basePlan();
  def.cohort = { id: 3, name: 'x', expression: def.cohort };
  assert.match(failure(def).problems[0].message, /use the value of its "expression" as cohort/);
  assert.match(failure(basePlan().cohort).problems[0].message, /wrap it as \{"version": 1, "cohort"/);
});

test('a plan text cut short says so, so the researcher copies all of it again', () => {
  const r = validatePlanText('{"version": 1, "cohort": {"ConceptSets": [');
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.match(r.problems[0].message, /the plan is not JSON: .*the text stops early: was all of it copied\?/);
});
