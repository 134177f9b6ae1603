/**
 * One federated query's life: per-site progress, the encoded results stream and the event log, and
 * the readers attached to them. Everything a reader can see is appended here once and never changed,
 * so a reader that connects late is replayed exactly what an early one saw, in the same order.
 *
 * States: the query is `running` until every site has settled, then `done` (pooled batch written);
 * DELETE makes it `cancelled`: sites still running are aborted, and the results stream ends after the
 * batches already received, without a pooled batch (a pool over some sites would look complete).
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { META, resultSchema, type ResultRow } from '../arrow/result-schema.js';
import { FedomopError, type ErrorCode } from '../errors.js';
import type { Analysis } from '../plan/types.js';
import type { QueryState, QueryStatus, SiteError, SiteState, SiteStatus } from '../api/query-status.js';
import type { SiteAnswer } from './decode.js';
import { poolRows } from './pool.js';
import { owned, ResultEncoder } from './result-encoder.js';
import type { RecordBatch, Schema } from 'apache-arrow';
import { KINDS, isRoundsKind, kindSchema } from '../analysis/kinds/registry.js';
import type { CellsKindInfo } from '../analysis/kinds/cells-info.js';

export type { QueryState, QueryStatus, SiteError, SiteState, SiteStatus } from '../api/query-status.js';

/** A reader of the Arrow results stream; `end` means no more chunks will come. */
export type ResultSink = (chunks: Buffer[], end: boolean) => void;
/** A reader of the SSE event log; `text` is whole frames. */
export type EventSink = (text: string, end: boolean) => void;

interface SiteRun {
  status: SiteStatus;
  /** Aborted by cancel(); once the query has finished, the shared FINISHED. */
  controller: AbortController;
  t0?: number;
  rows?: ResultRow[];
}

/** What a finished query's site signal is: aborted, as nothing may run for it any more. */
const FINISHED = new AbortController();
FINISHED.abort(new FedomopError('ERR_QUERY_CANCELLED', 'the query has finished'));

const SETTLED: ReadonlySet<SiteState> = new Set(['done', 'failed', 'timeout', 'cancelled']);

function stateFor(code: ErrorCode): SiteState {
  if (code === 'ERR_SITE_TIMEOUT') return 'timeout';
  if (code === 'ERR_QUERY_CANCELLED') return 'cancelled';
  return 'failed';
}

function toSiteError(site: string, err: FedomopError): SiteError {
  const out: SiteError = { code: err.code, message: err.message, site };
  if (Array.isArray(err.details.problems)) out.problems = err.details.problems;
  // The group a site's policy wants (ERR_NOT_ENTITLED), so the researcher knows what to ask for.
  if (typeof err.details.group === 'string') out.group = err.details.group;
  if (typeof err.details.incident === 'string') out.incident = err.details.incident;
  // A disclosure refusal names the earlier release; a rate limit says when to retry.
  for (const key of ['earlierPlanHash', 'earlierCell', 'cell', 'retryAfterSeconds', 'rule'] as const)
    if (err.details[key] !== undefined) Object.assign(out, { [key]: err.details[key] });
  return out;
}

const ms = (t0: number): number => Math.round((performance.now() - t0) * 10) / 10;

export class Query {
  state: QueryState = 'running';
  /** Who submitted it (the caller's user key, src/auth/user.ts); only they may read or cancel it. */
  owner?: string;
  readonly createdAt = new Date().toISOString();
  finishedAt?: string;
  /** Date.now() at finish, for TTL eviction. */
  finishedAtMs?: number;

