/**
 * TEST STAND-INS for sites, used only by the hub's specs: tiny node:http servers that speak the site's
 * HTTP contract (docs/http-api.md, Site) with real Arrow bytes made by the shared encoder, and that can
 * misbehave on purpose (hang, fail, send garbage, die mid-answer). They are not the site service
 * (src/site/); the end-to-end test against real sites lives in test/.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { batchFromRows, streamBytes } from '../arrow/encode.js';
import { META, resultSchema, type ResultRow } from '../arrow/result-schema.js';
import type { Analysis, Plan } from '../plan/types.js';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ExecuteContext {
  site: string;
  plan: Plan;
  req: IncomingMessage;
  res: ServerResponse;
}

export type Execute = (ctx: ExecuteContext) => void | Promise<void>;

export interface StandInSite {
  id: string;
  url: string;
  seen: SeenRequest[];
  /** Resolves when a /v1/execute request is closed by the hub before this stand-in answered it. */
  executeAborted: Promise<void>;
  close(): Promise<void>;
}

export const exact = (n: number) => ({ value: n, lower: n, upper: n, suppressed: false });
export const hidden = (lower: number, upper: number) => ({ value: null, lower, upper, suppressed: true });

export function arrowAnswer(
  site: string,
  analysis: Analysis,
  rows: ResultRow[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const schema = resultSchema(analysis, {
    [META.site]: site,
    [META.cdmVersion]: '5.4',
    [META.vocabularyVersion]: 'v5.0 TEST',
    ...metadata,
  });
  return streamBytes(schema, [batchFromRows(schema, rows)]);
}

/** Answers with these rows (site column filled in). */
export const answers =
  (rows: Array<Omit<ResultRow, 'site'>>, metadata?: Record<string, string>): Execute =>
  ({ site, plan, res }) => {
    const bytes = arrowAnswer(
      site,
      plan.analysis,
      rows.map((r) => ({ ...r, site })),
      metadata,
    );
    res.writeHead(200, { 'content-type': 'application/vnd.apache.arrow.stream' });
    res.end(bytes);
  };

export const jsonError =
  (status: number, code: string, message: string): Execute =>
  ({ res }) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code, message } }));
  };

export const garbage: Execute = ({ res }) => {
  res.writeHead(200, { 'content-type': 'application/vnd.apache.arrow.stream' });
  res.end('this is not an Arrow stream at all');
};

/** Never answers: for timeouts and cancellation. */
export const hangs: Execute = () => {};

/** Starts the answer, then drops the connection halfway through the body. */
export const diesMidAnswer: Execute = ({ site, plan, res }) => {
  const bytes = arrowAnswer(site, plan.analysis, [{ site, dims: {}, measures: { persons: exact(1), events: exact(1) } }]);
  res.writeHead(200, { 'content-type': 'application/vnd.apache.arrow.stream', 'content-length': String(bytes.length) });
  res.write(bytes.subarray(0, bytes.length >> 1), () => res.socket?.destroy());
};

/** Waits for `gate` before behaving like `then`. */
export const after =
  (gate: Promise<unknown>, then: Execute): Execute =>
  async (ctx) => {
    await gate;
    await then(ctx);
  };

export const INFO = (site: string) => ({
  site,
  name: `${site} stand-in`,
  cdmVersion: '5.4',
  vocabularyVersion: 'v5.0 TEST',
  dialect: 'duckdb',
  minCellCount: 5,
  analyses: ['count', 'crosstab'],
  planVersion: 1,
  // Not part of the contract: the hub must not pass it on.
  internalDsn: 'postgres://secret@db/omop',
});

export interface StandInOptions {
  /** /v1/info answers only this Authorization header (401 otherwise), as a site guarding it would. */
  infoAuthorization?: string;
}

export async function startStandInSite(id: string, execute: Execute, opts: StandInOptions = {}): Promise<StandInSite> {
  const seen: SeenRequest[] = [];
  let markAborted!: () => void;
  const executeAborted = new Promise<void>((resolve) => (markAborted = resolve));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', path, headers: req.headers, body });
      if (path === '/v1/info' && opts.infoAuthorization !== undefined && req.headers.authorization !== opts.infoAuthorization) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'ERR_TOKEN_INVALID', message: 'token refused by the stand-in' } }));
      } else if (path === '/v1/info') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(INFO(id)));
      } else if (path.startsWith('/v1/concepts/search')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const concept = {
          conceptId: 4112853,
          name: `asked ${id} for ${path}`,
          domain: 'Condition',
          vocabulary: 'SNOMED',
          standard: true,
          code: '372064008',
          extra: 1,
        };
        res.end(JSON.stringify({ concepts: [concept] }));
      } else if (path === '/v1/execute' && req.method === 'POST') {
        res.on('close', () => {
          if (!res.writableFinished) markAborted();
        });
        void execute({ site: id, plan: JSON.parse(body) as Plan, req, res });
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'ERR_NOT_FOUND', message: 'no such route' } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    id,
    url: `http://127.0.0.1:${port}`,
    seen,
    executeAborted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on which nothing listens: a port that was just bound and released. */
export async function refusedUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * A flood's crosstabs held at a gate: each call waits for `open()` and then answers one exact cell.
 * `third` settles once three calls have arrived (a site's slots, less the one the hub keeps back,
 * are all taken); `calls()` says how many arrived in all.
 */
export function gatedFlood() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let arrived = 0;
  let thirdArrived!: () => void;
  const third = new Promise<void>((resolve) => (thirdArrived = resolve));
  const answer = after(
    gate,
    answers([{ dims: { gender: 'FEMALE', index_year: 2019 }, measures: { persons: exact(10), events: exact(12) } }]),
  );
  const execute: Execute = (ctx) => {
    if (++arrived === 3) thirdArrived();
    return answer(ctx);
  };
  return { execute, open: () => open(), third, calls: () => arrived };
}
