/**
 * Response schemas of the concept routes (docs/http-api.md "Concepts"). Fastify serialises exactly
 * these fields, so nothing else an object happens to carry can leave the site.
 */
import { errorSchema } from './schemas.js';

const int = { type: 'integer' } as const;
const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;

export const releasedCountSchema = {
  type: 'object',
  properties: { value: { type: ['integer', 'null'] }, lower: int, upper: int },
} as const;

export const countsSchema = {
  type: 'object',
  properties: { records: releasedCountSchema, persons: releasedCountSchema },
} as const;

const briefConcept = {
  type: 'object',
  properties: { conceptId: int, name: str, vocabulary: str, domain: str, standardConcept: nullableStr },
} as const;

const conceptProperties = {
  conceptId: int,
  name: str,
  domain: str,
  vocabulary: str,
  conceptClass: str,
  standard: { type: 'boolean' },
  standardConcept: nullableStr,
  code: str,
  invalidReason: nullableStr,
  synonyms: { type: 'array', items: str },
  matched: str,
  mapsTo: { type: 'array', items: briefConcept },
  counts: countsSchema,
} as const;

export const conceptHitSchema = { type: 'object', properties: conceptProperties } as const;

const treeNode = {
  type: 'object',
  properties: {
    ...briefConcept.properties,
    conceptClass: str,
    minLevelsOfSeparation: int,
    maxLevelsOfSeparation: int,
    parentIds: { type: 'array', items: int },
  },
} as const;

const errors = { '4xx': errorSchema, '5xx': errorSchema } as const;

export const searchSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        concepts: { type: 'array', items: conceptHitSchema },
        total: int,
        totalExact: { type: 'boolean' },
        tookMs: { type: 'number' },
      },
    },
    ...errors,
  },
} as const;

export const detailSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        ...conceptProperties,
        ancestors: { type: 'array', items: treeNode },
        descendants: { type: 'array', items: treeNode },
        ancestorCount: int,
        descendantCount: int,
        relationships: {
          type: 'array',
          items: { type: 'object', properties: { relationshipId: str, concept: briefConcept } },
        },
      },
    },
    ...errors,
  },
} as const;

export const countsRouteSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        site: str,
        counts: { type: 'object', additionalProperties: countsSchema },
      },
    },
    ...errors,
  },
} as const;

export const resolveSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        conceptIds: { type: 'array', items: int },
        concepts: { type: 'array', items: conceptHitSchema },
        count: int,
        counts: countsSchema,
      },
    },
    ...errors,
  },
} as const;

export const facetsSchema = {
  response: {
    200: {
      type: 'object',
      properties: {
        domains: { type: 'array', items: str },
        vocabularies: { type: 'array', items: str },
        conceptClasses: { type: 'array', items: str },
        concepts: int,
      },
    },
    ...errors,
  },
} as const;
