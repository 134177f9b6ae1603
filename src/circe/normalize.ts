/**
 * Normalisation of a checked Circe expression: one spelling for each meaning, so the compiler has
 * one case to handle where circe-be treats several alike. Export never goes through here.
 */
import { normalizeLimitType } from '../plan/validate-ranges.js';
import { DEMOGRAPHIC_ATTRIBUTES, DOMAINS, type Attribute } from './domains.js';
import type { CirceExpression, CriterionDomain } from './types.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const days = (...candidates: unknown[]) => candidates.find((c) => typeof c === 'number') as number | undefined;

/**
 * One spelling for each meaning, for the compiler. On a checked expression it:
 * - writes every limit as `{"Type": "First" | "All" | "Last"}` (case folded; absent or null → First);
 * - fills circe's defaults: ObservationWindow 0/0, InclusionRules and CensoringCriteria [],
 *   CollapseSettings `{"CollapseType": "ERA", "EraPad": n}` (n from EraPadUnitValue, EraPadValue or
 *   EraPad), EndStrategy offsets and gaps in days (`Offset`, `GapDays`, from the `*UnitValue` forms);
 * - writes groups with an upper-case Type and all three lists; Count only for AT_LEAST / AT_MOST;
 * - writes correlated criteria with explicit booleans: RestrictVisit, IgnoreObservationPeriod,
 *   UseIndexEnd, and UseEventEnd as circe reads it (StartWindow: only `true` tests the event end;
 *   EndWindow: everything but `false` does); window bounds as `{Coeff, Days?}` (Days from
 *   TimeUnitValue; absent = bounded by the observation period); Occurrence with IsDistinct and,
 *   when distinct, CountColumn (default DOMAIN_CONCEPT);
 * - drops what circe treats as "not set": null members, empty concept lists, false flags, empty
 *   correlated-criteria groups, Extent outside bt/!bt, empty CensorWindow dates, a null
 *   AdditionalCriteria or EndStrategy (an empty AdditionalCriteria group stays: it makes circe
 *   apply QualifiedLimit);
 * - writes concept set items with explicit isExcluded / includeDescendants / includeMapped.
 * Everything else (concept names, Title, rule names, text filters) is kept. The input is not changed.
 */
export function normalizeCohortExpression(e: CirceExpression): CirceExpression {
  const x = JSON.parse(JSON.stringify(e)) as Obj;
  x.ConceptSets = list(x.ConceptSets).map(normConceptSet);
  if (isObj(x.PrimaryCriteria)) {
    const pc = x.PrimaryCriteria;
    const window = isObj(pc.ObservationWindow) ? pc.ObservationWindow : {};
    x.PrimaryCriteria = {
      ...pc,
      CriteriaList: list(pc.CriteriaList).map(normCriterion),
      ObservationWindow: { PriorDays: days(window.PriorDays) ?? 0, PostDays: days(window.PostDays) ?? 0 },
      PrimaryCriteriaLimit: normLimit(pc.PrimaryCriteriaLimit),
    };
  }
  if (absent(x.AdditionalCriteria)) delete x.AdditionalCriteria;
  else x.AdditionalCriteria = normGroup(x.AdditionalCriteria);
  x.QualifiedLimit = normLimit(x.QualifiedLimit);
  x.ExpressionLimit = normLimit(x.ExpressionLimit);
  x.InclusionRules = list(x.InclusionRules).map((r) => {
    const rule = dropNulls(r as Obj);
    return { ...rule, expression: normGroup(rule.expression) };
  });
  normEndStrategy(x);
  x.CensoringCriteria = list(x.CensoringCriteria).map(normCriterion);
  const collapse = isObj(x.CollapseSettings) ? x.CollapseSettings : {};
  x.CollapseSettings = {
    CollapseType: 'ERA',
    EraPad: days(collapse.EraPadUnitValue, collapse.EraPadValue, collapse.EraPad) ?? 0,
  };
  const censor = isObj(x.CensorWindow) ? x.CensorWindow : {};
  const window: Obj = {};
  for (const field of ['StartDate', 'EndDate'])
    if (typeof censor[field] === 'string' && censor[field] !== '') window[field] = censor[field];
  if (Object.keys(window).length) x.CensorWindow = window;
  else delete x.CensorWindow;
  for (const field of ['Title', 'cdmVersionRange']) if (absent(x[field])) delete x[field];
  return x as CirceExpression;
}

function normLimit(v: unknown): { Type: string } {
  const type = isObj(v) && typeof v.Type === 'string' ? v.Type : 'First';
  return { Type: normalizeLimitType(type) ?? type };
}

function normConceptSet(v: unknown): unknown {
  if (!isObj(v) || !isObj(v.expression)) return v;
  const items = list(v.expression.items).map((item) =>
    isObj(item)
      ? {
          ...item,
          isExcluded: item.isExcluded === true,
          includeDescendants: item.includeDescendants === true,
          includeMapped: item.includeMapped === true,
        }
      : item,
  );
  return { ...v, expression: { ...v.expression, items } };
}

