/** Inclusion rules: each a named group; presets for the rules most cohorts start with. */
import * as React from 'react';
import type { CirceExpression } from '../../circe/types.js';
import {
  addInclusionRule,
  ageGroup,
  emptyGroup,
  measurementCriterion,
  removeInclusionRule,
  renameInclusionRule,
} from '../cohort-document/cohort-edits.js';
import type { CohortEditor } from '../cohort-document/editor-model.js';
import { Problems } from './controls.js';
import { GroupView, RemoveButton } from './GroupView.js';

export function RulesSection({ editor, e }: { editor: CohortEditor; e: CirceExpression }): React.ReactElement {
  const rules = e.InclusionRules ?? [];
  const measurementSet = (e.ConceptSets ?? []).find((s) =>
    s.expression.items.some((it) => it.concept.DOMAIN_ID === 'Measurement'),
  );
  return (
    <section className="jp-fedomop-cb-section" aria-label="Inclusion rules">
      <h3>Inclusion rules</h3>
      {rules.length === 0 && <div className="jp-fedomop-muted">No inclusion rules: everyone with an entry event qualifies.</div>}
      <ol className="jp-fedomop-cb-rules">
        {rules.map((rule, i) => (
          <li key={i} className="jp-fedomop-cb-rule" data-rule-index={i}>
            <div className="jp-fedomop-cb-rule-head">
              <input
                className="jp-mod-styled jp-fedomop-cb-rule-name"
                aria-label={`Rule ${i + 1} name`}
                value={rule.name ?? ''}
                onChange={(ev) => editor.apply((x) => renameInclusionRule(x, i, ev.target.value))}
              />
              <RemoveButton label={`Remove rule ${i + 1}`} onClick={() => editor.apply((x) => removeInclusionRule(x, i))} />
            </div>
            <Problems editor={editor} path={`InclusionRules[${i}]`} />
            <GroupView editor={editor} e={e} path={['InclusionRules', i, 'expression']} group={rule.expression ?? emptyGroup()} />
          </li>
        ))}
      </ol>
      <div className="jp-fedomop-cb-add">
        <button
          type="button"
          className="jp-mod-styled jp-fedomop-cb-button"
          onClick={() => editor.apply((x) => addInclusionRule(x, 'Age', ageGroup({ Value: 50, Op: 'gte' })))}
        >
          + Age rule
        </button>
        <button
          type="button"
          className="jp-mod-styled jp-fedomop-cb-button"
          disabled={!measurementSet}
          title={measurementSet ? undefined : 'Add a measurement concept (e.g. PSA) to a concept set first'}
          onClick={() =>
            measurementSet &&
            editor.apply((x) =>
              addInclusionRule(x, measurementSet.name || 'Measurement', {
                ...emptyGroup(),
                CriteriaList: [measurementCriterion(measurementSet.id, { Value: 4, Op: 'gt' }, null)],
              }),
            )
          }
        >
          + Measurement rule
        </button>
        <button
          type="button"
          className="jp-mod-styled jp-fedomop-cb-button"
          onClick={() => editor.apply((x) => addInclusionRule(x, `Rule ${rules.length + 1}`))}
        >
          + Empty rule
        </button>
      </div>
    </section>
  );
}
