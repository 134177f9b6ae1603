/**
 * The builder's edits as pure functions: expression in, new expression out, only the edited part
 * copied (json-path.ts). The document widget applies one per user action and writes the result to
 * the file's shared model, which gives undo / redo and keeps every view of the file in sync.
 */
import type {
  CirceExpression,
  ConceptSet,
  ConceptSetItem,
  CriteriaGroup,
  CriterionDomain,
  CorrelatedCriterion,
  NumericRange,
} from '../../circe/types.js';
import { deleteIn, getIn, setIn, updateIn, type JsonPath } from './json-path.js';

/** A concept as the concept API gives it (client Concept, plus what the vocabulary API adds). */
export interface IConceptLike {
  conceptId: number;
  name: string;
  domain: string;
  vocabulary: string;
  code: string;
  conceptClass?: string;
  standard?: boolean | string;
  standardConcept?: string | null;
  invalidReason?: string | null;
}

export type ItemToggle = 'includeDescendants' | 'isExcluded' | 'includeMapped';

export interface IItemToggles {
  includeDescendants?: boolean;
  isExcluded?: boolean;
  includeMapped?: boolean;
}

/** OMOP domain_id → the Circe criterion that reads that domain's table. */
export const DOMAIN_CRITERION: Record<string, CriterionDomain> = {
  Condition: 'ConditionOccurrence',
  Drug: 'DrugExposure',
  Measurement: 'Measurement',
  Procedure: 'ProcedureOccurrence',
  Observation: 'Observation',
  Device: 'DeviceExposure',
  Visit: 'VisitOccurrence',
  Specimen: 'Specimen',
};

// ---- concept sets -------------------------------------------------------------------------------

/** ATLAS's concept fields for an item. */
export function atlasConcept(c: IConceptLike): ConceptSetItem['concept'] {
  const standard = c.standardConcept ?? (c.standard === true || c.standard === 'S' ? 'S' : c.standard === 'C' ? 'C' : null);
  return {
    CONCEPT_ID: c.conceptId,
    CONCEPT_NAME: c.name,
    STANDARD_CONCEPT: standard,
    STANDARD_CONCEPT_CAPTION: standard === 'S' ? 'Standard' : standard === 'C' ? 'Classification' : 'Non-Standard',
    INVALID_REASON: c.invalidReason ?? null,
    INVALID_REASON_CAPTION: c.invalidReason ? 'Invalid' : 'Valid',
    CONCEPT_CODE: c.code,
    DOMAIN_ID: c.domain,
    VOCABULARY_ID: c.vocabulary,
    CONCEPT_CLASS_ID: c.conceptClass ?? null,
  };
}

export function nextConceptSetId(e: CirceExpression): number {
  return (e.ConceptSets ?? []).reduce((max, s) => Math.max(max, s.id + 1), 0);
}

export function conceptSetIndex(e: CirceExpression, id: number): number {
  const i = (e.ConceptSets ?? []).findIndex((s) => s.id === id);
  if (i < 0) throw new Error(`no concept set with id ${id}`);
  return i;
}

/** Adds an empty concept set; returns the expression and the new set's id. */
export function addConceptSet(e: CirceExpression, name: string): { expression: CirceExpression; id: number } {
  const id = nextConceptSetId(e);
  const set: ConceptSet = { id, name, expression: { items: [] } };
  return { expression: setIn(e, ['ConceptSets'], [...(e.ConceptSets ?? []), set]), id };
}

export function renameConceptSet(e: CirceExpression, id: number, name: string): CirceExpression {
  return setIn(e, ['ConceptSets', conceptSetIndex(e, id), 'name'], name);
}

/** Removes a concept set; refused (an Error naming the users) while a criterion still uses it. */
export function removeConceptSet(e: CirceExpression, id: number): CirceExpression {
  const users = codesetUsers(e, id);
  if (users.length) throw new Error(`concept set ${id} is used by ${users.join(', ')}`);
  return deleteIn(e, ['ConceptSets', conceptSetIndex(e, id)]);
}

/** Adds a concept (or updates its toggles when it is in the set already). */
export function addConceptToSet(e: CirceExpression, id: number, c: IConceptLike, toggles: IItemToggles = {}): CirceExpression {
  const i = conceptSetIndex(e, id);
  const items = e.ConceptSets[i].expression.items ?? [];
  const at = items.findIndex((it) => it.concept.CONCEPT_ID === c.conceptId);
  const item: ConceptSetItem = {
    concept: atlasConcept(c),
    isExcluded: toggles.isExcluded ?? false,
    includeDescendants: toggles.includeDescendants ?? false,
    includeMapped: toggles.includeMapped ?? false,
  };
  if (at >= 0) {
    let out = e;
    for (const key of ['isExcluded', 'includeDescendants', 'includeMapped'] as const)
      if (toggles[key] !== undefined) out = setIn(out, ['ConceptSets', i, 'expression', 'items', at, key], toggles[key]);
    return out;
  }
  return setIn(e, ['ConceptSets', i, 'expression', 'items'], [...items, item]);
}

