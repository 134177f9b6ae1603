/**
 * "Import from ATLAS": an ATLAS export (the expression, or a cohort definition around it) pasted into
 * the box or dropped on the builder replaces the cohort's expression — one edit, so Undo brings the
 * old one back. What wraps the expression in this file (an ATLAS definition's name and id) stays.
 */
import * as React from 'react';
import { useState } from 'react';
import { readCohortText } from '../cohort-document/cohort-file.js';
import type { CohortEditor } from '../cohort-document/editor-model.js';

/** Reads `text` as an ATLAS export and applies it; returns why not, or null when it was applied. */
export function importAtlasText(editor: CohortEditor, text: string): string | null {
  if (text.trim() === '') return 'Paste an ATLAS export first.';
  const read = readCohortText(text);
  if (!read.ok) return read.message;
  if (!('PrimaryCriteria' in read.file.expression)) return 'This JSON holds no cohort expression (no PrimaryCriteria).';
  editor.apply(() => read.file.expression);
  return null;
}

export function ImportAtlas({ editor }: { editor: CohortEditor }): React.ReactElement {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <details className="jp-fedomop-cb-import">
      <summary>Import from ATLAS (paste, or drop a .json file on the builder)</summary>
      <textarea
        className="jp-mod-styled jp-fedomop-cb-json"
        aria-label="Paste an ATLAS cohort export"
        placeholder="ATLAS → Export → JSON, pasted here"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button
        type="button"
        className="jp-mod-styled jp-fedomop-cb-button"
        onClick={() => {
          const why = importAtlasText(editor, text);
          setProblem(why);
          if (!why) setText('');
        }}
      >
        Replace the cohort
      </button>
      {problem && <div className="jp-fedomop-error">{problem}</div>}
    </details>
  );
}
