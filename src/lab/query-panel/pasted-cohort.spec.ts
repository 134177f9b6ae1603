import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validatePlan } from '../../plan/index.js';
import { EMPTY_PASTE_MESSAGE, inclusionRuleNames, problemLine, readPastedCohort, summarizeCohort } from './pasted-cohort.js';
import { buildPastedPlan, type IAnalysisForm } from './plan-builder.js';

/** An ATLAS expression as "Export → JSON" writes it: every field, nulls and empty lists included. */
const expression = {
  cdmVersionRange: '>=5.0.0',
  PrimaryCriteria: {
    CriteriaList: [{ ConditionOccurrence: { CodesetId: 0, ConditionTypeExclude: false } }],
    ObservationWindow: { PriorDays: 365, PostDays: 0 },
    PrimaryCriteriaLimit: { Type: 'First' },
  },
  ConceptSets: [
    {
      id: 0,
      name: 'prostate cancer',
      expression: {
        items: [{ concept: { CONCEPT_ID: 4163261, CONCEPT_NAME: 'Malignant tumor of prostate' }, includeDescendants: true }],
      },
    },
    { id: 1, name: 'PSA', expression: { items: [{ concept: { CONCEPT_ID: 3013603 } }] } },
    { id: 2, name: 'unused', expression: { items: [{ concept: { CONCEPT_ID: 4112853 } }] } },
  ],
  QualifiedLimit: { Type: 'First' },
  ExpressionLimit: { Type: 'First' },
  InclusionRules: [
    {
      name: 'PSA from 180 days before to 30 days after diagnosis',
      expression: {
        Type: 'ALL',
        CriteriaList: [
          {
            Criteria: { Measurement: { CodesetId: 1 } },
            StartWindow: { Start: { Days: 180, Coeff: -1 }, End: { Days: 30, Coeff: 1 }, UseEventEnd: false },
            Occurrence: { Type: 2, Count: 1 },
          },
        ],
        DemographicCriteriaList: [],
        Groups: [],
      },
    },
    {
      name: 'aged 60 or more',
      expression: { Type: 'ALL', CriteriaList: [], DemographicCriteriaList: [{ Age: { Value: 60, Op: 'gte' } }], Groups: [] },
    },
  ],
  CensoringCriteria: [],
  CollapseSettings: { CollapseType: 'ERA', EraPad: 0 },
  CensorWindow: {},
};

/** ATLAS's whole definition (what WebAPI serves and "Export" offers beside the bare expression). */
const definition = {
  id: 1771,
  name: 'Prostate cancer, PSA tested, 60+',
  description: null,
  expressionType: 'SIMPLE_EXPRESSION',
  expression,
};

const attrition: IAnalysisForm = { kind: 'attrition', by: [] };
const text = (v: unknown) => JSON.stringify(v, null, 2);

test('a bare expression is read as it is; its Title, if any, names it', () => {
  const read = readPastedCohort(text(expression));
  assert.ok(read.ok);
  assert.equal(read.source, 'expression');
  assert.equal(read.name, null);
  assert.deepEqual(read.expression, expression);
  const titled = readPastedCohort(text({ ...expression, Title: 'My cohort' }));
  assert.ok(titled.ok);
  assert.equal(titled.name, 'My cohort');
});

test('ATLAS’s whole definition: its expression is used and its name becomes the Title', () => {
  const read = readPastedCohort(text(definition));
  assert.ok(read.ok);
  assert.equal(read.source, 'definition');
  assert.equal(read.name, definition.name);
  assert.deepEqual(read.expression, { Title: definition.name, ...expression });
  // WebAPI serves the expression as JSON text inside the definition.
  const served = readPastedCohort(JSON.stringify({ ...definition, expression: JSON.stringify(expression) }));
  assert.ok(served.ok);
  assert.deepEqual(served.expression, { Title: definition.name, ...expression });
  // A Title the expression already has is kept.
  const own = readPastedCohort(text({ ...definition, expression: { ...expression, Title: 'kept' } }));
  assert.ok(own.ok);
  assert.equal(own.expression.Title, 'kept');
  assert.equal(own.name, definition.name);
});

test('a fedomop plan pasted whole: its cohort is used (the analysis stays the panel’s)', () => {
  const read = readPastedCohort(
    text({ version: 1, cohort: { ...expression, Title: 'from a plan' }, analysis: { kind: 'count' } }),
  );
  assert.ok(read.ok);
  assert.equal(read.source, 'plan');
  assert.equal(read.name, 'from a plan');
  const plan = buildPastedPlan(read, attrition);
  assert.ok(plan.ok);
  assert.deepEqual(plan.plan.analysis, { kind: 'attrition' });
});

