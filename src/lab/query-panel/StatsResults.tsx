import * as React from 'react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { MimeModel, type IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { cellText, chartFor, shownColumns, type VegaLiteSpec } from '../../charts/index.js';
import { iterationLabel } from '../../client/iteration.js';
import { useThemeLight } from './hooks.js';
import { statsRows, type IRunView } from './query-run.js';

export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

/**
 * A statistics result in the panel: the hub's iteration (while it fits), the table (sites, then
 * pooled; a withheld value as its interval), and the chart, drawn by JupyterLab's own Vega-Lite
 * renderer through the rendermime registry so it follows the theme as in notebooks.
 */
export function StatsResults({
  view,
  kind,
  rendermime,
}: {
  view: IRunView;
  kind: string;
  rendermime?: IRenderMimeRegistry | null;
}): React.ReactElement {
  const rows = statsRows(view);
  const running = view.phase === 'submitting' || view.phase === 'running';
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const columns = shownColumns(names);
  // The chart waits for the pooled rows (or the end): per-site charts first would jump when pooled arrives.
  const chartReady = !running && rows.length > 0;
  // One spec per finished run: a new object on every render would redraw the chart on each keystroke.
  const spec = useMemo(
    () => (chartReady ? chartFor(kind, rows, view.metadata) : undefined),
    [chartReady, kind, view.queryId, view.finishedAfterMs],
  );
  return (
    <div className="jp-fedomop-stats-results">
      <p className="jp-fedomop-iteration" aria-live="polite">
        {view.iteration
          ? `Hub ${iterationLabel(view.iteration)}` +
            (view.iteration.deviance !== undefined ? ` · deviance ${Number(view.iteration.deviance.toPrecision(8))}` : '')
          : ' '}
      </p>
      {rows.length > 0 && (
        <table className="jp-fedomop-table jp-fedomop-stats-table" aria-label={`${kind} result`}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i} className={r.site === 'pooled' ? 'jp-fedomop-pooled' : undefined} data-site={String(r.site)}>
                {columns.map((c) => {
                  const { text, withheld } = cellText(r, c);
                  return (
                    <td
                      key={c}
                      className={typeof r[c] === 'number' || withheld ? 'jp-fedomop-num' : undefined}
                      title={withheld ? 'withheld by disclosure control: the true value lies in this interval' : undefined}
                    >
                      {text}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="jp-fedomop-chart" aria-label={`${kind} chart`} data-ready={spec ? 'true' : 'false'}>
        {spec && <VegaChart spec={spec} rendermime={rendermime} />}
      </div>
    </div>
  );
}

function VegaChart({ spec, rendermime }: { spec: VegaLiteSpec; rendermime?: IRenderMimeRegistry | null }): React.ReactElement {
  const host = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // Drawn again when JupyterLab switches between light and dark: the renderer picks its theme as it draws.
  const themeLight = useThemeLight();
  useEffect(() => {
    const node = host.current;
    if (!node) return;
    const data = { [VEGA_LITE_MIME]: spec as never };
    if (!rendermime || rendermime.preferredMimeType(data, 'any') !== VEGA_LITE_MIME) {
      setProblem('This JupyterLab has no Vega-Lite renderer: the chart cannot be drawn here (it shows in a notebook with one).');
      return;
    }
    setProblem(null);
    const renderer = rendermime.createRenderer(VEGA_LITE_MIME);
    renderer.node.dataset.themeLight = themeLight ?? '';
    let disposed = false;
    // The renderer's node goes into React's host by hand, not Widget.attach: React may remove the
    // host before this effect's cleanup runs, and Lumino refuses to detach a widget no longer in the
    // document (which would throw inside React's commit and blank the panel). The Vega renderer
    // draws into its node and needs no attach messages.
    node.appendChild(renderer.node);
    renderer.renderModel(new MimeModel({ data, trusted: true })).catch((err: unknown) => {
      if (!disposed) setProblem(`The chart could not be drawn: ${String(err)}`);
    });
    return () => {
      disposed = true;
      renderer.node.remove();
      renderer.dispose();
    };
  }, [spec, rendermime, themeLight]);
  return (
    <>
      {problem && <p className="jp-fedomop-muted">{problem}</p>}
      <div ref={host} className="jp-fedomop-chart-host" />
    </>
  );
}
