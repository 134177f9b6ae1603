/** Test-only helpers for talking to a hub over real HTTP, as a client would. */
import http from 'node:http';
import { RecordBatchReader, type Schema } from 'apache-arrow';
import { rowsFromBatch } from '../arrow/encode.js';
import type { ResultRow } from '../arrow/result-schema.js';
import type { Plan } from '../plan/types.js';
import type { QueryStatus } from './query.js';
import { startHub, type RunningHub, type StartHubOptions } from './server.js';
import type { StandInSite } from './stand-in-site.spec-util.js';

export const PLAN: Plan = {
  version: 1,
  cohort: {
    ConceptSets: [
      { id: 0, name: 'prostate cancer', expression: { items: [{ concept: { CONCEPT_ID: 4163261 }, includeDescendants: true }] } },
    ],
    PrimaryCriteria: {
      CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }],
      ObservationWindow: { PriorDays: 0, PostDays: 0 },
      PrimaryCriteriaLimit: { Type: 'First' },
    },
  },
  analysis: { kind: 'crosstab', by: ['gender', 'index_year'] },
};

export const COUNT_PLAN: Plan = { ...PLAN, analysis: { kind: 'count' } };

interface Cleanup {
  after(fn: () => unknown): void;
}

/** A hub on an ephemeral loopback port over the given stand-ins (or raw site URLs), closed after the test. */
export async function hubFor(
  t: Cleanup,
  sites: Array<StandInSite | { id: string; url: string }>,
  extra: Partial<StartHubOptions> = {},
): Promise<RunningHub> {
  const hub = await startHub({ port: 0, sites: sites.map((s) => ({ id: s.id, url: s.url })), ...extra });
  t.after(() => hub.close());
  for (const s of sites) if ('close' in s) t.after(() => s.close());
  return hub;
}

export async function postQuery(
  hub: RunningHub,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: { id: string; planHash: string; sites: string[]; error?: Record<string, unknown> } }> {
  const res = await fetch(`${hub.url}/v1/queries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

export async function getJson<T = Record<string, unknown>>(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; json: T }> {
  const res = await fetch(url, init);
  return { status: res.status, json: (await res.json()) as T };
}

export interface ReceivedBatch {
  site: string | undefined;
  rows: ResultRow[];
}

/**
 * Reads a results stream batch by batch as the bytes arrive; `onBatch` runs for each one before the
 * next is read, so a test can react to an early batch while later ones are still being computed.
 */
export async function readResults(
  hub: RunningHub,
  id: string,
  onBatch: (batch: ReceivedBatch) => void = () => {},
): Promise<{ schema: Schema; batches: ReceivedBatch[]; contentType: string | undefined }> {
  const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get(`${hub.url}/v1/queries/${id}/results`, resolve).on('error', reject),
  );
  if (res.statusCode !== 200) throw new Error(`results answered ${res.statusCode}`);
  const reader = await RecordBatchReader.from(res);
  await reader.open();
  // Read now: the reader lets go of its schema once the stream is exhausted.
  const schema = reader.schema;
  const batches: ReceivedBatch[] = [];
  for await (const batch of reader) {
    const rows = rowsFromBatch(batch);
    const received = { site: rows[0]?.site, rows };
    batches.push(received);
    onBatch(received);
  }
  return { schema, batches, contentType: res.headers['content-type'] };
}

export async function resultBytes(hub: RunningHub, id: string): Promise<Buffer> {
  const res = await fetch(`${hub.url}/v1/queries/${id}/results`);
  return Buffer.from(await res.arrayBuffer());
}

export interface SseEvent {
  id: string;
  event: string;
  data: unknown;
}

export function parseSse(text: string): { events: SseEvent[]; comments: string[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  for (const block of text.split('\n\n')) {
    if (!block.trim()) continue;
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else {
        const i = line.indexOf(': ');
        fields[line.slice(0, i)] = line.slice(i + 2);
      }
    }
    if (fields.event) events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
  }
  return { events, comments };
}

/** The whole event stream; resolves when the hub ends it (after `done`). */
export async function readEvents(
  hub: RunningHub,
  id: string,
  headers: Record<string, string> = {},
): Promise<{ events: SseEvent[]; contentType: string | null }> {
  const res = await fetch(`${hub.url}/v1/queries/${id}/events`, { headers });
  return { events: parseSse(await res.text()).events, contentType: res.headers.get('content-type') };
}

/** Waits (without polling) until the query has finished, and returns its final status. */
export async function finalStatus(hub: RunningHub, id: string): Promise<QueryStatus> {
  const { events } = await readEvents(hub, id);
  const done = events.at(-1);
  if (done?.event !== 'done') throw new Error('event stream ended without done');
  const { json } = await getJson<QueryStatus>(`${hub.url}/v1/queries/${id}`);
  return json;
}

/**
 * Opens a streaming GET and resolves once the response headers are in (the hub has registered the
 * reader), with the whole body still to come; so a test can make things happen while it is live.
 */
export async function openStream(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Promise<Buffer> }> {
  const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get(url, { headers }, resolve).on('error', reject),
  );
  const body = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
  return { status: res.statusCode ?? 0, body };
}
