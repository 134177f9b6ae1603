/**
 * The cohort: a Circe cohort expression as ATLAS exports it. Concept sets and primary criteria
 * are checked in depth; every other Circe field is accepted only in a form that provably leaves
 * the counts unchanged (empty, null, or a limit that cannot narrow the entry events), so a plan
 * either means here exactly what it means in ATLAS or is refused naming the part that differs.
 */
import { COHORT_FIELDS, SUPPORTED_SUMMARY, isEmptyCriteriaGroup } from './circe-fields.js';
import type { PlanLimits } from './limits.js';
import { VALUE_BOUNDS } from './limits.js';
import { at, describe, didYouMean, listOf, type ProblemList } from './problems.js';
import {
  has,
  isPlainObject,
  own,
  presentKeys,
  readArray,
  readBoolean,
  readInteger,
  readObject,
  readString,
  rejectUnknownKeys,
} from './shape.js';
import { checkPrimaryCriteria } from './validate-criteria.js';
import { checkLimit } from './validate-ranges.js';

export function checkCohort(v: unknown, path: string, problems: ProblemList, limits: PlanLimits): void {
  const cohort = readObject(v, path, problems, 'cohort (an OHDSI Circe cohort expression, as ATLAS exports it)');
  if (!cohort) return;
  if (!has(cohort, 'PrimaryCriteria') && has(cohort, 'expression')) {
    problems.invalid(
      path,
      'this looks like a whole ATLAS cohort definition ({"name", "expression", ...}); use the value of its "expression" as cohort',
    );
    return;
  }

  const setsPath = at(path, 'ConceptSets');
  const codesetIds = has(cohort, 'ConceptSets')
    ? checkConceptSets(own(cohort, 'ConceptSets'), setsPath, problems, limits)
    : (problems.invalid(setsPath, 'ConceptSets is required ([] if no criterion uses a CodesetId)'), undefined);

  const pcPath = at(path, 'PrimaryCriteria');
  if (has(cohort, 'PrimaryCriteria')) checkPrimaryCriteria(own(cohort, 'PrimaryCriteria'), pcPath, problems, limits, codesetIds);
  else problems.invalid(pcPath, 'PrimaryCriteria is required: the events that put a person in the cohort');

  checkNeutralFields(cohort, path, problems);

  for (const key of presentKeys(cohort)) {
    if (COHORT_FIELDS.includes(key)) continue;
    problems.invalid(at(path, key), `unknown field "${key}" in the cohort expression${didYouMean(key, COHORT_FIELDS)}`);
  }
}

function checkConceptSets(v: unknown, path: string, problems: ProblemList, limits: PlanLimits): Set<number> | undefined {
  const sets = readArray(v, path, problems, 'ConceptSets');
  if (!sets) return undefined;
  if (sets.length > limits.maxConceptSets) {
    problems.invalid(path, `ConceptSets has ${sets.length} concept sets; the limit is ${limits.maxConceptSets}`);
    return undefined;
  }
  const firstIndexOf = new Map<number, number>();
  sets.forEach((s, i) => {
    const p = at(path, i);
    const set = readObject(s, p, problems, 'a concept set (like {"id": 0, "name": "...", "expression": {"items": [...]}})');
    if (!set) return;
    rejectUnknownKeys(set, p, ['id', 'name', 'expression'], problems, 'a concept set');
    const idPath = at(p, 'id');
    const id = has(set, 'id')
      ? readInteger(own(set, 'id'), idPath, problems, 'id', { min: 0, max: VALUE_BOUNDS.maxConceptId })
      : (problems.invalid(idPath, 'id is required: criteria refer to the concept set by it (CodesetId)'), undefined);
    if (id !== undefined) {
      const earlier = firstIndexOf.get(id);
      if (earlier === undefined) firstIndexOf.set(id, i);
      else problems.invalid(idPath, `id ${id} is already used by ConceptSets[${earlier}]; concept set ids must be unique`);
    }
    if (has(set, 'name')) readString(own(set, 'name'), at(p, 'name'), problems, 'name');
    const exprPath = at(p, 'expression');
    if (!has(set, 'expression')) problems.invalid(exprPath, 'expression is required (like {"items": [...]})');
    else checkConceptSetExpression(own(set, 'expression'), exprPath, problems, limits);
  });
  return new Set(firstIndexOf.keys());
}

const ITEM_FIELDS = ['concept', 'isExcluded', 'includeDescendants', 'includeMapped'];

function checkConceptSetExpression(v: unknown, path: string, problems: ProblemList, limits: PlanLimits): void {
  const expr = readObject(v, path, problems, 'a concept set expression (like {"items": [...]})');
  if (!expr) return;
  const itemsPath = at(path, 'items');
  if (!has(expr, 'items')) {
    problems.invalid(itemsPath, 'items is required: the concepts of this set');
    return;
  }
  const items = readArray(own(expr, 'items'), itemsPath, problems, 'items');
  if (!items) return;
  if (items.length > limits.maxConceptSetItems) {
    problems.invalid(itemsPath, `this concept set has ${items.length} items; the limit is ${limits.maxConceptSetItems}`);
    return;
  }
  items.forEach((it, j) => {
    const p = at(itemsPath, j);
    const item = readObject(
      it,
      p,
      problems,
      'a concept set item (like {"concept": {"CONCEPT_ID": 4112853}, "includeDescendants": true})',
    );
    if (!item) return;
    rejectUnknownKeys(item, p, ITEM_FIELDS, problems, 'a concept set item');
    const conceptPath = at(p, 'concept');
    const concept = has(item, 'concept')
      ? readObject(own(item, 'concept'), conceptPath, problems, 'concept')
      : (problems.invalid(conceptPath, 'concept is required (like {"CONCEPT_ID": 4112853})'), undefined);
    if (concept) {
      const idPath = at(conceptPath, 'CONCEPT_ID');
      if (!has(concept, 'CONCEPT_ID')) problems.invalid(idPath, 'CONCEPT_ID is required: the OMOP concept id');
      else readInteger(own(concept, 'CONCEPT_ID'), idPath, problems, 'CONCEPT_ID', { min: 1, max: VALUE_BOUNDS.maxConceptId });
    }
    for (const flag of ITEM_FIELDS.slice(1)) {
      if (has(item, flag)) readBoolean(own(item, flag), at(p, flag), problems, flag);
    }
  });
}

