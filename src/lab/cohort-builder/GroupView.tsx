/**
 * A criteria group (an inclusion rule's expression, or a nested group) as ATLAS reads it out: "having
 * all of the following criteria: having at least 1 measurement of “PSA” with value > 10 …; with age
 * ≥ 50", every number and choice editable in place, groups nested to any depth.
 */
import * as React from 'react';
import type {
  CirceExpression,
  CorrelatedCriterion,
  CriteriaGroup,
  DemographicCriteria,
  NumericRange,
} from '../../circe/types.js';
import {
  ageGroup,
  appendToGroup,
  correlatedCriterion,
  emptyGroup,
  removeAt,
  setGroupType,
  setValue,
} from '../cohort-document/cohort-edits.js';
import type { CohortEditor } from '../cohort-document/editor-model.js';
import { pathString, type JsonPath } from '../cohort-document/json-path.js';
import { NumberField, Problems, RangeField } from './controls.js';
import { DEMOGRAPHIC } from './attribute-catalogue.js';
import { AddAttributeMenu, AttributeList } from './AttributeEditors.js';
import { CriterionView } from './CriterionView.js';
import { newWindow, WindowView } from './WindowView.js';
import { groupHead } from './sentences.js';

interface IProps {
  editor: CohortEditor;
  e: CirceExpression;
  path: JsonPath;
  group: CriteriaGroup;
  depth?: number;
}

export function GroupView({ editor, e, path, group, depth = 0 }: IProps): React.ReactElement {
  const type = String(group.Type ?? 'ALL').toUpperCase();
  const counted = type === 'AT_LEAST' || type === 'AT_MOST';
  return (
    <div className="jp-fedomop-cb-group" data-path={pathString(path)} data-depth={depth} aria-label={groupHead(group)}>
      <div className="jp-fedomop-cb-sentence">
        having{' '}
        <select
          className="jp-mod-styled"
          aria-label="Group type"
          value={type}
          onChange={(ev) => editor.apply((x) => setGroupType(x, path, ev.target.value, group.Count ?? 1))}
        >
          <option value="ALL">all</option>
          <option value="ANY">any</option>
          <option value="AT_LEAST">at least</option>
          <option value="AT_MOST">at most</option>
        </select>{' '}
        {counted && (
          <NumberField
            label="Group count"
            value={group.Count ?? 1}
            min={0}
            width="4em"
            onCommit={(v) => editor.apply((x) => setValue(x, [...path, 'Count'], v ?? 1))}
          />
        )}{' '}
        of the following criteria:
      </div>
      <Problems editor={editor} path={pathString(path)} />
      <ul className="jp-fedomop-cb-items">
        {(group.CriteriaList ?? []).map((c, i) => (
          <li key={`c${i}`}>
            <CorrelatedView editor={editor} e={e} path={[...path, 'CriteriaList', i]} item={c} />
          </li>
        ))}
        {(group.DemographicCriteriaList ?? []).map((d, i) => (
          <li key={`d${i}`}>
            <DemographicView editor={editor} e={e} path={[...path, 'DemographicCriteriaList', i]} item={d} />
          </li>
        ))}
        {(group.Groups ?? []).map((g, i) => (
          <li key={`g${i}`} className="jp-fedomop-cb-nested">
            <GroupView editor={editor} e={e} path={[...path, 'Groups', i]} group={g} depth={depth + 1} />
            <RemoveButton label="Remove group" onClick={() => editor.apply((x) => removeAt(x, [...path, 'Groups', i]))} />
          </li>
        ))}
      </ul>
      <div className="jp-fedomop-cb-add">
        <button
          type="button"
          className="jp-fedomop-cb-link"
          onClick={() =>
            editor.apply((x) => appendToGroup(x, path, 'CriteriaList', correlatedCriterion('ConditionOccurrence', null)))
          }
        >
          + criterion
        </button>
        <button
          type="button"
          className="jp-fedomop-cb-link"
          onClick={() =>
            editor.apply((x) =>
              appendToGroup(x, path, 'DemographicCriteriaList', ageGroup({ Value: 18, Op: 'gte' }).DemographicCriteriaList![0]),
            )
          }
        >
          + demographic
        </button>
        <button
          type="button"
          className="jp-fedomop-cb-link"
          onClick={() => editor.apply((x) => appendToGroup(x, path, 'Groups', emptyGroup('ANY')))}
        >
          + group
        </button>
      </div>
    </div>
  );
}

