/**
 * Small in-place controls the builder's sentences are made of: numbers, ranges, choices of domain
 * and concept set, and the problems the plan validator found at a part. Each commits through the
 * editor (one edit, one undo step); none holds cohort state of its own beyond the text being typed.
 */
import * as React from 'react';
import { useEffect, useState } from 'react';
import { CRITERION_DOMAINS, type ConceptSet, type NumericRange } from '../../circe/types.js';
import type { CohortEditor } from '../cohort-document/editor-model.js';
import { DOMAIN_WORDS } from './sentences.js';

/** A number typed in place; commits on every valid value (counts are debounced anyway). */
export function NumberField(props: {
  value: number | null | undefined;
  label: string;
  onCommit: (v: number | null) => void;
  allowEmpty?: boolean;
  /** Shown when empty (allowEmpty): what an absent value means; default "all". */
  placeholder?: string;
  min?: number;
  width?: string;
}): React.ReactElement {
  const [text, setText] = useState(props.value === null || props.value === undefined ? '' : String(props.value));
  useEffect(() => setText(props.value === null || props.value === undefined ? '' : String(props.value)), [props.value]);
  return (
    <input
      className="jp-mod-styled jp-fedomop-cb-number"
      type="number"
      aria-label={props.label}
      value={text}
      min={props.min}
      style={props.width ? { width: props.width } : undefined}
      placeholder={props.allowEmpty ? (props.placeholder ?? 'all') : ''}
      onChange={(e) => {
        setText(e.target.value);
        const t = e.target.value.trim();
        if (t === '' && props.allowEmpty) props.onCommit(null);
        else if (t !== '' && Number.isFinite(Number(t))) props.onCommit(Number(t));
      }}
    />
  );
}

const OPS: Array<[string, string]> = [
  ['gt', '>'],
  ['gte', '≥'],
  ['lt', '<'],
  ['lte', '≤'],
  ['eq', '='],
  ['!eq', '≠'],
  ['bt', 'between'],
  ['!bt', 'not between'],
];

/** "≥ 50", "between 2 and 10": Circe's NumericRange, edited in place. */
/**
 * The operator of a Circe range (numeric or date): switching to "between" keeps the bound as both ends,
 * switching away drops the second end.
 */
export function RangeOperator<R extends { Op: string; Value: unknown; Extent?: unknown }>(props: {
  label: string;
  value: R;
  ops: Array<[string, string]>;
  onCommit: (r: R) => void;
}): React.ReactElement {
  const r = props.value;
  return (
    <select
      className="jp-mod-styled"
      aria-label={`${props.label} operator`}
      value={r.Op}
      onChange={(e) => {
        const op = e.target.value;
        const next: R = { ...r, Op: op };
        if (op === 'bt' || op === '!bt') next.Extent = r.Extent ?? r.Value;
        else delete next.Extent;
        props.onCommit(next);
      }}
    >
      {props.ops.map(([v, t]) => (
        <option key={v} value={v}>
          {t}
        </option>
      ))}
    </select>
  );
}

export function RangeField(props: {
  value: NumericRange | null | undefined;
  label: string;
  onCommit: (r: NumericRange | undefined) => void;
}): React.ReactElement {
  const r = props.value;
  if (!r) {
    return (
      <button type="button" className="jp-fedomop-cb-link" onClick={() => props.onCommit({ Value: 0, Op: 'gt' })}>
        add a {props.label} range
      </button>
    );
  }
  const between = r.Op === 'bt' || r.Op === '!bt';
  return (
    <span className="jp-fedomop-cb-range" data-range={props.label}>
      <RangeOperator label={props.label} value={r} ops={OPS} onCommit={props.onCommit} />
      <NumberField value={r.Value} label={`${props.label} value`} onCommit={(v) => props.onCommit({ ...r, Value: v ?? 0 })} />
      {between && (
        <>
          {' and '}
          <NumberField
            value={r.Extent ?? null}
            label={`${props.label} upper value`}
            onCommit={(v) => props.onCommit({ ...r, Extent: v ?? 0 })}
          />
        </>
      )}
      <button
        type="button"
        className="jp-fedomop-cb-remove"
        aria-label={`Remove ${props.label} range`}
        onClick={() => props.onCommit(undefined)}
      >
        ×
      </button>
    </span>
  );
}

export function DomainSelect(props: {
  value: string;
  onChange: (d: (typeof CRITERION_DOMAINS)[number]) => void;
  label: string;
}): React.ReactElement {
  return (
    <select
      className="jp-mod-styled"
      aria-label={props.label}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value as (typeof CRITERION_DOMAINS)[number])}
    >
      {CRITERION_DOMAINS.map((d) => (
        <option key={d} value={d}>
          {DOMAIN_WORDS[d] ?? d}
        </option>
      ))}
    </select>
  );
}

export function ConceptSetSelect(props: {
  sets: readonly ConceptSet[];
  value: unknown;
  label: string;
  onChange: (id: number | null) => void;
}): React.ReactElement {
  return (
    <select
      className="jp-mod-styled"
      aria-label={props.label}
      value={typeof props.value === 'number' ? String(props.value) : ''}
      onChange={(e) => props.onChange(e.target.value === '' ? null : Number(e.target.value))}
    >
      <option value="">any concept</option>
      {props.sets.map((s) => (
        <option key={s.id} value={String(s.id)}>
          {s.name || `concept set ${s.id}`}
        </option>
      ))}
    </select>
  );
}

/** The validator's problems at `path` (and below it unless `exact`), next to the part at fault. */
export function Problems(props: { editor: CohortEditor; path: string; exact?: boolean }): React.ReactElement | null {
  const problems = props.editor.problemsAt(props.path, props.exact ?? true);
  if (!problems.length) return null;
  return (
    <ul className="jp-fedomop-cb-problems" data-path={props.path}>
      {problems.map((p, i) => (
        <li key={i} className={p.severity === 'error' ? 'jp-fedomop-error' : 'jp-fedomop-warning'} title={p.path}>
          {p.message}
        </li>
      ))}
    </ul>
  );
}