  private readonly runs = new Map<string, SiteRun>();
  private encoderInstance?: ResultEncoder;
  /** The results stream so far after the schema message: one message per batch, then (once ended) EOS. */
  private chunks: Buffer[] = [];
  private ended = false;
  private frames: string[] = [];
  /** Once finished (compact()): the whole results stream in one Buffer, the event log in one string. */
  private stream?: Buffer;
  private events?: { text: string; starts: number[] };
  private eventSeq = 0;
  private byteCount = 0;
  private readonly resultSinks = new Set<ResultSink>();
  private readonly finishedListeners: Array<() => void> = [];
  private readonly eventSinks = new Set<EventSink>();
  /**
   * Kinds the hub runs in rounds (summary, histogram, glm, km) hold the results stream back until
   * the analysis is done: the schema message carries the fit, grid or test in its metadata, and
   * Arrow writes the schema first. Readers attached before then get everything at the end.
   */
  readonly deferred: boolean;
  private readonly pendingSinks = new Set<ResultSink>();
  private readonly pooledMetadata: CellsKindInfo<never>['pooledMetadata'];

  constructor(
    readonly id: string,
    readonly planHash: string,
    readonly analysis: Analysis,
    readonly siteIds: string[],
  ) {
    for (const site of siteIds) this.runs.set(site, { status: { state: 'queued' }, controller: new AbortController() });
    // Metadata known only once pooled (a two-way crosstab's chi-square test) holds the stream back too.
    this.pooledMetadata = KINDS[analysis.kind].cells?.pooledMetadata;
    this.deferred = isRoundsKind(analysis.kind) || this.pooledMetadata?.applies(analysis as never) === true;
  }

  /** The schema message readers get: the encoder's, or one with metadata known only at the end. */
  private headerOverride?: Buffer;
  private get header(): Buffer {
    return this.headerOverride ?? this.encoder.header;
  }

  /** Rounds kinds: a site failed (or refused) in some round; it takes no part in what follows. */
  failSite(site: string, err: FedomopError): void {
    const run = this.run(site);
    if (SETTLED.has(run.status.state) || this.finished) return;
    this.finishRun(run, stateFor(err.code), { error: toSiteError(site, err) });
    this.emit([this.siteFrame(site, run)], [], false);
  }

  /** Rounds kinds: progress of the hub's iteration (GLM steps, bisection rounds, grid rounds). */
  iteration(data: Record<string, unknown>): void {
    if (this.finished) return;
    this.emit([this.frame('iteration', data)], [], false);
  }

  /**
   * Rounds kinds: the analysis is done. `schema` carries its metadata; `perSite` are the per-site
   * batches (in site order), `pooled` the pooled one (absent when nothing could be pooled); sites
   * still running are marked done with their row counts. `error` fails the query's analysis as a
   * whole (e.g. a GLM whose site refused), shown in the final status.
   */
  finishRounds(
    schema: Schema,
    perSite: Array<[string, RecordBatch]>,
    pooled: RecordBatch | undefined,
    error?: FedomopError,
  ): void {
    if (this.finished) return;
    const frames: string[] = [];
    for (const [site, run] of this.runs) {
      if (SETTLED.has(run.status.state)) continue;
      const rows = perSite.find(([s]) => s === site)?.[1].numRows ?? 0;
      this.finishRun(run, 'done', { rows });
      frames.push(this.siteFrame(site, run));
    }
    this.encoderInstance = new ResultEncoder(schema);
    const chunks: Buffer[] = perSite.map(([, b]) => this.encoder.encodeBatch(b));
    if (pooled) {
      chunks.push(this.encoder.encodeBatch(pooled));
      frames.push(this.frame('pooled', { rows: pooled.numRows }));
    }
    if (error) {
      this.analysisError = {
        code: error.code,
        message: error.message,
        ...(error.details.site !== undefined && { site: String(error.details.site) }),
        ...(error.details.rule !== undefined && { rule: String(error.details.rule) }),
      };
      frames.push(this.frame('error', this.analysisError));
    }
    this.finish('done', chunks, frames);
  }

  /** Why a rounds analysis produced no pooled result, when it failed as a whole. */
  analysisError?: { code: string; message: string; site?: string; rule?: string };

  get finished(): boolean {
    return this.state !== 'running';
  }

