/**
 * The little of Deno's Jupyter API the library uses, reached through globalThis so this compiles and
 * runs under Node too. Outside `deno jupyter`, Deno.jupyter throws on access: that is the test.
 */

export type MediaBundle = Record<string, string | object>;

/** What `[Symbol.for("Jupyter.display")]()` returns; Deno's kernel renders such objects richly. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display');

interface DenoJupyter {
  broadcast(msgType: string, content: Record<string, unknown>, extra?: Record<string, unknown>): Promise<void>;
}

export function jupyterKernel(): DenoJupyter | undefined {
  const deno = (globalThis as { Deno?: { jupyter?: DenoJupyter } }).Deno;
  if (!deno) return undefined;
  try {
    return deno.jupyter;
  } catch {
    return undefined;
  }
}

/**
 * One output area that can be rewritten in place: the first show() sends display_data with a
 * display_id, later ones update_display_data with the same id (Jupyter protocol 5.1), so the
 * notebook shows one live block instead of a growing log.
 */
export class LiveDisplay {
  private shown = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly kernel: DenoJupyter,
    readonly displayId: string,
  ) {}

  /** Sends are chained so updates reach the frontend in order even though callers do not await. */
  show(bundle: MediaBundle): void {
    const msgType = this.shown ? 'update_display_data' : 'display_data';
    this.shown = true;
    const content = { data: bundle, metadata: {}, transient: { display_id: this.displayId } };
    this.queue = this.queue.then(() => this.kernel.broadcast(msgType, content)).catch(() => undefined);
  }

  flushed(): Promise<void> {
    return this.queue;
  }
}
