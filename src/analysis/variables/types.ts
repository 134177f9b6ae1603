/**
 * `analysis.variables: {name: spec}` — values per person, relative to the person's index date
 * (the start of their first qualifying entry event). The meanings are part of the plan contract
 * (docs/statistics.md); a time window is `[index + start, index + end]` days, both ends inclusive.
 */
import type { ConceptSetItem } from '../../circe/types.js';

export interface DayWindow {
  start: number;
  end: number;
}

/** A concept set of the plan's cohort by its `id`, or one written inline as ATLAS writes them. */
export type ConceptSetRef = number | { items: ConceptSetItem[] };

export type OccurrenceDomain = 'condition' | 'drug' | 'procedure' | 'measurement' | 'visit';

export type MeasurementPick = 'latest' | 'first' | 'mean' | 'max' | 'min';

export interface AgeAtIndexVariable {
  type: 'age_at_index';
}
export interface IndexYearVariable {
  type: 'index_year';
}
export interface GenderVariable {
  type: 'gender';
  /** reference level (a concept name); default: the first level in sort order */
  reference?: string;
}
export interface MeasurementVariable {
  type: 'measurement';
  conceptSet: ConceptSetRef;
  window: DayWindow;
  pick: MeasurementPick;
}
export interface OccurrenceVariable {
  type: 'occurrence' | 'count_occurrences';
  domain: OccurrenceDomain;
  conceptSet: ConceptSetRef;
  window: DayWindow;
}
export interface DeathVariable {
  type: 'death';
  window: DayWindow;
}
/** The event a `time_to` waits for: death, or the first record of a concept set in a domain. */
export type TimeToEvent = { type: 'death' } | { type: 'occurrence'; domain: OccurrenceDomain; conceptSet: ConceptSetRef };
export interface TimeToVariable {
  type: 'time_to';
  event: TimeToEvent;
  maxDays: number;
}

export type VariableSpec =
  | AgeAtIndexVariable
  | IndexYearVariable
  | GenderVariable
  | MeasurementVariable
  | OccurrenceVariable
  | DeathVariable
  | TimeToVariable;

export type VariableType = VariableSpec['type'];

export type Variables = Record<string, VariableSpec>;

/** How an analysis may use a variable's column. */
export type VariableKind = 'numeric' | 'binary' | 'count' | 'categorical' | 'time';

export const VARIABLE_KINDS: Record<VariableType, VariableKind> = {
  age_at_index: 'numeric',
  index_year: 'numeric',
  gender: 'categorical',
  measurement: 'numeric',
  occurrence: 'binary',
  count_occurrences: 'count',
  death: 'binary',
  time_to: 'time',
};