export function setItemToggle(e: CirceExpression, id: number, item: number, toggle: ItemToggle, on: boolean): CirceExpression {
  return setIn(e, ['ConceptSets', conceptSetIndex(e, id), 'expression', 'items', item, toggle], on);
}

export function removeItem(e: CirceExpression, id: number, item: number): CirceExpression {
  return deleteIn(e, ['ConceptSets', conceptSetIndex(e, id), 'expression', 'items', item]);
}

/** Replaces a set's items by an ATLAS concept-set expression (`{items: [...]}`), keeping id and name. */
export function importConceptSetExpression(
  e: CirceExpression,
  id: number,
  expression: ConceptSet['expression'],
): CirceExpression {
  return setIn(e, ['ConceptSets', conceptSetIndex(e, id), 'expression'], expression);
}

/** Where a concept set is used, as validator paths (for "used by …" and for refusing removal). */
export function codesetUsers(e: CirceExpression, id: number): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'CodesetId' || k === 'DrugCodesetId') && x === id) out.push(path);
        else if (k !== 'ConceptSets') walk(x, path ? `${path}.${k}` : k);
      }
    }
  };
  walk(e, '');
  return out;
}

// ---- entry events -------------------------------------------------------------------------------

export function addEntryEvent(e: CirceExpression, domain: CriterionDomain, codesetId: number | null): CirceExpression {
  const list = e.PrimaryCriteria?.CriteriaList ?? [];
  const criteria = codesetId === null ? {} : { CodesetId: codesetId };
  return setIn(e, ['PrimaryCriteria', 'CriteriaList'], [...list, { [domain]: criteria }]);
}

export function removeEntryEvent(e: CirceExpression, index: number): CirceExpression {
  return deleteIn(e, ['PrimaryCriteria', 'CriteriaList', index]);
}

/** Changes a criterion's domain at `path` (a `{Domain: {...}}` object), keeping its attributes. */
export function setCriterionDomain(e: CirceExpression, path: JsonPath, domain: CriterionDomain): CirceExpression {
  return updateIn(e, path, (old) => {
    const [, attrs] = Object.entries((old ?? {}) as Record<string, unknown>)[0] ?? [null, {}];
    return { [domain]: attrs ?? {} };
  });
}

export function setObservationWindow(e: CirceExpression, priorDays: number, postDays: number): CirceExpression {
  return setIn(e, ['PrimaryCriteria', 'ObservationWindow'], {
    ...(e.PrimaryCriteria?.ObservationWindow ?? {}),
    PriorDays: priorDays,
    PostDays: postDays,
  });
}

export type LimitField = 'PrimaryCriteriaLimit' | 'QualifiedLimit' | 'ExpressionLimit';

export function setLimit(e: CirceExpression, field: LimitField, type: 'First' | 'All' | 'Last'): CirceExpression {
  const path: JsonPath = field === 'PrimaryCriteriaLimit' ? ['PrimaryCriteria', 'PrimaryCriteriaLimit', 'Type'] : [field, 'Type'];
  return setIn(e, path, type);
}

// ---- inclusion rules ----------------------------------------------------------------------------

export function emptyGroup(type: 'ALL' | 'ANY' | 'AT_LEAST' | 'AT_MOST' = 'ALL'): CriteriaGroup {
  return { Type: type, CriteriaList: [], DemographicCriteriaList: [], Groups: [] };
}

export function addInclusionRule(e: CirceExpression, name: string, expression: CriteriaGroup = emptyGroup()): CirceExpression {
  return setIn(e, ['InclusionRules'], [...(e.InclusionRules ?? []), { name, description: null, expression }]);
}

export function renameInclusionRule(e: CirceExpression, index: number, name: string): CirceExpression {
  return setIn(e, ['InclusionRules', index, 'name'], name);
}

export function removeInclusionRule(e: CirceExpression, index: number): CirceExpression {
  return deleteIn(e, ['InclusionRules', index]);
}

