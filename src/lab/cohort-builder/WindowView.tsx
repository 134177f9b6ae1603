/**
 * A correlated criterion's time window, every part editable in place: "starting between [30] days
 * [before] and [0] days [after] the index [start date]" (an empty number is "all": bounded by the
 * observation period only). Edits write only the field they change, so a window written the newer
 * way (TimeUnitValue instead of Days) keeps its form.
 */
import * as React from 'react';
import type { Window, WindowBound } from '../../circe/types.js';
import { setValue } from '../cohort-document/cohort-edits.js';
import type { CohortEditor } from '../cohort-document/editor-model.js';
import type { JsonPath } from '../cohort-document/json-path.js';
import { NumberField } from './controls.js';

/** The field a bound's days live in: `Days`, or `TimeUnitValue` when only that is written. */
function daysField(b: WindowBound): 'Days' | 'TimeUnitValue' {
  return b.Days === undefined && b.TimeUnitValue !== undefined ? 'TimeUnitValue' : 'Days';
}

export function WindowView(props: {
  editor: CohortEditor;
  /** Path of the window (`[..., 'StartWindow']` or `[..., 'EndWindow']`). */
  path: JsonPath;
  window: Window;
  which: 'start' | 'end';
}): React.ReactElement {
  const { editor, path, window: w, which } = props;
  const Which = which === 'start' ? 'Start' : 'End';
  // Circe: a StartWindow tests the event's end only when UseEventEnd is true; an EndWindow unless it is false.
  const eventEnd = which === 'start' ? w.UseEventEnd === true : w.UseEventEnd !== false;
  const bound = (side: 'Start' | 'End', label: string) => {
    const b = w[side] ?? { Coeff: -1 };
    const field = daysField(b);
    return (
      <>
        <NumberField
          label={label}
          allowEmpty
          min={0}
          width="5em"
          value={(b[field] as number | null | undefined) ?? null}
          onCommit={(v) => editor.apply((x) => setValue(x, [...path, side, field], v === null ? undefined : v))}
        />{' '}
        days{' '}
        <select
          className="jp-mod-styled"
          aria-label={`${Which} window ${side.toLowerCase()} side`}
          value={b.Coeff < 0 ? '-1' : '1'}
          onChange={(ev) => editor.apply((x) => setValue(x, [...path, side, 'Coeff'], Number(ev.target.value)))}
        >
          <option value="-1">before</option>
          <option value="1">after</option>
        </select>
      </>
    );
  };
  return (
    <span className="jp-fedomop-cb-window" data-window={which}>
      <select
        className="jp-mod-styled"
        aria-label={`${Which} window event date`}
        value={eventEnd ? 'end' : 'start'}
        onChange={(ev) => editor.apply((x) => setValue(x, [...path, 'UseEventEnd'], ev.target.value === 'end'))}
      >
        <option value="start">starting</option>
        <option value="end">ending</option>
      </select>{' '}
      between {bound('Start', which === 'start' ? 'Days before index' : 'End window start days')} and{' '}
      {bound('End', `${Which} window end days`)} the index{' '}
      <select
        className="jp-mod-styled"
        aria-label={`${Which} window index date`}
        value={w.UseIndexEnd === true ? 'end' : 'start'}
        onChange={(ev) => editor.apply((x) => setValue(x, [...path, 'UseIndexEnd'], ev.target.value === 'end'))}
      >
        <option value="start">start date</option>
        <option value="end">end date</option>
      </select>
    </span>
  );
}

/** A window a criterion does not have yet: all days before to 0 days after the index start. */
export function newWindow(which: 'start' | 'end'): Window {
  return {
    Start: { Coeff: -1 },
    End: { Days: 0, Coeff: 1 },
    UseIndexEnd: false,
    UseEventEnd: which === 'end',
  };
}
