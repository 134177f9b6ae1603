/**
 * JSON Schema fragments ($defs): the variables' own, and every kind's gathered from its folder
 * (<kind>/plan.ts); src/plan/plan-schema.ts puts them into spec/plan.schema.json. Looser than the
 * validator where a schema cannot see across fields (declared names, kinds of variables).
 */
import { MAX_INLINE_ITEMS, MAX_VARIABLES, MAX_WINDOW_DAYS, PICKS, DOMAINS } from '../variables/validate.js';
import { ATTRITION_SCHEMA_DEFS } from './attrition/plan.js';
import { COUNT_SCHEMA_DEFS } from './count/plan.js';
import { crosstabSchemaDefs } from './crosstab/plan.js';
import { GLM_SCHEMA_DEFS } from './glm/plan.js';
import { HISTOGRAM_SCHEMA_DEFS } from './histogram/plan.js';
import { KM_SCHEMA_DEFS } from './km/plan.js';
import { name, object, ref, type Schema } from './plan-schema-parts.js';
import { SUMMARY_SCHEMA_DEFS } from './summary/plan.js';
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
    ...SUMMARY_SCHEMA_DEFS,
    ...HISTOGRAM_SCHEMA_DEFS,
    ...GLM_SCHEMA_DEFS,
    ...KM_SCHEMA_DEFS,
  };
}
