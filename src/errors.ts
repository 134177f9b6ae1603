/**
 * Every failure that crosses a process boundary is a FedomopError: a stable `code` that clients and
 * tests can branch on, the HTTP `status` it maps to, and an optional `cause`. HTTP bodies are
 * `{ "error": { code, message, ...details } }` (see toErrorBody). docs/errors.md documents every code;
 * errors.spec.ts fails when one is missing there.
 */

export type ErrorCode =
  | 'ERR_PLAN_INVALID'
  | 'ERR_PLAN_UNSUPPORTED'
  | 'ERR_PLAN_TOO_LARGE'
  | 'ERR_BAD_REQUEST'
  | 'ERR_NOT_FOUND'
  | 'ERR_TOKEN_MISSING'
  | 'ERR_TOKEN_INVALID'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_ISSUER'
  | 'ERR_TOKEN_AUDIENCE'
  | 'ERR_TOKEN_SIGNATURE'
  | 'ERR_TOKEN_ALGORITHM'
  | 'ERR_AUTH_UNAVAILABLE'
  | 'ERR_NOT_ENTITLED'
  | 'ERR_ENVELOPE_INVALID'
  | 'ERR_DISCLOSURE_REFUSED'
  | 'ERR_DISCLOSURE_DIFFERENCE'
  | 'ERR_RATE_LIMITED'
  | 'ERR_QUERY_CANCELLED'
  | 'ERR_QUERY_FAILED'
  | 'ERR_SITE_UNKNOWN'
  | 'ERR_SITE_UNREACHABLE'
  | 'ERR_SITE_TIMEOUT'
  | 'ERR_SITE_ERROR'
  | 'ERR_SITE_BAD_RESPONSE'
  | 'ERR_NO_SITES'
  | 'ERR_CONFIG_INVALID'
  | 'ERR_BODY_TOO_LARGE'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_REQUEST_TIMEOUT'
  | 'ERR_URI_TOO_LONG'
  | 'ERR_HEADERS_TOO_LARGE'
  | 'ERR_SHUTTING_DOWN'
  | 'ERR_HUB_REQUIRED'
  | 'ERR_INTERNAL';

/** Default HTTP status per code; a thrower may not pick another, so clients can rely on the pair. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  ERR_PLAN_INVALID: 400,
  ERR_PLAN_UNSUPPORTED: 400,
  ERR_PLAN_TOO_LARGE: 400, // every bad plan is a 400 (the plan contract), even one refused for its size
  ERR_BAD_REQUEST: 400,
  ERR_NOT_FOUND: 404,
  ERR_TOKEN_MISSING: 401,
  ERR_TOKEN_INVALID: 401,
  ERR_TOKEN_EXPIRED: 401,
  ERR_TOKEN_ISSUER: 401,
  ERR_TOKEN_AUDIENCE: 401,
  ERR_TOKEN_SIGNATURE: 401,
  ERR_TOKEN_ALGORITHM: 401,
  ERR_AUTH_UNAVAILABLE: 503,
  ERR_NOT_ENTITLED: 403,
  ERR_ENVELOPE_INVALID: 403,
  ERR_DISCLOSURE_REFUSED: 422,
  ERR_DISCLOSURE_DIFFERENCE: 422,
  ERR_RATE_LIMITED: 429,
  ERR_QUERY_CANCELLED: 499,
  ERR_QUERY_FAILED: 500,
  ERR_SITE_UNKNOWN: 400,
  ERR_SITE_UNREACHABLE: 502,
  ERR_SITE_TIMEOUT: 504,
  ERR_SITE_ERROR: 502,
  ERR_SITE_BAD_RESPONSE: 502,
  ERR_NO_SITES: 400,
  ERR_CONFIG_INVALID: 500,
  // HTTP-level refusals, before any plan is read (src/node/http-hardening.ts).
  ERR_BODY_TOO_LARGE: 413,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_REQUEST_TIMEOUT: 408,
  ERR_URI_TOO_LONG: 414,
  ERR_HEADERS_TOO_LARGE: 431,
  ERR_SHUTTING_DOWN: 503,
  ERR_HUB_REQUIRED: 400,
  ERR_INTERNAL: 500,
};

export interface ErrorDetails {
  /** For plan problems: one entry per problem, each naming its JSON path. */
  problems?: PlanProblem[];
  /** Set by the hub when it relays a site's error. */
  site?: string;
  [key: string]: unknown;
}

/** One problem found in a plan; `path` is a JSON pointer-like dotted path, e.g. `cohort.ConceptSets[0].id`. */
export interface PlanProblem {
  path: string;
  message: string;
}

export class FedomopError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FedomopError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = details;
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string } & ErrorDetails;
}

export function toErrorBody(err: FedomopError): ErrorBody {
  return { error: { ...err.details, code: err.code, message: err.message } };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_STATUS, value);
}

/** Rebuilds a FedomopError from an HTTP error body (e.g. a site's answer relayed by the hub). */
export function fromErrorBody(body: unknown, fallback: ErrorCode = 'ERR_SITE_BAD_RESPONSE'): FedomopError {
  const inner = (body as ErrorBody | undefined)?.error;
  if (inner && isErrorCode(inner.code) && typeof inner.message === 'string') {
    const { code, message, ...details } = inner;
    return new FedomopError(code, message, details);
  }
  return new FedomopError(fallback, 'unexpected error body: ' + JSON.stringify(body).slice(0, 200));
}
