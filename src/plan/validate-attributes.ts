/**
 * One criterion attribute, checked by its kind in the catalogue (src/circe/domains.ts): ranges,
 * concept lists, concept-set selections, codeset references, text filters, flags, user-defined
 * periods, nested correlated criteria and date adjustments. In Circe a null attribute means "not
 * set", so null is accepted for every kind.
 */
import type { Attribute } from '../circe/domains.js';
import { DATE_ADJUSTMENT_FIELDS, DATE_TYPES, PERIOD_FIELDS } from './circe-fields.js';
import { VALUE_BOUNDS } from './limits.js';
import { at, describe } from './problems.js';
import { has, own, readArray, readBoolean, readInteger, readObject, readString, rejectUnknownKeys, type Obj } from './shape.js';
import { checkCodesetReference, type CohortContext } from './validate-context.js';
import { checkCriteriaGroup } from './validate-groups.js';
import { checkDateRange, checkNumericRange, checkTextFilter, isCalendarDate } from './validate-ranges.js';

export interface AttributeOwner {
  /** The criterion's domain, or undefined for demographic criteria. */
  domain?: string;
  attrs: Obj;
}

export function checkAttribute(
  key: string,
  attr: Attribute,
  value: unknown,
  path: string,
  ctx: CohortContext,
  depth: number,
  owner: AttributeOwner,
): void {
  if (value === null) return;
  const { problems } = ctx;
  switch (attr.kind) {
    case 'numericRange':
      if (attr.subject?.kind === 'age') {
        checkNumericRange(value, path, problems, key, { integer: true, min: 0, max: VALUE_BOUNDS.maxAge, unit: 'years' });
      } else checkNumericRange(value, path, problems, key, { integer: false });
      return;
    case 'dateRange':
      checkDateRange(value, path, problems, key);
      return;
    case 'conceptList':
      checkConceptList(value, path, ctx, key);
      return;
    case 'conceptSetSelection':
      checkSelection(value, path, ctx, key);
      return;
    case 'codeset':
      checkCodesetReference(
        value,
        path,
        ctx,
        key,
        key === 'CodesetId'
          ? 'the id of one of ConceptSets; omit it to match every concept'
          : `the id of one of ConceptSets, matched against the record's ${attr.subject?.kind === 'column' ? attr.subject.column : 'source concept'}`,
      );
      return;
    case 'text':
      checkTextFilter(value, path, problems, key, ctx.warnings);
      return;
    case 'flag':
      readBoolean(value, path, problems, key);
      return;
    case 'userDefinedPeriod':
      checkPeriod(value, path, ctx, key);
      return;
    case 'correlatedCriteria':
      checkCriteriaGroup(value, path, ctx, depth + 1, `${owner.domain ?? 'the'} criterion's CorrelatedCriteria`);
      return;
    case 'dateAdjustment':
      checkDateAdjustment(value, path, ctx);
      return;
  }
}

function checkConceptList(value: unknown, path: string, ctx: CohortContext, key: string): void {
  const { problems } = ctx;
  const list = readArray(value, path, problems, `${key} (a list of concepts like [{"CONCEPT_ID": 8532}])`);
  if (!list) return;
  list.forEach((c, i) => {
    const p = at(path, i);
    const concept = readObject(c, p, problems, `a ${key} concept (like {"CONCEPT_ID": 8507})`);
    if (!concept) return;
    if (!has(concept, 'CONCEPT_ID')) {
      problems.invalid(at(p, 'CONCEPT_ID'), 'CONCEPT_ID is required: the OMOP concept id');
      return;
    }
    readInteger(own(concept, 'CONCEPT_ID'), at(p, 'CONCEPT_ID'), problems, 'CONCEPT_ID', {
      min: 0,
      max: VALUE_BOUNDS.maxConceptId,
    });
  });
}

function checkSelection(value: unknown, path: string, ctx: CohortContext, key: string): void {
  const { problems } = ctx;
  const sel = readObject(value, path, problems, `${key} (a concept set selection like {"CodesetId": 0, "IsExclusion": false})`);
  if (!sel) return;
  rejectUnknownKeys(sel, path, ['CodesetId', 'IsExclusion'], problems, key);
  const idPath = at(path, 'CodesetId');
  if (!has(sel, 'CodesetId')) problems.invalid(idPath, `${key}.CodesetId is required: the concept set to match`);
  else checkCodesetReference(own(sel, 'CodesetId'), idPath, ctx, `${key}.CodesetId`, 'the id of one of ConceptSets');
  const exclusion = own(sel, 'IsExclusion');
  if (exclusion !== undefined && exclusion !== null)
    readBoolean(exclusion, at(path, 'IsExclusion'), problems, `${key}.IsExclusion`);
}

/** `{StartDate, EndDate}`: a date written YYYY-MM-DD, or null / absent. */
export function checkPeriod(value: unknown, path: string, ctx: CohortContext, name: string): { start?: string; end?: string } {
  const { problems } = ctx;
  const period = readObject(value, path, problems, `${name} (like {"StartDate": "2015-01-01", "EndDate": "2020-12-31"})`);
  if (!period) return {};
  rejectUnknownKeys(period, path, PERIOD_FIELDS, problems, name);
  const out: { start?: string; end?: string } = {};
  for (const field of PERIOD_FIELDS) {
    const v = own(period, field);
    if (v === undefined || v === null || v === '') continue;
    const s = readString(v, at(path, field), problems, `${name}.${field}`);
    if (s === undefined) continue;
    if (!isCalendarDate(s)) {
      problems.invalid(at(path, field), `${name}.${field} must be a date written YYYY-MM-DD, got ${describe(s)}`);
      continue;
    }
    if (field === 'StartDate') out.start = s;
    else out.end = s;
  }
  if (out.start && out.end && out.end < out.start) {
    ctx.warnings.add(path, `${name} ends (${out.end}) before it starts (${out.start}), so nothing can fall inside it`);
  }
  return out;
}

function checkDateAdjustment(value: unknown, path: string, ctx: CohortContext): void {
  const { problems } = ctx;
  const adj = readObject(value, path, problems, 'DateAdjustment (like {"StartWith": "START_DATE", "StartOffset": 0, ...})');
  if (!adj) return;
  rejectUnknownKeys(adj, path, DATE_ADJUSTMENT_FIELDS, problems, 'DateAdjustment');
  for (const field of ['StartWith', 'EndWith']) {
    const v = own(adj, field);
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || !DATE_TYPES.includes(v)) {
      problems.invalid(at(path, field), `DateAdjustment.${field} must be ${DATE_TYPES.join(' or ')}, got ${describe(v)}`);
    }
  }
  for (const field of ['StartOffset', 'EndOffset']) {
    const v = own(adj, field);
    if (v === undefined || v === null) continue;
    readInteger(v, at(path, field), problems, `DateAdjustment.${field} (days)`, {
      min: -VALUE_BOUNDS.maxWindowDays,
      max: VALUE_BOUNDS.maxWindowDays,
    });
  }
}
