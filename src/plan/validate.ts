/**
 * Plan v1 validation, the gate every plan passes at the panel, the kernel, the hub and each site.
 * It never throws: whatever arrives (a pasted ATLAS export, a truncated body, a hostile value) is
 * answered with every problem found, each with its path and a fix a researcher can act on.
 */
import { FedomopError, type ErrorCode, type PlanProblem } from '../errors.js';
import { scanJson, utf8Bytes } from './json-scan.js';
import { resolveLimits, type PlanLimits } from './limits.js';
import { ProblemList, WarningList, at, describe, didYouMean, type PlanWarning } from './problems.js';
import { has, isPlainObject, own, presentKeys, readObject } from './shape.js';
import { ANALYSIS_KINDS, PLAN_VERSION, type CirceExpression, type Plan } from './types.js';
import { checkCohort } from './validate-cohort.js';
import { kindValidator } from '../analysis/kinds/plan-kinds.js';
import type { ConceptSet } from '../circe/types.js';

export type PlanErrorCode = Extract<ErrorCode, 'ERR_PLAN_INVALID' | 'ERR_PLAN_UNSUPPORTED' | 'ERR_PLAN_TOO_LARGE'>;

export type ValidationResult =
  | {
      ok: true;
      plan: Plan;
      /** What Circe would run but is almost surely not meant (see docs/plan.md); never blocks the plan. */
      warnings: PlanWarning[];
    }
  | {
      ok: false;
      problems: PlanProblem[];
      /** Warnings found on the way; as many as the problems allowed the checker to see. */
      warnings: PlanWarning[];
      /** True when every problem is a valid Circe feature outside the supported subset. */
      unsupported: boolean;
      /** The error code parsePlan throws for this result. */
      code: PlanErrorCode;
    };

export interface ValidateOptions {
  /** Tighter or looser limits than PLAN_LIMITS, e.g. for a site that accepts bigger concept sets. */
  limits?: Partial<PlanLimits>;
}

const PLAN_FIELDS = ['version', 'cohort', 'analysis'];

export function validatePlan(input: unknown, options: ValidateOptions = {}): ValidationResult {
  const r = validateJson(input, options, 'the plan', (problems, limits, warnings) =>
    checkPlan(input, problems, limits, warnings),
  );
  return r.ok ? { ok: true, plan: r.value as Plan, warnings: r.warnings } : r;
}

export type CohortValidationResult =
  { ok: true; expression: CirceExpression; warnings: PlanWarning[] } | Extract<ValidationResult, { ok: false }>;

/**
 * A bare Circe cohort expression (what `fedomop cohort generate` and the ATLAS import read), with
 * the plan's checks and limits; problem paths start at the expression (`InclusionRules[0]...`).
 */
export function validateCohortExpression(input: unknown, options: ValidateOptions = {}): CohortValidationResult {
  const r = validateJson(input, options, 'the cohort expression', (problems, limits, warnings) =>
    checkCohort(input, '', problems, limits, warnings),
  );
  return r.ok ? { ok: true, expression: r.value as CirceExpression, warnings: r.warnings } : r;
}

type Check = (problems: ProblemList, limits: PlanLimits, warnings: WarningList) => void;

function validateJson(
  input: unknown,
  options: ValidateOptions,
  what: string,
  check: Check,
): { ok: true; value: unknown; warnings: PlanWarning[] } | Extract<ValidationResult, { ok: false }> {
  const limits = resolveLimits(options.limits);
  const problems = new ProblemList(limits.maxProblems);
  const warnings = new WarningList(limits.maxProblems);
  try {
    if (!isPlainObject(input)) {
      check(problems, limits, warnings);
      return failure(problems, warnings);
    }
    const scan = scanJson(input, limits, problems);
    if (scan.tooLarge) {
      return tooLarge(
        `${what} is over the ${kib(limits.maxPlanBytes)} limit (measured as compact JSON); ` +
          'drop unused concept sets, or concept details such as CONCEPT_NAME, to shrink it',
      );
    }
    check(problems, limits, warnings);
    if (problems.size > 0) return failure(problems, warnings);
    // A fresh copy: what the caller gets is exactly the JSON that was validated, and later changes to
    // the input (or undefined members JSON would drop) cannot reach the compiler.
    return { ok: true, value: JSON.parse(JSON.stringify(input)), warnings: warnings.list() };
  } catch (e) {
    // Only reachable with exotic in-process values (throwing getters, proxies): still an answer, never a throw.
    const reason = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      problems: [{ path: '', message: `${what} could not be read as JSON: ${reason}` }],
      warnings: [],
      unsupported: false,
      code: 'ERR_PLAN_INVALID',
    };
  }
}

/** Validates plan text (a request body, a pasted file), reporting malformed JSON with its line and column. */
export function validatePlanText(text: string, options: ValidateOptions = {}): ValidationResult {
  if (typeof text !== 'string') return validatePlan(text, options);
  const limits = resolveLimits(options.limits);
  if (text.length > limits.maxPlanTextBytes || utf8Bytes(text) > limits.maxPlanTextBytes) {
    return tooLarge(`the plan text is over the ${kib(limits.maxPlanTextBytes)} limit for text before parsing`);
  }
  // Editors on Windows save JSON with a byte-order mark, which JSON.parse rejects.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    return {
      ok: false,
      problems: [{ path: '', message: notJson(body, e, 'the plan') }],
      warnings: [],
      unsupported: false,
      code: 'ERR_PLAN_INVALID',
    };
  }
  return validatePlan(value, options);
}

/**
 * The plan, or a FedomopError: ERR_PLAN_TOO_LARGE, ERR_PLAN_UNSUPPORTED (every problem is a Circe
 * feature outside the subset) or ERR_PLAN_INVALID, with `details.problems` listing them all.
 */
