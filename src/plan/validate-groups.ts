/**
 * Criteria groups: AdditionalCriteria, each inclusion rule's expression, and a criterion's
 * CorrelatedCriteria. A group holds correlated criteria (a criterion counted in a window around
 * the index event), demographic criteria and sub-groups, combined by ALL / ANY / AT_LEAST n /
 * AT_MOST n. The semantics are circe-be's (shared/conformance/circe/README.md).
 */
import { DEMOGRAPHIC_ATTRIBUTES } from '../circe/domains.js';
import {
  CORRELATED_FIELDS,
  COUNT_COLUMNS,
  DEMOGRAPHIC_FIELDS,
  ENDPOINT_FIELDS,
  GROUP_FIELDS,
  GROUP_TYPES,
  INCLUSION_RULE_FIELDS,
  OCCURRENCE_FIELDS,
  UNSUPPORTED_COUNT_COLUMNS,
  WINDOW_FIELDS,
  isEmptyCriteriaGroup,
} from './circe-fields.js';
import { VALUE_BOUNDS } from './limits.js';
import { at, describe, didYouMean } from './problems.js';
import { has, own, presentKeys, readArray, readBoolean, readObject, readString, rejectUnknownKeys } from './shape.js';
import { checkAttribute } from './validate-attributes.js';
import { countCriterion, type CohortContext } from './validate-context.js';
import { checkCriterion } from './validate-criteria.js';
import { checkDayAmount } from './validate-ranges.js';

export function checkInclusionRules(v: unknown, path: string, ctx: CohortContext): void {
  if (v === undefined || v === null) return;
  const { problems, limits } = ctx;
  const rules = readArray(v, path, problems, 'InclusionRules ([] for none)');
  if (!rules) return;
  if (rules.length > limits.maxInclusionRules) {
    problems.invalid(path, `InclusionRules has ${rules.length} rules; the limit is ${limits.maxInclusionRules}`);
    return;
  }
  rules.forEach((r, i) => {
    const p = at(path, i);
    const rule = readObject(r, p, problems, 'an inclusion rule (like {"name": "...", "expression": {"Type": "ALL", ...}})');
    if (!rule) return;
    rejectUnknownKeys(rule, p, INCLUSION_RULE_FIELDS, problems, 'an inclusion rule');
    for (const field of ['name', 'description']) {
      const text = own(rule, field);
      if (text !== undefined && text !== null) readString(text, at(p, field), problems, field);
    }
    const exprPath = at(p, 'expression');
    const expression = own(rule, 'expression');
    if (expression === undefined || expression === null) {
      problems.invalid(exprPath, 'expression is required: the criteria group an entry event must satisfy');
      return;
    }
    checkCriteriaGroup(expression, exprPath, ctx, 1, 'an inclusion rule expression');
    if (isEmptyCriteriaGroup(expression)) {
      ctx.warnings.add(exprPath, 'this inclusion rule has no criteria, so every entry event passes it');
    }
  });
}

/** `depth` counts this group: 1 for AdditionalCriteria or an inclusion rule's expression. */
export function checkCriteriaGroup(v: unknown, path: string, ctx: CohortContext, depth: number, what: string): void {
  const { problems, limits } = ctx;
  const group = readObject(v, path, problems, `${what} (a criteria group like {"Type": "ALL", "CriteriaList": [...]})`);
  if (!group) return;
  if (depth > limits.maxGroupDepth) {
    problems.invalid(
      path,
      `criteria groups (sub-groups and correlated criteria) nest more than ${limits.maxGroupDepth} levels deep here`,
    );
    return;
  }
  rejectUnknownKeys(group, path, GROUP_FIELDS, problems, 'a criteria group');
  const type = checkGroupType(group, path, ctx);
  const count = checkGroupCount(group, path, ctx, type);

  let members = 0;
  const list = (field: string, check: (item: unknown, p: string) => void) => {
    const value = own(group, field);
    if (value === undefined || value === null) return;
    const p = at(path, field);
    const items = readArray(value, p, problems, `${field} ([] for none)`);
    if (!items) return;
    if (items.length > limits.maxCriteria) {
      problems.invalid(p, `${field} has ${items.length} entries; the limit per group is ${limits.maxCriteria}`);
      return;
    }
    members += items.length;
    items.forEach((item, i) => check(item, at(p, i)));
  };
  list('CriteriaList', (c, p) => checkCorrelatedCriterion(c, p, ctx, depth));
  list('DemographicCriteriaList', (d, p) => checkDemographicCriteria(d, p, ctx, depth));
  list('Groups', (g, p) => checkCriteriaGroup(g, p, ctx, depth + 1, 'a sub-group'));

  if (count === undefined || members === 0) return;
  if (type === 'AT_LEAST' && count > members) {
    ctx.warnings.add(
      at(path, 'Count'),
      `AT_LEAST ${count} can never hold: the group has only ${members} member(s) (criteria, demographic criteria and sub-groups)`,
    );
  } else if (type === 'AT_LEAST' && count === 0) {
    ctx.warnings.add(at(path, 'Count'), 'AT_LEAST 0 always holds, so this group filters nothing; did you mean AT_LEAST 1?');
  } else if (type === 'AT_MOST' && count >= members) {
    ctx.warnings.add(
      at(path, 'Count'),
      `AT_MOST ${count} always holds: the group has only ${members} member(s), so it filters nothing`,
    );
  }
}

