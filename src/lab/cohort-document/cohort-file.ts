/**
 * A `.cohort.json` file's text ↔ the Circe expression the builder edits. The file is what ATLAS
 * exports: the expression itself, or a cohort definition around it (`{name, expression, ...}`; older
 * WebAPI versions wrote the expression as a JSON string). Whatever wraps the expression is kept and
 * written back around the edited one, so ATLAS reads the file again. Same reading as the kernels'
 * `cohortFromFile` / `cohort_from_file`. Pure: the document widget and its spec share it.
 */
import type { CirceExpression } from '../../circe/types.js';

/** Where the expression sits in the file. */
export type CohortWrapper =
  | { kind: 'bare' }
  /** `outer.expression` holds it (as an object, or as JSON text when `asString`). */
  | { kind: 'definition'; outer: Record<string, unknown>; asString: boolean };

export interface ICohortFile {
  expression: CirceExpression;
  wrapper: CohortWrapper;
}

export type ReadResult = { ok: true; file: ICohortFile } | { ok: false; message: string };

/** What a new, empty `.cohort.json` becomes: no concept sets, no entry events yet. */
export function emptyExpression(): CirceExpression {
  return {
    ConceptSets: [],
    PrimaryCriteria: {
      CriteriaList: [],
      ObservationWindow: { PriorDays: 0, PostDays: 0 },
      PrimaryCriteriaLimit: { Type: 'First' },
    },
    QualifiedLimit: { Type: 'First' },
    ExpressionLimit: { Type: 'First' },
    InclusionRules: [],
    CensoringCriteria: [],
    CollapseSettings: { CollapseType: 'ERA', EraPad: 0 },
    CensorWindow: {},
  };
}

/** The file's text → the expression and its wrapper, or why it holds none (in words). */
export function readCohortText(text: string): ReadResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return { ok: true, file: { expression: emptyExpression(), wrapper: { kind: 'bare' } } };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    return { ok: false, message: `The file is not JSON: ${(e as Error).message}` };
  }
  if (!isObject(value)) return { ok: false, message: 'The file does not hold a cohort expression (a JSON object).' };
  if (!('PrimaryCriteria' in value) && 'expression' in value) {
    const inner = value.expression;
    if (typeof inner === 'string') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(inner);
      } catch (e) {
        return { ok: false, message: `The cohort definition's "expression" text is not JSON: ${(e as Error).message}` };
      }
      if (!isObject(parsed)) return { ok: false, message: 'The cohort definition\'s "expression" is not a JSON object.' };
      return {
        ok: true,
        file: { expression: asExpression(parsed), wrapper: { kind: 'definition', outer: value, asString: true } },
      };
    }
    if (!isObject(inner)) return { ok: false, message: 'The cohort definition\'s "expression" is not a JSON object.' };
    return {
      ok: true,
      file: { expression: asExpression(inner), wrapper: { kind: 'definition', outer: value, asString: false } },
    };
  }
  return { ok: true, file: { expression: asExpression(value), wrapper: { kind: 'bare' } } };
}

/** The expression back in its wrapper, as text (2-space indentation, as ATLAS shows it). */
export function writeCohortText(file: ICohortFile): string {
  const { expression, wrapper } = file;
  if (wrapper.kind === 'bare') return JSON.stringify(expression, null, 2) + '\n';
  const inner = wrapper.asString ? JSON.stringify(expression) : expression;
  return JSON.stringify({ ...wrapper.outer, expression: inner }, null, 2) + '\n';
}

/** The cohort's name: the definition's `name`, else the expression's Title, else null. */
export function cohortName(file: ICohortFile): string | null {
  const outer = file.wrapper.kind === 'definition' ? file.wrapper.outer.name : undefined;
  if (typeof outer === 'string' && outer.trim()) return outer.trim();
  const title = file.expression.Title;
  return typeof title === 'string' && title.trim() ? title.trim() : null;
}

/**
 * A file being built holds parts the builder needs before the validator is happy (no entry events
 * yet); the missing containers are filled only in what the builder reads, never in what it writes
 * back unless an edit touches them.
 */
function asExpression(v: Record<string, unknown>): CirceExpression {
  return v as CirceExpression;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
