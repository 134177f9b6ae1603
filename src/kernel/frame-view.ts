/**
 * Notebook display for danfojs DataFrames and for anything with a Jupyter display method. A bare
 * DataFrame as a cell's last expression shows as Deno's object dump; `showFrame(df)` shows it as a
 * table, and `display(x)` shows a value mid-cell (Deno only renders a cell's last expression).
 */
import { esc, textTable } from './html.js';
import { JUPYTER_DISPLAY, jupyterKernel, type MediaBundle } from './jupyter.js';

/** The part of a danfojs DataFrame this needs (danfojs itself is never imported here). */
export interface FrameLike {
  columns: string[];
  values: unknown[][];
}

function cell(v: unknown): string {
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return 'NaN';
  return String(v);
}

export function renderFrame(df: FrameLike): MediaBundle {
  const header = df.columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = df.values
    .map((row) => `<tr>${row.map((v) => `<td${typeof v === 'number' ? ' class="num"' : ''}>${esc(cell(v))}</td>`).join('')}</tr>`)
    .join('');
  return {
    'text/html':
      `<div class="fedomop-frame"><div>danfojs DataFrame, ${df.values.length} rows × ${df.columns.length} columns</div>` +
      `<table><thead><tr>${header}</tr></thead><tbody>${body}</tbody></table></div>`,
    'text/plain': textTable(
      df.columns,
      df.values.map((row) => row.map(cell)),
    ),
  };
}

/** Wraps a DataFrame so a notebook renders it as a table. */
export function showFrame(df: FrameLike): { [JUPYTER_DISPLAY](): MediaBundle } {
  return { [JUPYTER_DISPLAY]: () => renderFrame(df) };
}

/** Shows `value` now, as its own output, if it knows how to display itself; outside a kernel, prints it. */
export async function display(value: unknown): Promise<void> {
  const render = (value as { [JUPYTER_DISPLAY]?: () => MediaBundle | Promise<MediaBundle> } | null)?.[JUPYTER_DISPLAY];
  const bundle: MediaBundle = typeof render === 'function' ? await render.call(value) : { 'text/plain': String(value) };
  const kernel = jupyterKernel();
  if (kernel) await kernel.broadcast('display_data', { data: bundle, metadata: {}, transient: {} });
  else console.log(bundle['text/plain']);
}
