/**
 * The full Circe cohort expression: groups, correlated criteria, inclusion rules, exits, collapse
 * and censor windows, references to concept sets, size limits, and the common-mistake warnings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCohortExpression, validatePlan } from './index.js';

type Json = any;

function expression(): Json {
  return {
    ConceptSets: [
      { id: 0, name: 'Prostate cancer', expression: { items: [{ concept: { CONCEPT_ID: 4163261 }, includeDescendants: true }] } },
      { id: 1, name: 'ARPI', expression: { items: [{ concept: { CONCEPT_ID: 40239056 } }] } },
      { id: 2, name: 'nothing yet', expression: { items: [] } },
    ],
    PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }], PrimaryCriteriaLimit: { Type: 'All' } },
    InclusionRules: [
      { name: 'on ARPI', expression: { Type: 'ALL', CriteriaList: [correlated()], DemographicCriteriaList: [], Groups: [] } },
    ],
  };
}

function correlated(extra: Json = {}): Json {
  return {
    Criteria: { DrugExposure: { CodesetId: 1 } },
    StartWindow: { Start: { Days: 0, Coeff: -1 }, End: { Days: 180, Coeff: 1 } },
    Occurrence: { Type: 2, Count: 1 },
    ...extra,
  };
}

const RULE = 'InclusionRules[0].expression';
const CC = `${RULE}.CriteriaList[0]`;

function check(e: Json) {
  return validateCohortExpression(e);
}

function problems(e: Json): Array<{ path: string; message: string }> {
  const r = check(e);
  assert.ok(!r.ok, 'expected a refusal');
  return r.ok ? [] : r.problems;
}

test('a cohort with inclusion rules, an exit and a collapse setting validates, with no warnings', () => {
  const e = expression();
  e.EndStrategy = { CustomEra: { DrugCodesetId: 1, GapDays: 30, Offset: 0 } };
  e.CensoringCriteria = [{ Death: {} }];
  e.CollapseSettings = { CollapseType: 'ERA', EraPad: 0 };
  e.CensorWindow = { StartDate: '2015-01-01', EndDate: '2020-12-31' };
  const r = check(e);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.problems));
  assert.deepEqual(r.warnings, []);
  const plan = validatePlan({ version: 1, cohort: e, analysis: { kind: 'attrition' } });
  assert.ok(plan.ok && plan.warnings.length === 0);
});

test('Occurrence: Type 0/1/2 and Count ≥ 0, with messages naming the full path', () => {
  const e = expression();
  e.InclusionRules[0].expression.CriteriaList[0].Occurrence = { Type: 3, Count: -1 };
  assert.deepEqual(problems(e), [
    {
      path: `${CC}.Occurrence.Type`,
      message: 'Occurrence.Type must be 0 (exactly), 1 (at most) or 2 (at least), got the number 3',
    },
    { path: `${CC}.Occurrence.Count`, message: 'Occurrence Count must be ≥ 0, got -1' },
  ]);
  const plan = validatePlan({ version: 1, cohort: e, analysis: { kind: 'count' } });
  assert.ok(!plan.ok && plan.problems[1].path === `cohort.${CC}.Occurrence.Count`);
  delete e.InclusionRules[0].expression.CriteriaList[0].Occurrence;
  assert.match(problems(e)[0].message, /^Occurrence is required/);
});

test('groups: Type is one of ALL/ANY/AT_LEAST/AT_MOST (any case), AT_* need Count ≥ 0', () => {
  const e = expression();
  const group = e.InclusionRules[0].expression;
  group.Type = 'at_least';
  assert.match(problems(e)[0].message, /^Count is required for AT_LEAST/);
  group.Count = -2;
  assert.deepEqual(problems(e), [{ path: `${RULE}.Count`, message: 'AT_LEAST Count must be ≥ 0, got -2' }]);
  group.Count = 1;
  assert.ok(check(e).ok);
  group.Type = 'SOME';
  assert.match(problems(e)[0].message, /^Type must be ALL, ANY, AT_LEAST or AT_MOST, got the text "SOME"/);
  group.Type = 'ANY';
  group.Count = 'two';
  assert.equal(problems(e)[0].path, `${RULE}.Count`);
});

test('unknown keys inside groups, correlated criteria, windows and occurrences are mistakes with suggestions', () => {
  const e = expression();
  const cc = e.InclusionRules[0].expression.CriteriaList[0];
  cc.Occurrence.isDistinct = true;
  cc.StartWindow.Start.Coef = 3;
  cc.RestrictVist = true;
  e.InclusionRules[0].expression.Group = [];
  const r = check(e);
  assert.ok(!r.ok && r.code === 'ERR_PLAN_INVALID');
  const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p.message]));
  assert.match(byPath[`${CC}.Occurrence.isDistinct`], /did you mean IsDistinct\?/);
  assert.match(byPath[`${CC}.StartWindow.Start.Coef`], /did you mean Coeff\?/);
  assert.match(byPath[`${CC}.RestrictVist`], /did you mean RestrictVisit\?/);
  assert.match(byPath[`${RULE}.Group`], /did you mean Groups\?/);
});

test('every reference to a concept set must resolve: CodesetId, *CS selections, source codesets, DrugCodesetId', () => {
  const e = expression();
  e.PrimaryCriteria.CriteriaList[0].ConditionOccurrence.ConditionSourceConcept = 7;
  e.PrimaryCriteria.CriteriaList[0].ConditionOccurrence.GenderCS = { CodesetId: 8 };
  e.InclusionRules[0].expression.CriteriaList[0].Criteria.DrugExposure.CodesetId = 9;
  e.EndStrategy = { CustomEra: { DrugCodesetId: 10 } };
  const paths = problems(e).map((p) => p.path);
  assert.deepEqual(paths.sort(), [
    'EndStrategy.CustomEra.DrugCodesetId',
    `${CC}.Criteria.DrugExposure.CodesetId`,
    'PrimaryCriteria.CriteriaList[0].ConditionOccurrence.ConditionSourceConcept',
    'PrimaryCriteria.CriteriaList[0].ConditionOccurrence.GenderCS.CodesetId',
  ]);
  assert.match(
    problems(e).find((p) => p.path.endsWith('DrugCodesetId'))!.message,
    /DrugCodesetId 10 does not match any ConceptSets\[\]\.id \(known: 0, 1, 2\)/,
  );
});

test('CustomEra needs DrugCodesetId, missing or null', () => {
  for (const era of [{ GapDays: 0 }, { DrugCodesetId: null }]) {
    const e = expression();
    e.EndStrategy = { CustomEra: era };
    const [p] = problems(e);
    assert.equal(p.path, 'EndStrategy.CustomEra.DrugCodesetId');
    assert.match(p.message, /^EndStrategy\.CustomEra\.DrugCodesetId is required/);
  }
});

test('EndStrategy: exactly one of DateOffset and CustomEra; DateField StartDate or EndDate', () => {
  const e = expression();
  e.EndStrategy = {};
  assert.match(problems(e)[0].message, /exactly one of DateOffset, CustomEra/);
  e.EndStrategy = { DateOffset: { DateField: 'Startdate', Offset: 7 } };
  assert.match(problems(e)[0].message, /DateField must be StartDate or EndDate.*did you mean StartDate\?/);
  e.EndStrategy = { DateOffset: { DateField: 'EndDate', OffsetUnitValue: 7, OffsetUnit: 'day' } };
  assert.ok(check(e).ok);
});

test('time units other than day, and collapse types other than ERA, are unsupported by name', () => {
  const e = expression();
  e.InclusionRules[0].expression.CriteriaList[0].StartWindow.Start = { TimeUnitValue: 12, TimeUnit: 'hour', Coeff: -1 };
  e.CollapseSettings = { CollapseType: 'NONE' };
  const r = check(e);
  assert.ok(!r.ok && r.code === 'ERR_PLAN_UNSUPPORTED', JSON.stringify(r));
  assert.deepEqual(r.problems.map((p) => p.path).sort(), ['CollapseSettings.CollapseType', `${CC}.StartWindow.Start.TimeUnit`]);
  e.InclusionRules[0].expression.CriteriaList[0].StartWindow.Start = { TimeUnitValue: 12, TimeUnit: 'day', Coeff: -1 };
  e.CollapseSettings = { CollapseType: 'ERA', EraPadUnitValue: 30, EraPadUnit: 'day' };
  assert.ok(check(e).ok);
});

test('EraPad and EraPadUnitValue (and Days and TimeUnitValue) must agree when both are written', () => {
  const e = expression();
  e.CollapseSettings = { CollapseType: 'ERA', EraPad: 30, EraPadUnitValue: 30, EraPadUnit: 'day' };
  assert.ok(check(e).ok);
  e.CollapseSettings.EraPad = 0;
  assert.match(problems(e)[0].message, /EraPad \(0\) and EraPadUnitValue \(30\) disagree/);
});

test('unsupported domains and attributes from the catalogue are refused by name', () => {
  const e = expression();
  e.PrimaryCriteria.CriteriaList.push({ VisitOccurrence: { PlaceOfServiceLocation: 3 } });
  e.CensoringCriteria = [{ LocationRegion: { CodesetId: 0 } }];
  const r = check(e);
  assert.ok(!r.ok && r.code === 'ERR_PLAN_UNSUPPORTED');
  assert.deepEqual(r.problems.map((p) => p.path).sort(), [
    'CensoringCriteria[0].LocationRegion',
    'PrimaryCriteria.CriteriaList[1].VisitOccurrence.PlaceOfServiceLocation',
  ]);
});

test('warnings: an empty concept set in use, a window ending before it starts, AT_LEAST n of fewer members', () => {
  const e = expression();
  e.PrimaryCriteria.CriteriaList.push({ Measurement: { CodesetId: 2 } });
  const group = e.InclusionRules[0].expression;
  group.CriteriaList[0].StartWindow = { Start: { Days: 30, Coeff: 1 }, End: { Days: 0, Coeff: 1 } };
  group.Type = 'AT_LEAST';
  group.Count = 2;
  const r = check(e);
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.problems));
  assert.deepEqual(
    r.warnings.map((w) => w.path),
    ['PrimaryCriteria.CriteriaList[1].Measurement.CodesetId', `${CC}.StartWindow`, `${RULE}.Count`],
  );
  assert.match(r.warnings[0].message, /concept set 2 \("nothing yet"\) is empty/);
  assert.match(r.warnings[1].message, /StartWindow ends \(0 days after\) before it starts \(30 days after\)/);
  assert.match(r.warnings[2].message, /AT_LEAST 2 can never hold: the group has only 1 member/);
});

test('more warnings: "at least 0", an empty rule, a censor window ending before it starts, an all-excluded concept set', () => {
  const e = expression();
  e.InclusionRules[0].expression.CriteriaList[0].Occurrence = { Type: 2, Count: 0 };
  e.InclusionRules.push({ name: 'empty', expression: { Type: 'ALL', CriteriaList: [] } });
  e.CensorWindow = { StartDate: '2020-01-01', EndDate: '2019-01-01' };
  e.ConceptSets[1].expression.items[0].isExcluded = true;
  const r = check(e);
  assert.ok(r.ok);
  assert.deepEqual(
    r.warnings.map((w) => w.path),
    [`${CC}.Criteria.DrugExposure.CodesetId`, `${CC}.Occurrence.Count`, 'InclusionRules[1].expression', 'CensorWindow'],
  );
});

test('limits: inclusion rules, nesting of groups, criteria per group and in all', () => {
  const e = expression();
  e.InclusionRules = Array.from({ length: 51 }, () => structuredClone(e.InclusionRules[0]));
  assert.match(problems(e)[0].message, /51 rules; the limit is 50/);

  const nested = expression();
  let g = nested.InclusionRules[0].expression;
  for (let i = 0; i < 8; i++) {
    const inner = { Type: 'ALL', CriteriaList: [correlated()] };
    g.Groups = [inner];
    g = inner;
  }
  const deep = problems(nested);
  assert.equal(deep.length, 1);
  assert.match(deep[0].message, /nest more than 8 levels deep/);

  const wide = expression();
  wide.InclusionRules[0].expression.CriteriaList = Array.from({ length: 51 }, () => correlated());
  assert.match(problems(wide)[0].message, /CriteriaList has 51 entries; the limit per group is 50/);

  const many = expression();
  many.InclusionRules = Array.from({ length: 11 }, () => ({
    expression: { Type: 'ALL', CriteriaList: Array.from({ length: 50 }, () => correlated()) },
  }));
  const total = problems(many);
  assert.equal(total.length, 1);
  assert.match(total[0].message, /more than 500 criteria in all/);
  assert.ok(validateCohortExpression(many, { limits: { maxTotalCriteria: 1000 } }).ok);
});

test('windows need Start and End with Coeff -1 or 1; Days whole and not negative', () => {
  const e = expression();
  e.InclusionRules[0].expression.CriteriaList[0].StartWindow = { Start: { Days: 1.5, Coeff: 0 } };
  assert.deepEqual(
    problems(e)
      .map((p) => p.path)
      .sort(),
    [`${CC}.StartWindow.End`, `${CC}.StartWindow.Start.Coeff`, `${CC}.StartWindow.Start.Days`],
  );
});

test('newer circe-be VisitDetail fields are refused as unsupported by name, not as typos', () => {
  for (const field of ['AdmittedFromConcept', 'DischargedToConcept', 'VisitDetailTypeExclude']) {
    const r = validatePlan({
      version: 1,
      analysis: { kind: 'count' },
      cohort: { ConceptSets: [], PrimaryCriteria: { CriteriaList: [{ VisitDetail: { [field]: 3 } }] } },
    });
    assert.equal(r.ok, false);
    if (r.ok) continue;
    assert.equal(r.code, 'ERR_PLAN_UNSUPPORTED', field);
    assert.match(r.problems[0].message, new RegExp(`${field} is not supported`));
  }
});
