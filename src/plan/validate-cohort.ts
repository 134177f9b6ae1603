/**
 * The cohort: an OHDSI Circe cohort expression, as ATLAS exports it, checked in full. Every field
 * circe-be reads is type-checked by its kind and every reference to a concept set resolved; Circe
 * features fedomop does not run are refused by name (ERR_PLAN_UNSUPPORTED), anything else unknown
 * is a mistake with a suggestion (ERR_PLAN_INVALID), and what Circe would run but is almost surely
 * not meant (an empty concept set in use, a window ending before it starts) becomes a warning.
 */
import { COHORT_FIELDS } from './circe-fields.js';
import type { PlanLimits } from './limits.js';
import { at, describe, didYouMean, type ProblemList, type WarningList } from './problems.js';
import { has, own, presentKeys, readObject, readString } from './shape.js';
import { checkConceptSets } from './validate-concept-sets.js';
import { newContext } from './validate-context.js';
import { checkPrimaryCriteria } from './validate-criteria.js';
import { checkCensorWindow, checkCensoringCriteria, checkCollapseSettings, checkEndStrategy } from './validate-exit.js';
import { checkCriteriaGroup, checkInclusionRules } from './validate-groups.js';
import { checkLimit } from './validate-ranges.js';

/** `path` is where the expression sits: "cohort" in a plan, "" for a bare expression. */
export function checkCohort(v: unknown, path: string, problems: ProblemList, limits: PlanLimits, warnings: WarningList): void {
  const cohort = readObject(v, path, problems, 'cohort (an OHDSI Circe cohort expression, as ATLAS exports it)');
  if (!cohort) return;
  if (!has(cohort, 'PrimaryCriteria') && has(cohort, 'expression')) {
    problems.invalid(
      path,
      'this looks like a whole ATLAS cohort definition ({"name", "expression", ...}); use the value of its "expression"' +
        (path ? ' as cohort' : ''),
    );
    return;
  }

  const setsPath = at(path, 'ConceptSets');
  const codesets = has(cohort, 'ConceptSets')
    ? checkConceptSets(own(cohort, 'ConceptSets'), setsPath, problems, limits)
    : (problems.invalid(setsPath, 'ConceptSets is required ([] if no criterion uses a CodesetId)'), undefined);
  const ctx = newContext(problems, warnings, limits, codesets);

  const pcPath = at(path, 'PrimaryCriteria');
  if (has(cohort, 'PrimaryCriteria')) checkPrimaryCriteria(own(cohort, 'PrimaryCriteria'), pcPath, ctx);
  else problems.invalid(pcPath, 'PrimaryCriteria is required: the events that put a person in the cohort');

  const additional = own(cohort, 'AdditionalCriteria');
  if (additional !== undefined && additional !== null) {
    checkCriteriaGroup(additional, at(path, 'AdditionalCriteria'), ctx, 1, 'AdditionalCriteria');
  }
  // circe-be applies QualifiedLimit only when AdditionalCriteria is present, ExpressionLimit always
  // (after the inclusion rules); both default to First.
  checkLimit(own(cohort, 'QualifiedLimit'), at(path, 'QualifiedLimit'), problems, 'QualifiedLimit');
  checkLimit(own(cohort, 'ExpressionLimit'), at(path, 'ExpressionLimit'), problems, 'ExpressionLimit');
  checkInclusionRules(own(cohort, 'InclusionRules'), at(path, 'InclusionRules'), ctx);
  checkEndStrategy(own(cohort, 'EndStrategy'), at(path, 'EndStrategy'), ctx);
  checkCensoringCriteria(own(cohort, 'CensoringCriteria'), at(path, 'CensoringCriteria'), ctx);
  checkCollapseSettings(own(cohort, 'CollapseSettings'), at(path, 'CollapseSettings'), ctx);
  checkCensorWindow(own(cohort, 'CensorWindow'), at(path, 'CensorWindow'), ctx);

  for (const field of ['cdmVersionRange', 'Title']) {
    const value = own(cohort, field);
    if (value !== undefined && value !== null) readString(value, at(path, field), problems, field);
  }
  for (const key of presentKeys(cohort)) {
    if (COHORT_FIELDS.includes(key)) continue;
    problems.invalid(
      at(path, key),
      `unknown field "${key}" in the cohort expression${didYouMean(key, COHORT_FIELDS)} (got ${describe(own(cohort, key))})`,
    );
  }
}
