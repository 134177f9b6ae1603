/**
 * The spine end to end: three `fedomop site` processes on three synthetic DuckDB files, one
 * `fedomop hub`, real HTTP and real Arrow bytes. Every released number is checked against SQL
 * written by hand below (not produced by the compiler), run directly on the same files, with the
 * disclosure rule re-applied independently.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFederation, type Federation } from '../harness/federation.js';
import type { Service } from '../harness/processes.js';
import { THREE_SITES } from '../harness/sites.js';
import { plainRows, runThroughHub, type PlainRow } from '../harness/hub-api.js';

const K = 5;
let federation: Federation;
let hub: Service;
const direct = (site: string, sql: string) => federation.direct(site, sql);

before(async () => {
  federation = await startFederation(THREE_SITES, { minCellCount: K });
  hub = federation.hub;
});

after(async () => {
  await federation?.stop();
});

const item = (id: number, descendants = true) => ({
  concept: { CONCEPT_ID: id },
  includeDescendants: descendants,
  isExcluded: false,
  includeMapped: false,
});

/** One hand-written expectation per plan: the SQL gives the true (unsuppressed) counts per cell. */
interface Case {
  name: string;
  plan: unknown;
  dims: string[];
  sql: string;
}

// Events inside an observation period, as plain SQL.
const IN_OP = `JOIN observation_period op ON op.person_id = x.person_id
  AND x.d BETWEEN op.observation_period_start_date AND op.observation_period_end_date`;

