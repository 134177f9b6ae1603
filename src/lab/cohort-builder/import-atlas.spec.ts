/** Importing an ATLAS export into a cohort document: one edit (undoable), the file's wrapper kept. */
import { YFile } from '@jupyter/ydoc';
import { Signal } from '@lumino/signaling';
import { CohortEditor } from '../cohort-document/editor-model.js';
import { importAtlasText } from './ImportAtlas.js';

const EXPRESSION = {
  ConceptSets: [],
  PrimaryCriteria: { CriteriaList: [{ Death: {} }] },
  Title: 'From ATLAS',
};

describe('importAtlasText', () => {
  it('replaces the expression inside the file’s own definition; undo brings the old one back', () => {
    const file = new YFile();
    file.setSource(
      JSON.stringify({ id: 1, name: 'Mine', expression: { ConceptSets: [], PrimaryCriteria: { CriteriaList: [] } } }),
    );
    file.undoManager.clear();
    const contentChanged = new Signal<unknown, void>({});
    file.changed.connect((_, c) => c.sourceChange && contentChanged.emit());
    const editor = new CohortEditor({ sharedModel: file, contentChanged });

    expect(importAtlasText(editor, '{"x": 1}')).toMatch(/no cohort expression/);
    expect(importAtlasText(editor, '{nope')).toMatch(/not JSON/);
    // An ATLAS cohort definition export, expression as text (older WebAPI).
    expect(importAtlasText(editor, JSON.stringify({ name: 'Theirs', expression: JSON.stringify(EXPRESSION) }))).toBeNull();
    const saved = JSON.parse(file.getSource());
    expect(saved.name).toBe('Mine');
    expect(saved.expression).toEqual(EXPRESSION);
    file.undoManager.stopCapturing();
    editor.undo();
    expect(editor.expression!.PrimaryCriteria.CriteriaList).toEqual([]);
    editor.dispose();
    file.dispose();
  });
});
