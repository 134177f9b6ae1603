/**
 * GET /v1/queries/{id}/events as Server-Sent Events. The query's event log is replayed first (from
 * Last-Event-ID when a browser reconnects), then new events follow live; the stream ends after
 * `done`. A comment line every 15 s keeps proxies and load balancers from closing a quiet stream.
 */
import type { FastifyReply } from 'fastify';
import type { Query } from './query.js';

export const HEARTBEAT_MS = 15_000;

export function sendEvents(query: Query, reply: FastifyReply, lastEventId: string | undefined, heartbeatMs = HEARTBEAT_MS): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  });
  const after = lastEventId !== undefined && /^\d+$/.test(lastEventId) ? Number(lastEventId) : 0;
  // Assigned after subscribing (a finished query replays and ends synchronously, needing no timer).
  // eslint-disable-next-line prefer-const
  let heartbeat: NodeJS.Timeout | undefined;
  const unsubscribe = query.subscribeEvents((text, end) => {
    // The socket may be gone before its 'close' event has unsubscribed us.
    if (res.destroyed) return;
    if (end) {
      clearInterval(heartbeat);
      res.end(text);
    } else if (text) {
      res.write(text);
    }
  }, after);
  if (res.writableEnded) return;
  // Headers go out now even if the replay was empty, so the client knows the stream is open.
  res.flushHeaders();
  heartbeat = setInterval(() => {
    if (!res.destroyed) res.write(': heartbeat\n\n');
  }, heartbeatMs);
  res.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}
