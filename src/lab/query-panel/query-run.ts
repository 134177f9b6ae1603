/**
 * One federated query as the panel follows it: submitted to the hub, each site's state from the event
 * stream, each site's rows from the Arrow results stream the moment the hub writes them, the pooled
 * rows last, then the final status. Unlike HubClient.run (which returns once everything is in), every
 * step is visible here, because the panel shows results as sites answer.
 */
import { Signal, type ISignal } from '@lumino/signaling';
import { POOLED_SITE, type ResultRow } from '../../arrow/result-schema.js';
import { Table } from 'apache-arrow';
import {
  plainRows,
  type HubClient,
  type HubEvent,
  type HubIteration,
  type PlainRow,
  type QueryStatus,
  type SiteError,
  type SiteState,
  type SiteStatus,
} from '../../client/index.js';
import type { Plan } from '../../plan/index.js';
import { describeError } from './format.js';

export type RunPhase = 'submitting' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ISiteRow {
  site: string;
  state: SiteState;
  /** As the hub measured it, once the site finished. */
  elapsedMs?: number;
  /** Released rows, once the site's batch arrived. */
  rows: ResultRow[] | null;
  /** The same rows with every column as it came (statistics kinds have their own columns). */
  plain?: PlainRow[];
  error?: SiteError;
}

export interface IRunView {
  phase: RunPhase;
  queryId?: string;
  planHash?: string;
  /** In the order they were asked. */
  sites: ISiteRow[];
  pooled: ResultRow[] | null;
  pooledPlain?: PlainRow[];
  /** The stream's schema metadata and any a batch adds (fedomop.glm, fedomop.km: JSON strings). */
  metadata: Record<string, string>;
  /** The hub's latest round of its own iteration (GLM fit, quantile bisection). */
  iteration?: HubIteration;
  /** What went wrong with the query as a whole, in words. */
  error: string | null;
  /** The HTTP status of that failure, when the hub gave one (401: sign in again). */
  errorStatus?: number;
  /** Milliseconds since Run, when the pooled rows arrived and when the run ended. */
  pooledAfterMs?: number;
  finishedAfterMs?: number;
  startedAt: number;
}

export interface IRunRequest {
  plan: Plan;
  sites: string[];
  timeoutMs?: number;
}

/** How long to wait for the hub's `done` event after the stream ends before asking for the status. */
const DONE_GRACE_MS = 1000;
const TERMINAL: ReadonlySet<SiteState> = new Set(['done', 'failed', 'timeout', 'cancelled']);

export class QueryRun {
  private readonly _changed = new Signal<this, void>(this);
  private readonly controller = new AbortController();
  private readonly _view: IRunView;
  private doneStatus?: QueryStatus;
  /** Settles when the run is over, whatever the outcome (never rejects). */
  readonly finished: Promise<void>;