  /** Told once when the query is done or cancelled (the store, the audit log). */
  onFinished(listener: () => void): void {
    if (this.finished) listener();
    else this.finishedListeners.push(listener);
  }

  /** The signal cancel() aborts for this site, also while its call still waits for a slot. */
  siteSignal(site: string): AbortSignal {
    return this.run(site).controller.signal;
  }

  /** Tells readers that this site's call waits for a free slot at the site (status stays `queued`). */
  queueSite(site: string): void {
    const run = this.run(site);
    if (run.status.state !== 'queued' || this.finished) return;
    this.emit([this.siteFrame(site, run)], [], false);
  }

  /**
   * The scheduler stopped this site's running call to let another caller's query go first; it waits
   * for a slot again (`queued`), and its start and elapsed time will count from its next start.
   */
  requeueSite(site: string): void {
    const run = this.run(site);
    if (SETTLED.has(run.status.state) || this.finished) return;
    run.t0 = undefined;
    run.status = { state: 'queued' };
    this.emit([this.siteFrame(site, run)], [], false);
  }

  /**
   * Rounds kinds: this site's next round waits for a free slot at the site (`queued`), or has one
   * (`running`; the site's start time and elapsed time count from its first round).
   */
  roundSlot(site: string, waiting: boolean): void {
    const run = this.run(site);
    if (SETTLED.has(run.status.state) || this.finished) return;
    const state = waiting ? 'queued' : 'running';
    if (run.status.state === state && run.t0 !== undefined) return;
    if (!waiting && run.t0 === undefined) {
      run.t0 = performance.now();
      run.status = { state, startedAt: new Date().toISOString() };
    } else run.status = { ...run.status, state };
    this.emit([this.siteFrame(site, run)], [], false);
  }

  /** Marks a site running and hands out the signal that cancel() will abort. */
  startSite(site: string): AbortController {
    const run = this.run(site);
    run.t0 = performance.now();
    run.status = { state: 'running', startedAt: new Date().toISOString() };
    this.emit([this.siteFrame(site, run)], [], false);
    return run.controller;
  }

  /** Records a site's answer or failure. Late outcomes (after cancel) are ignored. */
  settleSite(site: string, outcome: SiteAnswer | FedomopError): void {
    const run = this.run(site);
    if (SETTLED.has(run.status.state) || this.finished) return;
    const chunks: Buffer[] = [];
    if (outcome instanceof FedomopError) {
      this.finishRun(run, stateFor(outcome.code), { error: toSiteError(site, outcome) });
    } else {
      run.rows = outcome.rows;
      this.finishRun(run, 'done', { rows: outcome.rows.length, provenance: outcome.provenance });
      // The site's own batch when it can go out as it came (src/hub/ipc-messages.ts); encoding it
      // again cost the event loop as much as decoding it.
      chunks.push(outcome.batch ? owned(outcome.batch) : this.encoder.encode(outcome.rows));
    }
    const frames = [this.siteFrame(site, run)];
    if ([...this.runs.values()].every((r) => SETTLED.has(r.status.state))) {
      const answered = [...this.runs.values()].filter((r) => r.status.state === 'done');
      // With no site answering there is nothing to pool: an empty pooled batch would read as one more
      // site that released nothing.
      if (answered.length > 0) {
        const pooled = poolRows(
          this.analysis,
          answered.flatMap((r) => r.rows ?? []),
        );
        // Encoded already; the finished query keeps bytes, not row objects.
        for (const r of answered) r.rows = undefined;
        chunks.push(this.encoder.encode(pooled));
        if (this.pooledMetadata?.applies(this.analysis as never)) {
          // Record batch messages do not depend on schema metadata: the same batches follow a
          // schema message that also carries the test.
          this.headerOverride = new ResultEncoder(
            resultSchema(this.analysis, { ...this.baseMeta(), ...this.pooledMetadata.of(this.analysis as never, pooled) }),
          ).header;
        }
        frames.push(this.frame('pooled', { rows: pooled.length }));
      }
      this.finish('done', chunks, frames);
      return;
    }
    this.emit(frames, chunks, false);
  }

