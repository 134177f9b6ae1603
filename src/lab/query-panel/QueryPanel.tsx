import * as React from 'react';
import { CROSSTAB_DIMENSIONS, type CrosstabDimension } from '../../plan/index.js';
import { ConceptSearch } from './ConceptSearch.js';
import type { PlanProblem } from '../../errors.js';
import { useSignal, useTicker } from './hooks.js';
import type { QueryPanelModel } from './model.js';
import type { Gender, IAnalysisForm } from './plan-builder.js';
import { ResultsView } from './ResultsView.js';
import { DisclosurePreview } from './DisclosurePreview.js';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { isStatsKind, type StatsKind } from './stats-form.js';
import { StatsForm } from './StatsForm.js';

export interface IQueryPanelProps {
  model: QueryPanelModel;
  /** The notebook bridge, when it is installed. */
  onOpenInNotebook?: () => void;
  /** JupyterLab's renderers, for the statistics charts. */
  rendermime?: IRenderMimeRegistry | null;
}

/** The analysis radio buttons, in order; crosstab's label leads into its dimension checkboxes. */
const ANALYSIS_CHOICES: ReadonlyArray<readonly [IAnalysisForm['kind'], string]> = [
  ['count', 'Count'],
  ['attrition', 'Attrition'],
  ['crosstab', 'Crosstab by'],
];

/** The statistics kinds, on a row of their own: each opens its form below. */
const STATS_CHOICES: ReadonlyArray<readonly [StatsKind, string]> = [
  ['summary', 'Summary'],
  ['histogram', 'Histogram'],
  ['glm', 'Regression (GLM)'],
  ['km', 'Survival (Kaplan–Meier)'],
];

const DIMENSION_LABELS: Record<CrosstabDimension, string> = {
  gender: 'gender',
  age_group: 'age group',
  index_year: 'index year',
};

