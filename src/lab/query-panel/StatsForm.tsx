import * as React from 'react';
import { DOMAINS, PICKS, VARIABLE_TYPES, namesFor, type IStatsForm, type IVariableForm, type StatsKind } from './stats-form.js';
import type { QueryPanelModel } from './model.js';

/**
 * The statistics kinds' form: the variables table (name, type and the type's parameters), then the
 * chosen kind's parameters, each a native control with a label so the form works from the keyboard.
 * Pickers list only variables whose kind fits the role (stats-form.ts roleAccepts).
 */
export function StatsForm({ model, kind }: { model: QueryPanelModel; kind: StatsKind }): React.ReactElement {
  const form = model.statsForm;
  return (
    <div className="jp-fedomop-stats-form">
      <VariablesTable model={model} form={form} />
      <div className="jp-fedomop-stats-params" aria-label="Parameters">
        {kind === 'summary' && (
          <>
            <NameChecks
              label="Summarise"
              names={namesFor(form, 'of')}
              picked={form.of}
              onToggle={(n, on) => model.toggleStatsName('of', n, on)}
            />
            <NameSelect
              label="By"
              value={form.by}
              names={namesFor(form, 'by')}
              optional
              onChange={(by) => model.setStats({ by })}
            />
          </>
        )}
        {kind === 'histogram' && (
          <>
            <NameSelect
              label="Variable"
              value={form.histogramOf}
              names={namesFor(form, 'histogram')}
              onChange={(histogramOf) => model.setStats({ histogramOf })}
            />
            <NumberField label="Bins" value={form.bins} onChange={(bins) => model.setStats({ bins })} />
            <label className="jp-fedomop-inline">
              Edges
              <input
                type="text"
                className="jp-fedomop-edges"
                placeholder="e.g. 40, 50, 60 (else the hub picks)"
                value={form.edges}
                onChange={(e) => model.setStats({ edges: e.target.value })}
              />
            </label>
          </>
        )}
        {kind === 'glm' && (
          <>
            <label className="jp-fedomop-inline">
              Family
              <select value={form.family} onChange={(e) => model.setStats({ family: e.target.value as IStatsForm['family'] })}>
                <option value="binomial">binomial (logistic)</option>
                <option value="gaussian">gaussian (linear)</option>
                <option value="poisson">poisson (log-linear)</option>
              </select>
            </label>
            <NameSelect
              label="Outcome"
              value={form.outcome}
              names={namesFor(form, 'outcome')}
              onChange={(outcome) => model.setStats({ outcome })}
            />
            <NameChecks
              label="Covariates"
              names={namesFor(form, 'covariate').filter((n) => n !== form.outcome)}
              picked={form.covariates}
              onToggle={(n, on) => model.toggleStatsName('covariates', n, on)}
            />
            <NameSelect
              label="Offset"
              value={form.offset}
              names={namesFor(form, 'offset')}
              optional
              onChange={(offset) => model.setStats({ offset })}
            />
            <label className="jp-fedomop-inline">
              <input
                type="checkbox"
                checked={form.onRefusal === 'continue'}
                onChange={(e) => model.setStats({ onRefusal: e.target.checked ? 'continue' : 'fail' })}
              />
              fit on the other sites if one refuses
            </label>
          </>
        )}
        {kind === 'km' && (
          <>
            <NameSelect
              label="Time"
              value={form.time}
              names={namesFor(form, 'time')}
              onChange={(time) => model.setStats({ time })}
            />
            <NameSelect
              label="Strata"
              value={form.strata}
              names={namesFor(form, 'strata')}
              optional
              onChange={(strata) => model.setStats({ strata })}
            />
            <NumberField label="Bin (days)" value={form.binDays} onChange={(binDays) => model.setStats({ binDays })} />
          </>
        )}
      </div>
    </div>
  );
}

