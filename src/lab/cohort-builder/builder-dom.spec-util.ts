/**
 * The builder rendered as JupyterLab hosts it, for the lab specs: a Lumino ReactWidget attached to the
 * jsdom document, over a real @jupyter/ydoc shared text model; typing and clicking through the DOM; and
 * the JSON paths each action changed in the file.
 */
import { YFile } from '@jupyter/ydoc';
import { ReactWidget } from '@jupyterlab/apputils';
import { framePromise } from '@jupyterlab/testing';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import type { CirceExpression } from '../../circe/types.js';
import { CohortEditor, type ITextDocument } from '../cohort-document/editor-model.js';
import { diffPaths } from '../cohort-document/json-path.js';
import { useSignal } from '../query-panel/hooks.js';
import type { ConceptApi } from '../concept-browser/concept-api.js';
import { ConceptApiContext } from './concept-lookup.js';
import { EntrySection } from './EntrySection.js';
import { ExitSection } from './ExitSection.js';
import { RulesSection } from './RulesSection.js';

export function textDocument(text: string): { doc: ITextDocument; file: YFile } {
  const file = new YFile();
  file.setSource(text);
  file.undoManager.clear();
  const contentChanged = new Signal<unknown, void>({});
  file.changed.connect((_, change) => {
    if (change.sourceChange) contentChanged.emit();
  });
  return { doc: { sharedModel: file, contentChanged }, file };
}

function Host({
  editor,
  api,
  onReady,
}: {
  editor: CohortEditor;
  api: ConceptApi | null;
  onReady: () => void;
}): React.ReactElement {
  useSignal(editor.changed);
  // Effects run in order: once this one has, useSignal is listening, so the spec may start clicking
  // (a click before that changes the file but the view would not follow).
  React.useEffect(onReady, []);
  // No JSX here: a .ts file, so the lab build's and tsconfig's `*.spec-util.ts` exclusions apply.
  const e = editor.expression!;
  return React.createElement(
    ConceptApiContext.Provider,
    { value: api },
    React.createElement(EntrySection, { editor, e }),
    React.createElement(RulesSection, { editor, e }),
    React.createElement(ExitSection, { editor, e }),
  );
}

export const SETS = [
  {
    id: 0,
    name: 'Prostate cancer',
    expression: { items: [{ concept: { CONCEPT_ID: 4163261, CONCEPT_NAME: 'Malignant tumor of prostate' } }] },
  },
  { id: 1, name: 'Source codes', expression: { items: [{ concept: { CONCEPT_ID: 44826462 } }] } },
];

export function cohortWith(criterion: Record<string, unknown>, rules: unknown[] = []): string {
  return JSON.stringify({
    ConceptSets: SETS,
    PrimaryCriteria: {
      CriteriaList: [criterion],
      ObservationWindow: { PriorDays: 0, PostDays: 0 },
      PrimaryCriteriaLimit: { Type: 'First' },
    },
    QualifiedLimit: { Type: 'First' },
    ExpressionLimit: { Type: 'First' },
    InclusionRules: rules,
    CensoringCriteria: [],
    CollapseSettings: { CollapseType: 'ERA', EraPad: 0 },
    CensorWindow: {},
    // A field only ATLAS reads: must survive every edit.
    cdmVersionRange: '>=5.0.0',
  });
}

/** React listens to the native value setter + input event, as a browser's typing fires it. */
export function type(el: HTMLInputElement | HTMLSelectElement, value: string): void {
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value);
  el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
}

export function click(el: Element): void {
  (el as HTMLElement).click();
}

export async function rendered<T>(find: () => T | null | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = find();
    if (found) return found;
    await framePromise();
  }
  throw new Error(`never rendered: ${what}`);
}

export class Builder {
  readonly widget: Widget;
  readonly editor: CohortEditor;
  readonly file: YFile;
  private last: unknown;
  /** Resolves once the view listens to the editor (see Host). */
  readonly ready: Promise<void>;

  /** `api`: the hub's vocabulary API for the concept-name lookups (null: not connected). */
  constructor(text: string, api: ConceptApi | null = null) {
    const { doc, file } = textDocument(text);
    this.file = file;
    this.editor = new CohortEditor(doc);
    let ready = () => {};
    this.ready = new Promise<void>((resolve) => (ready = resolve));
    this.widget = ReactWidget.create(React.createElement(Host, { editor: this.editor, api, onReady: () => ready() }));
    Widget.attach(this.widget, document.body);
    this.last = JSON.parse(text);
  }

  get json(): CirceExpression {
    return JSON.parse(this.file.getSource());
  }

  /** Paths changed since the last call (and remembers the current JSON). */
  changed(): string[] {
    const now = this.json;
    const paths = diffPaths(this.last, now);
    this.last = now;
    return paths;
  }

  async find<T extends Element>(selector: string): Promise<T> {
    await this.ready;
    return rendered(() => this.widget.node.querySelector<T>(selector), selector);
  }

  async byLabel<T extends Element>(label: string): Promise<T> {
    return this.find<T>(`[aria-label="${label}"]`);
  }

  /** "+ attribute" → the item for `name`. */
  async add(name: string): Promise<void> {
    await this.ready;
    const button = await rendered(
      () => [...this.widget.node.querySelectorAll('button')].find((b) => b.textContent === '+ attribute'),
      '+ attribute',
    );
    click(button);
    click(await this.find(`[role="menu"] [data-item="${name}"]`));
    await this.find(`[data-attribute="${name}"]`);
  }

  dispose(): void {
    this.widget.dispose();
    this.editor.dispose();
  }
}