  /** Aborts every site still running; no pooled batch. A finished query is left as it is. */
  cancel(message = 'cancelled by the caller'): void {
    if (this.finished) return;
    const frames: string[] = [];
    for (const [site, run] of this.runs) {
      if (SETTLED.has(run.status.state)) continue;
      const err = new FedomopError('ERR_QUERY_CANCELLED', message, { site });
      this.finishRun(run, 'cancelled', { error: toSiteError(site, err) });
      run.controller.abort(err);
      frames.push(this.siteFrame(site, run));
    }
    this.finish('cancelled', [], frames);
  }

  status(): QueryStatus {
    const sites: Record<string, SiteStatus> = {};
    for (const [site, run] of this.runs) sites[site] = run.status;
    const out: QueryStatus = { id: this.id, planHash: this.planHash, state: this.state, createdAt: this.createdAt, sites };
    if (this.finishedAt) out.finishedAt = this.finishedAt;
    if (this.analysisError) out.error = this.analysisError;
    return out;
  }

  /** SHA-256 (hex) of the results stream so far — at finish, of everything released to the caller. */
  releasedDigest(): string {
    const h = createHash('sha256');
    for (const c of this.streamSoFar()) h.update(c);
    return h.digest('hex');
  }

  /** The results stream so far: the schema message and each batch, or (finished) all of it in one. */
  private streamSoFar(): Buffer[] {
    return this.stream ? [this.stream] : [this.header, ...this.chunks];
  }

  /** Builds the results writer now (see `encoder`); called once the site calls are on their way. */
  prepare(): void {
    if (!isRoundsKind(this.analysis.kind) && !this.finished) void this.encoder;
  }

  /** Replays the results stream so far into `sink`, then feeds it live; returns the unsubscribe. */
  subscribeResults(sink: ResultSink): () => void {
    if (this.deferred && !this.ended) {
      this.pendingSinks.add(sink);
      return () => this.pendingSinks.delete(sink);
    }
    sink(this.streamSoFar(), this.ended);
    if (this.ended) return () => {};
    this.resultSinks.add(sink);
    return () => this.resultSinks.delete(sink);
  }

  /** Same for the event log; `afterId` skips events a reconnecting client has (SSE Last-Event-ID). */
  subscribeEvents(sink: EventSink, afterId = 0): () => void {
    if (this.events) {
      const { text, starts } = this.events;
      sink(afterId < starts.length ? text.slice(starts[Math.max(0, afterId)]) : '', true);
      return () => {};
    }
    sink(this.frames.slice(Math.max(0, afterId)).join(''), this.finished);
    if (this.finished) return () => {};
    this.eventSinks.add(sink);
    return () => this.eventSinks.delete(sink);
  }

  /**
   * Made after the constructor (prepare(), or first use): building the schema and writer takes a
   * visible slice of a tiny query's time, which should be spent while the sites work, not before the
   * site calls go out.
   */
  private get encoder(): ResultEncoder {
    const meta = this.baseMeta();
    return (this.encoderInstance ??= new ResultEncoder(
      isRoundsKind(this.analysis.kind) ? kindSchema(this.analysis, meta) : resultSchema(this.analysis, meta),
    ));
  }

  private baseMeta(): Record<string, string> {
    return {
      [META.planHash]: this.planHash,
      [META.analysis]: JSON.stringify(this.analysis),
      [META.sites]: JSON.stringify(this.siteIds),
    };
  }

  private run(site: string): SiteRun {
    const run = this.runs.get(site);
    if (!run) throw new Error(`site ${site} is not part of query ${this.id}`);
    return run;
  }

