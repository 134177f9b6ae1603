/**
 * HubClient.run: submit, follow events for progress while collecting the Arrow stream, then read the
 * final status. The results stream is the source of truth for data; events only drive progress, so a
 * hub (or proxy) that cannot stream SSE still yields a complete result.
 */
import type { Plan } from '../plan/types.js';
import { FedomopError } from '../errors.js';
import { POOLED_SITE } from '../arrow/result-schema.js';
import { buildFederatedResult, type FederatedResult } from './federated-result.js';
import type { HubClient } from './hub-client.js';
import type { HubEvent, ProgressSnapshot, QueryStatus, SiteBatch, SiteStatus, SubmitResult } from './types.js';

export interface RunOptions {
  sites?: string[];
  timeoutMs?: number;
  /** Called with every site's state on each change (and once at the start, all queued). */
  onProgress?: (snapshot: ProgressSnapshot, event?: HubEvent) => void;
  /** Aborting cancels the query at the hub and rejects with ERR_QUERY_CANCELLED. */
  signal?: AbortSignal;
}

/** How long to wait for the `done` event after the last batch before reading status directly. */
const EVENTS_GRACE_MS = 1000;

const TERMINAL = new Set(['done', 'failed', 'timeout', 'cancelled']);

export async function runQuery(client: HubClient, plan: Plan, opts: RunOptions): Promise<FederatedResult> {
  const { signal } = opts;
  signal?.throwIfAborted();
  const submitted = await client.submit(plan, { sites: opts.sites, timeoutMs: opts.timeoutMs, signal });
  const progress = new ProgressTracker(submitted, opts.onProgress);
  progress.emit();

  const stopEvents = new AbortController();
  const onAbort = () => stopEvents.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const eventsEnded = followEvents(client, submitted.id, progress, stopEvents.signal);

  const received: SiteBatch[] = [];
  try {
    const { schema, batches } = await client.openResults(submitted.id, { signal });
    for await (const b of batches) {
      received.push(b);
      progress.onBatch(b);
    }
    await settleWithin(eventsEnded, EVENTS_GRACE_MS);
    stopEvents.abort();
    let status = await client.status(submitted.id, { signal });
    // The hub may mark the query done a moment after the stream ends; its own done event is final.
    if (status.state === 'running' && progress.doneStatus) status = progress.doneStatus;
    progress.onStatus(status);
    progress.rethrowCallbackError();
    return buildFederatedResult(submitted, schema, received, status);
  } catch (err) {
    if (signal?.aborted) {
      await client.cancel(submitted.id).catch(() => undefined);
      throw new FedomopError(
        'ERR_QUERY_CANCELLED',
        `query ${submitted.id} was cancelled`,
        { queryId: submitted.id },
        {
          cause: signal.reason,
        },
      );
    }
    throw err;
  } finally {
    stopEvents.abort();
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Waits for `p` at most `ms`; the timer is cleared so a finished run does not hold the event loop. */
async function settleWithin(p: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

async function followEvents(client: HubClient, id: string, progress: ProgressTracker, signal: AbortSignal): Promise<void> {
  try {
    for await (const event of client.events(id, { signal })) progress.onEvent(event);
  } catch {
    // Progress is best effort: the results stream and the final status still complete the run.
  }
}

class ProgressTracker {
  private readonly snapshot: ProgressSnapshot;
  doneStatus?: QueryStatus;
  private callbackError?: { error: unknown };

  constructor(
    submitted: SubmitResult,
    private readonly onProgress?: RunOptions['onProgress'],
  ) {
    const sites: Record<string, SiteStatus> = {};
    for (const s of submitted.sites) sites[s] = { state: 'queued' };
    this.snapshot = { queryId: submitted.id, sites, done: false };
  }

  onEvent(event: HubEvent): void {
    if (event.type === 'site') {
      const { type: _type, site, ...rest } = event;
      this.snapshot.sites[site] = { ...this.snapshot.sites[site], ...rest };
    } else if (event.type === 'pooled') {
      this.snapshot.pooledRows = event.rows;
    } else if (event.type === 'iteration') {
      const { type: _type, ...iteration } = event;
      this.snapshot.iteration = iteration;
    } else {
      this.doneStatus = event.status;
      Object.assign(this.snapshot.sites, event.status.sites);
    }
    this.emit(event);
  }

  /** A batch proves its site answered even when events lag behind or never arrive. */
  onBatch(b: SiteBatch): void {
    if (b.site === POOLED_SITE) {
      this.snapshot.pooledRows = b.rows.length;
    } else {
      const current = this.snapshot.sites[b.site];
      if (current && TERMINAL.has(current.state)) return;
      this.snapshot.sites[b.site] = { ...current, state: 'done', rows: b.rows.length };
    }
    this.emit();
  }

  onStatus(status: QueryStatus): void {
    Object.assign(this.snapshot.sites, status.sites);
    this.snapshot.done = true;
    this.emit();
  }

  emit(event?: HubEvent): void {
    if (!this.onProgress || this.callbackError) return;
    try {
      this.onProgress(structuredClone(this.snapshot), event);
    } catch (error) {
      // Kept and rethrown at the end: a throwing callback must not look like a lost event stream.
      this.callbackError = { error };
    }
  }

  rethrowCallbackError(): void {
    if (this.callbackError) throw this.callbackError.error;
  }
}
