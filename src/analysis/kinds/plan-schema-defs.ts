/**
 * JSON Schema fragments ($defs) for the kinds that read variables and for the variables
 * themselves; src/plan/plan-schema.ts puts them into spec/plan.schema.json. Looser than the
 * validator where a schema cannot see across fields (declared names, kinds of variables).
 */
import { MAX_INLINE_ITEMS, MAX_VARIABLES, MAX_WINDOW_DAYS, PICKS, DOMAINS } from '../variables/validate.js';
import { ATTRITION_SCHEMA_DEFS } from './attrition/plan.js';
import { COUNT_SCHEMA_DEFS } from './count/plan.js';
import { crosstabSchemaDefs } from './crosstab/plan.js';
import { GLM_FAMILIES, GLM_MAX_COVARIATES, HISTOGRAM_MAX_BINS, KM_MAX_BIN_DAYS } from './plan-types.js';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });
const object = (properties: Schema, required: string[] = []): Schema => ({
  type: 'object',
  ...(required.length ? { required } : {}),
  additionalProperties: false,
  properties,
});
const name = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,62}$' };
const names = (min: number, max: number): Schema => ({
  type: 'array',
  minItems: min,
  maxItems: max,
  uniqueItems: true,
  items: name,
});
const dayCount = { type: 'integer', minimum: -MAX_WINDOW_DAYS, maximum: MAX_WINDOW_DAYS };
const window = object({ start: dayCount, end: dayCount }, ['start', 'end']);
const conceptSet: Schema = {
  anyOf: [
    { type: 'integer', minimum: 0 },
    {
      type: 'object',
      required: ['items'],
      additionalProperties: false,
      properties: { items: { type: 'array', minItems: 1, maxItems: MAX_INLINE_ITEMS, items: ref('ConceptSetItem') } },
    },
  ],
};
const domain = { enum: [...DOMAINS] };

/** Every kind's fragment (and the variables'), in the order spec/plan.schema.json lists them. */
export function kindSchemaDefs(): Record<string, Schema> {
  return { ...COUNT_SCHEMA_DEFS, ...ATTRITION_SCHEMA_DEFS, ...variableKindDefs() };
}

export function variableKindDefs(): Record<string, Schema> {
  return {
    Variables: {
      description: 'Per-person values relative to the index date, by name (docs/statistics.md).',
      type: 'object',
      minProperties: 1,
      maxProperties: MAX_VARIABLES,
      propertyNames: name,
      additionalProperties: ref('VariableSpec'),
    },
    VariableSpec: {
      oneOf: [
        object({ type: { const: 'age_at_index' } }, ['type']),
        object({ type: { const: 'index_year' } }, ['type']),
        object({ type: { const: 'gender' }, reference: { type: 'string', minLength: 1 } }, ['type']),
        object({ type: { const: 'measurement' }, conceptSet, window, pick: { enum: [...PICKS] } }, [
          'type',
          'conceptSet',
          'window',
          'pick',
        ]),
        object({ type: { enum: ['occurrence', 'count_occurrences'] }, domain, conceptSet, window }, [
          'type',
          'domain',
          'conceptSet',
          'window',
        ]),
        object({ type: { const: 'death' }, window }, ['type', 'window']),
        object(
          {
            type: { const: 'time_to' },
            event: {
              oneOf: [
                object({ type: { const: 'death' } }, ['type']),
                object({ type: { const: 'occurrence' }, domain, conceptSet }, ['type', 'domain', 'conceptSet']),
              ],
            },
            maxDays: { type: 'integer', minimum: 0, maximum: MAX_WINDOW_DAYS },
          },
          ['type', 'event', 'maxDays'],
        ),
      ],
    },
    ...crosstabSchemaDefs(name, ref),
    SummaryAnalysis: {
      description: 'n, missing, mean, sd and exact pooled quantiles (categorical: level counts) per variable.',
      ...object({ kind: { const: 'summary' }, variables: ref('Variables'), of: names(1, MAX_VARIABLES), by: name }, [
        'kind',
        'variables',
        'of',
      ]),
    },
    HistogramAnalysis: {
      description: 'Persons per bin of a numeric variable; edges given or chosen by the hub.',
      ...object(
        {
          kind: { const: 'histogram' },
          variables: ref('Variables'),
          of: name,
          edges: { type: 'array', minItems: 2, maxItems: HISTOGRAM_MAX_BINS + 1, items: { type: 'number' } },
          bins: { type: 'integer', minimum: 1, maximum: HISTOGRAM_MAX_BINS },
        },
        ['kind', 'variables', 'of'],
      ),
    },
    GlmAnalysis: {
      description: 'A generalised linear model fitted by federated IRLS (gaussian, binomial or poisson).',
      ...object(
        {
          kind: { const: 'glm' },
          variables: ref('Variables'),
          family: { enum: [...GLM_FAMILIES] },
          outcome: name,
          covariates: names(0, GLM_MAX_COVARIATES),
          offset: name,
          onRefusal: { enum: ['fail', 'continue'] },
        },
        ['kind', 'variables', 'family', 'outcome', 'covariates'],
      ),
    },
    KmAnalysis: {
      description: 'Kaplan–Meier survival of a time_to variable on an agreed bin grid, optionally by stratum.',
      ...object(
        {
          kind: { const: 'km' },
          variables: ref('Variables'),
          time: name,
          strata: name,
          binDays: { type: 'integer', minimum: 1, maximum: KM_MAX_BIN_DAYS },
        },
        ['kind', 'variables', 'time'],
      ),
    },
  };
}