export function parsePlan(input: string | unknown, options: ValidateOptions = {}): Plan {
  const result = typeof input === 'string' ? validatePlanText(input, options) : validatePlan(input, options);
  if (result.ok) return result.plan;
  throw planError(result);
}

export function planError(result: Extract<ValidationResult, { ok: false }>): FedomopError {
  const { problems, code } = result;
  const first = problems[0] ?? { path: '', message: 'the plan is not valid' };
  const head = first.path ? `${first.path}: ${first.message}` : first.message;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return new FedomopError(code, head + more, { problems });
}

function failure(problems: ProblemList, warnings: WarningList): Extract<ValidationResult, { ok: false }> {
  const unsupported = problems.allUnsupported();
  // Lead with a problem of the reported kind, so an INVALID message never opens with an unsupported feature.
  const list = problems.list();
  const firstInvalid = problems.items.findIndex((p) => p.kind === 'invalid');
  if (!unsupported && firstInvalid > 0) list.unshift(...list.splice(firstInvalid, 1));
  return {
    ok: false,
    problems: list,
    warnings: warnings.list(),
    unsupported,
    code: unsupported ? 'ERR_PLAN_UNSUPPORTED' : 'ERR_PLAN_INVALID',
  };
}

function tooLarge(message: string): Extract<ValidationResult, { ok: false }> {
  return { ok: false, problems: [{ path: '', message }], warnings: [], unsupported: false, code: 'ERR_PLAN_TOO_LARGE' };
}

export const kib = (bytes: number) => (bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`);

/** Why `text` is not JSON, with the line and column where it broke; `what` names the text ("the plan"). */
export function notJson(text: string, e: unknown, what: string): string {
  const reason = e instanceof Error ? e.message : String(e);
  const m = /position (\d+)/.exec(reason);
  if (text.trim() === '') return `${what} is not JSON: the text is empty`;
  if (!m) {
    // A paste cut short (the commonest slip with long ATLAS exports) has no position to point at.
    const cut = /end of (?:JSON )?input|unterminated/i.test(reason) ? '; the text stops early: was all of it copied?' : '';
    return `${what} is not JSON: ${reason}${cut}`;
  }
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `${what} is not JSON: ${reason.replace(/\s*(?:in JSON )?at position \d+.*$/s, '')} at line ${line}, column ${column}`;
}

function checkPlan(input: unknown, problems: ProblemList, limits: PlanLimits, warnings: WarningList): void {
  if (!isPlainObject(input)) {
    problems.invalid(
      '',
      `a plan must be a JSON object like {"version": 1, "cohort": {...}, "analysis": {"kind": "count"}}, got ${describe(input)}`,
    );
    return;
  }
  if (!has(input, 'cohort') && has(input, 'PrimaryCriteria')) {
    problems.invalid(
      '',
      'this looks like a bare Circe cohort expression; wrap it as {"version": 1, "cohort": <the expression>, "analysis": {"kind": "count"}}',
    );
    return;
  }
  for (const key of presentKeys(input)) {
    if (!PLAN_FIELDS.includes(key)) {
      problems.invalid(
        at('', key),
        `unknown field "${key}" in the plan${didYouMean(key, PLAN_FIELDS)} (allowed: ${PLAN_FIELDS.join(', ')})`,
      );
    }
  }

  const version = own(input, 'version');
  if (version === undefined) problems.invalid('version', `version is required (this is plan version ${PLAN_VERSION})`);
  else if (version !== PLAN_VERSION) {
    problems.invalid(
      'version',
      `version must be ${PLAN_VERSION} (the only plan version this release understands), got ${describe(version)}`,
    );
  }

  if (!has(input, 'cohort'))
    problems.invalid('cohort', 'cohort is required: an OHDSI Circe cohort expression, as ATLAS exports it');
  else checkCohort(own(input, 'cohort'), 'cohort', problems, limits, warnings);

  if (!has(input, 'analysis'))
    problems.invalid('analysis', `analysis is required, e.g. {"kind": "count"} (kinds: ${ANALYSIS_KINDS.join(', ')})`);
  else checkAnalysis(own(input, 'analysis'), 'analysis', problems, conceptSetsOf(own(input, 'cohort')));
}

/** The cohort's concept sets as far as they are well-formed (variables may refer to them by id). */
function conceptSetsOf(cohort: unknown): ConceptSet[] {
  if (!isPlainObject(cohort)) return [];
  const sets = own(cohort, 'ConceptSets');
  return Array.isArray(sets) ? (sets.filter((s) => isPlainObject(s) && Number.isSafeInteger(s.id)) as ConceptSet[]) : [];
}

function checkAnalysis(v: unknown, path: string, problems: ProblemList, sets: ConceptSet[]): void {
  const analysis = readObject(v, path, problems, `analysis (like {"kind": "count"})`);
  if (!analysis) return;
  const kind = own(analysis, 'kind');
  const kindPath = at(path, 'kind');
  if (kind === undefined) {
    problems.invalid(kindPath, `kind is required (one of ${ANALYSIS_KINDS.join(', ')})`);
    return;
  }
  // Each kind validates its own part (src/analysis/kinds/<kind>/plan.ts), through the registry.
  const validate = kindValidator(kind);
  if (!validate) {
    const hint = typeof kind === 'string' ? didYouMean(kind, ANALYSIS_KINDS) : '';
    const shown = typeof kind === 'string' ? JSON.stringify(kind) : describe(kind);
    problems.invalid(kindPath, `unknown analysis kind ${shown}${hint} (allowed kinds: ${ANALYSIS_KINDS.join(', ')})`);
    return;
  }
  validate(analysis, path, problems, sets);
}