type GroupType = (typeof GROUP_TYPES)[number];

function checkGroupType(group: Record<string, unknown>, path: string, ctx: CohortContext): GroupType | undefined {
  const type = own(group, 'Type');
  const p = at(path, 'Type');
  const allowed = `ALL, ANY, AT_LEAST or AT_MOST`;
  if (type === undefined || type === null) {
    // circe-be needs a type only to combine members; an empty group passes every event.
    if (!isEmptyCriteriaGroup(group)) ctx.problems.invalid(p, `Type is required: ${allowed}`);
    return undefined;
  }
  const upper = typeof type === 'string' ? type.toUpperCase() : undefined;
  if (upper !== undefined && (GROUP_TYPES as readonly string[]).includes(upper)) return upper as GroupType;
  const hint = typeof type === 'string' ? didYouMean(type, GROUP_TYPES) : '';
  ctx.problems.invalid(p, `Type must be ${allowed}, got ${describe(type)}${hint}`);
  return undefined;
}

function checkGroupCount(group: Record<string, unknown>, path: string, ctx: CohortContext, type: GroupType | undefined) {
  const count = own(group, 'Count');
  const p = at(path, 'Count');
  const needed = type === 'AT_LEAST' || type === 'AT_MOST';
  if (count === undefined || count === null) {
    if (needed) ctx.problems.invalid(p, `Count is required for ${type}: how many members must (or may) hold`);
    return undefined;
  }
  if (typeof count !== 'number' || !Number.isSafeInteger(count)) {
    ctx.problems.invalid(p, `Count must be a whole number, got ${describe(count)}`);
    return undefined;
  }
  // circe ignores Count for ALL and ANY (ATLAS leaves a stale one behind when the type changes).
  if (!needed) return undefined;
  if (count < 0) {
    ctx.problems.invalid(p, `${type} Count must be ≥ 0, got ${count}`);
    return undefined;
  }
  return count;
}

function checkCorrelatedCriterion(v: unknown, path: string, ctx: CohortContext, depth: number): void {
  const { problems } = ctx;
  const cc = readObject(
    v,
    path,
    problems,
    'a correlated criterion (like {"Criteria": {...}, "StartWindow": {...}, "Occurrence": {...}})',
  );
  if (!cc) return;
  rejectUnknownKeys(cc, path, CORRELATED_FIELDS, problems, 'a correlated criterion');
  const criteriaPath = at(path, 'Criteria');
  if (!has(cc, 'Criteria') || own(cc, 'Criteria') === null) {
    problems.invalid(criteriaPath, 'Criteria is required: the events to count, e.g. {"DrugExposure": {"CodesetId": 1}}');
  } else checkCriterion(own(cc, 'Criteria'), criteriaPath, ctx, depth);
  for (const field of ['StartWindow', 'EndWindow']) {
    const w = own(cc, field);
    if (w !== undefined && w !== null) checkWindow(w, at(path, field), ctx, field);
  }
  for (const field of ['RestrictVisit', 'IgnoreObservationPeriod']) {
    const flag = own(cc, field);
    if (flag !== undefined && flag !== null) readBoolean(flag, at(path, field), problems, field);
  }
  const occPath = at(path, 'Occurrence');
  const occurrence = own(cc, 'Occurrence');
  if (occurrence === undefined || occurrence === null) {
    problems.invalid(occPath, 'Occurrence is required: how many events must match, e.g. {"Type": 2, "Count": 1} (at least 1)');
  } else checkOccurrence(occurrence, occPath, ctx);
}

const OCCURRENCE_TYPES = 'Occurrence.Type must be 0 (exactly), 1 (at most) or 2 (at least)';