/** Sets a group's Type (and Count, for AT_LEAST / AT_MOST; dropped otherwise). */
export function setGroupType(e: CirceExpression, groupPath: JsonPath, type: string, count?: number): CirceExpression {
  let out = setIn(e, [...groupPath, 'Type'], type);
  if (type === 'AT_LEAST' || type === 'AT_MOST') out = setIn(out, [...groupPath, 'Count'], count ?? 1);
  else if ((getIn(e, groupPath) as CriteriaGroup | undefined)?.Count !== undefined) out = deleteIn(out, [...groupPath, 'Count']);
  return out;
}

/** Appends to a list inside a group (`CriteriaList`, `DemographicCriteriaList` or `Groups`). */
export function appendToGroup(
  e: CirceExpression,
  groupPath: JsonPath,
  list: 'CriteriaList' | 'DemographicCriteriaList' | 'Groups',
  item: unknown,
): CirceExpression {
  const old = (getIn(e, [...groupPath, list]) as unknown[] | null | undefined) ?? [];
  return setIn(e, [...groupPath, list], [...old, item]);
}

/** "with age between a and b at the index event": the group of an age rule. */
export function ageGroup(age: NumericRange): CriteriaGroup {
  return { ...emptyGroup(), DemographicCriteriaList: [{ Age: age }] };
}

/**
 * "having at least 1 measurement of <set> with value in <range> between `priorDays` days before and
 * 0 days after index" (priorDays null: any time before).
 */
export function measurementCriterion(
  codesetId: number,
  value: NumericRange | null,
  priorDays: number | null,
): CorrelatedCriterion {
  const measurement: Record<string, unknown> = { CodesetId: codesetId };
  if (value) measurement.ValueAsNumber = value;
  return {
    Criteria: { Measurement: measurement } as CorrelatedCriterion['Criteria'],
    StartWindow: {
      Start: priorDays === null ? { Coeff: -1 } : { Days: priorDays, Coeff: -1 },
      End: { Days: 0, Coeff: 1 },
      UseIndexEnd: false,
      UseEventEnd: false,
    },
    RestrictVisit: false,
    IgnoreObservationPeriod: false,
    Occurrence: { Type: 2, Count: 1 },
  };
}

/** A correlated criterion of any domain, counted at least once any time before index. */
export function correlatedCriterion(domain: CriterionDomain, codesetId: number | null): CorrelatedCriterion {
  return {
    Criteria: { [domain]: codesetId === null ? {} : { CodesetId: codesetId } } as CorrelatedCriterion['Criteria'],
    StartWindow: { Start: { Coeff: -1 }, End: { Days: 0, Coeff: 1 }, UseIndexEnd: false, UseEventEnd: false },
    RestrictVisit: false,
    IgnoreObservationPeriod: false,
    Occurrence: { Type: 2, Count: 1 },
  };
}

export function removeAt(e: CirceExpression, path: JsonPath): CirceExpression {
  return deleteIn(e, path);
}

// ---- exit, eras, censoring ----------------------------------------------------------------------

/** null: the cohort ends at the end of the observation period (Circe's default). */
export function setEndStrategy(e: CirceExpression, strategy: CirceExpression['EndStrategy'] | null): CirceExpression {
  return strategy === null ? deleteIn(e, ['EndStrategy']) : setIn(e, ['EndStrategy'], strategy);
}

/**
 * Sets the era pad in the field the compiler reads: EraPadUnitValue (newer ATLAS) or EraPadValue when
 * the file has one, else the classic EraPad (src/circe/normalize.ts takes them in that order).
 */
export function setEraPad(e: CirceExpression, days: number): CirceExpression {
  const settings = e.CollapseSettings ?? { CollapseType: 'ERA' };
  const key = (['EraPadUnitValue', 'EraPadValue'] as const).find((k) => typeof settings[k] === 'number') ?? 'EraPad';
  return setIn(e, ['CollapseSettings'], { ...settings, [key]: days });
}

export function addCensoringEvent(e: CirceExpression, domain: CriterionDomain, codesetId: number | null): CirceExpression {
  const list = e.CensoringCriteria ?? [];
  return setIn(e, ['CensoringCriteria'], [...list, { [domain]: codesetId === null ? {} : { CodesetId: codesetId } }]);
}

export function setCensorWindow(e: CirceExpression, start: string | null, end: string | null): CirceExpression {
  const w: Record<string, string> = {};
  if (start) w.StartDate = start;
  if (end) w.EndDate = end;
  return setIn(e, ['CensorWindow'], w);
}

/** The generic in-place edit: a value at a path (a number in a sentence, a range operator, ...). */
export function setValue(e: CirceExpression, path: JsonPath, value: unknown): CirceExpression {
  return value === undefined ? deleteIn(e, path) : setIn(e, path, value);
}
