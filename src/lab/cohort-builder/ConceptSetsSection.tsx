/**
 * The cohort's concept sets (Circe's ConceptSets): create, rename, the items with ATLAS's three
 * toggles, the resolved concept count per site (the hub's resolve endpoint), and ATLAS concept-set
 * JSON in and out.
 */
import * as React from 'react';
import { useState } from 'react';
import type { CirceExpression, ConceptSet } from '../../circe/types.js';
import {
  addConceptSet,
  codesetUsers,
  importConceptSetExpression,
  removeConceptSet,
  removeItem,
  renameConceptSet,
  setItemToggle,
  type ItemToggle,
} from '../cohort-document/cohort-edits.js';
import type { CohortEditor } from '../cohort-document/editor-model.js';
import { formatCount, siteCounts, type ConceptApi, type IResolveAnswer } from '../concept-browser/concept-api.js';
import { Problems } from './controls.js';
import { RemoveButton } from './GroupView.js';

const TOGGLES: Array<[ItemToggle, string]> = [
  ['isExcluded', 'Exclude'],
  ['includeDescendants', 'Descendants'],
  ['includeMapped', 'Mapped'],
];

export function ConceptSetsSection(props: {
  editor: CohortEditor;
  e: CirceExpression;
  api: ConceptApi | null;
}): React.ReactElement {
  const { editor, e } = props;
  return (
    <section className="jp-fedomop-cb-section" aria-label="Concept sets">
      <h3>Concept sets</h3>
      {(e.ConceptSets ?? []).length === 0 && (
        <div className="jp-fedomop-muted">No concept sets yet. Search the concept browser (left) and “Add to concept set”.</div>
      )}
      {(e.ConceptSets ?? []).map((set, i) => (
        <ConceptSetView key={set.id} editor={editor} e={e} set={set} index={i} api={props.api} />
      ))}
      <button
        type="button"
        className="jp-fedomop-cb-link"
        onClick={() => editor.apply((x) => addConceptSet(x, `Concept set ${(x.ConceptSets ?? []).length + 1}`).expression)}
      >
        + concept set
      </button>
    </section>
  );
}

