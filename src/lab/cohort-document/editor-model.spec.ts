/**
 * The cohort editor over JupyterLab's real shared text model (@jupyter/ydoc's YFile, what a
 * DocumentRegistry text model holds): untouched text stays byte for byte, an edit changes only its
 * part, two editors of one file stay in sync, undo / redo go through the shared model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
  const owner = {};
  const contentChanged = new Signal<unknown, void>(owner);
  file.changed.connect((_, change) => {
    if (change.sourceChange) contentChanged.emit();
  });
  return { doc: { sharedModel: file, contentChanged }, file };
}

const PROSTATE = {
  conceptId: 200962,
  name: 'Malignant tumor of prostate',
  domain: 'Condition',
  vocabulary: 'SNOMED',
  code: '399068003',
  standard: true,
};

// Odd spacing and concept fields fedomop does not read: nothing may normalise it away.
const ATLAS_TEXT = `{"ConceptSets":[{"id":0,"name":"Prostate cancer","expression":{"items":[{"concept":{"CONCEPT_ID":200962,"CONCEPT_NAME":"Malignant tumor of prostate"},"includeDescendants":true}]}}],
  "PrimaryCriteria":{"CriteriaList":[{"ConditionOccurrence":{"CodesetId":0}}],"ObservationWindow":{"PriorDays":0,"PostDays":0},"PrimaryCriteriaLimit":{"Type":"First"}},
  "QualifiedLimit":{"Type":"First"},"ExpressionLimit":{"Type":"First"},"InclusionRules":[],"CensoringCriteria":[],"CollapseSettings":{"CollapseType":"ERA","EraPad":0},"CensorWindow":{},"cdmVersionRange":">=5.0.0","Title":"Prostate"}`;

test('opening leaves the text as it is; an edit rewrites only its part', () => {
  const { doc, file } = textDocument(ATLAS_TEXT);
  const editor = new CohortEditor(doc);
  assert.equal(editor.readError, null);
  assert.ok(editor.valid, JSON.stringify(editor.problems));
  assert.equal(file.getSource(), ATLAS_TEXT, 'no edit, no write');
  const before = JSON.parse(ATLAS_TEXT);
  editor.apply((e) => setObservationWindow(e, 365, 0));
  assert.deepEqual(diffPaths(before, JSON.parse(file.getSource())), ['PrimaryCriteria.ObservationWindow.PriorDays']);
  editor.apply((e) => e); // an edit that changes nothing writes nothing
  editor.dispose();
  file.dispose();
});

test('two editors of one file stay in sync; undo and redo go through the shared model', () => {
  const { doc, file } = textDocument('');
  const a = new CohortEditor(doc);
  const b = new CohortEditor(doc);
  let bChanged = 0;
  b.changed.connect(() => bChanged++);
  assert.ok(!a.valid, 'an empty file is a cohort still to build');
  assert.ok(a.problemsAt('PrimaryCriteria').length > 0, 'the validator says where: no entry event yet');
  const id = a.addConcept(PROSTATE, { includeDescendants: true }, 'new');
  file.undoManager.stopCapturing();
  a.apply((e) => addEntryEvent(e, 'ConditionOccurrence', id));
  file.undoManager.stopCapturing();
  a.apply((e) => addInclusionRule(e, 'Age ≥ 50', ageGroup({ Value: 50, Op: 'gte' })));
  file.undoManager.stopCapturing();
  assert.equal(bChanged, 3);
  assert.deepEqual(b.expression, a.expression);
  assert.ok(b.valid, JSON.stringify(b.problems));
  assert.equal(b.expression!.ConceptSets[0].name, PROSTATE.name);
  assert.deepEqual(b.expression!.ConceptSets[0].expression.items[0].includeDescendants, true);

  assert.ok(b.canUndo);
  b.undo();
  assert.equal(a.expression!.InclusionRules!.length, 0, 'undo in one view is seen in the other');
  b.redo();
  assert.equal(a.expression!.InclusionRules![0].name, 'Age ≥ 50');
  a.dispose();
  b.dispose();
  file.dispose();
});

test('a file that is not JSON says so and takes no edits', () => {
  const { doc, file } = textDocument('{"ConceptSets": [');
  const editor = new CohortEditor(doc);
  assert.match(editor.readError ?? '', /not JSON/);
  editor.apply((e: CirceExpression) => addConceptSet(e, 'x').expression);
  assert.equal(file.getSource(), '{"ConceptSets": [');
  file.setSource(ATLAS_TEXT);
  assert.equal(editor.readError, null, 'fixed in another editor: read again');
  editor.dispose();
  file.dispose();
});

test('an ATLAS cohort definition keeps its wrapper around the edited expression', () => {
  const definition = { id: 3, name: 'Prostate', expressionType: 'SIMPLE_EXPRESSION', expression: JSON.parse(ATLAS_TEXT) };
  const { doc, file } = textDocument(JSON.stringify(definition));
  const editor = new CohortEditor(doc);
  assert.equal(editor.name, 'Prostate');
  editor.apply((e) => setObservationWindow(e, 30, 0));
  const out = JSON.parse(file.getSource());
  assert.deepEqual(diffPaths(definition, out), ['expression.PrimaryCriteria.ObservationWindow.PriorDays']);
  editor.dispose();
  file.dispose();
});