function CorrelatedView(props: {
  editor: CohortEditor;
  e: CirceExpression;
  path: JsonPath;
  item: CorrelatedCriterion;
}): React.ReactElement {
  const { editor, e, path, item } = props;
  const occ = item.Occurrence ?? { Type: 2, Count: 1 };
  return (
    <div className="jp-fedomop-cb-sentence jp-fedomop-cb-correlated" data-path={pathString(path)}>
      having{' '}
      <select
        className="jp-mod-styled"
        aria-label="Occurrence"
        value={String(occ.Type)}
        onChange={(ev) => editor.apply((x) => setValue(x, [...path, 'Occurrence'], { ...occ, Type: Number(ev.target.value) }))}
      >
        <option value="0">exactly</option>
        <option value="1">at most</option>
        <option value="2">at least</option>
      </select>{' '}
      <NumberField
        label="Occurrence count"
        value={occ.Count}
        min={0}
        width="4em"
        onCommit={(v) => editor.apply((x) => setValue(x, [...path, 'Occurrence'], { ...occ, Count: v ?? 0 }))}
      />{' '}
      <Flag
        label="distinct"
        checked={occ.IsDistinct === true}
        onChange={(on) => editor.apply((x) => setValue(x, [...path, 'Occurrence', 'IsDistinct'], on))}
      />{' '}
      {occ.IsDistinct === true && (
        <>
          <select
            className="jp-mod-styled"
            aria-label="Distinct by"
            value={String(occ.CountColumn ?? 'DOMAIN_CONCEPT')}
            onChange={(ev) => editor.apply((x) => setValue(x, [...path, 'Occurrence', 'CountColumn'], ev.target.value))}
          >
            <option value="DOMAIN_CONCEPT">concepts</option>
            <option value="START_DATE">start dates</option>
            <option value="VISIT_ID">visits</option>
          </select>{' '}
        </>
      )}
      <CriterionView editor={editor} e={e} path={[...path, 'Criteria']} criterion={item.Criteria} />
      {item.StartWindow ? (
        <>
          {', '}
          <WindowView editor={editor} path={[...path, 'StartWindow']} window={item.StartWindow} which="start" />
          <RemoveButton label="Remove start window" onClick={() => editor.apply((x) => removeAt(x, [...path, 'StartWindow']))} />
        </>
      ) : (
        <>
          {', at any time '}
          <button
            type="button"
            className="jp-fedomop-cb-link"
            onClick={() => editor.apply((x) => setValue(x, [...path, 'StartWindow'], newWindow('start')))}
          >
            + start window
          </button>
        </>
      )}
      {item.EndWindow ? (
        <>
          {' and '}
          <WindowView editor={editor} path={[...path, 'EndWindow']} window={item.EndWindow} which="end" />
          <RemoveButton label="Remove end window" onClick={() => editor.apply((x) => removeAt(x, [...path, 'EndWindow']))} />
        </>
      ) : (
        <button
          type="button"
          className="jp-fedomop-cb-link"
          onClick={() => editor.apply((x) => setValue(x, [...path, 'EndWindow'], newWindow('end')))}
        >
          + end window
        </button>
      )}
      <span className="jp-fedomop-cb-flags">
        <Flag
          label="at the same visit"
          checked={item.RestrictVisit === true}
          onChange={(on) => editor.apply((x) => setValue(x, [...path, 'RestrictVisit'], on))}
        />
        <Flag
          label="even outside the observation period"
          checked={item.IgnoreObservationPeriod === true}
          onChange={(on) => editor.apply((x) => setValue(x, [...path, 'IgnoreObservationPeriod'], on))}
        />
      </span>
      <RemoveButton label="Remove criterion" onClick={() => editor.apply((x) => removeAt(x, path))} />
      <Problems editor={editor} path={pathString(path)} />
      <Problems editor={editor} path={pathString([...path, 'Occurrence'])} exact={false} />
      <Problems editor={editor} path={pathString([...path, 'StartWindow'])} exact={false} />
    </div>
  );
}

function DemographicView(props: {
  editor: CohortEditor;
  e: CirceExpression;
  path: JsonPath;
  item: DemographicCriteria;
}): React.ReactElement {
  const { editor, e, path, item } = props;
  const attrs = item as Record<string, unknown>;
  return (
    <div className="jp-fedomop-cb-sentence jp-fedomop-cb-demographic" data-path={pathString(path)}>
      with age{' '}
      <RangeField
        label="age"
        value={item.Age as NumericRange | undefined}
        onCommit={(r) => editor.apply((x) => setValue(x, [...path, 'Age'], r))}
      />{' '}
      <AddAttributeMenu
        editor={editor}
        sets={e.ConceptSets ?? []}
        path={path}
        attrs={attrs}
        domain={DEMOGRAPHIC}
        skip={['Age']}
      />
      <RemoveButton label="Remove demographic criterion" onClick={() => editor.apply((x) => removeAt(x, path))} />
      <AttributeList editor={editor} sets={e.ConceptSets ?? []} path={path} attrs={attrs} domain={DEMOGRAPHIC} skip={['Age']} />
      <Problems editor={editor} path={pathString(path)} exact={false} />
    </div>
  );
}

export function RemoveButton(props: { label: string; onClick: () => void }): React.ReactElement {
  return (
    <button type="button" className="jp-fedomop-cb-remove" aria-label={props.label} title={props.label} onClick={props.onClick}>
      ×
    </button>
  );
}

/** A checkbox inside a sentence ("distinct", "at the same visit"). */
function Flag(props: { label: string; checked: boolean; onChange: (on: boolean) => void }): React.ReactElement {
  return (
    <label className="jp-fedomop-cb-flag">
      <input type="checkbox" checked={props.checked} onChange={(ev) => props.onChange(ev.target.checked)} /> {props.label}
    </label>
  );
}
