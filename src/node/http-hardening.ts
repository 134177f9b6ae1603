/**
 * What the hub and the site share at the HTTP layer: timeouts that cut slow or never-finishing
 * requests, and every refusal the framework or Node makes (body too large, wrong content type,
 * over-long path parameter, request timeout, header overflow, bad URL) in the documented error shape
 * `{"error": {code, message}}` instead of fastify's or Node's own bodies.
 *
 * Timeouts, and why each one:
 * - `headersTimeoutMs`: a connection that never finishes its headers (slowloris) is closed.
 * - `requestTimeoutMs`: the whole request, body included, must arrive within it; a chunked body that
 *   never ends is cut with 408. It does not bound the response, so result and event streams that
 *   stay open while sites work are unaffected.
 * - `keepAliveTimeoutMs`: an idle kept-alive connection is closed.
 * Node checks these every `connectionsCheckingInterval`, 30 s by default, which would let a stalled
 * body live up to 30 s past its timeout; the check runs every second here instead.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyHttpOptions, FastifyReply, FastifyRequest } from 'fastify';
import { FedomopError, toErrorBody, type ErrorCode } from '../errors.js';

export interface HttpLimits {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Largest request body read, in bytes; bigger ones get 413 ERR_BODY_TOO_LARGE unread. */
  bodyLimit: number;
}

export const HTTP_DEFAULTS = Object.freeze({
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
});

/** Longest path parameter (query ids are UUIDs, concept ids 12 digits); longer ones get 414. */
const MAX_PARAM_LENGTH = 100;

/** Fastify options for a hardened service; spread into `Fastify({...})`. */
export function hardenedOptions(limits: HttpLimits): FastifyHttpOptions<Server> {
  return {
    bodyLimit: limits.bodyLimit,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs, limits.requestTimeoutMs),
    },
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Fastify's own 503 while closing has its own body; the services refuse in the error shape instead
    // (ERR_SHUTTING_DOWN) from their drain state.
    return503OnClosing: false,
    clientErrorHandler,
    frameworkErrors: (err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      const fe = frameworkError(err, limits.bodyLimit) ?? new FedomopError('ERR_BAD_REQUEST', err.message);
      void reply.code(fe.status).type('application/json').send(toErrorBody(fe));
    },
  };
}

/** Fastify's and Node's own request errors mapped onto stable codes; undefined for anything else. */
export function frameworkError(err: unknown, bodyLimit?: number): FedomopError | undefined {
  if (err instanceof FedomopError) return err;
  const e = err as FastifyError;
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new FedomopError(
        'ERR_BODY_TOO_LARGE',
        bodyLimit === undefined
          ? "the request body is over this service's size limit"
          : `the request body is over this service's limit of ${bodyLimit} bytes (${(bodyLimit / 1048576).toFixed(2)} MiB)`,
        bodyLimit === undefined ? {} : { limit: bodyLimit },
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new FedomopError('ERR_UNSUPPORTED_MEDIA_TYPE', 'send the body as JSON with Content-Type: application/json');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new FedomopError('ERR_URI_TOO_LONG', `a path parameter is longer than ${MAX_PARAM_LENGTH} characters`);
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_INVALID_URL':
      return new FedomopError('ERR_BAD_REQUEST', 'the request path is not a valid URL');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new FedomopError('ERR_BAD_REQUEST', 'the Content-Length header does not match the body');
  }
  if (e?.validation) return new FedomopError('ERR_BAD_REQUEST', e.message);
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new FedomopError('ERR_BAD_REQUEST', e.message);
  }
  return undefined;
}

const CLIENT_ERRORS: Record<string, [ErrorCode, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: ['ERR_REQUEST_TIMEOUT', 'the request did not arrive in time; the connection is closed'],
  HPE_HEADER_OVERFLOW: ['ERR_HEADERS_TOO_LARGE', 'the request headers are too large'],
};

/**
 * Errors Node raises on a connection before (or instead of) a request fastify can answer. The body
 * is written by hand because there is no reply object; the connection is closed after it, as Node
 * does, since the rest of the byte stream cannot be trusted.
 */
function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message] = CLIENT_ERRORS[err.code ?? ''] ?? ['ERR_BAD_REQUEST', 'the request is not valid HTTP'];
  const fe = new FedomopError(code, message);
  const body = JSON.stringify(toErrorBody(fe));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${fe.status} ${STATUS_TEXT[fe.status] ?? 'Error'}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};