function normEndStrategy(x: Obj): void {
  const s = x.EndStrategy;
  if (!isObj(s)) {
    delete x.EndStrategy;
    return;
  }
  if (isObj(s.DateOffset)) {
    const d = s.DateOffset;
    x.EndStrategy = {
      DateOffset: { DateField: d.DateField ?? 'StartDate', Offset: days(d.OffsetUnitValue, d.Offset) ?? 0 },
    };
  } else if (isObj(s.CustomEra)) {
    const c = s.CustomEra;
    const era: Obj = {
      DrugCodesetId: c.DrugCodesetId,
      GapDays: days(c.GapUnitValue, c.GapDays) ?? 0,
      Offset: days(c.OffsetUnitValue, c.Offset) ?? 0,
    };
    if (typeof c.DaysSupplyOverride === 'number') era.DaysSupplyOverride = c.DaysSupplyOverride;
    x.EndStrategy = { CustomEra: era };
  }
}

function dropNulls(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

function normGroup(v: unknown): Obj {
  const g = isObj(v) ? v : {};
  const type = typeof g.Type === 'string' ? g.Type.toUpperCase() : 'ALL';
  const out: Obj = { Type: type };
  if ((type === 'AT_LEAST' || type === 'AT_MOST') && typeof g.Count === 'number') out.Count = g.Count;
  out.CriteriaList = list(g.CriteriaList).map(normCorrelated);
  out.DemographicCriteriaList = list(g.DemographicCriteriaList).map((d) =>
    isObj(d) ? normAttributes(d, DEMOGRAPHIC_ATTRIBUTES) : d,
  );
  out.Groups = list(g.Groups).map(normGroup);
  return out;
}

function isEmptyGroup(g: Obj): boolean {
  return list(g.CriteriaList).length === 0 && list(g.DemographicCriteriaList).length === 0 && list(g.Groups).length === 0;
}

function normCorrelated(v: unknown): unknown {
  if (!isObj(v)) return v;
  const out: Obj = { Criteria: normCriterion(v.Criteria) };
  if (isObj(v.StartWindow)) out.StartWindow = normWindow(v.StartWindow, false);
  if (isObj(v.EndWindow)) out.EndWindow = normWindow(v.EndWindow, true);
  out.RestrictVisit = v.RestrictVisit === true;
  out.IgnoreObservationPeriod = v.IgnoreObservationPeriod === true;
  const o = isObj(v.Occurrence) ? v.Occurrence : {};
  const occurrence: Obj = { Type: o.Type, Count: o.Count, IsDistinct: o.IsDistinct === true };
  if (o.IsDistinct === true) occurrence.CountColumn = typeof o.CountColumn === 'string' ? o.CountColumn : 'DOMAIN_CONCEPT';
  out.Occurrence = occurrence;
  return out;
}

function normWindow(w: Obj, isEndWindow: boolean): Obj {
  const bound = (b: unknown): Obj => {
    const e = isObj(b) ? b : {};
    const out: Obj = { Coeff: e.Coeff };
    const d = days(e.TimeUnitValue, e.Days);
    if (d !== undefined) out.Days = d;
    return out;
  };
  return {
    Start: bound(w.Start),
    End: bound(w.End),
    UseIndexEnd: w.UseIndexEnd === true,
    UseEventEnd: isEndWindow ? w.UseEventEnd !== false : w.UseEventEnd === true,
  };
}

function normCriterion(v: unknown): unknown {
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [domain, attrs] of Object.entries(v)) {
    const table = (DOMAINS as Record<string, (typeof DOMAINS)[CriterionDomain] | undefined>)[domain];
    out[domain] = table && isObj(attrs) ? normAttributes(attrs, table.attributes) : attrs;
  }
  return out;
}

function normAttributes(attrs: Obj, catalogue: Readonly<Record<string, Attribute>>): Obj {
  const out: Obj = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined) continue;
    const kind = Object.prototype.hasOwnProperty.call(catalogue, key) ? catalogue[key].kind : undefined;
    switch (kind) {
      case 'flag':
        if (value === true) out[key] = true;
        break;
      case 'conceptList':
        if (Array.isArray(value) && value.length > 0) out[key] = value;
        break;
      case 'numericRange':
      case 'dateRange':
        out[key] = normRange(value);
        break;
      case 'conceptSetSelection':
        out[key] = isObj(value) ? { CodesetId: value.CodesetId, IsExclusion: value.IsExclusion === true } : value;
        break;
      case 'correlatedCriteria': {
        const group = normGroup(value);
        if (!isEmptyGroup(group)) out[key] = group;
        break;
      }
      case 'dateAdjustment': {
        const a = isObj(value) ? value : {};
        out[key] = {
          StartWith: a.StartWith ?? 'START_DATE',
          StartOffset: days(a.StartOffset) ?? 0,
          EndWith: a.EndWith ?? 'END_DATE',
          EndOffset: days(a.EndOffset) ?? 0,
        };
        break;
      }
      case 'userDefinedPeriod': {
        const p = isObj(value) ? value : {};
        const period: Obj = {};
        for (const f of ['StartDate', 'EndDate']) if (typeof p[f] === 'string' && p[f] !== '') period[f] = p[f];
        if (Object.keys(period).length) out[key] = period;
        break;
      }
      default:
        out[key] = value;
    }
  }
  return out;
}

function normRange(v: unknown): unknown {
  if (!isObj(v)) return v;
  const out: Obj = { Value: v.Value, Op: v.Op };
  if (typeof v.Op === 'string' && v.Op.endsWith('bt') && !absent(v.Extent)) out.Extent = v.Extent;
  return out;
}