const CASES: Case[] = [
  {
    name: 'prostate cancer, first event per person, count',
    plan: {
      version: 1,
      cohort: {
        ConceptSets: [{ id: 0, name: 'prostate cancer', expression: { items: [item(4163261)] } }],
        PrimaryCriteria: {
          CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }],
          ObservationWindow: { PriorDays: 0, PostDays: 0 },
          PrimaryCriteriaLimit: { Type: 'First' },
        },
        InclusionRules: [],
      },
      analysis: { kind: 'count' },
    },
    dims: [],
    sql: `WITH x AS (SELECT person_id, condition_start_date AS d FROM condition_occurrence
            WHERE condition_concept_id IN (SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = 4163261))
          SELECT count(DISTINCT x.person_id) AS persons, count(DISTINCT x.person_id) AS events FROM x ${IN_OP}`,
  },
  {
    name: 'breast cancer in women aged 50+, all events, count',
    plan: {
      version: 1,
      cohort: {
        ConceptSets: [{ id: 3, name: 'breast cancer', expression: { items: [item(4112853)] } }],
        PrimaryCriteria: {
          CriteriaList: [
            { ConditionOccurrence: { CodesetId: 3, Age: { Value: 50, Op: 'gte' }, Gender: [{ CONCEPT_ID: 8532 }] } },
          ],
          ObservationWindow: { PriorDays: 0, PostDays: 0 },
          PrimaryCriteriaLimit: { Type: 'All' },
        },
        ExpressionLimit: { Type: 'All' },
      },
      analysis: { kind: 'count' },
    },
    dims: [],
    sql: `WITH x AS (SELECT c.person_id, c.condition_start_date AS d FROM condition_occurrence c JOIN person p ON p.person_id = c.person_id
            WHERE c.condition_concept_id IN (SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = 4112853)
              AND p.gender_concept_id = 8532 AND year(c.condition_start_date) - p.year_of_birth >= 50)
          SELECT count(DISTINCT x.person_id) AS persons, count(*) AS events FROM x ${IN_OP}`,
  },
  {
    name: 'any malignancy with a year of prior observation, crosstab gender x age group',
    plan: {
      version: 1,
      cohort: {
        ConceptSets: [{ id: 1, name: 'malignant neoplasm', expression: { items: [item(443392)] } }],
        PrimaryCriteria: {
          CriteriaList: [{ ConditionOccurrence: { CodesetId: 1 } }],
          ObservationWindow: { PriorDays: 365, PostDays: 0 },
          PrimaryCriteriaLimit: { Type: 'All' },
        },
        ExpressionLimit: { Type: 'All' },
      },
      analysis: { kind: 'crosstab', by: ['gender', 'age_group'] },
    },
    dims: ['gender', 'age_group'],
    sql: `WITH x AS (SELECT c.person_id, c.condition_occurrence_id AS id, c.condition_start_date AS d FROM condition_occurrence c
            WHERE c.condition_concept_id IN (SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = 443392)),
          e AS (SELECT x.person_id, x.id, x.d, year(x.d) - p.year_of_birth AS age, p.gender_concept_id AS g
                FROM x ${IN_OP} JOIN person p ON p.person_id = x.person_id
                WHERE op.observation_period_start_date + 365 <= x.d),
          firsts AS (SELECT person_id, arg_min(id, (d, id)) AS first_id FROM e GROUP BY person_id),
          lab AS (SELECT CASE g WHEN 8507 THEN 'MALE' WHEN 8532 THEN 'FEMALE' ELSE 'UNKNOWN' END AS gender,
                         CASE WHEN age >= 90 THEN '90+' ELSE CAST(age // 10 * 10 AS VARCHAR) || '-' || CAST(age // 10 * 10 + 9 AS VARCHAR) END AS age_group,
                         (e.id = f.first_id) AS first
                  FROM e JOIN firsts f USING (person_id))
          SELECT gender, age_group, count(*) FILTER (WHERE first) AS persons, count(*) AS events FROM lab GROUP BY ALL`,
  },
  {
    name: 'PSA above 4 ng/mL, first per person, crosstab by index year',
    plan: {
      version: 1,
      cohort: {
        ConceptSets: [{ id: 7, name: 'PSA', expression: { items: [item(3013603, false)] } }],
        PrimaryCriteria: {
          CriteriaList: [{ Measurement: { CodesetId: 7, ValueAsNumber: { Value: 4, Op: 'gt' } } }],
          ObservationWindow: { PriorDays: 0, PostDays: 0 },
          PrimaryCriteriaLimit: { Type: 'First' },
        },
      },
      analysis: { kind: 'crosstab', by: ['index_year'] },
    },
    dims: ['index_year'],
    sql: `WITH x AS (SELECT person_id, measurement_id AS id, measurement_date AS d FROM measurement WHERE measurement_concept_id = 3013603 AND value_as_number > 4),
          e AS (SELECT x.person_id, min(x.d) AS d FROM x ${IN_OP} GROUP BY x.person_id)
          SELECT CAST(year(d) AS INTEGER) AS index_year, count(*) AS persons, count(*) AS events FROM e GROUP BY ALL`,
  },
  {
    name: 'lung cancer by gender x age group x index year (many small cells)',
    plan: {
      version: 1,
      cohort: {
        ConceptSets: [{ id: 2, name: 'lung cancer', expression: { items: [item(443388)] } }],
        PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 2 } }], PrimaryCriteriaLimit: { Type: 'First' } },
      },
      analysis: { kind: 'crosstab', by: ['gender', 'age_group', 'index_year'] },
    },
    dims: ['gender', 'age_group', 'index_year'],
    sql: `WITH x AS (SELECT person_id, condition_occurrence_id AS id, condition_start_date AS d FROM condition_occurrence
            WHERE condition_concept_id IN (SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = 443388)),
          e AS (SELECT x.person_id, arg_min(x.d, (x.d, x.id)) AS d FROM x ${IN_OP} GROUP BY x.person_id),
          lab AS (SELECT CASE p.gender_concept_id WHEN 8507 THEN 'MALE' WHEN 8532 THEN 'FEMALE' ELSE 'UNKNOWN' END AS gender,
                         year(e.d) - p.year_of_birth AS age, CAST(year(e.d) AS INTEGER) AS index_year FROM e JOIN person p USING (person_id))
          SELECT gender, CASE WHEN age >= 90 THEN '90+' ELSE CAST(age // 10 * 10 AS VARCHAR) || '-' || CAST(age // 10 * 10 + 9 AS VARCHAR) END AS age_group,
                 index_year, count(*) AS persons, count(*) AS events FROM lab GROUP BY ALL`,
  },
];

const key = (row: PlainRow, dims: string[]) => dims.map((d) => String(row[d])).join('|');

