/**
 * Live counts for the cohort being built: each edit (re)starts a timer; when the researcher pauses
 * (600 ms by default, a setting) the expression goes to the hub as an `attrition` plan, and the run
 * before it is cancelled — its reading stops and the hub gets `DELETE /v1/queries/{id}` — so sites
 * never work on a cohort that is no longer on screen. The counts of the last finished run stay
 * visible while the next one loads (no layout jumps); `stale` says they are from an earlier edit.
 */
import { Signal, type ISignal } from '@lumino/signaling';
import type { HubClient } from '../../client/index.js';
import type { CirceExpression } from '../../circe/types.js';
import type { Plan } from '../../plan/index.js';
import { attritionTable, type IAttritionTable } from '../query-panel/attrition-table.js';
import { QueryRun } from '../query-panel/query-run.js';

export interface ILiveCountsOptions {
  hub: () => HubClient | null;
  /** Sites to ask (empty: every site the hub lists as up, asked once per run). */
  sites: () => string[];
  delayMs?: number;
  timeoutMs?: () => number | undefined;
}

export type CountsPhase = 'idle' | 'waiting' | 'running' | 'done' | 'failed';

export class LiveCounts {
  private readonly _changed = new Signal<this, void>(this);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private _run: QueryRun | null = null;
  private _shown: QueryRun | null = null;
  private _phase: CountsPhase = 'idle';
  private _enabled = true;
  private _pending: CirceExpression | null = null;
  private _hint: string | null = null;
  private ticket = 0;
  /** How many runs were cancelled because a newer edit came (for the spec and the status line). */
  cancelled = 0;

  constructor(private readonly options: ILiveCountsOptions) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get phase(): CountsPhase {
    return this._phase;
  }
  /** The run whose counts are on screen: the last one with results, until the next one has some. */
  get shown(): QueryRun | null {
    return this._shown;
  }
  get current(): QueryRun | null {
    return this._run;
  }
  /** Counts on screen are from an earlier version of the cohort. */
  get stale(): boolean {
    return this._shown !== null && (this._shown !== this._run || this._phase === 'waiting');
  }
  /** Why there are no counts (no hub, cohort not valid yet), in words. */
  get hint(): string | null {
    return this._hint;
  }
  get enabled(): boolean {
    return this._enabled;
  }
  get table(): IAttritionTable {
    const v = this._shown?.view;
    return v ? attritionTable(v.sites, v.pooled) : { columns: [], steps: [] };
  }

  setEnabled(on: boolean): void {
    this._enabled = on;
    if (!on) {
      clearTimeout(this.timer);
      void this.stop();
      this._phase = 'idle';
      this._changed.emit();
    } else if (this._pending) this.schedule(this._pending, null);
  }

  /** The cohort changed: count it after the pause, or say why not (`problem`: it is not valid yet). */
  schedule(expression: CirceExpression | null, problem: string | null): void {
    clearTimeout(this.timer);
    this.ticket++;
    this._pending = expression;
    if (!expression || problem) {
      this._hint = problem ?? 'No cohort to count.';
      void this.stop();
      this._phase = 'idle';
      this._changed.emit();
      return;
    }
    this._hint = null;
    if (!this._enabled) return;
    this._phase = 'waiting';
    this._changed.emit();
    this.timer = setTimeout(() => this.start(expression), this.options.delayMs ?? 600);
  }

  /** Counts now, without the pause (the Refresh button). */
  refresh(): void {
    clearTimeout(this.timer);
    if (this._pending && !this._hint) this.start(this._pending);
  }

  dispose(): void {
    clearTimeout(this.timer);
    void this.stop();
    Signal.clearData(this);
  }

  private start(expression: CirceExpression): void {
    const hub = this.options.hub();
    if (!hub) {
      this._hint = 'No fedomop hub is configured, so there are no live counts.';
      this._phase = 'idle';
      this._changed.emit();
      return;
    }
    void this.stop();
    this._phase = 'running';
    const ticket = ++this.ticket;
    const chosen = this.options.sites();
    void (chosen.length ? Promise.resolve(chosen) : this.liveSites(hub)).then((sites) => {
      // A newer edit came while the site list was read: that one counts instead.
      if (ticket === this.ticket) this.launch(hub, expression, sites);
    });
  }

  /** The hub's sites that are up: a site it knows to be down would only add a failure to every count. */
  private async liveSites(hub: HubClient): Promise<string[]> {
    try {
      return (await hub.sites()).filter((s) => s.status === 'up').map((s) => s.id);
    } catch {
      return [];
    }
  }

  private launch(hub: HubClient, expression: CirceExpression, sites: string[]): void {
    const plan: Plan = { version: 1, cohort: expression, analysis: { kind: 'attrition' } } as Plan;
    const run = new QueryRun(hub, { plan, sites, timeoutMs: this.options.timeoutMs?.() });
    this._run = run;
    this._phase = 'running';
    run.changed.connect(() => {
      if (this._run !== run) return;
      const v = run.view;
      if (v.pooled || v.sites.some((s) => s.rows) || v.phase === 'failed' || v.phase === 'done') this._shown = run;
      if (v.phase === 'done') this._phase = 'done';
      else if (v.phase === 'failed') this._phase = 'failed';
      this._changed.emit();
    });
    this._changed.emit();
  }

  private async stop(): Promise<void> {
    const run = this._run;
    if (run?.active) {
      this.cancelled += 1;
      await run.cancel();
    }
  }
}
