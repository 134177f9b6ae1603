/**
 * Live counts: persons per site and pooled after each step (qualifying events, then each inclusion
 * rule), with a funnel bar per step. The table always has one row per step of the cohort on screen
 * and keeps the last counts while new ones load (dimmed), so nothing jumps while sites work.
 * Intervals are shown as intervals (formatValue), and a bar for an interval spans its range.
 */
import * as React from 'react';
import { POOLED_SITE } from '../../arrow/result-schema.js';
import { STATE_LABELS } from '../query-panel/format.js';
import { useSignal } from '../query-panel/hooks.js';
import type { LiveCounts } from './live-counts.js';

export function CountsView(props: { counts: LiveCounts; ruleNames: string[] }): React.ReactElement {
  const { counts, ruleNames } = props;
  useSignal(counts.changed);
  const table = counts.table;
  const view = counts.shown?.view;
  const sites = view?.sites.map((s) => s.site) ?? [];
  const columns = [...sites, POOLED_SITE];
  const steps = ['Qualifying events', ...ruleNames.map((n, i) => n || `Rule ${i + 1}`)];
  const rowsShown = Math.max(steps.length, table.steps.length);
  const base = upper(table.steps[0]?.cells[POOLED_SITE]?.persons?.text);
  const status =
    counts.hint ??
    (counts.phase === 'waiting'
      ? 'Counting when you pause…'
      : counts.phase === 'running'
        ? 'Counting at the sites…'
        : counts.phase === 'failed'
          ? (view?.error ?? 'The count failed.')
          : counts.phase === 'done'
            ? 'Counts are up to date.'
            : '');
  return (
    <section
      className={'jp-fedomop-cb-counts' + (counts.stale ? ' jp-mod-stale' : '')}
      aria-label="Live counts"
      data-phase={counts.phase}
      data-query-id={counts.shown?.view.queryId ?? ''}
      aria-busy={counts.phase === 'running' || counts.phase === 'waiting'}
    >
      <h3>Live counts (persons)</h3>
      <div className="jp-fedomop-cb-counts-status" role="status">
        {status}
        {view && view.sites.some((s) => s.state !== 'done') && (
          <span className="jp-fedomop-muted">
            {' '}
            {view.sites.map((s) => `${s.site}: ${STATE_LABELS[s.state] ?? s.state}`).join(' · ')}
          </span>
        )}
      </div>
      <table className="jp-fedomop-cb-funnel">
        <thead>
          <tr>
            <th>Step</th>
            {columns.map((c) => (
              <th key={c}>{c === POOLED_SITE ? 'Pooled' : c}</th>
            ))}
            <th className="jp-fedomop-cb-funnel-barcol">Funnel (pooled)</th>
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: rowsShown }, (_, i) => {
            const step = table.steps.find((s) => s.index === i);
            const pooled = step?.cells[POOLED_SITE]?.persons;
            const hi = upper(pooled?.text);
            const lo = lower(pooled?.text);
            return (
              <tr key={i} data-step={i}>
                <th scope="row">{step?.name && i > 0 ? step.name : (steps[i] ?? `Rule ${i}`)}</th>
                {columns.map((c) => {
                  const cell = step?.cells[c]?.persons;
                  return (
                    <td key={c} data-site={c} className={cell?.suppressed ? 'jp-fedomop-suppressed' : ''} title={cell?.title}>
                      {cell ? cell.text : '…'}
                      {cell && step?.cells[c]?.persons.percent && (
                        <span className="jp-fedomop-muted"> {step.cells[c].persons.percent}</span>
                      )}
                    </td>
                  );
                })}
                <td className="jp-fedomop-cb-funnel-barcol">
                  <div className="jp-fedomop-cb-bar-track">
                    {base > 0 && hi >= 0 && (
                      <>
                        <div className="jp-fedomop-cb-bar" style={{ width: `${(100 * lo) / base}%` }} />
                        {hi > lo && (
                          <div className="jp-fedomop-cb-bar jp-mod-interval" style={{ width: `${(100 * (hi - lo)) / base}%` }} />
                        )}
                      </>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="jp-fedomop-cb-counts-actions">
        <button type="button" className="jp-fedomop-cb-link" onClick={() => counts.refresh()}>
          Refresh
        </button>
        <label>
          <input type="checkbox" checked={counts.enabled} onChange={(e) => counts.setEnabled(e.target.checked)} /> live
        </label>
      </div>
    </section>
  );
}

function upper(text: string | undefined): number {
  if (!text) return -1;
  const parts = text.split('–');
  return Number(parts[parts.length - 1]) || 0;
}

function lower(text: string | undefined): number {
  if (!text) return -1;
  return Number(text.split('–')[0]) || 0;
}
