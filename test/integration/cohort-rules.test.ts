/**
 * Full Circe cohorts through the real spine: inclusion rules with windows and demographics, the
 * attrition analysis, and counts after the rules. Two `fedomop site` processes on synthetic DuckDB
 * files and one hub; every released number is checked against SQL written by hand below, run
 * directly on the same files, with the disclosure rules restated here independently.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFederation, type Federation } from '../harness/federation.js';
import type { Service } from '../harness/processes.js';
import { THREE_SITES } from '../harness/sites.js';
import { plainRows, postJson, runThroughHub, type PlainRow } from '../harness/hub-api.js';

const K = 5;
const SITES = THREE_SITES.slice(0, 2);
let federation: Federation;
let hub: Service;
const direct = (site: string, sql: string) => federation.direct(site, sql);

before(async () => {
  federation = await startFederation(SITES, { minCellCount: K });
  hub = federation.hub;
});

after(async () => {
  await federation?.stop();
});

const withDescendants = (id: number) => ({
  concept: { CONCEPT_ID: id, CONCEPT_NAME: 'as ATLAS writes it' },
  includeDescendants: true,
});
const PROSTATE = { id: 0, name: 'prostate cancer', expression: { items: [withDescendants(4163261)] } };
const PSA = { id: 1, name: 'PSA', expression: { items: [{ concept: { CONCEPT_ID: 3013603 } }] } };
const ANTIANDROGENS = {
  id: 2,
  name: 'abiraterone or enzalutamide',
  expression: { items: [withDescendants(40239056), withDescendants(42900250)] },
};

const window = (before: number | null, after: number | null) => ({
  Start: before === null ? { Coeff: -1 } : { Days: before, Coeff: -1 },
  End: after === null ? { Coeff: 1 } : { Days: after, Coeff: 1 },
});

/** Entry: first prostate cancer with a year of prior observation. Rules: PSA around index; aged 60+. */
const FIRST_WITH_TWO_RULES = {
  ConceptSets: [PROSTATE, PSA],
  PrimaryCriteria: {
    CriteriaList: [{ ConditionOccurrence: { CodesetId: 0, First: true } }],
    ObservationWindow: { PriorDays: 365, PostDays: 0 },
    PrimaryCriteriaLimit: { Type: 'First' },
  },
  QualifiedLimit: { Type: 'First' },
  ExpressionLimit: { Type: 'First' },
  InclusionRules: [
    {
      name: 'PSA from 180 days before to 30 days after diagnosis',
      expression: {
        Type: 'ALL',
        CriteriaList: [
          { Criteria: { Measurement: { CodesetId: 1 } }, StartWindow: window(180, 30), Occurrence: { Type: 2, Count: 1 } },
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

/** Every prostate cancer record; rule: an antiandrogen within a year after it. */
const ALL_WITH_DRUG_RULE = {
  ConceptSets: [PROSTATE, ANTIANDROGENS],
  PrimaryCriteria: {
    CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }],
    ObservationWindow: { PriorDays: 0, PostDays: 0 },
    PrimaryCriteriaLimit: { Type: 'All' },
  },
  ExpressionLimit: { Type: 'All' },
  InclusionRules: [
    {
      name: 'antiandrogen within a year',
      expression: {
        Type: 'ALL',
        CriteriaList: [
          {
            Criteria: { DrugExposure: { CodesetId: 2 } },
            StartWindow: { Start: { Days: 0, Coeff: 1 }, End: { Days: 365, Coeff: 1 } },
            Occurrence: { Type: 2, Count: 1 },
          },
        ],
      },
    },
  ],
};

const IN_SET = (id: number) => `(SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = ${id})`;

/** Hand SQL: one row per entry event with r1 / r2 flags, as the definitions above say in words. */
const FIRST_EVENTS_SQL = `
  -- First: true picks the person's earliest record of the set, before observation periods are looked at
  WITH firsts AS (
    SELECT person_id, condition_occurrence_id AS id, condition_start_date AS d
    FROM condition_occurrence WHERE condition_concept_id IN ${IN_SET(4163261)}
    QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY condition_start_date, condition_occurrence_id) = 1),
  entry AS (
    SELECT f.*, op.observation_period_start_date AS ops, op.observation_period_end_date AS ope
    FROM firsts f JOIN observation_period op ON op.person_id = f.person_id
      AND f.d BETWEEN op.observation_period_start_date AND op.observation_period_end_date
    WHERE op.observation_period_start_date + 365 <= f.d)
  SELECT e.person_id,
    EXISTS (SELECT 1 FROM measurement m WHERE m.person_id = e.person_id AND m.measurement_concept_id = 3013603
            AND m.measurement_date BETWEEN e.d - 180 AND e.d + 30 AND m.measurement_date BETWEEN e.ops AND e.ope) AS r1,
    (SELECT year(e.d) - p.year_of_birth FROM person p WHERE p.person_id = e.person_id) >= 60 AS r2
  FROM entry e`;

const ALL_EVENTS_SQL = `
  SELECT c.person_id,
    EXISTS (SELECT 1 FROM drug_exposure de WHERE de.person_id = c.person_id
            AND de.drug_concept_id IN (${IN_SET(40239056)} UNION ${IN_SET(42900250)})
            AND de.drug_exposure_start_date BETWEEN c.condition_start_date AND c.condition_start_date + 365
            AND de.drug_exposure_start_date BETWEEN op.observation_period_start_date AND op.observation_period_end_date) AS r1
  FROM condition_occurrence c
  JOIN observation_period op ON op.person_id = c.person_id
    AND c.condition_start_date BETWEEN op.observation_period_start_date AND op.observation_period_end_date
  WHERE c.condition_concept_id IN ${IN_SET(4163261)}`;

interface Truth {
  persons: number;
  events: number;
}

/** The nested-difference rule, restated: exact only if 0 or ≥ k and the loss from the last exact step is 0 or ≥ k. */
function expectedAttrition(steps: number[]): Array<{ value: number | null; lower: number; upper: number }> {
  let last: number | undefined;
  return steps.map((n) => {
    const loss = last === undefined ? 0 : last - n;
    if ((n === 0 || n >= K) && (loss === 0 || loss >= K)) {
      last = n;
      return { value: n, lower: n, upper: n };
    }
    if (n > 0 && n < K) return { value: null, lower: 1, upper: K - 1 };
    return { value: null, lower: Math.max(K, (last as number) - (K - 1)), upper: (last as number) - 1 };
  });
}

function checkAttritionRows(rows: PlainRow[], site: string, names: string[], truth: Truth[]): void {
  const mine = rows.filter((r) => r.site === site).sort((a, b) => Number(a.rule_index) - Number(b.rule_index));
  assert.deepEqual(
    mine.map((r) => [r.rule_index, r.rule_name]),
    names.map((n, i) => [i, n]),
    `${site}: one row per step, named`,
  );
  for (const measure of ['persons', 'events'] as const) {
    const want = expectedAttrition(truth.map((t) => t[measure]));
    mine.forEach((r, i) => {
      const got = { value: r[measure], lower: r[`${measure}_lower`], upper: r[`${measure}_upper`] };
      assert.deepEqual(got, want[i], `${site} step ${i} ${measure}: truth ${truth[i][measure]}`);
      assert.ok(Number(got.lower) <= truth[i][measure] && truth[i][measure] <= Number(got.upper), 'interval holds the truth');
    });
  }
}

describe('inclusion rules, attrition and counts after rules, against hand-written SQL', () => {
  test('first diagnosis, PSA window rule and age rule: attrition per site and pooled', async () => {
    const { table, status } = await runThroughHub(hub.url, {
      version: 1,
      cohort: FIRST_WITH_TWO_RULES,
      analysis: { kind: 'attrition' },
    });
    assert.equal(status.state, 'done', JSON.stringify(status));
    const rows = plainRows(table);
    const names = ['qualifying events', ...FIRST_WITH_TWO_RULES.InclusionRules.map((r) => r.name)];
    const truths: Record<string, Truth[]> = {};
    for (const spec of SITES) {
      const [t] = await direct(
        spec.id,
        `WITH f AS (${FIRST_EVENTS_SQL}) SELECT count(*) AS s0, count(*) FILTER (WHERE r1) AS s1, count(*) FILTER (WHERE r1 AND r2) AS s2 FROM f`,
      );
      // One event per person (First), so persons and events agree at every step.
      truths[spec.id] = [t.s0, t.s1, t.s2].map((n) => ({ persons: Number(n), events: Number(n) }));
      assert.ok(truths[spec.id][0].persons > truths[spec.id][1].persons, `${spec.id}: the PSA rule removes someone`);
      assert.ok(truths[spec.id][1].persons > truths[spec.id][2].persons, `${spec.id}: the age rule removes someone`);
      checkAttritionRows(rows, spec.id, names, truths[spec.id]);
    }
    const pooled = rows.filter((r) => r.site === 'pooled').sort((a, b) => Number(a.rule_index) - Number(b.rule_index));
    assert.equal(pooled.length, 3);
    pooled.forEach((p, i) => {
      const siteRows = rows.filter((r) => r.site !== 'pooled' && r.rule_index === i);
      assert.equal(
        p.persons_lower,
        siteRows.reduce((s, r) => s + Number(r.persons_lower), 0),
        'pooled lower bound = sum',
      );
      assert.equal(
        p.persons_upper,
        siteRows.reduce((s, r) => s + Number(r.persons_upper), 0),
        'pooled upper bound = sum',
      );
    });
  });

  test('the same cohort counted: persons meeting both rules', async () => {
    const { table, status } = await runThroughHub(hub.url, {
      version: 1,
      cohort: FIRST_WITH_TWO_RULES,
      analysis: { kind: 'count' },
    });
    assert.equal(status.state, 'done', JSON.stringify(status));
    const rows = plainRows(table);
    for (const spec of SITES) {
      const [t] = await direct(spec.id, `WITH f AS (${FIRST_EVENTS_SQL}) SELECT count(*) AS n FROM f WHERE r1 AND r2`);
      const row = rows.find((r) => r.site === spec.id)!;
      const n = Number(t.n);
      assert.ok(n >= K, `${spec.id}: enough persons for an exact count (${n})`);
      assert.equal(row.persons, n, `${spec.id} persons`);
      assert.equal(row.events, n, `${spec.id} events`);
    }
  });

  test('all diagnoses, antiandrogen rule: events mode and persons mode (best event) differ as ATLAS says', async () => {
    const { table, status } = await runThroughHub(hub.url, {
      version: 1,
      cohort: ALL_WITH_DRUG_RULE,
      analysis: { kind: 'attrition' },
    });
    assert.equal(status.state, 'done', JSON.stringify(status));
    const rows = plainRows(table);
    for (const spec of SITES) {
      const [t] = await direct(
        spec.id,
        `WITH e AS (${ALL_EVENTS_SQL}) SELECT count(*) AS e0, count(DISTINCT person_id) AS p0,
           count(*) FILTER (WHERE r1) AS e1, count(DISTINCT person_id) FILTER (WHERE r1) AS p1 FROM e`,
      );
      const truth = [
        { persons: Number(t.p0), events: Number(t.e0) },
        { persons: Number(t.p1), events: Number(t.e1) },
      ];
      assert.ok(truth[0].events > truth[0].persons, `${spec.id}: several diagnoses per person, so the modes differ`);
      checkAttritionRows(rows, spec.id, ['qualifying events', 'antiandrogen within a year'], truth);
    }

    const counted = plainRows(
      (await runThroughHub(hub.url, { version: 1, cohort: ALL_WITH_DRUG_RULE, analysis: { kind: 'count' } })).table,
    );
    for (const spec of SITES) {
      const [t] = await direct(
        spec.id,
        `WITH e AS (${ALL_EVENTS_SQL}) SELECT count(*) AS e1, count(DISTINCT person_id) AS p1 FROM e WHERE r1`,
      );
      const row = counted.find((r) => r.site === spec.id)!;
      assert.equal(row.events, Number(t.e1), `${spec.id}: included events`);
      assert.equal(row.persons, Number(t.p1), `${spec.id}: persons with an included event`);
    }
  });
});

test('a valid plan with a likely mistake runs, and the hub says what looks wrong, by path, with the id', async () => {
  const cohort = {
    ...FIRST_WITH_TWO_RULES,
    ConceptSets: [...FIRST_WITH_TWO_RULES.ConceptSets, { id: 9, name: 'forgotten', expression: { items: [] } }],
    CensoringCriteria: [{ ProcedureOccurrence: { CodesetId: 9 } }],
  };
  const submitted = await postJson(`${hub.url}/v1/queries`, { plan: { version: 1, cohort, analysis: { kind: 'count' } } });
  assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
  const warnings = submitted.body.warnings as Array<{ path: string; message: string }>;
  assert.ok(
    warnings.some((w) => w.path.startsWith('cohort.CensoringCriteria[0]') && /empty|no concepts/i.test(w.message)),
    JSON.stringify(warnings),
  );
  const plain = await postJson(`${hub.url}/v1/queries`, {
    plan: { version: 1, cohort: FIRST_WITH_TWO_RULES, analysis: { kind: 'count' } },
  });
  assert.deepEqual(plain.body.warnings, [], 'no warnings for a clean plan');
});
