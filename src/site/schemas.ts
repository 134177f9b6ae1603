/** Response schemas: fastify serialises exactly these fields. */
export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        site: { type: 'string' },
        group: { type: 'string' },
        // A failed query's id in the site's log (the database's own text stays there).
        incident: { type: 'string' },
        // The query parameter or body field a 400 is about (concept routes).
        parameter: { type: 'string' },
        limit: { type: 'integer' },
        problems: {
          type: 'array',
          items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
        },
        // ERR_DISCLOSURE_DIFFERENCE: which earlier release the refused cell would difference
        earlierPlanHash: { type: 'string' },
        earlierCell: { type: 'string' },
        cell: { type: 'string' },
        // ERR_RATE_LIMITED: also sent as Retry-After
        retryAfterSeconds: { type: 'integer' },
        // ERR_DISCLOSURE_REFUSED in a round: the rule (a GLM trap, km-grid, probe-budget)
        rule: { type: 'string' },
      },
      required: ['code', 'message'],
    },
  },
} as const;

export const conceptSchema = {
  type: 'object',
  properties: {
    conceptId: { type: 'integer' },
    name: { type: 'string' },
    domain: { type: 'string' },
    vocabulary: { type: 'string' },
    conceptClass: { type: 'string' },
    standard: { type: 'boolean' },
    code: { type: 'string' },
  },
} as const;

export const infoSchema = {
  type: 'object',
  properties: {
    site: { type: 'string' },
    name: { type: 'string' },
    cdmVersion: { type: 'string' },
    vocabularyVersion: { type: 'string' },
    dialect: { type: 'string' },
    minCellCount: { type: 'integer' },
    analyses: { type: 'array', items: { type: 'string' } },
    planVersion: { type: 'integer' },
    auth: {
      type: 'object',
      properties: { mode: { type: 'string' }, issuer: { type: 'string' }, envelope: { type: 'boolean' } },
    },
    user: {
      type: 'object',
      properties: {
        subject: { type: 'string' },
        username: { type: 'string' },
        groups: { type: 'array', items: { type: 'string' } },
      },
    },
    /** What this caller may do here: analysis kind → disclosure profile, concept search, the groups the policy names. */
    access: {
      type: 'object',
      properties: {
        analyses: { type: 'object', additionalProperties: { type: 'string' } },
        conceptSearch: { type: 'boolean' },
        groups: { type: 'array', items: { type: 'string' } },
      },
    },
    // How many plans this site runs at once: the hub sends no more than this (src/hub/scheduler.ts).
    maxConcurrentQueries: { type: 'integer' },
  },
} as const;

/** POST /v1/preview: per cell and measure what would happen, never a value. */
export const previewSchema = {
  type: 'object',
  properties: {
    site: { type: 'string' },
    planHash: { type: 'string' },
    decision: { type: 'string', enum: ['released', 'refused'] },
    reason: { type: 'string' },
    policy: { type: 'object', additionalProperties: true },
    cells: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          cell: { type: 'string' },
          measure: { type: 'string' },
          action: { type: 'string', enum: ['exact', 'perturbed', 'withheld', 'widened', 'refused'] },
          reason: { type: 'string' },
        },
      },
    },
  },
} as const;
