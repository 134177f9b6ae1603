/**
 * Checks `analysis.variables` and reports every problem by its JSON path, as the plan validator
 * does (e.g. `analysis.variables.psa.window.end`). Limits keep a plan from asking for absurd
 * work: at most 50 variables, windows within ±100 years, inline concept sets of ≤ 1000 items.
 */
import type { PlanProblem } from '../../errors.js';
import type { ConceptSet } from '../../circe/types.js';
import type { MeasurementPick, OccurrenceDomain, VariableType } from './types.js';

export const MAX_VARIABLES = 50;
export const MAX_WINDOW_DAYS = 36_525;
export const MAX_INLINE_ITEMS = 1000;
/** Names become keys in results and code; they never become SQL (columns are generated). */
export const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

const TYPES: readonly VariableType[] = [
  'age_at_index',
  'index_year',
  'gender',
  'measurement',
  'occurrence',
  'count_occurrences',
  'death',
  'time_to',
];
export const DOMAINS: readonly OccurrenceDomain[] = ['condition', 'drug', 'procedure', 'measurement', 'visit'];
export const PICKS: readonly MeasurementPick[] = ['latest', 'first', 'mean', 'max', 'min'];

/** Fields each type allows besides `type`; the ones marked true are required. */
const FIELDS: Record<VariableType, Record<string, boolean>> = {
  age_at_index: {},
  index_year: {},
  gender: { reference: false },
  measurement: { conceptSet: true, window: true, pick: true },
  occurrence: { domain: true, conceptSet: true, window: true },
  count_occurrences: { domain: true, conceptSet: true, window: true },
  death: { window: true },
  time_to: { event: true, maxDays: true },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDayCount = (v: unknown, max: number): v is number => Number.isSafeInteger(v) && Math.abs(v as number) <= max;

class Problems {
  readonly list: PlanProblem[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

function checkWindow(value: unknown, path: string, p: Problems): void {
  if (!isObject(value)) return p.add(path, 'window must be an object {start, end} in days from the index date');
  for (const key of Object.keys(value)) if (key !== 'start' && key !== 'end') p.add(`${path}.${key}`, 'unknown field');
  const { start, end } = value;
  if (!isDayCount(start, MAX_WINDOW_DAYS))
    p.add(`${path}.start`, `start must be a whole number of days within ±${MAX_WINDOW_DAYS}`);
  if (!isDayCount(end, MAX_WINDOW_DAYS)) p.add(`${path}.end`, `end must be a whole number of days within ±${MAX_WINDOW_DAYS}`);
  if (isDayCount(start, MAX_WINDOW_DAYS) && isDayCount(end, MAX_WINDOW_DAYS) && start > end) {
    p.add(`${path}.end`, `window ends (${end}) before it starts (${start})`);
  }
}

function checkConceptSet(value: unknown, path: string, sets: readonly ConceptSet[], p: Problems): void {
  if (typeof value === 'number') {
    if (!sets.some((s) => s.id === value)) p.add(path, `no concept set with id ${value} in cohort.ConceptSets`);
    return;
  }
  if (!isObject(value) || !Array.isArray(value.items)) {
    return p.add(path, 'conceptSet must be the id of a concept set in cohort.ConceptSets or an object {items: [...]}');
  }
  if (value.items.length === 0) p.add(`${path}.items`, 'an inline concept set needs at least one item');
  if (value.items.length > MAX_INLINE_ITEMS) p.add(`${path}.items`, `at most ${MAX_INLINE_ITEMS} items`);
  value.items.slice(0, MAX_INLINE_ITEMS).forEach((item, i) => {
    const id = isObject(item) && isObject(item.concept) ? item.concept.CONCEPT_ID : undefined;
    if (!Number.isSafeInteger(id)) p.add(`${path}.items[${i}].concept.CONCEPT_ID`, 'must be an integer concept id');
    if (isObject(item)) {
      for (const flag of ['isExcluded', 'includeDescendants', 'includeMapped']) {
        if (item[flag] !== undefined && typeof item[flag] !== 'boolean')
          p.add(`${path}.items[${i}].${flag}`, 'must be true or false');
      }
    }
  });
}

function checkEnum<T extends string>(value: unknown, allowed: readonly T[], path: string, what: string, p: Problems): void {
  if (!allowed.includes(value as T)) p.add(path, `${what} must be one of ${allowed.join(', ')}`);
}

function checkEvent(value: unknown, path: string, sets: readonly ConceptSet[], p: Problems): void {
  if (!isObject(value)) return p.add(path, "event must be {type: 'death'} or {type: 'occurrence', domain, conceptSet}");
  if (value.type === 'death') {
    for (const key of Object.keys(value)) if (key !== 'type') p.add(`${path}.${key}`, 'unknown field for a death event');
    return;
  }
  if (value.type !== 'occurrence') return p.add(`${path}.type`, "event type must be 'death' or 'occurrence'");
  for (const key of Object.keys(value)) {
    if (key === 'window')
      p.add(`${path}.window`, 'a time_to event takes no window: follow-up ends at maxDays or the observation period');
    else if (!['type', 'domain', 'conceptSet'].includes(key)) p.add(`${path}.${key}`, 'unknown field');
  }
  checkEnum(value.domain, DOMAINS, `${path}.domain`, 'domain', p);
  checkConceptSet(value.conceptSet, `${path}.conceptSet`, sets, p);
}

function checkSpec(spec: unknown, path: string, sets: readonly ConceptSet[], p: Problems): void {
  if (!isObject(spec)) return p.add(path, 'a variable is an object with a type');
  const type = spec.type as VariableType;
  if (!TYPES.includes(type)) return p.add(`${path}.type`, `type must be one of ${TYPES.join(', ')}`);
  const fields = FIELDS[type];
  for (const key of Object.keys(spec)) {
    if (key !== 'type' && !(key in fields)) p.add(`${path}.${key}`, `unknown field for a ${type} variable`);
  }
  for (const [key, required] of Object.entries(fields)) {
    if (required && spec[key] === undefined) p.add(`${path}.${key}`, `a ${type} variable needs ${key}`);
  }
  if (spec.window !== undefined && 'window' in fields) checkWindow(spec.window, `${path}.window`, p);
  if (spec.conceptSet !== undefined && 'conceptSet' in fields) checkConceptSet(spec.conceptSet, `${path}.conceptSet`, sets, p);
  if (spec.domain !== undefined && 'domain' in fields) checkEnum(spec.domain, DOMAINS, `${path}.domain`, 'domain', p);
  if (spec.pick !== undefined && 'pick' in fields) checkEnum(spec.pick, PICKS, `${path}.pick`, 'pick', p);
  if (type === 'gender' && spec.reference !== undefined && (typeof spec.reference !== 'string' || spec.reference.length === 0)) {
    p.add(`${path}.reference`, 'reference must be a level name (a concept name such as FEMALE)');
  }
  if (type === 'time_to') {
    if (spec.event !== undefined) checkEvent(spec.event, `${path}.event`, sets, p);
    if (spec.maxDays !== undefined && !(isDayCount(spec.maxDays, MAX_WINDOW_DAYS) && (spec.maxDays as number) >= 0)) {
      p.add(`${path}.maxDays`, `maxDays must be a whole number of days from 0 to ${MAX_WINDOW_DAYS}`);
    }
  }
}

/** Problems in `variables` (empty when valid). `sets` are the cohort's concept sets. */
export function validateVariables(variables: unknown, sets: readonly ConceptSet[], path = 'analysis.variables'): PlanProblem[] {
  const p = new Problems();
  if (!isObject(variables)) {
    p.add(path, 'variables must be an object {name: spec}');
    return p.list;
  }
  const names = Object.keys(variables);
  if (names.length === 0) p.add(path, 'declare at least one variable');
  if (names.length > MAX_VARIABLES) p.add(path, `at most ${MAX_VARIABLES} variables`);
  for (const name of names.slice(0, MAX_VARIABLES)) {
    const at = `${path}.${name}`;
    if (!VARIABLE_NAME.test(name)) p.add(at, 'a variable name starts with a letter and has only letters, digits and _ (≤ 63)');
    checkSpec(variables[name], at, sets, p);
  }
  return p.list;
}
