/**
 * A criterion's attributes as phrases with an editor each ("with days supply ≥ 30", "with drug type
 * in Prescription written [excluding]", "starting after 2010-01-01"), one editor per kind in the
 * compiler's catalogue, each removable; an "add attribute" menu offers the ones the domain has and
 * the criterion lacks. Attributes the catalogue does not know are read out and kept as written.
 */
import * as React from 'react';
import { useContext, useRef, useState } from 'react';
import type { ConceptSet, CriteriaGroup, DateRange, NumericRange } from '../../circe/types.js';
import { atlasConcept, setValue } from '../cohort-document/cohort-edits.js';
import type { CohortEditor } from '../cohort-document/editor-model.js';
import type { JsonPath } from '../cohort-document/json-path.js';
import {
  attributeChoices,
  attributeWords,
  defaultAttributeValue,
  KNOWN_CONCEPTS,
  needsConceptSet,
  unknownAttributes,
  type IAttributeChoice,
} from './attribute-catalogue.js';
import { ConceptApiContext, ConceptLookup } from './concept-lookup.js';
import { ConceptSetSelect, NumberField, RangeField, RangeOperator } from './controls.js';
import { GroupView } from './GroupView.js';
import { MenuButton } from './MenuButton.js';

/** Labels kept from the earlier builder (tests and screen readers know them). */
const LABELS: Record<string, string> = { Age: 'age at event' };

export const labelOf = (name: string): string => LABELS[name] ?? attributeWords(name);

interface IAttrProps {
  editor: CohortEditor;
  sets: readonly ConceptSet[];
  /** Path of the criterion's attribute object (`[..., 'Measurement']`). */
  path: JsonPath;
  attrs: Record<string, unknown>;
}

/** Every attribute the criterion holds (but its concept set), each as phrase + editor + remove. */
export function AttributeList(props: IAttrProps & { domain: string; skip?: string[] }): React.ReactElement | null {
  const { editor, path, attrs, domain } = props;
  const choices = attributeChoices(domain).filter((c) => !props.skip?.includes(c.name));
  const present = choices.filter((c) => attrs[c.name] !== undefined && attrs[c.name] !== null);
  const unknown = unknownAttributes(domain, attrs).filter((k) => !props.skip?.includes(k));
  if (!present.length && !unknown.length) return null;
  return (
    <ul className="jp-fedomop-cb-attrs" aria-label="Attributes">
      {present.map((c) => (
        <li key={c.name} className="jp-fedomop-cb-attr" data-attribute={c.name}>
          {c.kind === 'flag' ? null : <span className="jp-fedomop-cb-phrase">{c.phrase} </span>}
          <AttributeEditor {...props} choice={c} />
          {/* A range has its own × (RangeField); every other kind gets one here. */}
          {c.kind !== 'numericRange' && (
            <button
              type="button"
              className="jp-fedomop-cb-remove"
              aria-label={`Remove ${labelOf(c.name)}`}
              title={`Remove ${labelOf(c.name)}`}
              onClick={() =>
                editor.apply((x) => {
                  let out = setValue(x, [...path, c.name], undefined);
                  if (c.excludeFlag && attrs[c.excludeFlag] !== undefined)
                    out = setValue(out, [...path, c.excludeFlag], undefined);
                  return out;
                })
              }
            >
              ×
            </button>
          )}
        </li>
      ))}
      {unknown.map((name) => (
        <li key={name} className="jp-fedomop-cb-attr jp-fedomop-muted" data-attribute={name} data-unknown="true">
          {attributeWords(name)}: kept as written (not compiled by fedomop)
        </li>
      ))}
    </ul>
  );
}

