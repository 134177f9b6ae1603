/**
 * One cohort document's state as the builder sees it: the expression read from the file's text
 * model, its validation problems and warnings (the plan validator's, with their paths), and edits.
 * An edit writes new text into the shared model, never into the expression directly: the text model
 * is the one truth, so undo / redo (the shared model's), save, revert and a second view of the same
 * file all follow from it. Text that did not change is never rewritten, so opening and saving
 * without edits leaves the file byte for byte as it was.
 */
import { Signal, type ISignal } from '@lumino/signaling';
import type { CirceExpression } from '../../circe/types.js';
import type { PlanProblem } from '../../errors.js';
import { validateCohortExpression } from '../../plan/validate.js';
import { cohortName, readCohortText, writeCohortText, type ICohortFile } from './cohort-file.js';
import { addConceptSet, addConceptToSet, conceptSetIndex, type IConceptLike, type IItemToggles } from './cohort-edits.js';

/** What the editor needs of DocumentRegistry.ICodeModel (so specs can hand it a small stand-in). */
export interface ITextDocument {
  readonly sharedModel: {
    getSource(): string;
    setSource(text: string): void;
    undo(): void;
    redo(): void;
    canUndo(): boolean;
    canRedo(): boolean;
    /** The document's dirty flag (DocumentModel.dirty reads it here); setSource alone does not set it. */
    dirty: boolean;
  };
  readonly contentChanged: ISignal<unknown, void>;
}

export interface IProblem extends PlanProblem {
  severity: 'error' | 'warning';
}

export class CohortEditor {
  private readonly _changed = new Signal<this, void>(this);
  private _file: ICohortFile | null = null;
  private _readError: string | null = null;
  private _problems: IProblem[] = [];
  private _text: string | null = null;
  private _disposed = false;

  constructor(readonly document: ITextDocument) {
    document.contentChanged.connect(this.sync, this);
    this.sync();
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** The file as read; null when its text holds no cohort (see readError). */
  get file(): ICohortFile | null {
    return this._file;
  }
  get expression(): CirceExpression | null {
    return this._file?.expression ?? null;
  }
  get readError(): string | null {
    return this._readError;
  }
  get name(): string | null {
    return this._file ? cohortName(this._file) : null;
  }
  /** Errors first, then warnings; paths as the plan validator writes them. */
  get problems(): readonly IProblem[] {
    return this._problems;
  }
  /** Whether the hub would take the expression as it is. */
  get valid(): boolean {
    return this._file !== null && !this._problems.some((p) => p.severity === 'error');
  }
  get canUndo(): boolean {
    return this.document.sharedModel.canUndo();
  }
  get canRedo(): boolean {
    return this.document.sharedModel.canRedo();
  }

  /** The problems at `path` or below it (a part of the builder shows those next to itself). */
  problemsAt(path: string, exact = false): IProblem[] {
    return this._problems.filter((p) =>
      exact ? p.path === path : p.path === path || p.path.startsWith(path + '.') || p.path.startsWith(path + '['),
    );
  }

  /** Applies a pure edit (cohort-edits.ts) and writes the result; an edit returning its input writes nothing. */
  apply(edit: (e: CirceExpression) => CirceExpression): void {
    if (!this._file) return;
    const next = edit(this._file.expression);
    if (next === this._file.expression) return;
    this.document.sharedModel.setSource(writeCohortText({ ...this._file, expression: next }));
    // @jupyter/ydoc marks a document dirty on undo / redo / updateSource, not on setSource: without
    // this, an edited cohort showed no unsaved-changes mark and closing it did not ask to save.
    this.document.sharedModel.dirty = true;
  }

  /** Adds a concept to set `setId` (or to a new set named `newName`); returns the set's id. */
  addConcept(concept: IConceptLike, toggles: IItemToggles, setId: number | 'new', newName?: string): number {
    let id = -1;
    this.apply((e) => {
      let out = e;
      if (setId === 'new') {
        const made = addConceptSet(e, newName ?? concept.name);
        out = made.expression;
        id = made.id;
      } else {
        conceptSetIndex(e, setId);
        id = setId;
      }
      return addConceptToSet(out, id, concept, toggles);
    });
    return id;
  }

  undo(): void {
    this.document.sharedModel.undo();
  }
  redo(): void {
    this.document.sharedModel.redo();
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this.document.contentChanged.disconnect(this.sync, this);
    Signal.clearData(this);
  }

  /** Re-reads the text when it changed (an edit here, an edit in another view, undo, revert, load). */
  private sync(): void {
    const text = this.document.sharedModel.getSource();
    if (text === this._text) return;
    this._text = text;
    const read = readCohortText(text);
    if (!read.ok) {
      this._file = null;
      this._readError = read.message;
      this._problems = [];
    } else {
      this._file = read.file;
      this._readError = null;
      this._problems = check(read.file.expression);
    }
    this._changed.emit();
  }
}

function check(e: CirceExpression): IProblem[] {
  const r = validateCohortExpression(e);
  const warnings: IProblem[] = r.warnings.map((w) => ({ ...w, severity: 'warning' }));
  if (r.ok) return warnings;
  return [...r.problems.map((p): IProblem => ({ ...p, severity: 'error' })), ...warnings];
}
