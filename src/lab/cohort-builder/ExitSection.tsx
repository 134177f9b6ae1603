/** How a cohort entry ends (exit strategy, censoring events, censor window) and how eras collapse. */
import * as React from 'react';
import type { CirceExpression, CustomEraStrategy, DateOffsetStrategy } from '../../circe/types.js';
import {
  addCensoringEvent,
  removeAt,
  setCensorWindow,
  setEndStrategy,
  setEraPad,
  setValue,
} from '../cohort-document/cohort-edits.js';
import type { CohortEditor } from '../cohort-document/editor-model.js';
import type { JsonPath } from '../cohort-document/json-path.js';
import { ConceptSetSelect, NumberField, Problems } from './controls.js';
import { dayAmountField, eraPad } from './day-amounts.js';
import { CriterionView } from './CriterionView.js';
import { RemoveButton } from './GroupView.js';

export function ExitSection({ editor, e }: { editor: CohortEditor; e: CirceExpression }): React.ReactElement {
  const end = e.EndStrategy as { DateOffset?: DateOffsetStrategy; CustomEra?: CustomEraStrategy } | null | undefined;
  const kind = end?.DateOffset ? 'offset' : end?.CustomEra ? 'era' : 'observation';
  const censoring = e.CensoringCriteria ?? [];
  const w = e.CensorWindow ?? {};
  return (
    <section className="jp-fedomop-cb-section" aria-label="Cohort exit">
      <h3>Cohort exit</h3>
      <div className="jp-fedomop-cb-sentence">
        The cohort entry ends{' '}
        <select
          className="jp-mod-styled"
          aria-label="Exit strategy"
          value={kind}
          onChange={(ev) => {
            const v = ev.target.value;
            editor.apply((x) =>
              setEndStrategy(
                x,
                v === 'offset'
                  ? { DateOffset: { DateField: 'StartDate', Offset: 365 } }
                  : v === 'era'
                    ? { CustomEra: { DrugCodesetId: e.ConceptSets?.[0]?.id ?? 0, GapDays: 30, Offset: 0 } }
                    : null,
              ),
            );
          }}
        >
          <option value="observation">at the end of continuous observation</option>
          <option value="offset">a fixed number of days after an index date</option>
          <option value="era">at the end of a continuous drug exposure</option>
        </select>
        {end?.DateOffset && (
          <>
            {': '}
            <DaysField
              editor={editor}
              label="Exit offset days"
              width="5em"
              at={['EndStrategy', 'DateOffset']}
              obj={end.DateOffset}
              field="Offset"
            />
            {' days after the index '}
            <select
              className="jp-mod-styled"
              aria-label="Exit date field"
              value={end.DateOffset.DateField}
              onChange={(ev) => editor.apply((x) => setValue(x, ['EndStrategy', 'DateOffset', 'DateField'], ev.target.value))}
            >
              <option value="StartDate">start date</option>
              <option value="EndDate">end date</option>
            </select>
          </>
        )}
        {end?.CustomEra && (
          <>
            {' of '}
            <ConceptSetSelect
              label="Exit drug concept set"
              sets={e.ConceptSets ?? []}
              value={end.CustomEra.DrugCodesetId}
              onChange={(id) => editor.apply((x) => setValue(x, ['EndStrategy', 'CustomEra', 'DrugCodesetId'], id ?? undefined))}
            />
            {', allowing gaps of '}
            <DaysField
              editor={editor}
              label="Exit gap days"
              at={['EndStrategy', 'CustomEra']}
              obj={end.CustomEra}
              field="GapDays"
            />
            {' days, plus '}
            <DaysField
              editor={editor}
              label="Exit era offset"
              at={['EndStrategy', 'CustomEra']}
              obj={end.CustomEra}
              field="Offset"
            />
            {' days; each exposure lasting '}
            <NumberField
              label="Exit days supply override"
              value={end.CustomEra.DaysSupplyOverride}
              allowEmpty
              placeholder="as recorded"
              min={1}
              width="6em"
              onCommit={(v) =>
                editor.apply((x) => setValue(x, ['EndStrategy', 'CustomEra', 'DaysSupplyOverride'], v === null ? undefined : v))
              }
            />
            {' days'}
          </>
        )}
        .
      </div>
      <Problems editor={editor} path="EndStrategy" exact={false} />
      <div className="jp-fedomop-cb-sentence">Censoring events (the entry ends at the first of these):</div>
      <ul className="jp-fedomop-cb-items">
        {censoring.map((c, i) => (
          <li key={i}>
            <CriterionView
              editor={editor}
              e={e}
              path={['CensoringCriteria', i]}
              criterion={c}
              actions={
                <RemoveButton
                  label="Remove censoring event"
                  onClick={() => editor.apply((x) => removeAt(x, ['CensoringCriteria', i]))}
                />
              }
            />
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="jp-fedomop-cb-link"
        onClick={() => editor.apply((x) => addCensoringEvent(x, 'Death', null))}
      >
        + censoring event
      </button>
      <div className="jp-fedomop-cb-sentence">
        Entries closer than{' '}
        <NumberField
          label="Era pad days"
          value={eraPad(e)}
          min={0}
          width="4em"
          onCommit={(v) => editor.apply((x) => setEraPad(x, v ?? 0))}
        />{' '}
        days apart are joined into one era.
      </div>
      <div className="jp-fedomop-cb-sentence">
        Only count entries between{' '}
        <input
          className="jp-mod-styled"
          type="date"
          aria-label="Censor window start"
          value={w.StartDate ?? ''}
          onChange={(ev) => editor.apply((x) => setCensorWindow(x, ev.target.value || null, w.EndDate ?? null))}
        />{' '}
        and{' '}
        <input
          className="jp-mod-styled"
          type="date"
          aria-label="Censor window end"
          value={w.EndDate ?? ''}
          onChange={(ev) => editor.apply((x) => setCensorWindow(x, w.StartDate ?? null, ev.target.value || null))}
        />
        .
      </div>
      <Problems editor={editor} path="CensorWindow" exact={false} />
      <Problems editor={editor} path="CollapseSettings" exact={false} />
    </section>
  );
}

/**
 * A number of days Circe may write twice (`GapDays` and the newer `GapUnitValue` + `GapUnit`): edits
 * the spelling the compiler reads (the *UnitValue one when it is there), so what is shown is what runs.
 */
function DaysField(props: {
  editor: CohortEditor;
  label: string;
  at: JsonPath;
  obj: Record<string, unknown>;
  field: 'Offset' | 'GapDays';
  width?: string;
}): React.ReactElement {
  const key = dayAmountField(props.obj, props.field);
  const value = props.obj[key];
  return (
    <NumberField
      label={props.label}
      value={typeof value === 'number' ? value : 0}
      width={props.width ?? '4em'}
      onCommit={(v) => props.editor.apply((x) => setValue(x, [...props.at, key], v ?? 0))}
    />
  );
}
