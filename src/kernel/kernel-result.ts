/**
 * What session.run() resolves to: the FederatedResult, displayable in a notebook (Deno's kernel calls
 * `[Symbol.for("Jupyter.display")]()` on the value a cell ends with) and convertible to danfojs.
 */
import type { Table } from 'apache-arrow';
import type { DataFrame } from 'danfojs';
import type { ResultRow } from '../arrow/result-schema.js';
import type { FederatedResult, PlainRow, QueryStatus, SiteFailure } from '../client/index.js';
import { JUPYTER_DISPLAY, type MediaBundle } from './jupyter.js';
import { renderResult } from './result-view.js';
import { toDanfo } from './to-danfo.js';

export class KernelResult implements FederatedResult {
  readonly queryId: string;
  readonly planHash: string;
  readonly status: QueryStatus;
  readonly table: Table;
  readonly perSite: Record<string, ResultRow[]>;
  readonly pooled: ResultRow[];
  readonly failures: SiteFailure[];
  readonly warnings: FederatedResult['warnings'];

  constructor(private readonly result: FederatedResult) {
    this.queryId = result.queryId;
    this.planHash = result.planHash;
    this.status = result.status;
    this.table = result.table;
    this.perSite = result.perSite;
    this.pooled = result.pooled;
    this.failures = result.failures;
    this.warnings = result.warnings;
  }

  toRows(): PlainRow[] {
    return this.result.toRows();
  }

  /** A danfojs DataFrame of every row (sites, then pooled); danfojs is loaded on first use. */
  toDanfo(): Promise<DataFrame> {
    return toDanfo(this.table);
  }

  // Declared as possibly async: StatsResult sends its table before it returns the chart.
  [JUPYTER_DISPLAY](): MediaBundle | Promise<MediaBundle> {
    return renderResult(this.result);
  }

  /** Plain-text view for console.log and the Deno REPL. */
  toString(): string {
    return String(renderResult(this.result)['text/plain']);
  }
}