/** The disclosure rule, re-stated independently of src/disclosure. */
function checkReleased(
  site: string,
  measure: 'persons' | 'events',
  truth: Map<string, number>,
  released: PlainRow[],
  dims: string[],
) {
  const primaries = [...truth.values()].filter((n) => n >= 1 && n < K).length;
  let suppressed = 0;
  const hiddenCells: Array<{ n: number; lo: number; hi: number }> = [];
  for (const row of released) {
    const n = truth.get(key(row, dims));
    assert.notEqual(n, undefined, `${site}: released a cell the database does not have: ${key(row, dims)}`);
    const [value, lo, hi, hidden] = [
      row[measure],
      row[`${measure}_lower`],
      row[`${measure}_upper`],
      row[`${measure}_suppressed`],
    ];
    if (n! >= 1 && n! < K) {
      assert.equal(hidden, true, `${site} ${measure} ${key(row, dims)}: ${n} must be suppressed`);
      assert.equal(value, null, `${site}: a suppressed value must not be sent`);
      assert.deepEqual([lo, hi], [1, K - 1]);
    } else if (hidden) {
      // A complement of a withheld cell, or (events) a measure of a row whose persons are withheld:
      // an interval of values ≥ K that holds the truth and is never a single value.
      assert.ok(primaries >= 1 || measure === 'events', `${site} ${measure}: nothing withheld, yet ${key(row, dims)} is`);
      assert.ok(
        (lo as number) <= n! && n! <= (hi as number) && (lo as number) >= K && (hi as number) > (lo as number),
        `${site}: secondary interval [${lo}, ${hi}] must hold ${n} and not pin it`,
      );
    } else {
      assert.deepEqual([value, lo, hi], [n, n, n], `${site} ${measure} ${key(row, dims)}`);
    }
    if (hidden) {
      suppressed++;
      hiddenCells.push({ n: n!, lo: lo as number, hi: hi as number });
    }
  }
  if (primaries === 1 && truth.size > 1 && [...truth.values()].some((n) => n >= K))
    assert.ok(suppressed >= 2, `${site} ${measure}: a lone withheld cell gets a complement`);
  // What an analyst derives for each withheld cell from the withheld cells' sum (the cohort total,
  // a count, minus the exact cells): never a single value.
  if (hiddenCells.length >= 2) {
    const sum = hiddenCells.reduce((a, c) => a + c.n, 0);
    for (const [i, c] of hiddenCells.entries()) {
      const others = hiddenCells.filter((_, j) => j !== i);
      const low = Math.max(c.lo, sum - others.reduce((a, o) => a + o.hi, 0));
      const high = Math.min(c.hi, sum - others.reduce((a, o) => a + o.lo, 0));
      assert.ok(high > low, `${site} ${measure}: a withheld cell (${c.n}) is pinned by the total: [${low}, ${high}]`);
    }
  }
}

describe('three sites and a hub answer plans exactly as hand-written SQL says, after disclosure control', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const { table, status } = await runThroughHub(hub.url, c.plan);
      assert.equal(status.state, 'done');
      const rows = plainRows(table);
      const pooled = rows.filter((r) => r.site === 'pooled');
      let exercised = 0;
      for (const spec of THREE_SITES) {
        assert.equal(status.sites[spec.id].state, 'done', `${spec.id}: ${JSON.stringify(status.sites[spec.id])}`);
        const truthRows = await direct(spec.id, c.sql);
        const released = rows.filter((r) => r.site === spec.id);
        for (const m of ['persons', 'events'] as const) {
          const truth = new Map(truthRows.map((r) => [key(r, c.dims), r[m] as number]));
          assert.equal(released.length, truth.size, `${spec.id}: one released row per cell with data`);
          checkReleased(spec.id, m, truth, released, c.dims);
          exercised += truth.size;
        }
      }
      assert.ok(exercised > 0);
      // pooled: exact where every part is exact, otherwise the sum of the parts' intervals
      for (const p of pooled) {
        const parts = rows.filter((r) => r.site !== 'pooled' && key(r, c.dims) === key(p, c.dims));
        for (const m of ['persons', 'events']) {
          const sum = (col: string) => parts.reduce((s, r) => s + (r[col] as number), 0);
          assert.equal(p[`${m}_lower`], sum(`${m}_lower`));
          assert.equal(p[`${m}_upper`], sum(`${m}_upper`));
          const anyHidden = parts.some((r) => r[`${m}_suppressed`]);
          assert.equal(p[`${m}_suppressed`], anyHidden);
          assert.equal(p[m], anyHidden ? null : sum(m));
        }
      }
      const cells = new Set(rows.filter((r) => r.site !== 'pooled').map((r) => key(r, c.dims)));
      assert.equal(pooled.length, cells.size, 'one pooled row per cell seen at any site');
    });
  }

  test('the small-cell case really exercises suppression at some site', async () => {
    const { table } = await runThroughHub(hub.url, CASES[4].plan);
    const rows = plainRows(table);
    assert.ok(
      rows.some((r) => r.site !== 'pooled' && r.persons_suppressed === true),
      'expected suppressed cells',
    );
    assert.ok(
      rows.some((r) => r.site !== 'pooled' && r.persons_suppressed === false && (r.persons as number) >= K),
      'expected exact cells',
    );
  });
});