test('text that is no cohort: empty, broken JSON with line and column, not an object, a broken wrapper', () => {
  const empty = readPastedCohort('  \n');
  assert.ok(!empty.ok);
  assert.deepEqual(empty.problems, [{ path: '', message: EMPTY_PASTE_MESSAGE }]);

  const broken = readPastedCohort('{\n  "ConceptSets": [],\n  "PrimaryCriteria": {,\n}');
  assert.ok(!broken.ok);
  assert.match(broken.problems[0].message, /^the pasted text is not JSON: .* at line 3, column 23$/);

  const list = readPastedCohort('[1, 2]');
  assert.ok(!list.ok);
  assert.match(list.problems[0].message, /must be a JSON object .* not a list/);

  const badInner = readPastedCohort(JSON.stringify({ name: 'x', expression: '{"ConceptSets": [' }));
  assert.ok(!badInner.ok);
  assert.equal(badInner.problems[0].path, 'expression');
  assert.match(badInner.problems[0].message, /expression text is not JSON/);

  // A byte-order mark (Windows editors) is not a problem.
  assert.ok(readPastedCohort('\ufeff' + text(expression)).ok);
});

test('the one-line summary counts concept sets, entry criteria and inclusion rules, and names exits', () => {
  assert.equal(summarizeCohort(expression), '3 concept sets, 1 entry criterion, 2 inclusion rules');
  assert.equal(
    summarizeCohort({
      ConceptSets: [expression.ConceptSets[0]],
      PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: {} }, { DrugExposure: {} }] },
      InclusionRules: [expression.InclusionRules[1]],
      CensoringCriteria: [{ Death: {} }],
      EndStrategy: { DateOffset: { DateField: 'StartDate', Offset: 30 } },
    }),
    '1 concept set, 2 entry criteria, 1 inclusion rule, 1 censoring criterion, exit at a fixed offset',
  );
  // Shapes validation will refuse are still summarised, not thrown on.
  assert.equal(
    summarizeCohort({ ConceptSets: 'no', PrimaryCriteria: null } as never),
    '0 concept sets, 0 entry criteria, 0 inclusion rules',
  );
});

test('inclusion rule names in order, "rule k" for a nameless one (as attrition labels them)', () => {
  assert.deepEqual(inclusionRuleNames(expression), ['PSA from 180 days before to 30 days after diagnosis', 'aged 60 or more']);
  assert.deepEqual(
    inclusionRuleNames({ ...expression, InclusionRules: [{ expression: {} }, { name: '  ', expression: {} }] } as never),
    ['rule 1', 'rule 2'],
  );
  assert.deepEqual(inclusionRuleNames({ ...expression, InclusionRules: null }), []);
});

test('a pasted ATLAS definition with an attrition analysis is a valid plan, as the hub will check it', () => {
  const result = buildPastedPlan(readPastedCohort(text(definition)), attrition);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  assert.deepEqual(result.plan, {
    version: 1,
    cohort: { Title: definition.name, ...expression },
    analysis: { kind: 'attrition' },
  });
  assert.equal(validatePlan(result.plan).ok, true);
  assert.deepEqual(result.warnings, []);
});

test('problems are named by their path in the plan, all at once; warnings travel beside a valid plan', () => {
  const broken = structuredClone(definition);
  broken.expression.InclusionRules[0].expression.CriteriaList[0].Occurrence.Type = 7;
  (broken.expression.InclusionRules[1].expression.DemographicCriteriaList[0].Age as { Op: string }).Op = 'gtee';
  const result = buildPastedPlan(readPastedCohort(text(broken)), attrition);
  assert.ok(!result.ok);
  const lines = result.problems.map(problemLine);
  assert.ok(
    lines.some((l) => l.startsWith('cohort.InclusionRules[0].expression.CriteriaList[0].Occurrence.Type: ')),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => l.startsWith('cohort.InclusionRules[1].expression.DemographicCriteriaList[0].Age.Op: ')),
    lines.join('\n'),
  );

  const empty = structuredClone(expression);
  empty.InclusionRules[1].expression.DemographicCriteriaList = [];
  const warned = buildPastedPlan(readPastedCohort(text(empty)), attrition);
  assert.ok(warned.ok, JSON.stringify(!warned.ok && warned.problems));
  assert.deepEqual(
    warned.warnings.map((w) => w.path),
    ['cohort.InclusionRules[1].expression'],
  );
  assert.match(warned.warnings[0].message, /no criteria/);
});

test('the text’s own problems keep their paths; a crosstab without dimensions is the analysis’s problem', () => {
  const notJson = buildPastedPlan(readPastedCohort('{"ConceptSets": '), attrition);
  assert.ok(!notJson.ok);
  assert.equal(notJson.problems.length, 1);
  assert.equal(notJson.problems[0].path, '');
  assert.equal(problemLine(notJson.problems[0]), notJson.problems[0].message);

  const noDims = buildPastedPlan(readPastedCohort(text(expression)), { kind: 'crosstab', by: [] });
  assert.ok(!noDims.ok);
  assert.deepEqual(
    noDims.problems.map((p) => p.path),
    ['analysis'],
  );
});
