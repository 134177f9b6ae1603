/**
 * A notebook's connection to one hub. run() shows live per-site progress while the sites answer and
 * resolves to a KernelResult that displays itself as a table.
 */
import type { Plan } from '../plan/types.js';
import { HubClient, type HubSite } from '../client/index.js';
import { resolveConnection, type ConnectOptions } from './config.js';
import { KernelResult } from './kernel-result.js';
import { progressView } from './progress.js';
import {
  statsPlan,
  type GlmOptions,
  type HistogramOptions,
  type KmOptions,
  type StatsCohort,
  type SummaryOptions,
} from './stats-calls.js';
import { StatsResult } from './stats-result.js';
import { isChartKind } from '../charts/index.js';

export interface SessionRunOptions {
  sites?: string[];
  timeoutMs?: number;
  signal?: AbortSignal;
  /** No progress output (neither the live notebook block nor console lines). */
  quiet?: boolean;
}

export class Session {
  constructor(
    readonly client: HubClient,
    /** Where the hub URL came from: "options", "FEDOMOP_HUB_URL" or the config file's path. */
    readonly hubSource: string,
  ) {}

  get hub(): string {
    return this.client.baseUrl;
  }

  sites(): Promise<HubSite[]> {
    return this.client.sites();
  }

  async run(plan: Plan, opts: SessionRunOptions = {}): Promise<KernelResult> {
    const view = opts.quiet ? undefined : progressView(`${plan.analysis.kind} query`);
    try {
      const result = await this.client.run(plan, {
        sites: opts.sites,
        timeoutMs: opts.timeoutMs,
        signal: opts.signal,
        onProgress: view ? (snapshot) => view.update(snapshot) : undefined,
      });
      // A statistics plan run directly (or from the panel's "Open in notebook") shows its table and chart too.
      return isChartKind(plan.analysis.kind) ? new StatsResult(result, plan.analysis.kind) : new KernelResult(result);
    } finally {
      await view?.close();
    }
  }

  /** n, missing, mean, sd and exact pooled quantiles of `of` (level counts for categorical ones), per site and pooled. */
  summary(cohort: StatsCohort, opts: SummaryOptions, run: SessionRunOptions = {}): Promise<StatsResult> {
    return this.runStats(statsPlan(cohort, 'summary', opts), run);
  }

  /** Persons per bin of one numeric variable, per site and pooled. */
  histogram(cohort: StatsCohort, opts: HistogramOptions, run: SessionRunOptions = {}): Promise<StatsResult> {
    return this.runStats(statsPlan(cohort, 'histogram', opts), run);
  }

  /** A generalised linear model fitted across the sites (pooled only); the chart is a forest plot. */
  glm(cohort: StatsCohort, opts: GlmOptions, run: SessionRunOptions = {}): Promise<StatsResult> {
    return this.runStats(statsPlan(cohort, 'glm', opts), run);
  }

  /** Kaplan–Meier survival of a time_to variable, optionally by stratum (pooled only), with log-rank. */
  km(cohort: StatsCohort, opts: KmOptions, run: SessionRunOptions = {}): Promise<StatsResult> {
    return this.runStats(statsPlan(cohort, 'km', opts), run);
  }

  private async runStats(plan: Plan, opts: SessionRunOptions): Promise<StatsResult> {
    return (await this.run(plan, opts)) as StatsResult;
  }
}

/** Opens a session: hub URL from opts, FEDOMOP_HUB_URL, or the fedomop config file (see config.ts). */
export async function connect(opts: ConnectOptions = {}): Promise<Session> {
  const conn = await resolveConnection(opts);
  return new Session(new HubClient({ baseUrl: conn.hub, token: conn.token }), conn.hubSource);
}