/** "+ attribute": a menu of the attributes this domain has and the criterion lacks. */
export function AddAttributeMenu(props: IAttrProps & { domain: string; skip?: string[] }): React.ReactElement | null {
  const { editor, sets, path, attrs, domain } = props;
  const absent = attributeChoices(domain).filter(
    (c) => (attrs[c.name] === undefined || attrs[c.name] === null) && !props.skip?.includes(c.name),
  );
  if (!absent.length) return null;
  return (
    <MenuButton
      label="+ attribute"
      menuLabel="Add attribute"
      items={absent.map((c) => ({
        id: c.name,
        text: `${c.phrase}${c.kind === 'flag' ? '' : ' …'}`,
        disabled: needsConceptSet(c) && sets.length === 0 ? 'Add a concept set first' : undefined,
      }))}
      onPick={(name) => {
        const c = absent.find((x) => x.name === name);
        if (c) editor.apply((x) => setValue(x, [...path, c.name], defaultAttributeValue(c, sets)));
      }}
    />
  );
}

function AttributeEditor(props: IAttrProps & { choice: IAttributeChoice }): React.ReactElement | null {
  const { editor, sets, path, attrs, choice } = props;
  const name = choice.name;
  const value = attrs[name];
  const at: JsonPath = [...path, name];
  const set = (v: unknown) => editor.apply((x) => setValue(x, at, v));
  const label = labelOf(name);
  switch (choice.kind) {
    case 'numericRange':
      return <RangeField label={label} value={value as NumericRange} onCommit={set} />;
    case 'dateRange':
      return <DateRangeField label={label} value={value as DateRange} onCommit={set} />;
    case 'conceptList':
      return (
        <ConceptListField
          label={label}
          attribute={name}
          known={KNOWN_CONCEPTS[name.replace(/CS$/, '')] ?? []}
          value={Array.isArray(value) ? (value as IConceptEntry[]) : []}
          onCommit={set}
          exclude={choice.excludeFlag ? attrs[choice.excludeFlag] === true : undefined}
          onExclude={
            choice.excludeFlag
              ? (on) => editor.apply((x) => setValue(x, [...path, choice.excludeFlag!], on ? true : undefined))
              : undefined
          }
        />
      );
    case 'conceptSetSelection': {
      const s = (value ?? {}) as { CodesetId?: number; IsExclusion?: boolean | null };
      return (
        <>
          <ConceptSetSelect
            label={`${label} concept set`}
            sets={sets}
            value={s.CodesetId}
            onChange={(id) => set(id === null ? undefined : { ...s, CodesetId: id })}
          />{' '}
          <label>
            <input
              type="checkbox"
              aria-label={`${label}: exclude`}
              checked={s.IsExclusion === true}
              onChange={(ev) => set({ ...s, IsExclusion: ev.target.checked })}
            />{' '}
            excluding these
          </label>
        </>
      );
    }
    case 'codeset':
      return (
        <ConceptSetSelect
          label={`${label} concept set`}
          sets={sets}
          value={value}
          onChange={(id) => set(id === null ? undefined : id)}
        />
      );
    case 'text':
      return <TextFilterField label={label} value={value as { Text?: string | null; Op?: string }} onCommit={set} />;
    case 'flag':
      return (
        <label>
          <input type="checkbox" aria-label={label} checked={value === true} onChange={(ev) => set(ev.target.checked)} />{' '}
          {choice.phrase}
        </label>
      );
    case 'userDefinedPeriod': {
      const p = (value ?? {}) as { StartDate?: string | null; EndDate?: string | null };
      return (
        <>
          <DateInput label={`${label} start`} value={p.StartDate ?? ''} onCommit={(d) => set({ ...p, StartDate: d || null })} />
          {' to '}
          <DateInput label={`${label} end`} value={p.EndDate ?? ''} onCommit={(d) => set({ ...p, EndDate: d || null })} />
        </>
      );
    }
    case 'dateAdjustment': {
      const a = (value ?? {}) as { StartWith?: string; StartOffset?: number; EndWith?: string; EndOffset?: number };
      return (
        <>
          {'start = '}
          <DateFieldSelect
            label="Adjusted start from"
            value={a.StartWith ?? 'START_DATE'}
            onChange={(v) => set({ ...a, StartWith: v })}
          />
          {' + '}
          <NumberField
            label="Adjusted start offset days"
            width="4em"
            value={a.StartOffset ?? 0}
            onCommit={(v) => set({ ...a, StartOffset: v ?? 0 })}
          />
          {' days, end = '}
          <DateFieldSelect
            label="Adjusted end from"
            value={a.EndWith ?? 'END_DATE'}
            onChange={(v) => set({ ...a, EndWith: v })}
          />
          {' + '}
          <NumberField
            label="Adjusted end offset days"
            width="4em"
            value={a.EndOffset ?? 0}
            onCommit={(v) => set({ ...a, EndOffset: v ?? 0 })}
          />
          {' days'}
        </>
      );
    }
    case 'correlatedCriteria':
      return (
        <div className="jp-fedomop-cb-nested-criteria">
          <GroupView editor={editor} e={editor.expression!} path={at} group={(value ?? {}) as CriteriaGroup} depth={1} />
        </div>
      );
  }
}

