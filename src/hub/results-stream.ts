/**
 * GET /v1/queries/{id}/results on the wire. The reply is taken over from fastify (hijack) because the
 * body is written over time: the schema message (held up to SCHEMA_HOLD_MS for a first batch to go
 * with it), then one write per batch as each site
 * finishes (one write = one HTTP chunk, so a reader sees each batch when it is made, not when the
 * stream ends), then the pooled batch and end-of-stream together. A reader arriving after the query
 * ended gets the whole stored stream in one response with a Content-Length.
 */
import type { FastifyReply } from 'fastify';
import type { Query, ResultSink } from './query.js';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

const HEADERS = {
  'content-type': ARROW_STREAM,
  'cache-control': 'no-store',
  // Proxies that buffer (nginx) would hold the batches back until the end.
  'x-accel-buffering': 'no',
};

/**
 * How long the schema message alone is held when a reader connects before any batch exists: a tiny
 * query's batches follow within milliseconds, and one write of schema + batches (with a
 * Content-Length when they end the stream) costs the hub one write and the reader one wake-up
 * instead of two (issue 11). A slower query's reader gets the schema after this long, as before.
 */
export const SCHEMA_HOLD_MS = 50;

export function sendResults(query: Query, reply: FastifyReply): void {
  reply.hijack();
  const res = reply.raw;
  let started = false;
  let held: Buffer[] | undefined;
  let holdTimer: NodeJS.Timeout | undefined;
  const sink: ResultSink = (incoming, end) => {
    // The socket may be gone before its 'close' event has unsubscribed us.
    if (res.destroyed) return;
    // The first call replays [schema, ...batches so far]; the schema alone is worth holding briefly.
    if (!started && !held && !end && incoming.length === 1) {
      held = incoming;
      holdTimer = setTimeout(() => sink([], false), SCHEMA_HOLD_MS).unref();
      return;
    }
    clearTimeout(holdTimer);
    const chunks = held ? [...held, ...incoming] : incoming;
    held = undefined;
    if (chunks.length === 0 && !end) return;
    const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    if (!started) {
      started = true;
      if (end) {
        res.writeHead(200, { ...HEADERS, 'content-length': String(bytes.length) });
        res.end(bytes);
        return;
      }
      res.writeHead(200, HEADERS);
    }
    if (end) res.end(bytes);
    else if (bytes.length > 0) res.write(bytes);
  };
  const unsubscribe = query.subscribeResults(sink);
  res.on('close', () => {
    clearTimeout(holdTimer);
    unsubscribe();
  });
}
