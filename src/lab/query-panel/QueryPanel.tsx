import * as React from 'react';
import { CROSSTAB_DIMENSIONS, type CrosstabDimension } from '../../plan/index.js';
import { ConceptSearch } from './ConceptSearch.js';
import { useSignal, useTicker } from './hooks.js';
import type { QueryPanelModel } from './model.js';
import type { Gender } from './plan-builder.js';
import { ResultsView } from './ResultsView.js';

export interface IQueryPanelProps {
  model: QueryPanelModel;
  /** The notebook bridge, when it is installed. */
  onOpenInNotebook?: () => void;
}

const DIMENSION_LABELS: Record<CrosstabDimension, string> = {
  gender: 'gender',
  age_group: 'age group',
  index_year: 'index year',
};

/** The federated query panel: sites, cohort, analysis, Run / Cancel, results. Renders the model only. */
export function QueryPanel({ model, onOpenInNotebook }: IQueryPanelProps): React.ReactElement {
  useSignal(model.changed);
  const run = model.run;
  useTicker(!!run?.active);
  const blocker = model.runBlocker;
  const siteNames = Object.fromEntries(model.sites.map((s) => [s.id, s.info?.name ?? s.id]));

  return (
    <div className="jp-fedomop-panel">
      <header className="jp-fedomop-header">
        <h2>Federated query</h2>
        <p className="jp-fedomop-muted">
          Each site runs the query on its own OMOP database and releases only disclosure-controlled aggregates.
        </p>
      </header>

      {model.connectionProblem && (
        <div className="jp-fedomop-error" role="alert">
          {model.connectionProblem}
        </div>
      )}

      <section className="jp-fedomop-section" aria-label="Sites">
        <h3>
          Sites
          <button type="button" className="jp-fedomop-link" onClick={() => void model.refreshSites()} title="Ask the hub again">
            refresh
          </button>
        </h3>
        {model.sitesState.status === 'loading' && model.sites.length === 0 && <p className="jp-fedomop-muted">Asking the hub…</p>}
        {model.sitesState.status === 'error' && (
          <p className="jp-fedomop-error" role="alert">
            {model.sitesState.message}
          </p>
        )}
        <ul className="jp-fedomop-sites">
          {model.sites.map((s) => (
            <li key={s.id} data-site={s.id} data-health={s.status}>
              <label title={s.status === 'up' ? s.url : `${s.url}: ${s.error?.message ?? 'not answering'}`}>
                <input
                  type="checkbox"
                  checked={model.isSelected(s.id)}
                  onChange={(e) => model.toggleSite(s.id, e.target.checked)}
                />
                <span
                  className={`jp-fedomop-health jp-fedomop-health-${s.status}`}
                  aria-label={s.status === 'up' ? 'healthy' : 'down'}
                />
                <span className="jp-fedomop-site-id">{s.id}</span>
                <span className="jp-fedomop-muted">
                  {s.info?.name && s.info.name !== s.id ? ` ${s.info.name}` : ''}
                  {s.info?.persons !== undefined ? ` · ${s.info.persons.toLocaleString()} persons` : ''}
                  {s.info?.cdmVersion ? ` · CDM ${s.info.cdmVersion}` : ''}
                  {s.status === 'down' ? ' · not answering' : ''}
                </span>
              </label>
            </li>
          ))}
        </ul>
      </section>

      <section className="jp-fedomop-section" aria-label="Cohort">
        <h3>Cohort</h3>
        <p className="jp-fedomop-muted">Persons with any of these concepts, entering at their first such record.</p>
        <ConceptSearch model={model} />
        <div className="jp-fedomop-row">
          <label className="jp-fedomop-inline">
            Age from
            <AgeInput value={model.cohort.ageMin} label="Minimum age" onChange={(v) => model.setAge(v, model.cohort.ageMax)} />
          </label>
          <label className="jp-fedomop-inline">
            to
            <AgeInput value={model.cohort.ageMax} label="Maximum age" onChange={(v) => model.setAge(model.cohort.ageMin, v)} />
          </label>
          <label className="jp-fedomop-inline">
            Gender
            <select
              className="jp-mod-styled"
              aria-label="Gender"
              value={model.cohort.gender}
              onChange={(e) => model.setGender(e.target.value as Gender)}
            >
              <option value="any">any</option>
              <option value="female">female</option>
              <option value="male">male</option>
            </select>
          </label>
        </div>
      </section>

      <section className="jp-fedomop-section" aria-label="Analysis">
        <h3>Analysis</h3>
        <div className="jp-fedomop-row" role="radiogroup" aria-label="Analysis">
          <label className="jp-fedomop-inline">
            <input
              type="radio"
              name="kind"
              checked={model.analysis.kind === 'count'}
              onChange={() => model.setAnalysisKind('count')}
            />
            Count
          </label>
          <label className="jp-fedomop-inline">
            <input
              type="radio"
              name="kind"
              checked={model.analysis.kind === 'crosstab'}
              onChange={() => model.setAnalysisKind('crosstab')}
            />
            Crosstab by
          </label>
          {CROSSTAB_DIMENSIONS.map((d) => (
            <label key={d} className="jp-fedomop-inline">
              <input
                type="checkbox"
                disabled={model.analysis.kind !== 'crosstab'}
                checked={model.analysis.by.includes(d)}
                onChange={(e) => model.toggleDimension(d, e.target.checked)}
              />
              {DIMENSION_LABELS[d]}
            </label>
          ))}
        </div>
      </section>

      <div className="jp-fedomop-actions">
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-accept jp-fedomop-run"
          disabled={!!blocker}
          title={blocker ?? 'Send the query to the chosen sites'}
          onClick={() => void model.runQuery()}
        >
          Run
        </button>
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-mod-reject jp-fedomop-cancel"
          disabled={!run?.active}
          onClick={() => void model.cancel()}
        >
          Cancel
        </button>
        {onOpenInNotebook && (
          <button
            type="button"
            className="jp-Button jp-mod-styled jp-fedomop-open-notebook"
            disabled={!model.snapshot()}
            title="Insert a notebook cell that runs this query with the fedomop kernel library"
            onClick={onOpenInNotebook}
          >
            Open in notebook
          </button>
        )}
        {blocker && !run?.active && <span className="jp-fedomop-muted jp-fedomop-blocker">{blocker}</span>}
      </div>

      {model.planResult.ok && (
        <details className="jp-fedomop-plan">
          <summary>Plan (JSON), as the sites receive it</summary>
          <pre className="jp-fedomop-plan-json">{JSON.stringify(model.planResult.plan, null, 2)}</pre>
        </details>
      )}

      {run && (
        <ResultsView
          view={run.view}
          dims={run.request.plan.analysis.kind === 'crosstab' ? run.request.plan.analysis.by : []}
          siteNames={siteNames}
        />
      )}
    </div>
  );
}

function AgeInput({
  value,
  label,
  onChange,
}: {
  value: number | null;
  label: string;
  onChange: (v: number | null) => void;
}): React.ReactElement {
  return (
    <input
      type="number"
      className="jp-mod-styled jp-fedomop-age"
      aria-label={label}
      min={0}
      max={130}
      step={1}
      value={value ?? ''}
      placeholder="any"
      onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
    />
  );
}
