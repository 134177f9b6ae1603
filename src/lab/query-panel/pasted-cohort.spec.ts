import { validatePlan } from '../../plan/index.js';
import { EMPTY_PASTE_MESSAGE, inclusionRuleNames, problemLine, readPastedCohort, summarizeCohort } from './pasted-cohort.js';
import { buildPastedPlan, type IAnalysisForm } from './plan-builder.js';
import { expectNotOk, expectOk } from '../expect-ok.spec-util.js';

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

describe('pasted-cohort', () => {
  it('a bare expression is read as it is; its Title, if any, names it', () => {
    const read = readPastedCohort(text(expression));
    expectOk(read);
    expect(read.source).toBe('expression');
    expect(read.name).toBe(null);
    expect(read.expression).toStrictEqual(expression);
    const titled = readPastedCohort(text({ ...expression, Title: 'My cohort' }));
    expectOk(titled);
    expect(titled.name).toBe('My cohort');
  });

  it('ATLAS’s whole definition: its expression is used and its name becomes the Title', () => {
    const read = readPastedCohort(text(definition));
    expectOk(read);
    expect(read.source).toBe('definition');
    expect(read.name).toBe(definition.name);
    expect(read.expression).toStrictEqual({ Title: definition.name, ...expression });
    // WebAPI serves the expression as JSON text inside the definition.
    const served = readPastedCohort(JSON.stringify({ ...definition, expression: JSON.stringify(expression) }));
    expectOk(served);
    expect(served.expression).toStrictEqual({ Title: definition.name, ...expression });
    // A Title the expression already has is kept.
    const own = readPastedCohort(text({ ...definition, expression: { ...expression, Title: 'kept' } }));
    expectOk(own);
    expect(own.expression.Title).toBe('kept');
    expect(own.name).toBe(definition.name);
  });

  it('a fedomop plan pasted whole: its cohort is used (the analysis stays the panel’s)', () => {
    const read = readPastedCohort(
      text({ version: 1, cohort: { ...expression, Title: 'from a plan' }, analysis: { kind: 'count' } }),
    );
    expectOk(read);
    expect(read.source).toBe('plan');
    expect(read.name).toBe('from a plan');
    const plan = buildPastedPlan(read, attrition);
    expectOk(plan);
    expect(plan.plan.analysis).toStrictEqual({ kind: 'attrition' });
  });

  it('text that is no cohort: empty, broken JSON with line and column, not an object, a broken wrapper', () => {
    const empty = readPastedCohort('  \n');
    expectNotOk(empty);
    expect(empty.problems).toStrictEqual([{ path: '', message: EMPTY_PASTE_MESSAGE }]);

    const broken = readPastedCohort('{\n  "ConceptSets": [],\n  "PrimaryCriteria": {,\n}');
    expectNotOk(broken);
    expect(broken.problems[0].message).toMatch(/^the pasted text is not JSON: .* at line 3, column 23$/);

    const list = readPastedCohort('[1, 2]');
    expectNotOk(list);
    expect(list.problems[0].message).toMatch(/must be a JSON object .* not a list/);

    const badInner = readPastedCohort(JSON.stringify({ name: 'x', expression: '{"ConceptSets": [' }));
    expectNotOk(badInner);
    expect(badInner.problems[0].path).toBe('expression');
    expect(badInner.problems[0].message).toMatch(/expression text is not JSON/);

    // A byte-order mark (Windows editors) is not a problem.
    expect(readPastedCohort('\ufeff' + text(expression)).ok).toBeTruthy();
  });

  it('the one-line summary counts concept sets, entry criteria and inclusion rules, and names exits', () => {
    expect(summarizeCohort(expression)).toBe('3 concept sets, 1 entry criterion, 2 inclusion rules');
    expect(
      summarizeCohort({
        ConceptSets: [expression.ConceptSets[0]],
        PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: {} }, { DrugExposure: {} }] },
        InclusionRules: [expression.InclusionRules[1]],
        CensoringCriteria: [{ Death: {} }],
        EndStrategy: { DateOffset: { DateField: 'StartDate', Offset: 30 } },
      }),
    ).toBe('1 concept set, 2 entry criteria, 1 inclusion rule, 1 censoring criterion, exit at a fixed offset');
    // Shapes validation will refuse are still summarised, not thrown on.
    expect(summarizeCohort({ ConceptSets: 'no', PrimaryCriteria: null } as never)).toBe(
      '0 concept sets, 0 entry criteria, 0 inclusion rules',
    );
  });

  it('inclusion rule names in order, "rule k" for a nameless one (as attrition labels them)', () => {
    expect(inclusionRuleNames(expression)).toStrictEqual([
      'PSA from 180 days before to 30 days after diagnosis',
      'aged 60 or more',
    ]);
    expect(
      inclusionRuleNames({ ...expression, InclusionRules: [{ expression: {} }, { name: '  ', expression: {} }] } as never),
    ).toStrictEqual(['rule 1', 'rule 2']);
    expect(inclusionRuleNames({ ...expression, InclusionRules: null })).toStrictEqual([]);
  });

  it('a pasted ATLAS definition with an attrition analysis is a valid plan, as the hub will check it', () => {
    const result = buildPastedPlan(readPastedCohort(text(definition)), attrition);
    expectOk(result);
    expect(result.plan).toStrictEqual({
      version: 1,
      cohort: { Title: definition.name, ...expression },
      analysis: { kind: 'attrition' },
    });
    expect(validatePlan(result.plan).ok).toBe(true);
    expect(result.warnings).toStrictEqual([]);
  });

  it('problems are named by their path in the plan, all at once; warnings travel beside a valid plan', () => {
    const broken = structuredClone(definition);
    broken.expression.InclusionRules[0].expression.CriteriaList[0].Occurrence.Type = 7;
    (broken.expression.InclusionRules[1].expression.DemographicCriteriaList[0].Age as { Op: string }).Op = 'gtee';
    const result = buildPastedPlan(readPastedCohort(text(broken)), attrition);
    expectNotOk(result);
    const lines = result.problems.map(problemLine);
    expect(lines).toContainEqual(
      expect.stringMatching(/^cohort\.InclusionRules\[0\]\.expression\.CriteriaList\[0\]\.Occurrence\.Type: /),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^cohort\.InclusionRules\[1\]\.expression\.DemographicCriteriaList\[0\]\.Age\.Op: /),
    );

    const empty = structuredClone(expression);
    empty.InclusionRules[1].expression.DemographicCriteriaList = [];
    const warned = buildPastedPlan(readPastedCohort(text(empty)), attrition);
    expectOk(warned);
    expect(warned.warnings.map((w) => w.path)).toStrictEqual(['cohort.InclusionRules[1].expression']);
    expect(warned.warnings[0].message).toMatch(/no criteria/);
  });

  it('the text’s own problems keep their paths; a crosstab without dimensions is the analysis’s problem', () => {
    const notJson = buildPastedPlan(readPastedCohort('{"ConceptSets": '), attrition);
    expectNotOk(notJson);
    expect(notJson.problems.length).toBe(1);
    expect(notJson.problems[0].path).toBe('');
    expect(problemLine(notJson.problems[0])).toBe(notJson.problems[0].message);

    const noDims = buildPastedPlan(readPastedCohort(text(expression)), { kind: 'crosstab', by: [] });
    expectNotOk(noDims);
    expect(noDims.problems.map((p) => p.path)).toStrictEqual(['analysis']);
  });
});
