/**
 * Parts of a Circe expression as plain sentences, the way ATLAS reads a cohort out loud ("having at
 * least 1 measurement of PSA with value > 10, between all days before and 0 days after the index
 * start date"). Pure, so the spec pins the words; the builder renders the editable numbers and
 * choices inside these sentences, and uses the same words for the parts it cannot edit in place.
 */
import type {
  ConceptSet,
  CorrelatedCriterion,
  CriteriaGroup,
  Criterion,
  DemographicCriteria,
  NumericRange,
  Occurrence,
  Window,
  WindowBound,
} from '../../circe/types.js';

export const DOMAIN_WORDS: Record<string, string> = {
  ConditionOccurrence: 'condition occurrence',
  ConditionEra: 'condition era',
  DrugExposure: 'drug exposure',
  DrugEra: 'drug era',
  DoseEra: 'dose era',
  Measurement: 'measurement',
  Observation: 'observation',
  ProcedureOccurrence: 'procedure',
  VisitOccurrence: 'visit',
  VisitDetail: 'visit detail',
  DeviceExposure: 'device exposure',
  Specimen: 'specimen',
  Death: 'death',
  ObservationPeriod: 'observation period',
  PayerPlanPeriod: 'payer plan period',
};

const OP_WORDS: Record<string, string> = {
  lt: '<',
  lte: '≤',
  eq: '=',
  '!eq': '≠',
  gt: '>',
  gte: '≥',
  bt: 'between',
  '!bt': 'not between',
};

export function rangeText(r: NumericRange | null | undefined): string {
  if (!r) return 'any';
  const op = OP_WORDS[r.Op] ?? r.Op;
  if (r.Op === 'bt' || r.Op === '!bt') return `${op} ${r.Value} and ${r.Extent ?? '?'}`;
  return `${op} ${r.Value}`;
}

export function criterionParts(c: Criterion): { domain: string; attrs: Record<string, unknown> } {
  const [domain, attrs] = Object.entries(c)[0] ?? ['', {}];
  return { domain, attrs: (attrs ?? {}) as Record<string, unknown> };
}

export function conceptSetName(sets: readonly ConceptSet[], id: unknown): string {
  if (typeof id !== 'number') return 'any concept';
  const set = sets.find((s) => s.id === id);
  return set ? `“${set.name || `concept set ${id}`}”` : `missing concept set ${id}`;
}

/** "a measurement of “PSA” with value as number > 10, first time in the person's history". */
export function criterionText(c: Criterion, sets: readonly ConceptSet[]): string {
  const { domain, attrs } = criterionParts(c);
  let s = `${DOMAIN_WORDS[domain] ?? domain} of ${conceptSetName(sets, attrs.CodesetId)}`;
  const extras: string[] = [];
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'CodesetId' || key === 'CorrelatedCriteria' || value === null || value === undefined) continue;
    if (key === 'First') {
      if (value) extras.push("for the first time in the person's history");
    } else if (isRange(value)) extras.push(`with ${words(key)} ${rangeText(value)}`);
    else if (Array.isArray(value)) {
      if (value.length) extras.push(`with ${words(key)} in ${value.map(conceptLabel).join(', ')}`);
    } else extras.push(`with ${words(key)} set`);
  }
  if (extras.length) s += ', ' + extras.join(', ');
  return s;
}

/** "between all days before and 0 days after the index start date". */
export function windowText(w: Window | null | undefined, event: 'start' | 'end' = 'start'): string {
  if (!w) return 'at any time';
  const bound = (b: WindowBound) => {
    const days = b.Days ?? b.TimeUnitValue;
    const side = b.Coeff < 0 ? 'before' : 'after';
    return days === null || days === undefined ? `all days ${side}` : `${days} days ${side}`;
  };
  const anchor = w.UseIndexEnd ? 'the index end date' : 'the index start date';
  const what = event === 'end' || w.UseEventEnd ? 'ending' : 'starting';
  return `${what} between ${bound(w.Start)} and ${bound(w.End)} ${anchor}`;
}

const OCCURRENCE_WORDS = ['exactly', 'at most', 'at least'];

export function occurrenceText(o: Occurrence | null | undefined): string {
  if (!o) return 'at least 1';
  return `${OCCURRENCE_WORDS[o.Type] ?? '?'} ${o.Count}${o.IsDistinct ? ' distinct' : ''}`;
}

/** "having at least 1 measurement of “PSA”, starting between all days before and 0 days after …". */
export function correlatedText(c: CorrelatedCriterion, sets: readonly ConceptSet[]): string {
  let s = `having ${occurrenceText(c.Occurrence)} ${criterionText(c.Criteria, sets)}, ${windowText(c.StartWindow)}`;
  if (c.EndWindow) s += ` and ${windowText(c.EndWindow, 'end')}`;
  if (c.RestrictVisit) s += ', at the same visit';
  return s;
}

export function demographicText(d: DemographicCriteria): string {
  const parts: string[] = [];
  if (d.Age) parts.push(`age ${rangeText(d.Age)}`);
  for (const key of ['Gender', 'Race', 'Ethnicity'] as const) {
    const list = d[key];
    if (Array.isArray(list) && list.length) parts.push(`${key.toLowerCase()} ${list.map(conceptLabel).join(' or ')}`);
  }
  if (d.OccurrenceStartDate) parts.push(`start date ${d.OccurrenceStartDate.Op} ${d.OccurrenceStartDate.Value}`);
  if (d.OccurrenceEndDate) parts.push(`end date ${d.OccurrenceEndDate.Op} ${d.OccurrenceEndDate.Value}`);
  return parts.length ? `with ${parts.join(', ')}` : 'with any demographics';
}

/** "having all of the following criteria" / "at least 2 of". */
export function groupHead(g: CriteriaGroup): string {
  switch (String(g.Type ?? 'ALL').toUpperCase()) {
    case 'ANY':
      return 'having any of the following criteria';
    case 'AT_LEAST':
      return `having at least ${g.Count ?? 1} of the following criteria`;
    case 'AT_MOST':
      return `having at most ${g.Count ?? 1} of the following criteria`;
    default:
      return 'having all of the following criteria';
  }
}

export function limitText(type: unknown, what: string): string {
  const t = String(type ?? 'First').toLowerCase();
  return t === 'all' ? `all ${what}` : t === 'last' ? `the latest ${what}` : `the earliest ${what}`;
}

function isRange(v: unknown): v is NumericRange {
  return typeof v === 'object' && v !== null && 'Op' in v && 'Value' in v;
}

function conceptLabel(c: unknown): string {
  const o = c as { CONCEPT_NAME?: string; CONCEPT_ID?: number };
  return o?.CONCEPT_NAME ?? String(o?.CONCEPT_ID ?? '?');
}

/** `ValueAsNumber` → "value as number". */
function words(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