function checkOccurrence(v: unknown, path: string, ctx: CohortContext): void {
  const { problems } = ctx;
  const occ = readObject(v, path, problems, 'Occurrence (like {"Type": 2, "Count": 1})');
  if (!occ) return;
  rejectUnknownKeys(occ, path, OCCURRENCE_FIELDS, problems, 'Occurrence');
  const type = own(occ, 'Type');
  const typeOk = type === 0 || type === 1 || type === 2;
  if (type === undefined)
    problems.invalid(at(path, 'Type'), `Occurrence.Type is required: 0 (exactly), 1 (at most) or 2 (at least)`);
  else if (!typeOk) problems.invalid(at(path, 'Type'), `${OCCURRENCE_TYPES}, got ${describe(type)}`);
  const count = own(occ, 'Count');
  const countPath = at(path, 'Count');
  let countOk = false;
  if (count === undefined) problems.invalid(countPath, 'Occurrence.Count is required: the number of matching events');
  else if (typeof count !== 'number' || !Number.isSafeInteger(count)) {
    problems.invalid(countPath, `Occurrence Count must be a whole number, got ${describe(count)}`);
  } else if (count < 0) problems.invalid(countPath, `Occurrence Count must be ≥ 0, got ${count}`);
  else countOk = true;
  if (typeOk && countOk && type === 2 && count === 0) {
    ctx.warnings.add(countPath, '"at least 0" always holds, so this criterion filters nothing; did you mean at least 1?');
  }
  const distinct = own(occ, 'IsDistinct');
  if (distinct !== undefined && distinct !== null) readBoolean(distinct, at(path, 'IsDistinct'), problems, 'IsDistinct');
  const column = own(occ, 'CountColumn');
  const columnPath = at(path, 'CountColumn');
  if (column === undefined || column === null) return;
  if (typeof column === 'string' && COUNT_COLUMNS.includes(column)) return;
  if (typeof column === 'string' && UNSUPPORTED_COUNT_COLUMNS.includes(column)) {
    problems.unsupported(columnPath, `counting distinct ${column} is not supported (supported: ${COUNT_COLUMNS.join(', ')})`);
    return;
  }
  const hint = typeof column === 'string' ? didYouMean(column, COUNT_COLUMNS) : '';
  problems.invalid(columnPath, `CountColumn must be one of ${COUNT_COLUMNS.join(', ')}, got ${describe(column)}${hint}`);
}

interface Bound {
  /** Days from the index date, -Infinity / +Infinity when bounded by the observation period. */
  at: number;
  text: string;
}

/** A window `{Start, End, UseIndexEnd, UseEventEnd}` around the index date. */
function checkWindow(v: unknown, path: string, ctx: CohortContext, name: string): void {
  const { problems } = ctx;
  const w = readObject(v, path, problems, `${name} (like {"Start": {"Days": 365, "Coeff": -1}, "End": {"Days": 0, "Coeff": 1}})`);
  if (!w) return;
  rejectUnknownKeys(w, path, WINDOW_FIELDS, problems, name);
  const bounds: Array<Bound | undefined> = ['Start', 'End'].map((field) => {
    const p = at(path, field);
    const endpoint = own(w, field);
    if (endpoint === undefined || endpoint === null) {
      problems.invalid(p, `${name}.${field} is required, e.g. {"Days": 30, "Coeff": -1} (30 days before)`);
      return undefined;
    }
    return checkEndpoint(endpoint, p, ctx, `${name}.${field}`);
  });
  for (const field of ['UseIndexEnd', 'UseEventEnd']) {
    const flag = own(w, field);
    if (flag !== undefined && flag !== null) readBoolean(flag, at(path, field), problems, field);
  }
  const [start, end] = bounds;
  if (start && end && end.at < start.at) {
    ctx.warnings.add(
      path,
      `${name} ends (${end.text}) before it starts (${start.text}), so no event can fall inside it; swap Start and End?`,
    );
  }
}

function checkEndpoint(v: unknown, path: string, ctx: CohortContext, name: string): Bound | undefined {
  const { problems } = ctx;
  const e = readObject(v, path, problems, `${name} (like {"Days": 30, "Coeff": -1})`);
  if (!e) return undefined;
  rejectUnknownKeys(e, path, ENDPOINT_FIELDS, problems, name);
  const coeff = own(e, 'Coeff');
  const coeffOk = coeff === -1 || coeff === 1;
  if (coeff === undefined)
    problems.invalid(at(path, 'Coeff'), `${name}.Coeff is required: -1 (before the index date) or 1 (after)`);
  else if (!coeffOk)
    problems.invalid(at(path, 'Coeff'), `${name}.Coeff must be -1 (before) or 1 (after), got ${describe(coeff)}`);
  const days = checkDayAmount(e, path, problems, {
    legacy: 'Days',
    unitField: 'TimeUnit',
    valueField: 'TimeUnitValue',
    min: 0,
    max: VALUE_BOUNDS.maxWindowDays,
  });
  if (!coeffOk) return undefined;
  const side = coeff === -1 ? 'before' : 'after';
  if (days === undefined) {
    return { at: coeff * Infinity, text: `any time ${side}, within the observation period` };
  }
  return { at: coeff * days, text: `${days} days ${side}` };
}

function checkDemographicCriteria(v: unknown, path: string, ctx: CohortContext, depth: number): void {
  const { problems } = ctx;
  const d = readObject(v, path, problems, 'a demographic criterion (like {"Age": {"Value": 18, "Op": "gte"}})');
  if (!d) return;
  if (!countCriterion(ctx, path)) return;
  for (const key of presentKeys(d)) {
    const p = at(path, key);
    if (!Object.prototype.hasOwnProperty.call(DEMOGRAPHIC_ATTRIBUTES, key)) {
      problems.invalid(
        p,
        `"${key}" is not a demographic criterion attribute${didYouMean(key, DEMOGRAPHIC_FIELDS)} (attributes: ${DEMOGRAPHIC_FIELDS.join(', ')})`,
      );
      continue;
    }
    checkAttribute(key, DEMOGRAPHIC_ATTRIBUTES[key], own(d, key), p, ctx, depth, { attrs: d });
  }
}