const DATE_OPS: Array<[string, string]> = [
  ['lt', 'before'],
  ['lte', 'on or before'],
  ['eq', 'on'],
  ['!eq', 'not on'],
  ['gt', 'after'],
  ['gte', 'on or after'],
  ['bt', 'between'],
  ['!bt', 'not between'],
];

/** "after 2010-01-01", "between 2010-01-01 and 2015-12-31": Circe's DateRange. */
export function DateRangeField(props: { label: string; value: DateRange; onCommit: (r: DateRange) => void }): React.ReactElement {
  const r = props.value;
  const between = r.Op === 'bt' || r.Op === '!bt';
  return (
    <span className="jp-fedomop-cb-range" data-range={props.label}>
      <RangeOperator label={props.label} value={r} ops={DATE_OPS} onCommit={props.onCommit} />{' '}
      <DateInput label={`${props.label} date`} value={r.Value} onCommit={(d) => d && props.onCommit({ ...r, Value: d })} />
      {between && (
        <>
          {' and '}
          <DateInput
            label={`${props.label} upper date`}
            value={r.Extent ?? ''}
            onCommit={(d) => d && props.onCommit({ ...r, Extent: d })}
          />
        </>
      )}
    </span>
  );
}

function DateInput(props: { label: string; value: string; onCommit: (d: string) => void }): React.ReactElement {
  return (
    <input
      className="jp-mod-styled"
      type="date"
      aria-label={props.label}
      value={props.value}
      onChange={(ev) => props.onCommit(ev.target.value)}
    />
  );
}

function DateFieldSelect(props: { label: string; value: string; onChange: (v: string) => void }): React.ReactElement {
  return (
    <select
      className="jp-mod-styled"
      aria-label={props.label}
      value={props.value}
      onChange={(ev) => props.onChange(ev.target.value)}
    >
      <option value="START_DATE">its start date</option>
      <option value="END_DATE">its end date</option>
    </select>
  );
}

const TEXT_OPS: Array<[string, string]> = [
  ['contains', 'containing'],
  ['startsWith', 'starting with'],
  ['endsWith', 'ending with'],
  ['!contains', 'not containing'],
  ['!startsWith', 'not starting with'],
  ['!endsWith', 'not ending with'],
];

/** "containing 'adverse'": Circe's TextFilter. */
export function TextFilterField(props: {
  label: string;
  value: { Text?: string | null; Op?: string };
  onCommit: (v: { Text: string; Op: string }) => void;
}): React.ReactElement {
  const v = props.value ?? {};
  const op = v.Op ?? 'contains';
  return (
    <>
      <select
        className="jp-mod-styled"
        aria-label={`${props.label} match`}
        value={op}
        onChange={(ev) => props.onCommit({ ...v, Text: v.Text ?? '', Op: ev.target.value })}
      >
        {TEXT_OPS.map(([k, t]) => (
          <option key={k} value={k}>
            {t}
          </option>
        ))}
      </select>{' '}
      <input
        className="jp-mod-styled"
        aria-label={`${props.label} text`}
        value={v.Text ?? ''}
        onChange={(ev) => props.onCommit({ ...v, Text: ev.target.value, Op: op })}
      />
    </>
  );
}

