/**
 * A cohort pasted from ATLAS instead of built from concepts. The text may be the cohort expression
 * itself (ATLAS "Export → JSON"), ATLAS's whole cohort definition (`{"name", "expression", ...}`,
 * as WebAPI serves it, where `expression` can even be a JSON string), or a fedomop plan (its
 * `cohort` is used). Reading only unwraps; checking is validatePlan's, on the whole plan, so the
 * problems carry the paths the hub and the sites would report (`cohort.InclusionRules[1]...`).
 * Pure functions: the panel model calls them on every keystroke and the specs pin them.
 */
import type { PlanProblem } from '../../errors.js';
import { PLAN_LIMITS, notJson, type CirceExpression } from '../../plan/index.js';

/** What the pasted text was, once unwrapped. */
export type PastedSource = 'expression' | 'definition' | 'plan';

export type PastedCohort =
  | {
      ok: true;
      /** The cohort expression, not yet checked (validatePlan does that as part of the plan). */
      expression: CirceExpression;
      /** ATLAS's cohort name, else the expression's Title; null when neither is given. */
      name: string | null;
      source: PastedSource;
    }
  | { ok: false; problems: PlanProblem[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

export const EMPTY_PASTE_MESSAGE =
  'Paste a cohort definition: in ATLAS, open the cohort, then Export → JSON, and copy the text here.';

/** The pasted text → the cohort expression in it, or why there is none (with line and column for broken JSON). */
export function readPastedCohort(input: string): PastedCohort {
  if (input.length > PLAN_LIMITS.maxPlanTextBytes) {
    return fail('', `the pasted text is over the ${PLAN_LIMITS.maxPlanTextBytes / 1024} KiB limit for a cohort definition`);
  }
  // Editors on Windows save JSON with a byte-order mark, which JSON.parse rejects.
  const body = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (body.trim() === '') return fail('', EMPTY_PASTE_MESSAGE);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    return fail('', notJson(body, e, 'the pasted text'));
  }
  if (!isObj(value)) return fail('', `the pasted text must be a JSON object (a cohort definition), not ${kindOf(value)}`);

  // A fedomop plan: its cohort (the analysis is the panel's choice).
  if (!('PrimaryCriteria' in value) && 'cohort' in value && 'version' in value) {
    const cohort = value.cohort;
    if (!isObj(cohort)) return fail('cohort', `the plan's cohort must be a cohort expression object, not ${kindOf(cohort)}`);
    return { ok: true, expression: cohort as CirceExpression, name: text(cohort.Title), source: 'plan' };
  }

  // ATLAS's whole definition: {"id", "name", "description", "expressionType", "expression": {...}}.
  if (!('PrimaryCriteria' in value) && 'expression' in value) {
    let expression = value.expression;
    if (typeof expression === 'string') {
      // WebAPI's /cohortdefinition/{id} carries the expression as JSON text.
      try {
        expression = JSON.parse(expression);
      } catch (e) {
        return fail('expression', notJson(expression as string, e, 'the definition’s expression text'));
      }
    }
    if (!isObj(expression)) {
      return fail('expression', `the definition’s expression must be a cohort expression object, not ${kindOf(expression)}`);
    }
    const name = text(value.name) ?? text(expression.Title);
    // The name travels as the expression's Title (descriptive only), so the notebook cell and the
    // sites' logs show it; a Title the expression already has is kept.
    const withTitle = name && !text(expression.Title) ? { Title: name, ...expression } : expression;
    return { ok: true, expression: withTitle as CirceExpression, name, source: 'definition' };
  }

  return { ok: true, expression: value as CirceExpression, name: text(value.Title), source: 'expression' };
}

/**
 * One line about the cohort for the panel, e.g. "3 concept sets, 1 entry criterion, 2 inclusion
 * rules". Reads the expression defensively: it may not have passed validation.
 */
export function summarizeCohort(expression: CirceExpression): string {
  const e = expression as Obj;
  const primary = isObj(e.PrimaryCriteria) ? e.PrimaryCriteria : {};
  const parts = [
    plural(count(e.ConceptSets), 'concept set', 'concept sets'),
    plural(count(primary.CriteriaList), 'entry criterion', 'entry criteria'),
    plural(count(e.InclusionRules), 'inclusion rule', 'inclusion rules'),
  ];
  const censoring = count(e.CensoringCriteria);
  if (censoring > 0) parts.push(plural(censoring, 'censoring criterion', 'censoring criteria'));
  if (isObj(e.EndStrategy)) {
    if ('DateOffset' in e.EndStrategy) parts.push('exit at a fixed offset');
    else if ('CustomEra' in e.EndStrategy) parts.push('exit at the end of a drug era');
  }
  return parts.join(', ');
}

/** The inclusion rules' names in order, as attrition will label its steps ("rule k" for a nameless one). */
export function inclusionRuleNames(expression: CirceExpression): string[] {
  const rules = (expression as Obj).InclusionRules;
  if (!Array.isArray(rules)) return [];
  return rules.map((r, k) => (isObj(r) && text(r.name)) || `rule ${k + 1}`);
}

/** `problems` as one line each, `path: message` (the path left out when there is none). */
export function problemLine(p: PlanProblem): string {
  return p.path ? `${p.path}: ${p.message}` : p.message;
}

function fail(path: string, message: string): PastedCohort {
  return { ok: false, problems: [{ path, message }] };
}

function count(v: unknown): number {
  return Array.isArray(v) ? v.length : 0;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'string' ? 'text' : `a ${typeof v}`;
}