function ConceptSetView(props: {
  editor: CohortEditor;
  e: CirceExpression;
  set: ConceptSet;
  index: number;
  api: ConceptApi | null;
}): React.ReactElement {
  const { editor, e, set, index, api } = props;
  const [resolved, setResolved] = useState<{ answer?: IResolveAnswer; error?: string; busy?: boolean }>({});
  const [io, setIo] = useState<'closed' | 'import' | 'export'>('closed');
  const [importText, setImportText] = useState('');
  const [importError, setImportError] = useState<string | null>(null);
  const users = codesetUsers(e, set.id);
  const resolve = async () => {
    if (!api) return;
    setResolved({ busy: true });
    try {
      setResolved({ answer: await api.resolve(set.expression) });
    } catch (err) {
      setResolved({ error: (err as Error).message });
    }
  };
  const doImport = () => {
    try {
      const value = JSON.parse(importText) as { items?: unknown; expression?: { items?: unknown } };
      const expression = Array.isArray(value.items) ? value : value.expression;
      if (!expression || !Array.isArray(expression.items)) throw new Error('ATLAS concept-set JSON has an "items" list');
      editor.apply((x) => importConceptSetExpression(x, set.id, expression as ConceptSet['expression']));
      setIo('closed');
      setImportError(null);
    } catch (err) {
      setImportError((err as Error).message);
    }
  };
  return (
    <div className="jp-fedomop-cb-conceptset" data-concept-set-id={set.id}>
      <div className="jp-fedomop-cb-rule-head">
        <input
          className="jp-mod-styled jp-fedomop-cb-rule-name"
          aria-label={`Concept set ${set.id} name`}
          value={set.name ?? ''}
          onChange={(ev) => editor.apply((x) => renameConceptSet(x, set.id, ev.target.value))}
        />
        <span className="jp-fedomop-muted">
          {set.expression.items.length} item{set.expression.items.length === 1 ? '' : 's'}
          {users.length ? ` · used ${users.length}×` : ' · not used yet'}
        </span>
        <button type="button" className="jp-fedomop-cb-link" disabled={!api} onClick={() => void resolve()}>
          Resolve
        </button>
        <button type="button" className="jp-fedomop-cb-link" onClick={() => setIo(io === 'export' ? 'closed' : 'export')}>
          Export
        </button>
        <button type="button" className="jp-fedomop-cb-link" onClick={() => setIo(io === 'import' ? 'closed' : 'import')}>
          Import
        </button>
        <RemoveButton
          label={users.length ? `Concept set ${set.name} is used by ${users.join(', ')}` : `Remove concept set ${set.name}`}
          onClick={() => !users.length && editor.apply((x) => removeConceptSet(x, set.id))}
        />
      </div>
      <Problems editor={editor} path={`ConceptSets[${index}]`} exact={false} />
      <table className="jp-fedomop-cb-items-table">
        <thead>
          <tr>
            <th>Concept</th>
            <th>Domain</th>
            <th>Vocabulary / code</th>
            {TOGGLES.map(([, label]) => (
              <th key={label}>{label}</th>
            ))}
            <th />
          </tr>
        </thead>
        <tbody>
          {set.expression.items.map((it, i) => (
            <tr key={`${it.concept.CONCEPT_ID}-${i}`} data-concept-id={it.concept.CONCEPT_ID}>
              <td title={`concept ${it.concept.CONCEPT_ID}`}>{String(it.concept.CONCEPT_NAME ?? it.concept.CONCEPT_ID)}</td>
              <td>{String(it.concept.DOMAIN_ID ?? '')}</td>
              <td>
                {String(it.concept.VOCABULARY_ID ?? '')} {String(it.concept.CONCEPT_CODE ?? '')}
              </td>
              {TOGGLES.map(([key, label]) => (
                <td key={key}>
                  <input
                    type="checkbox"
                    aria-label={`${label}: ${String(it.concept.CONCEPT_NAME ?? it.concept.CONCEPT_ID)}`}
                    checked={!!it[key]}
                    onChange={(ev) => editor.apply((x) => setItemToggle(x, set.id, i, key, ev.target.checked))}
                  />
                </td>
              ))}
              <td>
                <RemoveButton label="Remove concept" onClick={() => editor.apply((x) => removeItem(x, set.id, i))} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {(resolved.busy || resolved.answer || resolved.error) && (
        <div className="jp-fedomop-cb-resolved" aria-live="polite">
          {resolved.busy && 'Resolving…'}
          {resolved.error && <span className="jp-fedomop-error">{resolved.error}</span>}
          {resolved.answer && (
            <>
              Resolves to {resolved.answer.count} concept{resolved.answer.count === 1 ? '' : 's'}
              {resolved.answer.countBySite &&
                Object.values(resolved.answer.countBySite).some((n) => n !== resolved.answer!.count) &&
                ` (per site: ${Object.entries(resolved.answer.countBySite)
                  .map(([s, n]) => `${s} ${n}`)
                  .join(', ')})`}
              {siteCounts(resolved.answer.counts).map(([site, c]) => (
                <span key={site} className="jp-fedomop-cb-sitecount">
                  {site ? `${site}: ` : ''}
                  {c ? `${formatCount(c.persons)} persons, ${formatCount(c.records)} records` : 'no answer'}
                </span>
              ))}
              {resolved.answer.concepts && (
                <ul className="jp-fedomop-cb-resolved-list">
                  {resolved.answer.concepts.slice(0, 50).map((c) => (
                    <li key={c.conceptId}>
                      {c.name} <span className="jp-fedomop-muted">{c.conceptId}</span>
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </div>
      )}
      {io === 'export' && (
        <textarea
          className="jp-mod-styled jp-fedomop-cb-json"
          aria-label="ATLAS concept set JSON"
          readOnly
          value={JSON.stringify(set.expression, null, 2)}
        />
      )}
      {io === 'import' && (
        <div>
          <textarea
            className="jp-mod-styled jp-fedomop-cb-json"
            aria-label="Paste ATLAS concept set JSON"
            placeholder='{"items": [...]} as ATLAS exports a concept set'
            value={importText}
            onChange={(ev) => setImportText(ev.target.value)}
          />
          <button type="button" className="jp-mod-styled jp-fedomop-cb-button" onClick={doImport}>
            Replace items
          </button>
          {importError && <div className="jp-fedomop-error">{importError}</div>}
        </div>
      )}
    </div>
  );
}