  constructor(
    private readonly hub: HubClient,
    readonly request: IRunRequest,
    private readonly now: () => number = () => Date.now(),
  ) {
    this._view = {
      phase: 'submitting',
      sites: request.sites.map((site) => ({ site, state: 'queued', rows: null })),
      pooled: null,
      metadata: {},
      error: null,
      startedAt: this.now(),
    };
    this.finished = this.execute();
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get view(): Readonly<IRunView> {
    return this._view;
  }

  get active(): boolean {
    return this._view.phase === 'submitting' || this._view.phase === 'running';
  }

  /** Stops reading, asks the hub to cancel the sites still working, and marks the run cancelled. */
  async cancel(): Promise<void> {
    if (!this.active) return;
    this.controller.abort();
    await this.finished;
  }

  private async execute(): Promise<void> {
    const { signal } = this.controller;
    const { plan, sites, timeoutMs } = this.request;
    let queryId: string | undefined;
    const stopEvents = new AbortController();
    try {
      const submitted = await this.hub.submit(plan, { sites, timeoutMs, signal });
      queryId = submitted.id;
      this.update((v) => {
        v.phase = 'running';
        v.queryId = submitted.id;
        v.planHash = submitted.planHash;
        // The hub may have resolved the site list itself (e.g. all sites); keep what it says.
        for (const s of submitted.sites)
          if (!v.sites.some((r) => r.site === s)) v.sites.push({ site: s, state: 'queued', rows: null });
      });
      const eventsDone = this.followEvents(submitted.id, stopEvents.signal);
      signal.addEventListener('abort', () => stopEvents.abort(), { once: true });
      const { schema, batches } = await this.hub.openResults(submitted.id, { signal });
      this.update((v) => {
        v.metadata = Object.fromEntries(schema.metadata);
      });
      for await (const batch of batches) {
        this.update((v) => {
          for (const [k, value] of batch.batch.metadata ?? new Map<string, string>()) v.metadata[k] ??= value;
          const plain = plainRows(new Table(batch.batch));
          if (batch.site === POOLED_SITE) {
            v.pooled = batch.rows;
            v.pooledPlain = plain;
            v.pooledAfterMs = this.now() - v.startedAt;
          } else {
            const row = this.row(v, batch.site);
            row.rows = batch.rows;
            row.plain = plain;
            if (!TERMINAL.has(row.state)) row.state = 'done';
          }
        });
      }
      await settleWithin(eventsDone, DONE_GRACE_MS);
      const status = this.doneStatus ?? (await this.hub.status(submitted.id, { signal }));
      this.update((v) => {
        this.applyStatus(v, status.sites);
        v.phase = 'done';
        v.finishedAfterMs = this.now() - v.startedAt;
        if (status.error) {
          // A rounds analysis (GLM, KM, quantiles) that failed as a whole: the hub says why.
          v.error = `The analysis failed: ${status.error.message} (${status.error.code})`;
        } else if (v.pooled === null && v.sites.every((r) => r.state !== 'done')) {
          v.error = 'No site answered, so there is no pooled result. See each site for why.';
        }
      });
    } catch (err) {
      if (signal.aborted) await this.markCancelled(queryId);
      else this.update((v) => fail(v, err));
    } finally {
      stopEvents.abort();
    }
  }

  private async followEvents(id: string, signal: AbortSignal): Promise<void> {
    try {
      for await (const event of this.hub.events(id, { signal })) this.onEvent(event);
    } catch {
      // Progress is best effort: the results stream and the final status complete the run anyway.
    }
  }

  private onEvent(event: HubEvent): void {
    this.update((v) => {
      if (event.type === 'site') {
        const row = this.row(v, event.site);
        // A batch already proved the site answered; a late "running" must not undo that.
        if (!(row.state === 'done' && !TERMINAL.has(event.state))) row.state = event.state;
        if (event.elapsedMs !== undefined) row.elapsedMs = event.elapsedMs;
        if (event.error) row.error = event.error;
      } else if (event.type === 'iteration') {
        const { type: _type, ...iteration } = event;
        v.iteration = iteration;
      } else if (event.type === 'done') {
        this.doneStatus = event.status;
        this.applyStatus(v, event.status.sites);
      }
    });
  }

  private async markCancelled(queryId: string | undefined): Promise<void> {
    let sites: Record<string, SiteStatus> | undefined;
    if (queryId) {
      try {
        sites = (await this.hub.cancel(queryId)).sites;
      } catch {
        // The hub may have finished meanwhile or be gone; the panel still shows the run as cancelled.
      }
    }
    this.update((v) => {
      if (sites) this.applyStatus(v, sites);
      for (const r of v.sites) if (!TERMINAL.has(r.state)) r.state = 'cancelled';
      v.phase = 'cancelled';
      v.finishedAfterMs = this.now() - v.startedAt;
    });
  }

  private applyStatus(v: IRunView, sites: Record<string, SiteStatus>): void {
    for (const [site, s] of Object.entries(sites)) {
      const row = this.row(v, site);
      row.state = s.state;
      if (s.elapsedMs !== undefined) row.elapsedMs = s.elapsedMs;
      if (s.error) row.error = s.error;
    }
  }

  private row(v: IRunView, site: string): ISiteRow {
    let row = v.sites.find((r) => r.site === site);
    if (!row) {
      row = { site, state: 'queued', rows: null };
      v.sites.push(row);
    }
    return row;
  }

  private update(change: (v: IRunView) => void): void {
    change(this._view);
    this._changed.emit();
  }
}

function fail(v: IRunView, err: unknown): void {
  v.phase = 'failed';
  v.error = describeError(err);
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === 'number') v.errorStatus = status;
  for (const r of v.sites) if (!TERMINAL.has(r.state)) r.state = 'failed';
}

/** Waits for `p` at most `ms`, clearing the timer so a finished run holds nothing open. */
async function settleWithin(p: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Rows of every site that answered, then the pooled rows, as plain objects with all their columns. */
export function statsRows(view: IRunView): PlainRow[] {
  return [...view.sites.flatMap((s) => s.plain ?? []), ...(view.pooledPlain ?? [])];
}