/** The federated query panel: sites, cohort, analysis, Run / Cancel, results. Renders the model only. */
export function QueryPanel({ model, onOpenInNotebook, rendermime }: IQueryPanelProps): React.ReactElement {
  useSignal(model.changed);
  const run = model.run;
  useTicker(!!run?.active);
  const blocker = model.runBlocker;
  // Radio groups are per panel: two open panels must not share a group.
  const uid = React.useId();
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

      {model.signInPrompt && (
        <div className="jp-fedomop-sign-in" role="alert">
          <span>{model.signInPrompt}</span>
          <button type="button" className="jp-mod-styled jp-mod-accept" onClick={() => void model.signIn()}>
            Sign in
          </button>
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
        <h3>
          Cohort
          <span className="jp-fedomop-switch" role="radiogroup" aria-label="Cohort source">
            <label className={model.cohortMode === 'build' ? 'jp-mod-selected' : ''}>
              <input
                type="radio"
                name={`${uid}-cohort`}
                checked={model.cohortMode === 'build'}
                onChange={() => model.setCohortMode('build')}
              />
              Build
            </label>
            <label className={model.cohortMode === 'paste' ? 'jp-mod-selected' : ''}>
              <input
                type="radio"
                name={`${uid}-cohort`}
                checked={model.cohortMode === 'paste'}
                onChange={() => model.setCohortMode('paste')}
              />
              Paste ATLAS JSON
            </label>
          </span>
        </h3>
        {model.cohortMode === 'build' ? <BuildCohort model={model} /> : <PasteCohort model={model} />}
        <ProblemList
          problems={model.warnings}
          className="jp-fedomop-warnings"
          label="Warnings about the cohort"
          intro="Circe would run this, but it is probably not what you meant:"
        />
      </section>

      <section className="jp-fedomop-section" aria-label="Analysis">
        <h3>Analysis</h3>
        <div className="jp-fedomop-row" role="radiogroup" aria-label="Analysis">
          {ANALYSIS_CHOICES.map(([kind, label]) => (
            <label key={kind} className="jp-fedomop-inline">
              <input
                type="radio"
                name={`${uid}-kind`}
                checked={model.analysis.kind === kind}
                onChange={() => model.setAnalysisKind(kind)}
              />
              {label}
            </label>
          ))}
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
        <div className="jp-fedomop-row" role="radiogroup" aria-label="Statistics">
          {STATS_CHOICES.map(([kind, label]) => (
            <label key={kind} className="jp-fedomop-inline">
              <input
                type="radio"
                name={`${uid}-kind`}
                value={kind}
                checked={model.analysis.kind === kind}
                onChange={() => model.setAnalysisKind(kind)}
              />
              {label}
            </label>
          ))}
        </div>
        {isStatsKind(model.analysis.kind) && <StatsForm model={model} kind={model.analysis.kind} />}
        {isStatsKind(model.analysis.kind) && !model.planResult.ok && (
          <ul className="jp-fedomop-problems jp-fedomop-stats-problems" aria-label="What the analysis still needs">
            {model.planResult.problems
              .filter((p) => p.path.startsWith('analysis'))
              .map((p, i) => (
                <li key={i}>
                  <code>{p.path}</code> {p.message}
                </li>
              ))}
          </ul>
        )}
        {model.attritionHint && <p className="jp-fedomop-muted jp-fedomop-hint">{model.attritionHint}</p>}
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
        <button
          type="button"
          className="jp-Button jp-mod-styled jp-fedomop-check-disclosure"
          disabled={!model.planResult.ok || model.selectedSites.length === 0}
          title="Ask the sites what they would release, withhold or refuse for this plan, without running it"
          onClick={() => void model.checkDisclosure()}
        >
          Check disclosure
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

      <DisclosurePreview check={model.disclosure} plan={model.planResult.ok ? model.planResult.plan : undefined} />

      {model.planResult.ok && (
        <details className="jp-fedomop-plan">
          <summary>Plan (JSON), as the sites receive it</summary>
          <pre className="jp-fedomop-plan-json">{JSON.stringify(model.planResult.plan, null, 2)}</pre>
        </details>
      )}

      {run && <ResultsView view={run.view} analysis={run.request.plan.analysis} siteNames={siteNames} rendermime={rendermime} />}
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

/** The cohort from concepts: any of them, first record, with optional age and gender. */
function BuildCohort({ model }: { model: QueryPanelModel }): React.ReactElement {
  return (
    <>
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
    </>
  );
}

/**
 * The cohort pasted from ATLAS: a text box, the cohort's name and one-line summary once the text
 * reads as a cohort, and every problem validatePlan finds, each named by its path in the plan.
 */
function PasteCohort({ model }: { model: QueryPanelModel }): React.ReactElement {
  const info = model.pasted;
  const empty = model.pasteText.trim() === '';
  const problems = empty ? [] : model.cohortProblems;
  const problemsId = `${React.useId()}-problems`;
  const fileInput = React.useRef<HTMLInputElement>(null);
  const [fileError, setFileError] = React.useState<string | null>(null);

  const openFile = async (file: File | undefined) => {
    if (!file) return;
    if (!empty && !window.confirm(`Replace the pasted text with ${file.name}?`)) return;
    try {
      setFileError(null);
      model.setPasteText(await file.text());
    } catch (err) {
      setFileError(`${file.name} could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return (
    <div className="jp-fedomop-paste">
      <p className="jp-fedomop-muted">
        An OHDSI Circe cohort as ATLAS exports it (cohort definition → Export → JSON): the expression, or the whole definition
        with its name. It runs as written: inclusion rules, correlated criteria, exits and all.
      </p>
      <textarea
        className="jp-mod-styled jp-fedomop-paste-text"
        aria-label="ATLAS cohort JSON"
        aria-invalid={problems.length > 0}
        aria-describedby={problems.length > 0 ? problemsId : undefined}
        spellCheck={false}
        autoComplete="off"
        rows={12}
        placeholder='{"ConceptSets": [...], "PrimaryCriteria": {...}, "InclusionRules": [...]}'
        value={model.pasteText}
        onChange={(e) => model.setPasteText(e.target.value)}
      />
      <div className="jp-fedomop-row jp-fedomop-paste-actions">
        <button type="button" className="jp-fedomop-link" onClick={() => fileInput.current?.click()}>
          open a .json file…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          onChange={(e) => {
            void openFile(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        {empty && model.builtCohortReady && (
          <button
            type="button"
            className="jp-fedomop-link"
            title="Put the cohort built from concepts here as Circe JSON, to add inclusion rules to it"
            onClick={() => model.pasteBuiltCohort()}
          >
            start from the built cohort
          </button>
        )}
      </div>
      {model.pasteChecking && (
        <p className="jp-fedomop-muted" role="status">
          checking the pasted cohort…
        </p>
      )}
      {fileError && (
        <p className="jp-fedomop-error" role="alert">
          {fileError}
        </p>
      )}
      {info && (
        <div className="jp-fedomop-cohort-info">
          <span className="jp-fedomop-cohort-name">{info.name ?? 'Untitled cohort'}</span>
          <span className="jp-fedomop-muted"> · </span>
          <span className="jp-fedomop-cohort-summary">{info.summary}</span>
          {info.source === 'plan' && <span className="jp-fedomop-muted"> (the cohort of a fedomop plan)</span>}
          {info.ruleNames.length > 0 && (
            <ol className="jp-fedomop-rules" aria-label="Inclusion rules">
              {info.ruleNames.map((name, k) => (
                <li key={k}>{name}</li>
              ))}
            </ol>
          )}
        </div>
      )}
      <ProblemList
        id={problemsId}
        problems={problems}
        className="jp-fedomop-problems"
        label="Problems in the pasted cohort"
        intro={problems.length === 1 ? 'Fix this to run the cohort:' : `Fix these ${problems.length} problems to run the cohort:`}
        alert
      />
      {!empty && model.planResult.ok && (
        <p className="jp-fedomop-valid" role="status">
          Valid: every site will run this cohort as written.
        </p>
      )}
    </div>
  );
}

/** Problems or warnings, one per line as `path: message` (the path in code type, for finding it in the JSON). */
function ProblemList({
  problems,
  className,
  label,
  intro,
  id,
  alert = false,
}: {
  problems: readonly PlanProblem[];
  className: string;
  label: string;
  intro: string;
  id?: string;
  alert?: boolean;
}): React.ReactElement | null {
  if (problems.length === 0) return null;
  return (
    <div className={className} id={id} role={alert ? 'alert' : 'status'} aria-label={label}>
      <p>{intro}</p>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            {p.path && (
              <>
                <code className="jp-fedomop-problem-path">{p.path}</code>:{' '}
              </>
            )}
            <span className="jp-fedomop-problem-message">{p.message}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
