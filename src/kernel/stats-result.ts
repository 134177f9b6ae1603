/**
 * What fed.summary / histogram / glm / km resolve to: a KernelResult (table, rows, toDanfo()) that
 * also carries its chart. A notebook shows a bundle as one output in its richest MIME type, so a
 * cell ending with a StatsResult gets two outputs: the table (sent as display_data first), then the
 * chart (`application/vnd.vegalite.v5+json`, which JupyterLab renders natively). Outside a kernel the
 * one bundle holds all three types.
 */
import { chartFor, type VegaLiteSpec } from '../charts/index.js';
import type { FederatedResult } from '../client/index.js';
import { JUPYTER_DISPLAY, jupyterKernel, type MediaBundle } from './jupyter.js';
import { KernelResult } from './kernel-result.js';
import { renderStatsTable } from './stats-table.js';
import { VEGA_LITE_MIME, vegaLite } from './vega-lite.js';

export class StatsResult extends KernelResult {
  /** The pooled batch's schema metadata: `fedomop.glm`, `fedomop.km`, … as JSON strings. */
  readonly metadata: Record<string, string>;
  readonly spec: VegaLiteSpec | undefined;

  constructor(
    result: FederatedResult,
    readonly kind: string,
  ) {
    super(result);
    this.metadata = schemaMetadata(result);
    this.spec = chartFor(kind, result.toRows(), this.metadata);
  }

  /** `fedomop.glm` / `fedomop.km` parsed, when the hub sent it. */
  meta<T = Record<string, unknown>>(key = `fedomop.${this.kind}`): T | undefined {
    const raw = this.metadata[key];
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  /** The chart alone, as a value a cell can end with. */
  chart(): { [JUPYTER_DISPLAY](): MediaBundle } {
    return vegaLite(this.spec ?? {}, `${this.kind} chart`);
  }

  /** The table alone (no chart), as a value a cell can end with. */
  tableView(): { [JUPYTER_DISPLAY](): MediaBundle } {
    return { [JUPYTER_DISPLAY]: () => renderStatsTable(this, this.kind) };
  }

  bundle(): MediaBundle {
    const table = renderStatsTable(this, this.kind);
    return this.spec ? { ...table, [VEGA_LITE_MIME]: this.spec } : table;
  }

  /**
   * Deno awaits a display method's promise (checked against a real kernel), so in a notebook the
   * table goes out first as its own display_data and the chart is the cell's result below it.
   */
  override async [JUPYTER_DISPLAY](): Promise<MediaBundle> {
    const kernel = jupyterKernel();
    const table = renderStatsTable(this, this.kind);
    if (!kernel || !this.spec) return this.bundle();
    await kernel.broadcast('display_data', { data: table, metadata: {}, transient: {} });
    return { [VEGA_LITE_MIME]: this.spec, 'text/plain': `${this.kind} chart` };
  }

  override toString(): string {
    return String(renderStatsTable(this, this.kind)['text/plain']);
  }
}

/** Metadata of the pooled batch (where the hub puts fedomop.glm / fedomop.km), else the schema's. */
function schemaMetadata(result: FederatedResult): Record<string, string> {
  const out: Record<string, string> = Object.fromEntries(result.table.schema.metadata);
  for (const batch of result.table.batches) {
    for (const [k, v] of batch.metadata ?? new Map<string, string>()) out[k] ??= v;
  }
  return out;
}
