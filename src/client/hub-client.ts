/**
 * The hub client shared by the lab panel (browser), Node scripts and the Deno kernel: fetch and
 * apache-arrow only, so it bundles for the browser and runs unchanged in Deno.
 */
import type { Plan } from '../plan/types.js';
import { FedomopError } from '../errors.js';
import { openResultStream, type OpenResultStream } from './arrow-stream.js';
import type { FederatedResult } from './federated-result.js';
import { HubHttp, type TokenSource } from './http.js';
import { runQuery, type RunOptions } from './run.js';
import { parseSse } from './sse.js';
import type { Concept, HubEvent, HubSite, PreviewResult, QueryStatus, SiteBatch, SubmitResult } from './types.js';

export const ARROW_STREAM_MIME = 'application/vnd.apache.arrow.stream';

export interface HubClientOptions {
  baseUrl: string;
  /** A fixed token, or a function asked before every request (so a refreshed token is picked up). */
  token?: TokenSource;
  fetch?: typeof fetch;
}

export class HubClient {
  private readonly http: HubHttp;

  constructor(opts: HubClientOptions) {
    this.http = new HubHttp(opts.baseUrl, opts.token, opts.fetch);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  async sites(opts: { signal?: AbortSignal } = {}): Promise<HubSite[]> {
    const body = await this.http.json<{ sites: HubSite[] }>('/v1/sites', opts);
    return body.sites;
  }

  submit(plan: Plan, opts: { sites?: string[]; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<SubmitResult> {
    const body: Record<string, unknown> = { plan };
    if (opts.sites) body.sites = opts.sites;
    if (opts.timeoutMs !== undefined) body.timeoutMs = opts.timeoutMs;
    return this.http.json<SubmitResult>('/v1/queries', { method: 'POST', body, signal: opts.signal });
  }

  /** What each site's disclosure control would do with the plan's cells; releases, records and spends nothing. */
  preview(plan: Plan, opts: { sites?: string[]; signal?: AbortSignal } = {}): Promise<PreviewResult> {
    const body: Record<string, unknown> = { plan };
    if (opts.sites) body.sites = opts.sites;
    return this.http.json<PreviewResult>('/v1/preview', { method: 'POST', body, signal: opts.signal });
  }

  status(id: string, opts: { signal?: AbortSignal } = {}): Promise<QueryStatus> {
    return this.http.json<QueryStatus>(queryPath(id), opts);
  }

  cancel(id: string, opts: { signal?: AbortSignal } = {}): Promise<QueryStatus> {
    return this.http.json<QueryStatus>(queryPath(id), { method: 'DELETE', signal: opts.signal });
  }

  async searchConcepts(q: string, opts: { domain?: string; limit?: number; signal?: AbortSignal } = {}): Promise<Concept[]> {
    const params = new URLSearchParams({ q });
    if (opts.domain) params.set('domain', opts.domain);
    if (opts.limit !== undefined) params.set('limit', String(opts.limit));
    const body = await this.http.json<{ concepts: Concept[] }>(`/v1/concepts/search?${params}`, opts);
    return body.concepts;
  }

  /** The results stream opened, with its schema read (needed to build a table even from zero batches). */
  async openResults(id: string, opts: { signal?: AbortSignal } = {}): Promise<OpenResultStream> {
    const res = await this.http.request(`${queryPath(id)}/results`, { accept: ARROW_STREAM_MIME, signal: opts.signal });
    if (!res.body) throw new FedomopError('ERR_SITE_BAD_RESPONSE', 'hub sent no body for the results stream');
    return openResultStream(res.body);
  }

  /** Each site's batch as the hub writes it, the pooled batch last. */
  async *results(id: string, opts: { signal?: AbortSignal } = {}): AsyncGenerator<SiteBatch> {
    const { batches } = await this.openResults(id, opts);
    yield* batches;
  }

  /** Progress events (replayed from the start for late subscribers); ends after the `done` event. */
  async *events(id: string, opts: { signal?: AbortSignal } = {}): AsyncGenerator<HubEvent> {
    const res = await this.http.request(`${queryPath(id)}/events`, { accept: 'text/event-stream', signal: opts.signal });
    if (!res.body) throw new FedomopError('ERR_SITE_BAD_RESPONSE', 'hub sent no body for the event stream');
    for await (const message of parseSse(res.body)) {
      const event = toHubEvent(message.event, message.data);
      if (!event) continue;
      yield event;
      if (event.type === 'done') return;
    }
  }

  /** Submits, reports per-site progress, collects every batch, then reads the final status. */
  run(plan: Plan, opts: RunOptions = {}): Promise<FederatedResult> {
    return runQuery(this, plan, opts);
  }
}

function queryPath(id: string): string {
  return `/v1/queries/${encodeURIComponent(id)}`;
}

/** Unknown event names are skipped so a newer hub can add events without breaking older clients. */
function toHubEvent(name: string, data: string): HubEvent | undefined {
  if (name !== 'site' && name !== 'pooled' && name !== 'done' && name !== 'iteration') return undefined;
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(data) as Record<string, unknown>;
  } catch (cause) {
    throw new FedomopError('ERR_SITE_BAD_RESPONSE', `hub sent a "${name}" event that is not JSON`, {}, { cause });
  }
  if (name === 'done') return { type: 'done', status: payload as unknown as QueryStatus };
  if (name === 'pooled') return { type: 'pooled', rows: Number(payload.rows ?? 0) };
  if (name === 'iteration') {
    const { round, kind, deviance, model, iteration, modelIterations, nullIterations } = payload;
    return {
      type: 'iteration',
      round: Number(round),
      kind: String(kind ?? ''),
      ...(typeof deviance === 'number' ? { deviance } : {}),
      // A GLM's rounds say which model they fit and its own iteration.
      ...(model === 'full' || model === 'null' ? { model } : {}),
      ...(typeof iteration === 'number' ? { iteration } : {}),
      ...(typeof modelIterations === 'number' ? { modelIterations } : {}),
      ...(typeof nullIterations === 'number' ? { nullIterations } : {}),
    };
  }
  return { ...(payload as Omit<Extract<HubEvent, { type: 'site' }>, 'type'>), type: 'site' };
}
