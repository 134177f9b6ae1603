/**
 * One criterion (`{Measurement: {CodesetId, ValueAsNumber, ...}}`) as an editable phrase: domain and
 * concept set, then every attribute it carries as a phrase with its own editor (AttributeEditors.tsx:
 * ranges, dates, concept lists, text, flags, nested criteria), and "+ attribute" for the ones the
 * compiler supports in this domain. Attributes the compiler does not know are kept as written.
 */
import * as React from 'react';
import type { CirceExpression, Criterion } from '../../circe/types.js';
import { setCriterionDomain, setValue } from '../cohort-document/cohort-edits.js';
import type { CohortEditor } from '../cohort-document/editor-model.js';
import { pathString, type JsonPath } from '../cohort-document/json-path.js';
import { AddAttributeMenu, AttributeList } from './AttributeEditors.js';
import { ConceptSetSelect, DomainSelect, Problems } from './controls.js';
import { criterionParts } from './sentences.js';

export function CriterionView(props: {
  editor: CohortEditor;
  e: CirceExpression;
  path: JsonPath;
  criterion: Criterion;
  /** Controls for the criterion as a whole (its remove button), kept on its first line. */
  actions?: React.ReactNode;
}): React.ReactElement {
  const { editor, e, path, criterion } = props;
  const { domain, attrs } = criterionParts(criterion);
  const sets = e.ConceptSets ?? [];
  const attrPath: JsonPath = [...path, domain];
  const hasCodeset = domain !== 'ObservationPeriod' && domain !== 'PayerPlanPeriod';
  return (
    <span className="jp-fedomop-cb-criterion" data-path={pathString(path)} data-domain={domain}>
      <DomainSelect
        label="Criterion domain"
        value={domain}
        onChange={(d) => editor.apply((x) => setCriterionDomain(x, path, d))}
      />
      {hasCodeset && (
        <>
          {' of '}
          <ConceptSetSelect
            label="Criterion concept set"
            sets={sets}
            value={attrs.CodesetId}
            onChange={(id) => editor.apply((x) => setValue(x, [...attrPath, 'CodesetId'], id === null ? undefined : id))}
          />
        </>
      )}{' '}
      <AddAttributeMenu editor={editor} sets={sets} path={attrPath} attrs={attrs} domain={domain} />
      {props.actions}
      <AttributeList editor={editor} sets={sets} path={attrPath} attrs={attrs} domain={domain} />
      <Problems editor={editor} path={pathString(attrPath)} exact={false} />
    </span>
  );
}
