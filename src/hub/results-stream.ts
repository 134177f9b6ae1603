/**
 * GET /v1/queries/{id}/results on the wire. The reply is taken over from fastify (hijack) because the
 * body is written over time: the schema message at once, then one write per batch as each site
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

export function sendResults(query: Query, reply: FastifyReply): void {
  reply.hijack();
  const res = reply.raw;
  let started = false;
  const sink: ResultSink = (chunks, end) => {
    // The socket may be gone before its 'close' event has unsubscribed us.
    if (res.destroyed) return;
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
  res.on('close', unsubscribe);
}
