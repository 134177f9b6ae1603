/** Entry events, the observation window around them, and the limits ATLAS puts on the first page. */
import * as React from 'react';
import type { CirceExpression } from '../../circe/types.js';
import {
  addEntryEvent,
  emptyGroup,
  removeAt,
  removeEntryEvent,
  setValue,
  setLimit,
  setObservationWindow,
  type LimitField,
} from '../cohort-document/cohort-edits.js';
import type { CohortEditor } from '../cohort-document/editor-model.js';
import { NumberField, Problems } from './controls.js';
import { CriterionView } from './CriterionView.js';
import { GroupView, RemoveButton } from './GroupView.js';

export function EntrySection({ editor, e }: { editor: CohortEditor; e: CirceExpression }): React.ReactElement {
  const list = e.PrimaryCriteria?.CriteriaList ?? [];
  const w = e.PrimaryCriteria?.ObservationWindow ?? {};
  const firstSet = e.ConceptSets?.[0]?.id ?? null;
  return (
    <section className="jp-fedomop-cb-section" aria-label="Cohort entry events">
      <h3>Cohort entry events</h3>
      <div className="jp-fedomop-cb-sentence">People enter the cohort with any of these events:</div>
      <Problems editor={editor} path="PrimaryCriteria.CriteriaList" />
      <ul className="jp-fedomop-cb-items">
        {list.map((c, i) => (
          <li key={i} className="jp-fedomop-cb-entry">
            <span>a </span>
            <CriterionView
              editor={editor}
              e={e}
              path={['PrimaryCriteria', 'CriteriaList', i]}
              criterion={c}
              actions={<RemoveButton label="Remove entry event" onClick={() => editor.apply((x) => removeEntryEvent(x, i))} />}
            />
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="jp-fedomop-cb-link"
        onClick={() => {
          const set = firstSet === null ? undefined : e.ConceptSets.find((s) => s.id === firstSet);
          const domain = set?.expression.items[0]?.concept.DOMAIN_ID;
          const criterion =
            domain === 'Measurement'
              ? 'Measurement'
              : domain === 'Drug'
                ? 'DrugExposure'
                : domain === 'Procedure'
                  ? 'ProcedureOccurrence'
                  : 'ConditionOccurrence';
          editor.apply((x) => addEntryEvent(x, criterion, firstSet));
        }}
      >
        + entry event
      </button>
      <div className="jp-fedomop-cb-sentence">
        with continuous observation of at least{' '}
        <NumberField
          label="Observation days before"
          value={w.PriorDays ?? 0}
          min={0}
          width="5em"
          onCommit={(v) => editor.apply((x) => setObservationWindow(x, v ?? 0, w.PostDays ?? 0))}
        />{' '}
        days before and{' '}
        <NumberField
          label="Observation days after"
          value={w.PostDays ?? 0}
          min={0}
          width="5em"
          onCommit={(v) => editor.apply((x) => setObservationWindow(x, w.PriorDays ?? 0, v ?? 0))}
        />{' '}
        days after the event date.
      </div>
      <Problems editor={editor} path="PrimaryCriteria.ObservationWindow" exact={false} />
      {/* Circe's AdditionalCriteria: a group every initial event must satisfy, before the limits. */}
      {e.AdditionalCriteria ? (
        <div className="jp-fedomop-cb-restrict" aria-label="Restrict initial events" data-path="AdditionalCriteria">
          <div className="jp-fedomop-cb-sentence">
            Restrict initial events to those{' '}
            <RemoveButton
              label="Remove the restriction of initial events"
              onClick={() => editor.apply((x) => removeAt(x, ['AdditionalCriteria']))}
            />
          </div>
          <GroupView editor={editor} e={e} path={['AdditionalCriteria']} group={e.AdditionalCriteria} />
        </div>
      ) : (
        <button
          type="button"
          className="jp-fedomop-cb-link"
          onClick={() => editor.apply((x) => setValue(x, ['AdditionalCriteria'], emptyGroup()))}
        >
          + restrict initial events
        </button>
      )}
      <LimitSentence
        editor={editor}
        field="PrimaryCriteriaLimit"
        value={e.PrimaryCriteria?.PrimaryCriteriaLimit?.Type}
        text="Limit initial events to"
        what="event per person"
      />
      <LimitSentence
        editor={editor}
        field="QualifiedLimit"
        value={e.QualifiedLimit?.Type}
        text="Limit qualifying events to"
        what="event per person"
      />
      <LimitSentence
        editor={editor}
        field="ExpressionLimit"
        value={e.ExpressionLimit?.Type}
        text="Limit cohort entries (after inclusion rules) to"
        what="event per person"
      />
    </section>
  );
}

function LimitSentence(props: {
  editor: CohortEditor;
  field: LimitField;
  value: unknown;
  text: string;
  what: string;
}): React.ReactElement {
  const v = String(props.value ?? 'First').toLowerCase();
  return (
    <div className="jp-fedomop-cb-sentence">
      {props.text}{' '}
      <select
        className="jp-mod-styled"
        aria-label={props.text}
        value={v === 'all' ? 'All' : v === 'last' ? 'Last' : 'First'}
        onChange={(ev) => props.editor.apply((x) => setLimit(x, props.field, ev.target.value as 'First' | 'All' | 'Last'))}
      >
        <option value="First">the earliest</option>
        <option value="Last">the latest</option>
        <option value="All">all</option>
      </select>{' '}
      {props.what}.
    </div>
  );
}
