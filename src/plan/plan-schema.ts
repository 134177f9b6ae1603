/**
 * The JSON Schema of plan v1 (spec/plan.schema.json), built from the same catalogue and limits as
 * the validator, so the published schema cannot drift from what sites accept: a spec compares the
 * file with this. After a change, regenerate the file with the command in docs/plan.md ("JSON Schema").
 * The schema never refuses a plan the validator accepts; it cannot see references between fields,
 * calendar dates, Extent ≥ Value, size limits or unsupported-but-valid Circe (all the validator's).
 */
import { DEMOGRAPHIC_ATTRIBUTES, DOMAINS, type Attribute } from '../circe/domains.js';
import { CRITERION_DOMAINS } from '../circe/types.js';
import { COUNT_COLUMNS, CUSTOM_ERA_FIELDS, DATE_TYPES, GROUP_TYPES, TEXT_OPS } from './circe-fields.js';
import { PLAN_LIMITS, VALUE_BOUNDS } from './limits.js';
import { ANALYSIS_KINDS } from './types.js';
import { kindSchemaDefs } from '../analysis/kinds/plan-schema-defs.js';
import { RANGE_OPS } from './validate-ranges.js';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });
const nullable = (s: Schema): Schema => ({ anyOf: [{ type: 'null' }, s] });
const text = { type: 'string', maxLength: PLAN_LIMITS.maxStringLength };
const days = (min: number): Schema => ({ type: 'integer', minimum: min, maximum: VALUE_BOUNDS.maxWindowDays });
const DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
/** Case-insensitive alternatives, as circe compares limit and group types. */
const anyCase = (words: readonly string[]) =>
  `^(${words.map((w) => [...w].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c)).join('')).join('|')})$`;
const DAY_UNIT = nullable({ type: 'string', pattern: anyCase(['day']) });
const conceptId = (min: number): Schema => ({ type: 'integer', minimum: min, maximum: VALUE_BOUNDS.maxConceptId });
const object = (properties: Schema, required: string[] = []): Schema => ({
  type: 'object',
  ...(required.length ? { required } : {}),
  additionalProperties: false,
  properties,
});
const betweenNeedsExtent = {
  if: { properties: { Op: { enum: ['bt', '!bt'] } }, required: ['Op'] },
  then: { required: ['Extent'] },
};

const KIND_DEFS: Record<Attribute['kind'], string> = {
  numericRange: 'NumberRange',
  dateRange: 'DateRange',
  conceptList: 'ConceptList',
  conceptSetSelection: 'ConceptSetSelection',
  codeset: 'CodesetReference',
  text: 'TextFilter',
  flag: 'Flag',
  userDefinedPeriod: 'Period',
  correlatedCriteria: 'CriteriaGroup',
  dateAdjustment: 'DateAdjustment',
};

function attributes(catalogue: Readonly<Record<string, Attribute>>): Schema {
  const props: Schema = {};
  for (const [name, attr] of Object.entries(catalogue)) {
    const def = attr.kind === 'numericRange' && attr.subject?.kind === 'age' ? 'AgeRange' : KIND_DEFS[attr.kind];
    props[name] = nullable(ref(def));
  }
  return props;
}

