import * as React from 'react';
import { useState } from 'react';
import { MEASURES, POOLED_SITE, type Measure, type ResultRow } from '../../arrow/result-schema.js';
import type { Analysis, CrosstabDimension } from '../../plan/index.js';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { attritionTable } from './attrition-table.js';
import { isStatsKind } from './stats-form.js';
import { StatsResults } from './StatsResults.js';
import { STATE_LABELS, describeSiteError, formatMs, formatValue } from './format.js';
import type { IRunView, ISiteRow } from './query-run.js';

const MEASURE_LABELS: Record<Measure, string> = { persons: 'Persons', events: 'Entry events' };
const DIMENSION_LABELS: Record<CrosstabDimension, string> = {
  gender: 'Gender',
  age_group: 'Age group',
  index_year: 'Index year',
};
const FINISHED = new Set(['done', 'failed', 'timeout', 'cancelled']);

export interface IResultsViewProps {
  view: IRunView;
  /** The analysis that ran: count, crosstab (its dimensions), attrition, or a statistics kind. */
  analysis: Analysis;
  siteNames: Record<string, string>;
  /** Draws the statistics kinds' Vega-Lite charts as notebooks do (absent: no chart). */
  rendermime?: IRenderMimeRegistry | null;
}

/** The run: a row per site as it progresses, the values as each site answers, the pooled row last. */
export function ResultsView({ view, analysis, siteNames, rendermime }: IResultsViewProps): React.ReactElement {
  const finished = view.sites.filter((s) => FINISHED.has(s.state)).length;
  const running = view.phase === 'submitting' || view.phase === 'running';
  const elapsed = view.finishedAfterMs ?? Date.now() - view.startedAt;
  return (
    <section className="jp-fedomop-results" aria-label="Results" data-phase={view.phase} data-query-id={view.queryId}>
      <div className="jp-fedomop-run-summary">
        <div
          className="jp-fedomop-progress"
          role="progressbar"
          aria-label="Sites answered"
          aria-valuemin={0}
          aria-valuemax={view.sites.length}
          aria-valuenow={finished}
        >
          <div
            className="jp-fedomop-progress-bar"
            style={{ width: `${view.sites.length ? (100 * finished) / view.sites.length : 0}%` }}
          />
        </div>
        <span className="jp-fedomop-run-text">
          {summaryText(view, finished)} · {formatMs(elapsed)}
          {view.pooledAfterMs !== undefined && <> · pooled after {formatMs(view.pooledAfterMs)}</>}
        </span>
      </div>
      {view.error && (
        <div className="jp-fedomop-error" role="alert">
          {view.error}
        </div>
      )}
      {analysis.kind === 'count' && <CountTable view={view} siteNames={siteNames} running={running} />}
      {analysis.kind === 'crosstab' && (
        <>
          <SiteStatusTable view={view} siteNames={siteNames} unit="cells" />
          <CrosstabTable view={view} dims={analysis.by as CrosstabDimension[]} siteNames={siteNames} />
        </>
      )}
      {isStatsKind(analysis.kind) && (
        <>
          <SiteStatusTable view={view} siteNames={siteNames} unit="rows" />
          <StatsResults view={view} kind={analysis.kind} rendermime={rendermime} />
        </>
      )}
      {analysis.kind === 'attrition' && (
        <>
          <SiteStatusTable view={view} siteNames={siteNames} unit="steps" />
          <AttritionTable view={view} siteNames={siteNames} running={running} />
        </>
      )}
    </section>
  );
}

function summaryText(view: IRunView, finished: number): string {
  switch (view.phase) {
    case 'submitting':
      return 'Sending the query to the hub…';
    case 'running':
      return `${finished} of ${view.sites.length} sites finished`;
    case 'done':
      return `Done: ${view.sites.filter((s) => s.state === 'done').length} of ${view.sites.length} sites answered`;
    case 'cancelled':
      return 'Cancelled';
    case 'failed':
      return 'Failed';
  }
}

function StateBadge({ row }: { row: Pick<ISiteRow, 'state'> }): React.ReactElement {
  return (
    <span className={`jp-fedomop-state jp-fedomop-state-${row.state}`}>
      {row.state === 'running' && <span className="jp-fedomop-spinner" aria-hidden="true" />}
      {STATE_LABELS[row.state]}
    </span>
  );
}

function ValueCell({ rows, measure }: { rows: ResultRow[] | null; measure: Measure }): React.ReactElement {
  const cell = formatValue(rows?.[0]?.measures[measure]);
  return (
    <td
      className={'jp-fedomop-num' + (cell.suppressed ? ' jp-fedomop-suppressed' : '')}
      title={cell.title}
      data-measure={measure}
    >
      {cell.text}
    </td>
  );
}

