/**
 * ConceptSets: the vocabulary side of a cohort. Criteria refer to them by id, so the ids (and
 * whether each set can match anything) are handed back for the reference checks.
 */
import type { PlanLimits } from './limits.js';
import { VALUE_BOUNDS } from './limits.js';
import { at, type ProblemList } from './problems.js';
import { has, own, readArray, readBoolean, readInteger, readObject, readString, rejectUnknownKeys } from './shape.js';
import type { CodesetInfo } from './validate-context.js';

export function checkConceptSets(
  v: unknown,
  path: string,
  problems: ProblemList,
  limits: PlanLimits,
): Map<number, CodesetInfo> | undefined {
  const sets = readArray(v, path, problems, 'ConceptSets');
  if (!sets) return undefined;
  if (sets.length > limits.maxConceptSets) {
    problems.invalid(path, `ConceptSets has ${sets.length} concept sets; the limit is ${limits.maxConceptSets}`);
    return undefined;
  }
  const codesets = new Map<number, CodesetInfo>();
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
    const name = has(set, 'name') ? readString(own(set, 'name'), at(p, 'name'), problems, 'name') : undefined;
    const exprPath = at(p, 'expression');
    let empty = false;
    if (!has(set, 'expression')) problems.invalid(exprPath, 'expression is required (like {"items": [...]})');
    else empty = checkConceptSetExpression(own(set, 'expression'), exprPath, problems, limits);
    if (id === undefined) return;
    const earlier = firstIndexOf.get(id);
    if (earlier === undefined) {
      firstIndexOf.set(id, i);
      codesets.set(id, { name, empty });
    } else problems.invalid(idPath, `id ${id} is already used by ConceptSets[${earlier}]; concept set ids must be unique`);
  });
  return codesets;
}

const ITEM_FIELDS = ['concept', 'isExcluded', 'includeDescendants', 'includeMapped'];

/** Checks one set's items; true when the set can match nothing (no items, or all excluded). */
function checkConceptSetExpression(v: unknown, path: string, problems: ProblemList, limits: PlanLimits): boolean {
  // The expression may carry further fields (ATLAS versions differ); they are kept and ignored.
  const expr = readObject(v, path, problems, 'a concept set expression (like {"items": [...]})');
  if (!expr) return false;
  const itemsPath = at(path, 'items');
  if (!has(expr, 'items')) {
    problems.invalid(itemsPath, 'items is required: the concepts of this set');
    return false;
  }
  const items = readArray(own(expr, 'items'), itemsPath, problems, 'items');
  if (!items) return false;
  if (items.length > limits.maxConceptSetItems) {
    problems.invalid(itemsPath, `this concept set has ${items.length} items; the limit is ${limits.maxConceptSetItems}`);
    return false;
  }
  let included = 0;
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
    // A concept carries whatever ATLAS wrote (CONCEPT_NAME, VOCABULARY_ID, ...); only CONCEPT_ID is read.
    const concept = has(item, 'concept')
      ? readObject(own(item, 'concept'), conceptPath, problems, 'concept')
      : (problems.invalid(conceptPath, 'concept is required (like {"CONCEPT_ID": 4112853})'), undefined);
    if (concept) {
      const idPath = at(conceptPath, 'CONCEPT_ID');
      if (!has(concept, 'CONCEPT_ID')) problems.invalid(idPath, 'CONCEPT_ID is required: the OMOP concept id');
      else readInteger(own(concept, 'CONCEPT_ID'), idPath, problems, 'CONCEPT_ID', { min: 1, max: VALUE_BOUNDS.maxConceptId });
    }
    for (const flag of ITEM_FIELDS.slice(1)) {
      const value = own(item, flag);
      if (value !== undefined && value !== null) readBoolean(value, at(p, flag), problems, flag);
    }
    if (own(item, 'isExcluded') !== true) included++;
  });
  return included === 0;
}