const refuse = (what: string) => `${what} not supported by plan v1 yet (${SUPPORTED_SUMMARY})`;

/** Circe fields outside the subset: accepted when they cannot change the result, refused by name otherwise. */
function checkNeutralFields(cohort: Record<string, unknown>, path: string, problems: ProblemList): void {
  const additional = own(cohort, 'AdditionalCriteria');
  const acPath = at(path, 'AdditionalCriteria');
  if (additional !== undefined && additional !== null) {
    if (!isPlainObject(additional))
      problems.invalid(acPath, `AdditionalCriteria must be a criteria group or null, got ${describe(additional)}`);
    else if (!isEmptyCriteriaGroup(additional))
      problems.unsupported(acPath, refuse('additional criteria ("restrict initial events") are'));
  }

  // circe-be applies QualifiedLimit only when AdditionalCriteria is present, and ExpressionLimit
  // always, after inclusion rules; both default to First. The compiler applies both (see
  // src/cohort/primary-events.ts), so here only their shape is checked.
  checkLimit(own(cohort, 'QualifiedLimit'), at(path, 'QualifiedLimit'), problems, 'QualifiedLimit');
  checkLimit(own(cohort, 'ExpressionLimit'), at(path, 'ExpressionLimit'), problems, 'ExpressionLimit');

  const rules = own(cohort, 'InclusionRules');
  const irPath = at(path, 'InclusionRules');
  if (rules !== undefined) {
    const list = readArray(rules, irPath, problems, 'InclusionRules ([] for none)');
    if (list && list.length > 0) problems.unsupported(irPath, refuse(`inclusion rules (${list.length}${ruleNames(list)}) are`));
  }

  const censoring = own(cohort, 'CensoringCriteria');
  const ccPath = at(path, 'CensoringCriteria');
  if (censoring !== undefined && censoring !== null) {
    const list = readArray(censoring, ccPath, problems, 'CensoringCriteria ([] for none)');
    if (list && list.length > 0) problems.unsupported(ccPath, refuse('censoring criteria are'));
  }

  const end = own(cohort, 'EndStrategy');
  const esPath = at(path, 'EndStrategy');
  if (end !== undefined && end !== null) {
    if (!isPlainObject(end)) problems.invalid(esPath, `EndStrategy must be an object or null, got ${describe(end)}`);
    else
      problems.unsupported(
        esPath,
        refuse(`end strategies${presentKeys(end).length ? ` (${listOf(presentKeys(end))})` : ''} are`),
      );
  }

  checkCollapseSettings(own(cohort, 'CollapseSettings'), at(path, 'CollapseSettings'), problems);
  checkCensorWindow(own(cohort, 'CensorWindow'), at(path, 'CensorWindow'), problems);

  for (const field of ['cdmVersionRange', 'Title']) {
    const value = own(cohort, field);
    if (value !== undefined && value !== null) readString(value, at(path, field), problems, field);
  }
}

function ruleNames(rules: unknown[]): string {
  const names = rules
    .slice(0, 3)
    .map((r) => (isPlainObject(r) && typeof own(r, 'name') === 'string' ? JSON.stringify(own(r, 'name')) : undefined))
    .filter((n): n is string => n !== undefined);
  return names.length ? `: ${names.join(', ')}${rules.length > 3 ? ', …' : ''}` : '';
}

/**
 * Era collapse merges a person's cohort rows after exit dates are set; counts of persons and entry
 * events are taken before it, so any settings are accepted. Their types are still checked, so a
 * later version that uses them does not inherit garbage.
 */
function checkCollapseSettings(v: unknown, path: string, problems: ProblemList): void {
  if (v === undefined || v === null) return;
  const settings = readObject(v, path, problems, 'CollapseSettings (like {"CollapseType": "ERA", "EraPad": 0})');
  if (!settings) return;
  if (has(settings, 'CollapseType'))
    readString(own(settings, 'CollapseType'), at(path, 'CollapseType'), problems, 'CollapseType');
  if (has(settings, 'EraPad'))
    readInteger(own(settings, 'EraPad'), at(path, 'EraPad'), problems, 'EraPad', { min: 0, max: VALUE_BOUNDS.maxWindowDays });
}

/** A censor window clips cohort dates and drops rows, so only an empty one ({} as ATLAS writes it) is accepted. */
function checkCensorWindow(v: unknown, path: string, problems: ProblemList): void {
  if (v === undefined || v === null) return;
  const window = readObject(v, path, problems, 'CensorWindow ({} for none)');
  if (!window) return;
  rejectUnknownKeys(window, path, ['StartDate', 'EndDate'], problems, 'CensorWindow');
  for (const field of ['StartDate', 'EndDate']) {
    const value = own(window, field);
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'string') problems.unsupported(at(path, field), refuse('censor windows are'));
    else problems.invalid(at(path, field), `CensorWindow.${field} must be a date or null, got ${describe(value)}`);
  }
}