export function planSchema(): Schema {
  const domainDefs: Schema = {};
  for (const d of CRITERION_DOMAINS) {
    domainDefs[d] = {
      description: `${d} criterion attributes (src/circe/domains.ts).`,
      ...object(attributes(DOMAINS[d].attributes)),
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://fedomop.dev/schema/plan-v1.json',
    title: 'fedomop plan, version 1',
    description:
      'A federated question: an OHDSI Circe cohort expression (as ATLAS exports it) and the analysis to run over it. ' +
      'Generated from src/plan/plan-schema.ts. The validator in src/plan/validate.ts is authoritative and checks more ' +
      'than a schema can (concept set references, unique ids, calendar dates, Extent >= Value, unsupported Circe ' +
      'features, size and nesting limits). See docs/plan.md.',
    type: 'object',
    required: ['version', 'cohort', 'analysis'],
    additionalProperties: false,
    properties: { version: { const: 1 }, cohort: ref('CohortExpression'), analysis: ref('Analysis') },
    $defs: {
      Analysis: { oneOf: ANALYSIS_KINDS.map((k) => ref(`${k[0].toUpperCase()}${k.slice(1)}Analysis`)) },
      ...kindSchemaDefs(),
      CohortExpression: {
        description: 'An OHDSI Circe cohort expression; null members mean "not set", as in circe.',
        ...object(
          {
            ConceptSets: { type: 'array', maxItems: PLAN_LIMITS.maxConceptSets, items: ref('ConceptSet') },
            PrimaryCriteria: ref('PrimaryCriteria'),
            AdditionalCriteria: nullable(ref('CriteriaGroup')),
            QualifiedLimit: nullable(ref('ResultLimit')),
            ExpressionLimit: nullable(ref('ResultLimit')),
            InclusionRules: nullable({ type: 'array', maxItems: PLAN_LIMITS.maxInclusionRules, items: ref('InclusionRule') }),
            EndStrategy: nullable(ref('EndStrategy')),
            CensoringCriteria: nullable({ type: 'array', maxItems: PLAN_LIMITS.maxCriteria, items: ref('Criterion') }),
            CollapseSettings: nullable(ref('CollapseSettings')),
            CensorWindow: nullable(ref('Period')),
            cdmVersionRange: nullable(text),
            Title: nullable(text),
          },
          ['ConceptSets', 'PrimaryCriteria'],
        ),
      },
      ConceptSet: object(
        {
          id: conceptId(0),
          name: text,
          expression: {
            description: 'Further fields ATLAS writes are kept and ignored.',
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', maxItems: PLAN_LIMITS.maxConceptSetItems, items: ref('ConceptSetItem') } },
          },
        },
        ['id', 'expression'],
      ),
      ConceptSetItem: object(
        {
          concept: ref('Concept'),
          isExcluded: ref('Flag'),
          includeDescendants: ref('Flag'),
          includeMapped: ref('Flag'),
        },
        ['concept'],
      ),
      Concept: {
        description: 'An OMOP concept; only CONCEPT_ID is used, other fields (CONCEPT_NAME, ...) are kept.',
        type: 'object',
        required: ['CONCEPT_ID'],
        properties: { CONCEPT_ID: conceptId(1) },
      },
      PrimaryCriteria: object(
        {
          CriteriaList: { type: 'array', minItems: 1, maxItems: PLAN_LIMITS.maxCriteria, items: ref('Criterion') },
          ObservationWindow: nullable(object({ PriorDays: nullable(days(0)), PostDays: nullable(days(0)) })),
          PrimaryCriteriaLimit: nullable(ref('ResultLimit')),
        },
        ['CriteriaList'],
      ),
      ResultLimit: {
        description: 'First, All or Last, compared without regard to case; left out, circe means First.',
        ...object({ Type: { type: 'string', pattern: anyCase(['First', 'All', 'Last']) } }),
      },
      Criterion: {
        description: 'Exactly one domain key.',
        type: 'object',
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
        properties: Object.fromEntries(CRITERION_DOMAINS.map((d) => [d, ref(d)])),
      },
      ...domainDefs,
      InclusionRule: object({ name: nullable(text), description: nullable(text), expression: ref('CriteriaGroup') }, [
        'expression',
      ]),
      CriteriaGroup: {
        description: 'ALL / ANY / AT_LEAST Count / AT_MOST Count of its criteria, demographic criteria and sub-groups.',
        ...object({
          Type: nullable({ type: 'string', pattern: anyCase(GROUP_TYPES) }),
          Count: nullable({ type: 'integer' }),
          CriteriaList: nullable({ type: 'array', maxItems: PLAN_LIMITS.maxCriteria, items: ref('CorrelatedCriterion') }),
          DemographicCriteriaList: nullable({
            type: 'array',
            maxItems: PLAN_LIMITS.maxCriteria,
            items: ref('DemographicCriteria'),
          }),
          Groups: nullable({ type: 'array', maxItems: PLAN_LIMITS.maxCriteria, items: ref('CriteriaGroup') }),
        }),
        if: { properties: { Type: { type: 'string', pattern: '^[Aa][Tt]_' } }, required: ['Type'] },
        then: { required: ['Count'], properties: { Count: { type: 'integer', minimum: 0 } } },
      },
      CorrelatedCriterion: object(
        {
          Criteria: ref('Criterion'),
          StartWindow: nullable(ref('Window')),
          EndWindow: nullable(ref('Window')),
          RestrictVisit: ref('Flag'),
          IgnoreObservationPeriod: ref('Flag'),
          Occurrence: ref('Occurrence'),
        },
        ['Criteria', 'Occurrence'],
      ),
      Window: object({ Start: ref('WindowBound'), End: ref('WindowBound'), UseIndexEnd: ref('Flag'), UseEventEnd: ref('Flag') }, [
        'Start',
        'End',
      ]),
      WindowBound: {
        description: 'index date + Coeff * Days; Days left out: bounded by the observation period.',
        ...object(
          {
            Days: nullable(days(0)),
            Coeff: { enum: [-1, 1] },
            TimeUnit: DAY_UNIT,
            TimeUnitValue: nullable(days(0)),
          },
          ['Coeff'],
        ),
      },
      Occurrence: {
        description: 'Type 0 exactly, 1 at most, 2 at least Count matching events.',
        ...object(
          {
            Type: { enum: [0, 1, 2] },
            Count: { type: 'integer', minimum: 0 },
            IsDistinct: ref('Flag'),
            CountColumn: nullable({ enum: COUNT_COLUMNS }),
          },
          ['Type', 'Count'],
        ),
      },
      DemographicCriteria: object(attributes(DEMOGRAPHIC_ATTRIBUTES)),
      EndStrategy: {
        description: 'Exactly one of DateOffset and CustomEra; null: the cohort ends with the observation period.',
        type: 'object',
        minProperties: 1,
        maxProperties: 1,
        additionalProperties: false,
        properties: { DateOffset: ref('DateOffset'), CustomEra: ref('CustomEra') },
      },
      DateOffset: object({
        DateField: nullable({ enum: ['StartDate', 'EndDate'] }),
        Offset: nullable(days(-VALUE_BOUNDS.maxWindowDays)),
        OffsetUnit: DAY_UNIT,
        OffsetUnitValue: nullable(days(-VALUE_BOUNDS.maxWindowDays)),
      }),
      CustomEra: object(
        Object.fromEntries(
          CUSTOM_ERA_FIELDS.map((f) => [
            f,
            f === 'DrugCodesetId'
              ? { type: 'integer' }
              : f.endsWith('Unit')
                ? DAY_UNIT
                : f === 'DaysSupplyOverride'
                  ? nullable(days(1))
                  : nullable(days(0)),
          ]),
        ),
        ['DrugCodesetId'],
      ),
      CollapseSettings: object({
        CollapseType: nullable({ const: 'ERA' }),
        EraPad: nullable(days(0)),
        EraPadUnit: DAY_UNIT,
        EraPadUnitValue: nullable(days(0)),
        EraPadValue: nullable(days(0)),
      }),
      Period: object({
        StartDate: { anyOf: [{ enum: [null, ''] }, { type: 'string', pattern: DATE }] },
        EndDate: { anyOf: [{ enum: [null, ''] }, { type: 'string', pattern: DATE }] },
      }),
      RangeOp: { enum: [...RANGE_OPS] },
      NumberRange: {
        ...object({ Value: { type: 'number' }, Op: ref('RangeOp'), Extent: { type: 'number' } }, ['Value', 'Op']),
        ...betweenNeedsExtent,
      },
      AgeRange: {
        description: 'Whole years (event year minus year of birth, as circe computes age).',
        ...object(
          {
            Value: { type: 'integer', minimum: 0, maximum: VALUE_BOUNDS.maxAge },
            Op: ref('RangeOp'),
            Extent: { type: 'integer', minimum: 0, maximum: VALUE_BOUNDS.maxAge },
          },
          ['Value', 'Op'],
        ),
        ...betweenNeedsExtent,
      },
      DateRange: {
        ...object({ Value: { type: 'string', pattern: DATE }, Op: ref('RangeOp'), Extent: { type: 'string', pattern: DATE } }, [
          'Value',
          'Op',
        ]),
        ...betweenNeedsExtent,
      },
      ConceptList: {
        type: 'array',
        items: { type: 'object', required: ['CONCEPT_ID'], properties: { CONCEPT_ID: conceptId(0) } },
      },
      ConceptSetSelection: object({ CodesetId: { type: 'integer' }, IsExclusion: ref('Flag') }, ['CodesetId']),
      CodesetReference: { description: 'The id of one of ConceptSets.', type: 'integer' },
      TextFilter: object({ Text: nullable(text), Op: { enum: TEXT_OPS } }, ['Op']),
      Flag: { type: ['boolean', 'null'] },
      DateAdjustment: object({
        StartWith: nullable({ enum: DATE_TYPES }),
        StartOffset: nullable(days(-VALUE_BOUNDS.maxWindowDays)),
        EndWith: nullable({ enum: DATE_TYPES }),
        EndOffset: nullable(days(-VALUE_BOUNDS.maxWindowDays)),
      }),
    },
  };
}
