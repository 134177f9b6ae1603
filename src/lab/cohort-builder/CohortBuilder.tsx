/**
 * The cohort builder: one cohort document read out as sentences, each part editable in place, with
 * live counts beside it. It renders the CohortEditor and LiveCounts models and holds no cohort state.
 */
import * as React from 'react';
import type { CohortEditor } from '../cohort-document/editor-model.js';
import type { ConceptApi } from '../concept-browser/concept-api.js';
import { useSignal } from '../query-panel/hooks.js';
import { ConceptApiContext } from './concept-lookup.js';
import { ConceptSetsSection } from './ConceptSetsSection.js';
import { CountsView } from './CountsView.js';
import { EntrySection } from './EntrySection.js';
import { ImportAtlas, importAtlasText } from './ImportAtlas.js';
import { ExitSection } from './ExitSection.js';
import type { LiveCounts } from './live-counts.js';
import { RulesSection } from './RulesSection.js';

export interface ICohortBuilderProps {
  editor: CohortEditor;
  counts: LiveCounts;
  api: ConceptApi | null;
  onUseInNotebook: () => void;
  onSendToPanel: () => void;
}

export function CohortBuilder(props: ICohortBuilderProps): React.ReactElement {
  const { editor, counts, api } = props;
  useSignal(editor.changed);
  const e = editor.expression;
  if (!e) {
    return (
      <div className="jp-fedomop-cb" role="alert">
        <div className="jp-fedomop-error">{editor.readError}</div>
        <div className="jp-fedomop-muted">Open the file with the text editor to fix it (right-click → Open With → Editor).</div>
      </div>
    );
  }
  const errors = editor.problems.filter((p) => p.severity === 'error');
  const warnings = editor.problems.filter((p) => p.severity === 'warning');
  return (
    <div
      className="jp-fedomop-cb"
      data-valid={editor.valid}
      onDragOver={(ev) => {
        if (ev.dataTransfer.types.includes('Files')) ev.preventDefault();
      }}
      onDrop={(ev) => {
        const file = ev.dataTransfer.files[0];
        if (!file) return;
        ev.preventDefault();
        void file.text().then((text) => {
          const why = importAtlasText(editor, text);
          if (why) window.alert(`${file.name}: ${why}`);
        });
      }}
    >
      <header className="jp-fedomop-cb-header">
        <span className="jp-fedomop-cb-title">{editor.name ?? 'Cohort'}</span>
        <span className="jp-fedomop-cb-toolbar">
          <button
            type="button"
            className="jp-mod-styled jp-fedomop-cb-button"
            disabled={!editor.canUndo}
            onClick={() => editor.undo()}
            aria-label="Undo cohort edit"
          >
            Undo
          </button>
          <button
            type="button"
            className="jp-mod-styled jp-fedomop-cb-button"
            disabled={!editor.canRedo}
            onClick={() => editor.redo()}
            aria-label="Redo cohort edit"
          >
            Redo
          </button>
          <button
            type="button"
            className="jp-mod-styled jp-fedomop-cb-button"
            disabled={!editor.valid}
            onClick={props.onUseInNotebook}
          >
            Use in notebook
          </button>
          <button
            type="button"
            className="jp-mod-styled jp-fedomop-cb-button"
            disabled={!editor.valid}
            onClick={props.onSendToPanel}
          >
            Send to query panel
          </button>
        </span>
      </header>
      {(errors.length > 0 || warnings.length > 0) && (
        <details className="jp-fedomop-cb-summary" open={errors.length > 0}>
          <summary>
            {errors.length} problem{errors.length === 1 ? '' : 's'}, {warnings.length} warning{warnings.length === 1 ? '' : 's'}
          </summary>
          <ul>
            {editor.problems.map((p, i) => (
              <li key={i} className={p.severity === 'error' ? 'jp-fedomop-error' : 'jp-fedomop-warning'}>
                <code>{p.path || '(cohort)'}</code> {p.message}
              </li>
            ))}
          </ul>
        </details>
      )}
      <ImportAtlas editor={editor} />
      <div className="jp-fedomop-cb-body">
        <div className="jp-fedomop-cb-main">
          <ConceptSetsSection editor={editor} e={e} api={api} />
          <ConceptApiContext.Provider value={api}>
            <EntrySection editor={editor} e={e} />
            <RulesSection editor={editor} e={e} />
            <ExitSection editor={editor} e={e} />
          </ConceptApiContext.Provider>
        </div>
        <aside className="jp-fedomop-cb-side">
          <CountsView counts={counts} ruleNames={(e.InclusionRules ?? []).map((r) => r.name ?? '')} />
        </aside>
      </div>
    </div>
  );
}
