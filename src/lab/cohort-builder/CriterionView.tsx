/**
 * One criterion (`{Measurement: {CodesetId, ValueAsNumber, ...}}`) as an editable phrase: domain,
 * concept set, and the numeric attributes a researcher changes most (value, age at event); every
 * other attribute is read out in words and kept as it is.
 */
import * as React from 'react';
import type { CirceExpression, Criterion, NumericRange } from '../../circe/types.js';
import { setCriterionDomain, setValue } from '../cohort-document/cohort-edits.js';
import type { CohortEditor } from '../cohort-document/editor-model.js';
import { pathString, type JsonPath } from '../cohort-document/json-path.js';
import { ConceptSetSelect, DomainSelect, Problems, RangeField } from './controls.js';
import { criterionParts, criterionText } from './sentences.js';

/** Attributes edited in place; the rest are read out. */
const IN_PLACE = new Set(['CodesetId', 'ValueAsNumber', 'Age', 'CorrelatedCriteria']);

export function CriterionView(props: {
  editor: CohortEditor;
  e: CirceExpression;
  path: JsonPath;
  criterion: Criterion;
}): React.ReactElement {
  const { editor, e, path, criterion } = props;
  const { domain, attrs } = criterionParts(criterion);
  const sets = e.ConceptSets ?? [];
  const rest = Object.fromEntries(Object.entries(attrs).filter(([k]) => !IN_PLACE.has(k)));
  const restText = Object.keys(rest).length ? criterionText({ [domain]: rest } as Criterion, sets).replace(/^[^,]*, ?/, '') : '';
  const set = (key: string, value: unknown) => editor.apply((x) => setValue(x, [...path, domain, key], value));
  return (
    <span className="jp-fedomop-cb-criterion" data-path={pathString(path)}>
      <DomainSelect
        label="Criterion domain"
        value={domain}
        onChange={(d) => editor.apply((x) => setCriterionDomain(x, path, d))}
      />
      {' of '}
      <ConceptSetSelect
        label="Criterion concept set"
        sets={sets}
        value={attrs.CodesetId}
        onChange={(id) => set('CodesetId', id === null ? undefined : id)}
      />
      {domain === 'Measurement' || domain === 'Observation' ? (
        <>
          {' with value '}
          <RangeField
            label="value as number"
            value={attrs.ValueAsNumber as NumericRange | undefined}
            onCommit={(r) => set('ValueAsNumber', r)}
          />
        </>
      ) : null}
      {attrs.Age ? (
        <>
          {' at age '}
          <RangeField label="age at event" value={attrs.Age as NumericRange} onCommit={(r) => set('Age', r)} />
        </>
      ) : null}
      {restText && restText !== criterionText({ [domain]: {} } as Criterion, sets) && (
        <span className="jp-fedomop-muted">, {restText}</span>
      )}
      <Problems editor={editor} path={pathString([...path, domain])} exact={false} />
    </span>
  );
}
