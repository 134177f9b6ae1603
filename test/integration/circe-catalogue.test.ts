/**
 * Every criterion domain with every attribute the catalogue (src/circe/domains.ts) knows, set at
 * once, as entry event, as a correlated criterion inside an inclusion rule (with every demographic
 * attribute beside it) and as a censoring criterion: each expression must pass the validator and
 * generate on an empty CDM with every table and column of CDM 5.0–5.4, on DuckDB and on a real
 * PostgreSQL. The OHDSI fixtures cover the common attributes with data; this covers the rest
 * against the database's own idea of which columns exist, so a misspelt column cannot hide.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMOGRAPHIC_ATTRIBUTES, DOMAINS, type Attribute } from '../../src/circe/domains.js';
import { CRITERION_DOMAINS, type CirceExpression, type CriterionDomain } from '../../src/circe/types.js';
import { plainSql } from '../../src/generate/database.js';
import { generateCohort } from '../../src/generate/generate-cohort.js';
import { validateCohortExpression } from '../../src/plan/index.js';
import { cdmDdl } from '../conformance/cdm-ddl.js';
import { POSTGRES_AVAILABLE, duckdbEngine, startPostgresEngine, type CaseDatabase, type Engine } from '../conformance/engines.js';

/** A value of each attribute kind that filters something (so circe-be would emit SQL for it). */
function sample(name: string, attribute: Attribute): unknown {
  switch (attribute.kind) {
    case 'numericRange':
      return { Value: 1, Op: 'bt', Extent: 90 };
    case 'dateRange':
      return { Value: '2000-01-01', Op: 'gt' };
    case 'conceptList':
      return [{ CONCEPT_ID: 2, CONCEPT_NAME: 'Child 1' }];
    case 'conceptSetSelection':
      return { CodesetId: 1, IsExclusion: false };
    case 'codeset':
      return name === 'CodesetId' ? 0 : 1;
    case 'text':
      return { Text: 'x', Op: 'contains' };
    case 'flag':
      // `*Exclude` flags turn their concept list into NOT IN; First and Abnormal filter by themselves.
      return true;
    case 'userDefinedPeriod':
      return { StartDate: '2001-01-01', EndDate: '2001-12-31' };
    case 'dateAdjustment':
      return { StartWith: 'START_DATE', StartOffset: 1, EndWith: 'END_DATE', EndOffset: 2 };
    case 'correlatedCriteria':
      return {
        Type: 'ALL',
        CriteriaList: [
          {
            Criteria: { ConditionOccurrence: { CodesetId: 0 } },
            StartWindow: { Start: { Days: 30, Coeff: -1 }, End: { Days: 0, Coeff: 1 } },
            Occurrence: { Type: 2, Count: 2, IsDistinct: true, CountColumn: 'START_DATE' },
          },
        ],
        DemographicCriteriaList: [],
        Groups: [],
      };
  }
}

function everyAttribute(domain: CriterionDomain): Record<string, unknown> {
  return Object.fromEntries(Object.entries(DOMAINS[domain].attributes).map(([name, a]) => [name, sample(name, a)]));
}

function expressionFor(domain: CriterionDomain): CirceExpression {
  const criterion = { [domain]: everyAttribute(domain) };
  const demographics = Object.fromEntries(Object.entries(DEMOGRAPHIC_ATTRIBUTES).map(([n, a]) => [n, sample(n, a)]));
  const conceptSet = (id: number, conceptId: number) => ({
    id,
    name: `set ${id}`,
    expression: { items: [{ concept: { CONCEPT_ID: conceptId }, includeDescendants: true, includeMapped: true }] },
  });
  return {
    ConceptSets: [conceptSet(0, 1), conceptSet(1, 2)],
    PrimaryCriteria: {
      CriteriaList: [criterion as never],
      ObservationWindow: { PriorDays: 30, PostDays: 0 },
      PrimaryCriteriaLimit: { Type: 'All' },
    },
    AdditionalCriteria: {
      Type: 'AT_MOST',
      Count: 1,
      CriteriaList: [
        {
          Criteria: criterion as never,
          StartWindow: { Start: { Coeff: -1 }, End: { Days: 1, Coeff: -1 }, UseEventEnd: true },
          EndWindow: { Start: { Days: 0, Coeff: 1 }, End: { Coeff: 1 }, UseIndexEnd: true },
          RestrictVisit: true,
          Occurrence: { Type: 0, Count: 0 },
        },
      ],
      DemographicCriteriaList: [],
      Groups: [],
    },
    QualifiedLimit: { Type: 'Last' },
    InclusionRules: [
      {
        name: `${domain} around the index, and demographics`,
        expression: {
          Type: 'ANY',
          CriteriaList: [
            {
              Criteria: criterion as never,
              StartWindow: { Start: { Days: 365, Coeff: -1 }, End: { Days: 0, Coeff: 1 } },
              IgnoreObservationPeriod: true,
              Occurrence: { Type: 1, Count: 3 },
            },
          ],
          DemographicCriteriaList: [demographics as never],
          Groups: [
            { Type: 'AT_LEAST', Count: 1, CriteriaList: [], DemographicCriteriaList: [demographics as never], Groups: [] },
          ],
        },
      },
    ],
    ExpressionLimit: { Type: 'All' },
    EndStrategy: { CustomEra: { DrugCodesetId: 0, GapDays: 30, Offset: 7 } },
    CensoringCriteria: [criterion as never],
    CollapseSettings: { CollapseType: 'ERA', EraPad: 3 },
    CensorWindow: { StartDate: '2000-01-01', EndDate: '2030-12-31' },
  };
}

const engines: Array<{ engine: Engine; target: CaseDatabase }> = [];

before(async () => {
  const chosen: Engine[] = [duckdbEngine];
  if (POSTGRES_AVAILABLE) chosen.push(await startPostgresEngine(56000 + (process.pid % 1000)));
  for (const engine of chosen) {
    const target = await engine.create(0);
    await target.db.transaction(async (tx) => {
      for (const ddl of cdmDdl(target.db.dialect.name, target.cdmSchema)) await tx.query(plainSql(ddl));
    });
    engines.push({ engine, target });
  }
});

after(async () => {
  for (const { engine, target } of engines) {
    await target.dispose();
    await engine.stop();
  }
});

describe('every domain with every attribute validates and generates on an empty CDM', () => {
  CRITERION_DOMAINS.forEach((domain, i) => {
    test(domain, async () => {
      const expression = expressionFor(domain);
      const checked = validateCohortExpression(expression);
      assert.ok(checked.ok, JSON.stringify(!checked.ok && checked.problems));
      for (const { engine, target } of engines) {
        const result = await generateCohort({
          db: target.db,
          expression,
          cohortId: i + 1,
          resultsSchema: target.resultsSchema,
          cdmSchema: target.cdmSchema,
        });
        assert.equal(result.rows, 0, `${engine.name}: an empty CDM has an empty cohort`);
      }
    });
  });
});