function VariablesTable({ model, form }: { model: QueryPanelModel; form: Readonly<IStatsForm> }): React.ReactElement {
  return (
    <table className="jp-fedomop-table jp-fedomop-variables" aria-label="Variables">
      <thead>
        <tr>
          <th>Variable</th>
          <th>Type</th>
          <th>Parameters</th>
          <th>
            <span className="jp-fedomop-sr-only">Remove</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {form.variables.map((v, i) => (
          <tr key={i} data-variable={v.name}>
            <td>
              <input
                type="text"
                aria-label={`Name of variable ${i + 1}`}
                value={v.name}
                size={10}
                onChange={(e) => model.updateVariable(i, { name: e.target.value })}
              />
            </td>
            <td>
              <select
                aria-label={`Type of ${v.name || `variable ${i + 1}`}`}
                value={v.type}
                onChange={(e) => model.updateVariable(i, { type: e.target.value as IVariableForm['type'] })}
              >
                {VARIABLE_TYPES.map(([type, label]) => (
                  <option key={type} value={type}>
                    {label}
                  </option>
                ))}
              </select>
            </td>
            <td>
              <VariableParams v={v} onChange={(change) => model.updateVariable(i, change)} />
            </td>
            <td>
              <button
                type="button"
                className="jp-Button jp-mod-minimal"
                aria-label={`Remove ${v.name}`}
                onClick={() => model.removeVariable(i)}
              >
                ×
              </button>
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={4}>
            <button type="button" className="jp-Button jp-mod-styled jp-fedomop-add-variable" onClick={() => model.addVariable()}>
              Add variable
            </button>
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

function VariableParams({
  v,
  onChange,
}: {
  v: IVariableForm;
  onChange: (change: Partial<IVariableForm>) => void;
}): React.ReactElement | null {
  const concept = <NumberField label="concept id" value={v.conceptId} onChange={(conceptId) => onChange({ conceptId })} />;
  const window = (
    <>
      <NumberField label="from day" value={v.windowStart} onChange={(windowStart) => onChange({ windowStart })} negative />
      <NumberField label="to day" value={v.windowEnd} onChange={(windowEnd) => onChange({ windowEnd })} negative />
    </>
  );
  const domain = (
    <label className="jp-fedomop-inline">
      domain
      <select value={v.domain} onChange={(e) => onChange({ domain: e.target.value as IVariableForm['domain'] })}>
        {DOMAINS.map((d) => (
          <option key={d}>{d}</option>
        ))}
      </select>
    </label>
  );
  switch (v.type) {
    case 'measurement':
      return (
        <span className="jp-fedomop-params">
          {concept}
          {window}
          <label className="jp-fedomop-inline">
            pick
            <select value={v.pick} onChange={(e) => onChange({ pick: e.target.value as IVariableForm['pick'] })}>
              {PICKS.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </label>
        </span>
      );
    case 'occurrence':
    case 'count_occurrences':
      return (
        <span className="jp-fedomop-params">
          {domain}
          {concept}
          {window}
        </span>
      );
    case 'death':
      return <span className="jp-fedomop-params">{window}</span>;
    case 'time_to':
      return (
        <span className="jp-fedomop-params">
          <label className="jp-fedomop-inline">
            event
            <select value={v.event} onChange={(e) => onChange({ event: e.target.value as IVariableForm['event'] })}>
              <option value="death">death</option>
              <option value="occurrence">occurrence</option>
            </select>
          </label>
          {v.event === 'occurrence' && (
            <>
              {domain}
              {concept}
            </>
          )}
          <NumberField label="max days" value={v.maxDays} onChange={(maxDays) => onChange({ maxDays })} />
        </span>
      );
    default:
      return <span className="jp-fedomop-muted">–</span>;
  }
}

function NumberField({
  label,
  value,
  onChange,
  negative,
}: {
  label: string;
  value: number | null;
  onChange: (v: number | null) => void;
  negative?: boolean;
}): React.ReactElement {
  return (
    <label className="jp-fedomop-inline">
      {label}
      <input
        type="number"
        className="jp-fedomop-number"
        min={negative ? undefined : 0}
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
      />
    </label>
  );
}

function NameSelect({
  label,
  value,
  names,
  optional,
  onChange,
}: {
  label: string;
  value: string | null;
  names: string[];
  optional?: boolean;
  onChange: (v: string | null) => void;
}): React.ReactElement {
  // A picked name the table no longer offers stays visible (and the plan says what is wrong with it).
  const options = value && !names.includes(value) ? [value, ...names] : names;
  return (
    <label className="jp-fedomop-inline">
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}>
        {(optional || value === null) && <option value="">{optional ? '(none)' : '(pick one)'}</option>}
        {options.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}

function NameChecks({
  label,
  names,
  picked,
  onToggle,
}: {
  label: string;
  names: string[];
  picked: readonly string[];
  onToggle: (name: string, on: boolean) => void;
}): React.ReactElement {
  return (
    <fieldset className="jp-fedomop-inline jp-fedomop-namechecks">
      <legend>{label}</legend>
      {names.map((n) => (
        <label key={n} className="jp-fedomop-inline">
          <input type="checkbox" checked={picked.includes(n)} onChange={(e) => onToggle(n, e.target.checked)} />
          {n}
        </label>
      ))}
    </fieldset>
  );
}