export interface IConceptEntry {
  CONCEPT_ID: number;
  CONCEPT_NAME?: string;
  [field: string]: unknown;
}

/**
 * Concepts as removable chips, added by name (searched in the sites' vocabularies, when connected),
 * by concept id, or one click for well-known ones; with the exclusion flag.
 */
export function ConceptListField(props: {
  label: string;
  /** The attribute's catalogue name, for the name lookup's domain filter. */
  attribute?: string;
  value: IConceptEntry[];
  known: IConceptEntry[];
  onCommit: (v: IConceptEntry[]) => void;
  exclude?: boolean;
  onExclude?: (on: boolean) => void;
}): React.ReactElement {
  const [id, setId] = useState('');
  const { value } = props;
  const has = (cid: number) => value.some((c) => c.CONCEPT_ID === cid);
  // The list as last rendered, not as when a name lookup started: a concept added while the lookup
  // was in flight must not be lost when its answer adds another.
  const latest = useRef(value);
  latest.current = value;
  const add = (c: IConceptEntry) => {
    if (latest.current.some((e) => e.CONCEPT_ID === c.CONCEPT_ID)) return;
    latest.current = [...latest.current, c]; // two answers arriving before a re-render both count
    props.onCommit(latest.current);
  };
  const typed = Number(id);
  const valid = id.trim() !== '' && Number.isInteger(typed) && typed >= 0;
  const api = useContext(ConceptApiContext);
  // A concept added by id gets its name (and the rest of Circe's fields) from the sites' vocabulary
  // when the hub knows it, so the sentence reads a name; else it is kept as the bare id typed.
  const addById = (cid: number) => {
    setId('');
    if (!api) return add({ CONCEPT_ID: cid });
    api.concept(cid).then(
      (c) => add(c.conceptId === cid && c.name ? atlasConcept(c) : { CONCEPT_ID: cid }),
      () => add({ CONCEPT_ID: cid }),
    );
  };
  return (
    <span className="jp-fedomop-cb-concepts" data-concepts={props.label}>
      {value.length === 0 && <span className="jp-fedomop-muted">(none yet: filters nothing) </span>}
      {value.map((c, i) => (
        <span key={`${c.CONCEPT_ID}-${i}`} className="jp-fedomop-cb-chip" data-concept-id={c.CONCEPT_ID}>
          {c.CONCEPT_NAME ?? `concept ${c.CONCEPT_ID}`}
          <button
            type="button"
            className="jp-fedomop-cb-remove"
            aria-label={`Remove ${c.CONCEPT_NAME ?? c.CONCEPT_ID} from ${props.label}`}
            onClick={() => props.onCommit(value.filter((_, j) => j !== i))}
          >
            ×
          </button>{' '}
        </span>
      ))}
      {props.known
        .filter((k) => !has(k.CONCEPT_ID))
        .map((k) => (
          <button key={k.CONCEPT_ID} type="button" className="jp-fedomop-cb-link" onClick={() => add(k)}>
            + {k.CONCEPT_NAME}
          </button>
        ))}{' '}
      {props.attribute && <ConceptLookup attribute={props.attribute} label={props.label} onPick={add} />}{' '}
      <input
        className="jp-mod-styled jp-fedomop-cb-number"
        type="number"
        min={0}
        aria-label={`${props.label} concept id`}
        placeholder="concept id"
        value={id}
        onChange={(ev) => setId(ev.target.value)}
        onKeyDown={(ev) => {
          if (ev.key === 'Enter' && valid) {
            ev.preventDefault();
            addById(typed);
          }
        }}
      />
      <button type="button" className="jp-fedomop-cb-link" disabled={!valid} onClick={() => addById(typed)}>
        add
      </button>
      {props.onExclude && (
        <label>
          {' '}
          <input
            type="checkbox"
            aria-label={`${props.label}: exclude`}
            checked={props.exclude === true}
            onChange={(ev) => props.onExclude!(ev.target.checked)}
          />{' '}
          excluding these
        </label>
      )}
    </span>
  );
}