  private finishRun(run: SiteRun, state: SiteState, extra: Partial<SiteStatus>): void {
    const status: SiteStatus = { state };
    if (run.status.startedAt) status.startedAt = run.status.startedAt;
    status.finishedAt = new Date().toISOString();
    if (run.t0 !== undefined) status.elapsedMs = ms(run.t0);
    run.status = { ...status, ...extra };
  }

  private finish(state: QueryState, chunks: Buffer[], frames: string[]): void {
    this.state = state;
    this.finishedAtMs = Date.now();
    this.finishedAt = new Date(this.finishedAtMs).toISOString();
    chunks.push(this.encoder.end());
    frames.push(this.frame('done', this.status()));
    // Counted before the listeners, so the store weighs the query with its last batch.
    this.count(frames, chunks);
    // Listeners first: the audit line is written before any reader sees the end.
    for (const listener of this.finishedListeners.splice(0)) listener();
    this.emit(frames, chunks, true, false);
    this.compact();
  }

  /**
   * A finished query is only read from now on, for as long as the store keeps it (up to
   * `query_ttl_s`, up to `max_queries` of them), so it keeps what readers get and nothing else: the
   * results stream in one Buffer (one allocation of its own instead of one per message), the event
   * log in one flat string with where each event starts (instead of each frame's tree of string
   * pieces), and it lets go of the Arrow writer with its schema and of the per-site abort
   * controllers. Holding those made a finished query weigh ~16 KiB of heap, four times the bytes the
   * store counted for it, and the store filling up to its bound was most of the hub's RSS growth in
   * a soak's first minutes (issue 11; bench/query-footprint.ts, docs/hardening.md).
   */
  private compact(): void {
    const parts = this.streamSoFar();
    const stream = Buffer.allocUnsafeSlow(parts.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of parts) {
      stream.set(c, at);
      at += c.length;
    }
    this.stream = stream;
    this.chunks = [];
    this.encoderInstance = undefined;
    this.headerOverride = undefined;
    const starts: number[] = [];
    let offset = 0;
    for (const f of this.frames) {
      starts.push(offset);
      offset += f.length;
    }
    // join() makes one flat string; the frames were each a tree of the pieces they were built from.
    this.events = { text: this.frames.join(''), starts };
    this.frames = [];
    for (const run of this.runs.values()) run.controller = FINISHED;
  }

  /** What this query holds for late readers: results bytes and event text (UTF-16 length, close enough). */
  get bytes(): number {
    return this.byteCount;
  }

  private count(frames: string[], chunks: Buffer[]): void {
    for (const f of frames) this.byteCount += f.length;
    for (const c of chunks) this.byteCount += c.length;
  }

  private emit(frames: string[], chunks: Buffer[], end: boolean, count = true): void {
    this.frames.push(...frames);
    this.chunks.push(...chunks);
    if (count) this.count(frames, chunks);
    if (end) this.ended = true;
    if (chunks.length > 0 || end) for (const sink of this.resultSinks) sink(chunks, end);
    const text = frames.join('');
    for (const sink of this.eventSinks) sink(text, end);
    if (end && this.pendingSinks.size > 0) {
      const all = [this.header, ...this.chunks];
      for (const sink of this.pendingSinks) sink(all, true);
      this.pendingSinks.clear();
    }
    if (end) {
      this.resultSinks.clear();
      this.eventSinks.clear();
    }
  }

  private siteFrame(site: string, run: SiteRun): string {
    const { state, elapsedMs, rows, error } = run.status;
    const data: Record<string, unknown> = { site, state };
    if (elapsedMs !== undefined) data.elapsedMs = elapsedMs;
    if (rows !== undefined) data.rows = rows;
    if (error) data.error = error;
    return this.frame('site', data);
  }

  /**
   * SSE frame. Ids count from 1 and frames are stored in creation order, so frame i has id i + 1 and
   * Last-Event-ID n means "replay from index n".
   */
  private frame(event: string, data: unknown): string {
    return `id: ${++this.eventSeq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  }
}
