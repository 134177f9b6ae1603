/**
 * A STAND-IN for the fedomop hub, for client and kernel tests only: a few dozen lines of node:http that
 * speak the Hub section of docs/http-api.md with canned rows. The real hub (src/hub) is tested end to
 * end against real sites elsewhere; this exists so the client's streaming can be tested in isolation,
 * step by step, in Node and in Deno (which runs node:http too). Never exported from an index.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RecordBatch, type Schema } from 'apache-arrow';
import { batchFromRows, streamBytes } from '../../arrow/encode.js';
import { META, POOLED_SITE, resultSchema, type ResultRow } from '../../arrow/result-schema.js';
import type { Analysis } from '../../plan/types.js';

export interface StandInSite {
  id: string;
  rows?: ResultRow[];
  /** Makes the site fail with this relayed error instead of answering. */
  error?: { code: string; message: string };
}

export interface StandInHubOptions {
  analysis: Analysis;
  /** In the order they finish. */
  sites: StandInSite[];
  pooled: ResultRow[];
  /** Steps (one per site, then pooled, then done) wait for release() instead of a timer. */
  manual?: boolean;
  delayMs?: number;
  /** When set, requests without `Authorization: Bearer <token>` get 401. */
  token?: string;
  /** Name each batch's site in its Arrow metadata (the client must also cope without). */
  batchSiteMetadata?: boolean;
  /**
   * Statistics kinds have their own columns: batches given whole (per site id and "pooled"), in this
   * schema, instead of count-shaped rows. Sites still come from `sites` (their rows are ignored).
   */
  table?: { schema: Schema; batches: Record<string, RecordBatch> };
  /** `iteration` events sent before the pooled batch, as the hub sends them while it fits. */
  iterations?: Array<{ round: number; kind: string; deviance?: number }>;
  /** The plans POSTed, in order. */
  plans?: unknown[];
  /** Answer POST /v1/queries with this error instead. */
  submitError?: { status: number; body: unknown };
}

export interface StandInHub {
  url: string;
  /** Every request seen: method, path and the Authorization header. */
  requests: Array<{ method: string; path: string; authorization?: string }>;
  /** What the server has written, in order ("batch north", "event site", "pooled", "end"). */
  log: string[];
  /** Manual mode: let the next step happen. */
  release(): void;
  close(): Promise<void>;
}

interface Query {
  id: string;
  step: number;
  createdAt: string;
  states: Record<string, Record<string, unknown>>;
  arrowChunks: Uint8Array[];
  events: string[];
  listeners: Set<() => void>;
  finished: boolean;
}

