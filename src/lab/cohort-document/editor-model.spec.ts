/**
 * The cohort editor over JupyterLab's real shared text model (@jupyter/ydoc's YFile, what a
 * DocumentRegistry text model holds): untouched text stays byte for byte, an edit changes only its
 * part, two editors of one file stay in sync, undo / redo go through the shared model.
 */
import { YFile } from '@jupyter/ydoc';
import { Signal } from '@lumino/signaling';
import type { CirceExpression } from '../../circe/types.js';
import { addConceptSet, ageGroup, addEntryEvent, addInclusionRule, setObservationWindow } from './cohort-edits.js';
import { CohortEditor, type ITextDocument } from './editor-model.js';
import { diffPaths } from './json-path.js';

/** A text document as DocumentModel wires it: contentChanged fires on every source change. */
function textDocument(text: string): { doc: ITextDocument; file: YFile } {
  const file = new YFile();
  file.setSource(text);
  file.undoManager.clear();
  const contentChanged = new Signal<unknown, void>({});
  file.changed.connect((_, change) => {
    if (change.sourceChange) contentChanged.emit();
  });
  return { doc: { sharedModel: file, contentChanged }, file };
}

const PROSTATE = {
  conceptId: 4163261,
  name: 'Malignant tumor of prostate',
  domain: 'Condition',
  vocabulary: 'SNOMED',
  code: '399068003',
  standard: true,
};

// Odd spacing and concept fields fedomop does not read: nothing may normalise them away.
const ATLAS_TEXT = `{"ConceptSets":[{"id":0,"name":"Prostate cancer","expression":{"items":[{"concept":{"CONCEPT_ID":4163261,"CONCEPT_NAME":"Malignant tumor of prostate"},"includeDescendants":true}]}}],
  "PrimaryCriteria":{"CriteriaList":[{"ConditionOccurrence":{"CodesetId":0}}],"ObservationWindow":{"PriorDays":0,"PostDays":0},"PrimaryCriteriaLimit":{"Type":"First"}},
  "QualifiedLimit":{"Type":"First"},"ExpressionLimit":{"Type":"First"},"InclusionRules":[],"CensoringCriteria":[],"CollapseSettings":{"CollapseType":"ERA","EraPad":0},"CensorWindow":{},"cdmVersionRange":">=5.0.0","Title":"Prostate"}`;

describe('CohortEditor', () => {
  it('leaves the text as it is on opening; an edit rewrites only its part', () => {
    const { doc, file } = textDocument(ATLAS_TEXT);
    const editor = new CohortEditor(doc);
    expect(editor.readError).toBeNull();
    expect(editor.problems).toEqual([]);
    expect(editor.valid).toBe(true);
    expect(file.getSource()).toBe(ATLAS_TEXT);
    const before = JSON.parse(ATLAS_TEXT);
    expect(file.dirty).toBe(false);
    editor.apply((e) => setObservationWindow(e, 365, 0));
    expect(file.dirty).toBe(true); // the tab's unsaved mark and "save before closing?" follow this flag
    expect(diffPaths(before, JSON.parse(file.getSource()))).toEqual(['PrimaryCriteria.ObservationWindow.PriorDays']);
    const after = file.getSource();
    editor.apply((e) => e); // an edit that changes nothing writes nothing
    expect(file.getSource()).toBe(after);
    editor.dispose();
    file.dispose();
  });

  it('keeps two editors of one file in sync; undo and redo go through the shared model', () => {
    const { doc, file } = textDocument('');
    const a = new CohortEditor(doc);
    const b = new CohortEditor(doc);
    let bChanged = 0;
    b.changed.connect(() => bChanged++);
    expect(a.valid).toBe(false); // an empty file is a cohort still to build
    expect(a.problemsAt('PrimaryCriteria', false).length).toBeGreaterThan(0); // the validator says where
    const id = a.addConcept(PROSTATE, { includeDescendants: true }, 'new');
    file.undoManager.stopCapturing();
    a.apply((e) => addEntryEvent(e, 'ConditionOccurrence', id));
    file.undoManager.stopCapturing();
    a.apply((e) => addInclusionRule(e, 'Age ≥ 50', ageGroup({ Value: 50, Op: 'gte' })));
    file.undoManager.stopCapturing();
    expect(bChanged).toBe(3);
    expect(b.expression).toEqual(a.expression);
    expect(b.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(b.expression!.ConceptSets[0].name).toBe(PROSTATE.name);
    expect(b.expression!.ConceptSets[0].expression.items[0].includeDescendants).toBe(true);

    expect(b.canUndo).toBe(true);
    b.undo();
    expect(a.expression!.InclusionRules).toHaveLength(0); // undo in one view is seen in the other
    b.redo();
    expect(a.expression!.InclusionRules![0].name).toBe('Age ≥ 50');
    a.dispose();
    b.dispose();
    file.dispose();
  });

  it('says when a file is not JSON, takes no edits, and reads it again once fixed', () => {
    const { doc, file } = textDocument('{"ConceptSets": [');
    const editor = new CohortEditor(doc);
    expect(editor.readError ?? '').toMatch(/not JSON/);
    editor.apply((e: CirceExpression) => addConceptSet(e, 'x').expression);
    expect(file.getSource()).toBe('{"ConceptSets": [');
    file.setSource(ATLAS_TEXT);
    expect(editor.readError).toBeNull();
    editor.dispose();
    file.dispose();
  });

  it('keeps an ATLAS cohort definition around the edited expression', () => {
    const definition = { id: 3, name: 'Prostate', expressionType: 'SIMPLE_EXPRESSION', expression: JSON.parse(ATLAS_TEXT) };
    const { doc, file } = textDocument(JSON.stringify(definition));
    const editor = new CohortEditor(doc);
    expect(editor.name).toBe('Prostate');
    editor.apply((e) => setObservationWindow(e, 30, 0));
    expect(diffPaths(definition, JSON.parse(file.getSource()))).toEqual([
      'expression.PrimaryCriteria.ObservationWindow.PriorDays',
    ]);
    editor.dispose();
    file.dispose();
  });
});
