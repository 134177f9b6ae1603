/**
 * Request and response schemas of the hub's routes (docs/http-api.md, Hub). Response schemas are what
 * fastify serialises: a field not listed here never reaches a client, whatever a site sent the hub.
 */

const str = { type: 'string' } as const;
const num = { type: 'number' } as const;

export const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: str,
        message: str,
        site: str,
        group: str,
        // The query parameter or body field a 400 is about (concept routes).
        parameter: str,
        incident: str,
        limit: num,
        problems: { type: 'array', items: { type: 'object', properties: { path: str, message: str } } },
        unknown: { type: 'array', items: str },
      },
    },
  },
} as const;

const errors = { '4xx': errorBody, '5xx': errorBody } as const;

const siteError = {
  type: 'object',
  required: ['code', 'message', 'site'],
  properties: {
    code: str,
    message: str,
    site: str,
    group: str,
    incident: str,
    problems: { type: 'array', items: { type: 'object', properties: { path: str, message: str } } },
    // ERR_DISCLOSURE_DIFFERENCE: the earlier release the refused cell would difference
    earlierPlanHash: str,
    earlierCell: str,
    cell: str,
    // ERR_RATE_LIMITED at the site
    retryAfterSeconds: { type: 'integer' },
    // ERR_DISCLOSURE_REFUSED in a round: the rule the site applied
    rule: str,
  },
} as const;

const provenance = {
  type: 'object',
  properties: { planHash: str, site: str, cdmVersion: str, vocabularyVersion: str, disclosure: str },
} as const;

const siteStatus = {
  type: 'object',
  required: ['state'],
  properties: {
    state: { type: 'string', enum: ['queued', 'running', 'done', 'failed', 'timeout', 'cancelled'] },
    startedAt: str,
    finishedAt: str,
    elapsedMs: num,
    rows: { type: 'integer' },
    error: siteError,
    provenance,
  },
} as const;

export const queryStatus = {
  type: 'object',
  required: ['id', 'planHash', 'state', 'createdAt', 'sites'],
  properties: {
    id: str,
    planHash: str,
    state: { type: 'string', enum: ['running', 'done', 'cancelled'] },
    createdAt: str,
    finishedAt: str,
    sites: { type: 'object', additionalProperties: siteStatus },
    error: { type: 'object', properties: { code: str, message: str, site: str, rule: str } },
  },
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 100 } },
} as const;

export const createQuery = {
  body: {
    type: 'object',
    required: ['plan'],
    properties: {
      plan: {},
      sites: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 1000 },
      timeoutMs: { type: 'integer', minimum: 1, maximum: 3_600_000 },
    },
  },
  response: {
    202: {
      type: 'object',
      required: ['id', 'planHash', 'sites', 'warnings'],
      properties: {
        id: str,
        planHash: str,
        sites: { type: 'array', items: str },
        warnings: {
          type: 'array',
          items: { type: 'object', required: ['path', 'message'], properties: { path: str, message: str } },
        },
      },
    },
    ...errors,
  },
} as const;

export const getQuery = { params: idParams, response: { 200: queryStatus, ...errors } } as const;
export const deleteQuery = getQuery;
/** 200 is a byte stream (Arrow or SSE) written by hand; only the error bodies are schema'd. */
export const streamQuery = { params: idParams, response: errors } as const;

const siteInfo = {
  type: 'object',
  properties: {
    site: str,
    name: str,
    cdmVersion: str,
    vocabularyVersion: str,
    dialect: str,
    persons: num,
    minCellCount: num,
    analyses: { type: 'array', items: str },
    planVersion: num,
    maxConcurrentQueries: num,
    // What this caller may do at the site (site's /v1/info, docs/auth.md).
    access: {
      type: 'object',
      properties: {
        analyses: { type: 'object', additionalProperties: str },
        conceptSearch: { type: 'boolean' },
        groups: { type: 'array', items: str },
      },
    },
  },
} as const;

/** The envelope key, public parts only: the schema is what keeps a private `d` from ever being served. */
export const keys = {
  response: {
    200: {
      type: 'object',
      required: ['keys'],
      properties: {
        keys: {
          type: 'array',
          items: { type: 'object', properties: { kty: str, crv: str, x: str, y: str, kid: str, alg: str, use: str } },
        },
      },
    },
    ...errors,
  },
} as const;

export const listSites = {
  response: {
    200: {
      type: 'object',
      required: ['sites'],
      properties: {
        sites: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'url', 'status'],
            properties: {
              id: str,
              url: str,
              name: str,
              status: { type: 'string', enum: ['up', 'down'] },
              info: siteInfo,
              error: { type: 'object', properties: { code: str, message: str } },
            },
          },
        },
      },
    },
    ...errors,
  },
} as const;

export const conceptSearch = {
  querystring: {
    type: 'object',
    // Passed through to the site as the raw query string; the site validates.
    properties: { q: str, domain: str, limit: str },
  },
  response: {
    200: {
      type: 'object',
      required: ['concepts'],
      properties: {
        concepts: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              conceptId: { type: 'integer' },
              name: str,
              domain: str,
              vocabulary: str,
              // Either a flag or OMOP's standard_concept letter: pass whichever the site uses.
              standard: { type: ['boolean', 'string', 'null'] },
              code: str,
            },
          },
        },
      },
    },
    ...errors,
  },
} as const;

export const healthz = {
  response: { 200: { type: 'object', required: ['status'], properties: { status: str } } },
} as const;
