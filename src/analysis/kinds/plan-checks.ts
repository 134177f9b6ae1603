/**
 * Shared checks for the kinds that read variables: the variables themselves, and references from
 * the analysis to declared variables of an allowed kind. Problems carry JSON paths, as the plan
 * validator reports them. Browser-safe.
 */
import type { PlanProblem } from '../../errors.js';
import type { ConceptSet } from '../../circe/types.js';
import { validateVariables } from '../variables/validate.js';
import { VARIABLE_KINDS, type VariableKind, type Variables } from '../variables/types.js';

export type Obj = Record<string, unknown>;
export const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class KindProblems {
  readonly list: PlanProblem[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

/** Unknown keys of an analysis, named one by one. */
export function rejectUnknown(a: Obj, path: string, allowed: readonly string[], p: KindProblems, what: string): void {
  for (const key of Object.keys(a)) {
    if (!allowed.includes(key)) p.add(`${path}.${key}`, `unknown field "${key}" for ${what} (allowed: ${allowed.join(', ')})`);
  }
}

/** The declared variables if they are valid (problems reported otherwise). */
export function checkedVariables(
  a: Obj,
  path: string,
  sets: readonly ConceptSet[],
  p: KindProblems,
  required = true,
): Variables | undefined {
  if (a.variables === undefined) {
    if (required) p.add(`${path}.variables`, 'variables are required: {name: spec}, e.g. {"age": {"type": "age_at_index"}}');
    return undefined;
  }
  const problems = validateVariables(a.variables, sets, `${path}.variables`);
  for (const q of problems) p.add(q.path, q.message);
  return problems.length === 0 ? (a.variables as Variables) : undefined;
}

const KIND_WORDS: Record<VariableKind, string> = {
  numeric: 'numeric',
  binary: 'binary (0/1)',
  count: 'count',
  categorical: 'categorical',
  time: 'time_to',
};

/**
 * A reference to a declared variable whose kind is one of `kinds`; returns the kind when it is.
 * With no valid variables known, only the type of the reference is checked.
 */
export function checkRef(
  value: unknown,
  path: string,
  variables: Variables | undefined,
  kinds: readonly VariableKind[],
  p: KindProblems,
  what: string,
): VariableKind | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    p.add(path, `${what} must be the name of a declared variable`);
    return undefined;
  }
  if (!variables) return undefined;
  const spec = variables[value];
  if (!spec || !Object.prototype.hasOwnProperty.call(variables, value)) {
    const names = Object.keys(variables);
    p.add(path, `"${value}" is not declared in variables (declared: ${names.join(', ') || 'none'})`);
    return undefined;
  }
  const kind = VARIABLE_KINDS[spec.type];
  if (!kinds.includes(kind)) {
    p.add(
      path,
      `${what} must be a ${kinds.map((k) => KIND_WORDS[k]).join(' or ')} variable; "${value}" is ${KIND_WORDS[kind]} (${spec.type})`,
    );
    return undefined;
  }
  return kind;
}

/** An array of distinct variable references. */
export function checkRefList(
  value: unknown,
  path: string,
  variables: Variables | undefined,
  kinds: readonly VariableKind[],
  p: KindProblems,
  what: string,
  limits: { min: number; max: number },
): string[] | undefined {
  if (!Array.isArray(value)) {
    p.add(path, `${what} must be an array of variable names`);
    return undefined;
  }
  if (value.length < limits.min) p.add(path, `${what} needs at least ${limits.min} variable name(s)`);
  if (value.length > limits.max) p.add(path, `${what} takes at most ${limits.max} variable names`);
  const seen = new Set<string>();
  value.slice(0, limits.max).forEach((v, i) => {
    checkRef(v, `${path}[${i}]`, variables, kinds, p, what);
    if (typeof v === 'string') {
      if (seen.has(v)) p.add(`${path}[${i}]`, `"${v}" appears twice in ${what}`);
      seen.add(v);
    }
  });
  return value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

export function checkInteger(value: unknown, path: string, min: number, max: number, p: KindProblems, what: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    p.add(path, `${what} must be a whole number from ${min} to ${max}`);
  }
}