/** Site, status and time: the first cells of every per-site row. */
function SiteCells({ row, siteNames }: { row: ISiteRow; siteNames: Record<string, string> }): React.ReactElement {
  return (
    <>
      <td>{siteLabel(row.site, siteNames)}</td>
      <td>
        <StateBadge row={row} />
      </td>
      <td className="jp-fedomop-num">{formatMs(row.elapsedMs)}</td>
    </>
  );
}

function siteLabel(site: string, siteNames: Record<string, string>): React.ReactElement {
  const name = siteNames[site];
  return (
    <>
      <span className="jp-fedomop-site-id">{site}</span>
      {name && name !== site && <span className="jp-fedomop-muted"> {name}</span>}
    </>
  );
}

/** What the per-run tables (count, attrition) are drawn from. */
interface IRunTableProps {
  view: IRunView;
  siteNames: Record<string, string>;
  /** Still running: empty tables say "waiting" rather than "nothing came back". */
  running: boolean;
}

function CountTable({ view, siteNames, running }: IRunTableProps): React.ReactElement {
  const answered = view.sites.filter((s) => s.state === 'done').length;
  return (
    <table className="jp-fedomop-table" aria-label="Count per site">
      <thead>
        <tr>
          <th>Site</th>
          <th>Status</th>
          <th className="jp-fedomop-num">Time</th>
          <th className="jp-fedomop-num">{MEASURE_LABELS.persons}</th>
          <th className="jp-fedomop-num">{MEASURE_LABELS.events}</th>
        </tr>
      </thead>
      <tbody>
        {view.sites.map((row) => (
          <tr key={row.site} className="jp-fedomop-site-row" data-site={row.site} data-state={row.state}>
            <SiteCells row={row} siteNames={siteNames} />
            {row.state === 'done' || row.rows ? (
              <>
                <ValueCell rows={row.rows} measure="persons" />
                <ValueCell rows={row.rows} measure="events" />
              </>
            ) : FINISHED.has(row.state) ? (
              <td colSpan={2} className="jp-fedomop-site-error">
                {describeSiteError(row.site, row.state, row.error)}
              </td>
            ) : (
              <td colSpan={2} className="jp-fedomop-muted">
                {row.state === 'running' ? 'working…' : 'waiting…'}
              </td>
            )}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr
          className="jp-fedomop-pooled-row"
          data-site={POOLED_SITE}
          data-state={view.pooled ? 'done' : running ? 'running' : 'none'}
        >
          <th scope="row">
            Pooled ({answered} {answered === 1 ? 'site' : 'sites'})
          </th>
          <td>
            {view.pooled ? (
              <StateBadge row={{ state: 'done' }} />
            ) : running ? (
              <span className="jp-fedomop-muted">after all sites</span>
            ) : (
              '—'
            )}
          </td>
          <td className="jp-fedomop-num">{formatMs(view.pooledAfterMs)}</td>
          <ValueCell rows={view.pooled} measure="persons" />
          <ValueCell rows={view.pooled} measure="events" />
        </tr>
      </tfoot>
    </table>
  );
}

function SiteStatusTable({
  view,
  siteNames,
  unit,
}: {
  view: IRunView;
  siteNames: Record<string, string>;
  /** What a site's rows are, e.g. "cells". */
  unit: string;
}): React.ReactElement {
  return (
    <table className="jp-fedomop-table" aria-label="Sites">
      <thead>
        <tr>
          <th>Site</th>
          <th>Status</th>
          <th className="jp-fedomop-num">Time</th>
          <th>Answer</th>
        </tr>
      </thead>
      <tbody>
        {view.sites.map((row) => (
          <tr key={row.site} className="jp-fedomop-site-row" data-site={row.site} data-state={row.state}>
            <SiteCells row={row} siteNames={siteNames} />
            <td
              className={
                FINISHED.has(row.state) && row.state !== 'done' && !row.rows ? 'jp-fedomop-site-error' : 'jp-fedomop-muted'
              }
            >
              {row.rows
                ? `${row.rows.length} ${unit}`
                : row.state === 'done'
                  ? // GLM and KM: the site answered the hub's rounds; only the pooled result has rows.
                    'answered (pooled result only)'
                  : FINISHED.has(row.state)
                    ? describeSiteError(row.site, row.state, row.error)
                    : 'waiting…'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CrosstabTable({
  view,
  dims,
  siteNames,
}: {
  view: IRunView;
  dims: CrosstabDimension[];
  siteNames: Record<string, string>;
}): React.ReactElement {
  const [measure, setMeasure] = useState<Measure>('persons');
  const columns = view.sites.filter((s) => s.rows).map((s) => ({ key: s.site, label: s.site, rows: s.rows! }));
  if (view.pooled) columns.push({ key: POOLED_SITE, label: 'Pooled', rows: view.pooled });
  const keyOf = (r: ResultRow) => JSON.stringify(dims.map((d) => r.dims[d] ?? null));
  const cells = new Map<string, ResultRow['dims']>();
  for (const c of columns) for (const r of c.rows) if (!cells.has(keyOf(r))) cells.set(keyOf(r), r.dims);
  const ordered = [...cells.entries()].sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));
  return (
    <div className="jp-fedomop-crosstab">
      <label className="jp-fedomop-inline">
        Show{' '}
        <select className="jp-mod-styled" value={measure} onChange={(e) => setMeasure(e.target.value as Measure)}>
          <option value="persons">{MEASURE_LABELS.persons}</option>
          <option value="events">{MEASURE_LABELS.events}</option>
        </select>
      </label>
      <table className="jp-fedomop-table" aria-label="Crosstab">
        <thead>
          <tr>
            {dims.map((d) => (
              <th key={d}>{DIMENSION_LABELS[d]}</th>
            ))}
            {columns.map((c) => (
              <th key={c.key} className="jp-fedomop-num" title={siteNames[c.key]} data-site={c.key}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ordered.map(([key, cellDims]) => (
            <tr key={key}>
              {dims.map((d) => (
                <td key={d}>{String(cellDims[d] ?? '—')}</td>
              ))}
              {columns.map((c) => {
                const row = c.rows.find((r) => keyOf(r) === key);
                return <ValueCell key={c.key} rows={row ? [row] : null} measure={measure} />;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Attrition: a row per step (0 = qualifying events, then after each inclusion rule), persons and
 * events for each site that answered and pooled, each with its share of step 0 where both are exact.
 */
function AttritionTable({ view, siteNames, running }: IRunTableProps): React.ReactElement {
  const table = attritionTable(view.sites, view.pooled);
  if (table.steps.length === 0) {
    return <p className="jp-fedomop-muted">{running ? 'Waiting for the first site…' : 'No site returned attrition rows.'}</p>;
  }
  return (
    <div className="jp-fedomop-attrition">
      <table className="jp-fedomop-table" aria-label="Attrition">
        <thead>
          <tr>
            <th rowSpan={2} className="jp-fedomop-num">
              Step
            </th>
            <th rowSpan={2}>Inclusion rule</th>
            {table.columns.map((c) => (
              <th
                key={c.key}
                colSpan={MEASURES.length}
                className={'jp-fedomop-group' + (c.key === POOLED_SITE ? ' jp-fedomop-pooled-col' : '')}
                title={siteNames[c.key]}
                data-site={c.key}
              >
                {c.label}
              </th>
            ))}
          </tr>
          <tr>
            {table.columns.map((c) =>
              MEASURES.map((m) => (
                <th
                  key={`${c.key}-${m}`}
                  className={'jp-fedomop-num' + (c.key === POOLED_SITE ? ' jp-fedomop-pooled-col' : '')}
                  data-site={c.key}
                  data-measure={m}
                >
                  {MEASURE_LABELS[m]}
                </th>
              )),
            )}
          </tr>
        </thead>
        <tbody>
          {table.steps.map((step) => (
            <tr key={step.index} className="jp-fedomop-step-row" data-step={step.index}>
              <td className="jp-fedomop-num">{step.index}</td>
              <td className="jp-fedomop-rule-name">{step.name}</td>
              {table.columns.map((c) =>
                MEASURES.map((m) => {
                  const cell = step.cells[c.key]?.[m];
                  return (
                    <td
                      key={`${c.key}-${m}`}
                      className={
                        'jp-fedomop-num' +
                        (cell?.suppressed ? ' jp-fedomop-suppressed' : '') +
                        (c.key === POOLED_SITE ? ' jp-fedomop-pooled-col' : '')
                      }
                      title={cell?.title ?? (cell?.percent ? `${cell.percent} of step 0 remain` : undefined)}
                      data-site={c.key}
                      data-measure={m}
                    >
                      <span className="jp-fedomop-value">{cell?.text ?? '—'}</span>
                      {cell?.percent && <span className="jp-fedomop-pct">{cell.percent}</span>}
                    </td>
                  );
                }),
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="jp-fedomop-muted jp-fedomop-note">
        Persons: each person once, at their best entry event; events: every qualifying entry event (as ATLAS reports them). % is
        of step 0 in the same column, shown only where both counts are exact.
      </p>
    </div>
  );
}