export async function startStandInHub(opts: StandInHubOptions): Promise<StandInHub> {
  const schema =
    opts.table?.schema ?? resultSchema(opts.analysis, { [META.planHash]: 'standin-hash', [META.analysis]: opts.analysis.kind });
  const [header, eos] = streamFrame(schema);
  const queries = new Map<string, Query>();
  const requests: StandInHub['requests'] = [];
  const log: string[] = [];
  const waiting: Array<() => void> = [];
  // release() before the step exists (e.g. before the query is submitted) is kept for that step.
  let credits = 0;
  let nextId = 1;

  const batchBytes = (site: string, rows: ResultRow[]): Uint8Array => {
    let batch = opts.table ? opts.table.batches[site] : batchFromRows(schema, rows);
    if (opts.batchSiteMetadata) batch = new RecordBatch(schema, batch.data, new Map([[META.site, site]]));
    const whole = streamBytes(schema, [batch]);
    return whole.subarray(header.length, whole.length - eos.length);
  };

  const publish = (q: Query, chunk?: Uint8Array, event?: [string, unknown]) => {
    if (chunk) q.arrowChunks.push(chunk);
    if (event) q.events.push(`event: ${event[0]}\r\ndata: ${JSON.stringify(event[1])}\r\n\r\n`);
    for (const l of q.listeners) l();
  };

  const advance = (q: Query) => {
    const site = opts.sites[q.step];
    if (site) {
      const state = site.error ? 'failed' : 'done';
      const rows = site.rows ?? [];
      q.states[site.id] = site.error
        ? { state, elapsedMs: 5, error: { ...site.error, site: site.id } }
        : { state, elapsedMs: 5, rows: rows.length };
      log.push(site.error ? `failed ${site.id}` : `batch ${site.id}`);
      publish(q, site.error ? undefined : batchBytes(site.id, rows), ['site', { site: site.id, ...q.states[site.id] }]);
    } else if (q.step === opts.sites.length) {
      for (const it of opts.iterations ?? []) publish(q, undefined, ['iteration', it]);
      log.push('pooled');
      publish(q, batchBytes(POOLED_SITE, opts.pooled), ['pooled', { rows: opts.pooled.length }]);
    } else {
      q.finished = true;
      log.push('end');
      publish(q, eos, ['done', statusOf(q)]);
      return;
    }
    q.step++;
    schedule(q);
  };

  const schedule = (q: Query) => {
    if (opts.manual && credits > 0) {
      credits--;
      setImmediate(() => advance(q));
    } else if (opts.manual) waiting.push(() => advance(q));
    else setTimeout(() => advance(q), opts.delayMs ?? 10);
  };

  const statusOf = (q: Query) => ({
    id: q.id,
    planHash: 'standin-hash',
    state: q.finished ? 'done' : 'running',
    createdAt: q.createdAt,
    ...(q.finished ? { finishedAt: new Date().toISOString() } : {}),
    sites: q.states,
  });

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization });
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) {
      return sendJson(res, 401, { error: { code: 'ERR_TOKEN_MISSING', message: 'sign in first' } });
    }
    void route(req, res, path).catch((err) => sendJson(res, 500, { error: { code: 'ERR_INTERNAL', message: String(err) } }));
  });

  const route = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const url = new URL(path, 'http://stand-in');
    const m = /^\/v1\/queries\/([^/]+)(\/results|\/events)?$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/v1/sites') {
      return sendJson(res, 200, { sites: opts.sites.map((s) => ({ id: s.id, url: `http://${s.id}.invalid`, status: 'up' })) });
    }
    if (req.method === 'GET' && url.pathname === '/v1/concepts/search') {
      const q = url.searchParams.get('q') ?? '';
      const concepts = [
        {
          conceptId: 4163261,
          name: 'Malignant tumor of prostate',
          domain: 'Condition',
          vocabulary: 'SNOMED',
          standard: true,
          code: '399068003',
        },
      ];
      return sendJson(res, 200, { concepts: concepts.filter((c) => c.name.toLowerCase().includes(q.toLowerCase())) });
    }
    if (req.method === 'POST' && url.pathname === '/v1/queries') {
      const body = JSON.parse(await readBody(req)) as { sites?: string[]; plan?: unknown };
      opts.plans?.push(body.plan);
      if (opts.submitError) return sendJson(res, opts.submitError.status, opts.submitError.body);
      const unknown = (body.sites ?? []).find((s) => !opts.sites.some((x) => x.id === s));
      if (unknown) return sendJson(res, 400, { error: { code: 'ERR_SITE_UNKNOWN', message: `no site "${unknown}"` } });
      const q: Query = {
        id: `q${nextId++}`,
        step: 0,
        createdAt: new Date().toISOString(),
        states: Object.fromEntries(opts.sites.map((s) => [s.id, { state: 'running' }])),
        arrowChunks: [header],
        events: [],
        listeners: new Set(),
        finished: false,
      };
      queries.set(q.id, q);
      for (const s of opts.sites) publish(q, undefined, ['site', { site: s.id, state: 'running' }]);
      schedule(q);
      return sendJson(res, 202, { id: q.id, planHash: 'standin-hash', sites: opts.sites.map((s) => s.id) });
    }
    const q = m ? queries.get(decodeURIComponent(m[1])) : undefined;
    if (!q) return sendJson(res, 404, { error: { code: 'ERR_NOT_FOUND', message: `no such route or query: ${url.pathname}` } });
    if (req.method === 'DELETE' && !m![2]) return sendJson(res, 200, statusOf(q));
    if (req.method !== 'GET') return sendJson(res, 405, { error: { code: 'ERR_BAD_REQUEST', message: 'method' } });
    if (!m![2]) return sendJson(res, 200, statusOf(q));
    if (m![2] === '/results') {
      res.writeHead(200, { 'content-type': 'application/vnd.apache.arrow.stream' });
      return follow(q, res, q.arrowChunks, (chunk) => res.write(chunk));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    // A heartbeat comment first, as the real hub sends to keep proxies from closing an idle stream.
    res.write(': heartbeat\n\n');
    return follow(q, res, q.events, (text) => res.write(text));
  };

  /** Replays what was published so far, then writes each new item as it is published. */
  const follow = <T>(q: Query, res: ServerResponse, items: T[], write: (item: T) => void) => {
    let sent = 0;
    const flush = () => {
      while (sent < items.length) write(items[sent++]);
      if (q.finished && sent === items.length) {
        q.listeners.delete(flush);
        res.end();
      }
    };
    q.listeners.add(flush);
    res.on('close', () => q.listeners.delete(flush));
    flush();
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    log,
    release: () => {
      const step = waiting.shift();
      if (step) step();
      else credits++;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The stream's schema message and end-of-stream marker, cut from a batch-less stream. */
function streamFrame(schema: Schema): [Uint8Array, Uint8Array] {
  const empty = streamBytes(schema, []);
  const eosLength = 8; // continuation marker 0xFFFFFFFF then a zero length
  return [empty.subarray(0, empty.length - eosLength), empty.subarray(empty.length - eosLength)];
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
