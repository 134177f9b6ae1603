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
import { ConceptSetSelect, NumberField, Problems } from './controls.js';
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
            <NumberField
              label="Exit offset days"
              value={end.DateOffset.Offset}
              width="5em"
              onCommit={(v) => editor.apply((x) => setValue(x, ['EndStrategy', 'DateOffset', 'Offset'], v ?? 0))}
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
            <NumberField
              label="Exit gap days"
              value={end.CustomEra.GapDays ?? 0}
              width="4em"
              onCommit={(v) => editor.apply((x) => setValue(x, ['EndStrategy', 'CustomEra', 'GapDays'], v ?? 0))}
            />
            {' days, plus '}
            <NumberField
              label="Exit era offset"
              value={end.CustomEra.Offset ?? 0}
              width="4em"
              onCommit={(v) => editor.apply((x) => setValue(x, ['EndStrategy', 'CustomEra', 'Offset'], v ?? 0))}
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
          value={e.CollapseSettings?.EraPad ?? 0}
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
