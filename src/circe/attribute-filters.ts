/**
 * One criterion attribute → a condition on the criterion's row `r` (and the joined person `p`,
 * provider `pr`, visit `v`, care site `cs`), following the catalogue in domains.ts.
 */
import { bin, col, dateDiff, fn, inList, inQuery, int, lit, or, yearOf } from '../sql/build.js';
import type { Expr } from '../sql/nodes.js';
import { codesetMembers } from './codesets.js';
import { CohortCompileError } from './context.js';
import type { Attribute, JoinName, Subject } from './domains.js';
import { dateRange, numericRange, textFilter } from './ranges.js';
import type { Concept, ConceptSetSelection, DateRange, NumericRange, TextFilter } from './types.js';

export const JOIN_ALIASES: Record<JoinName, string> = { person: 'p', provider: 'pr', visit: 'v', careSite: 'cs' };

/** The row alias the subject's columns live on, and the columns it reads there. */
export function subjectColumns(subject: Subject): string[] {
  switch (subject.kind) {
    case 'column':
      return [subject.column];
    case 'joined':
      return [];
    case 'age':
      return [subject.dateColumn];
    case 'days':
      return [subject.from, subject.to];
    case 'ratio':
      return [subject.numerator, subject.denominator];
  }
}

export function subjectExpr(subject: Subject, row: string): Expr {
  switch (subject.kind) {
    case 'column':
      return col(`${row}.${subject.column}`);
    case 'joined':
      return col(`${JOIN_ALIASES[subject.join]}.${subject.column}`);
    case 'age':
      // circe's age: calendar year of the date minus year of birth.
      return bin('-', yearOf(col(`${row}.${subject.dateColumn}`)), col('p.year_of_birth'));
    case 'days':
      return dateDiff(col(`${row}.${subject.from}`), col(`${row}.${subject.to}`));
    case 'ratio':
      return bin('/', col(`${row}.${subject.numerator}`), fn('nullif', [col(`${row}.${subject.denominator}`), lit(0)]));
  }
}

/** The joins a subject needs beyond the row itself. */
export function subjectJoins(subject: Subject): JoinName[] {
  if (subject.kind === 'age') return ['person'];
  if (subject.kind !== 'joined') return [];
  // A care site is reached through the visit, except from a visit row itself (handled by caller).
  return subject.join === 'careSite' ? ['visit', 'careSite'] : [subject.join];
}

const conceptIds = (concepts: Concept[]) => concepts.map((c) => int(c.CONCEPT_ID));

/**
 * The condition for one attribute value, or undefined when the value filters nothing (null, an
 * empty list, a false flag) — exactly when circe-be emits no SQL for it.
 */
export function attributeCondition(
  name: string,
  attribute: Attribute,
  value: unknown,
  row: string,
  siblings: Record<string, unknown>,
  path: string,
): Expr | undefined {
  if (value === null || value === undefined) return undefined;
  const subject = attribute.subject;
  const subjectOf = () => {
    if (!subject) throw new CohortCompileError(path, `${name} has no column to filter`);
    return subjectExpr(subject, row);
  };
  switch (attribute.kind) {
    case 'numericRange':
      return numericRange(
        subjectOf(),
        value as NumericRange,
        path,
        subject?.kind === 'age' || subject?.kind === 'days' ? 'integer' : 'double',
      );
    case 'dateRange':
      return dateRange(subjectOf(), value as DateRange, path);
    case 'text':
      return textFilter(subjectOf(), value as TextFilter, path);
    case 'conceptList': {
      const concepts = value as Concept[];
      if (concepts.length === 0) return undefined;
      const exclude = attribute.excludeFlag ? siblings[attribute.excludeFlag] === true : false;
      return inList(subjectOf(), conceptIds(concepts), exclude);
    }
    case 'conceptSetSelection': {
      const s = value as ConceptSetSelection;
      if (s.CodesetId === null || s.CodesetId === undefined) return undefined;
      return inQuery(subjectOf(), codesetMembers(s.CodesetId), s.IsExclusion === true);
    }
    case 'codeset':
      return inQuery(subjectOf(), codesetMembers(value as number));
    case 'flag':
    case 'userDefinedPeriod':
    case 'correlatedCriteria':
    case 'dateAdjustment':
      // Handled by the criterion builder, which knows their meaning in context.
      return undefined;
  }
}

/** Measurement.Abnormal: outside the reference range, or flagged abnormal (high / low). */
export function abnormalCondition(row: string): Expr {
  const value = col(`${row}.value_as_number`);
  return or(
    bin('<', value, col(`${row}.range_low`)),
    bin('>', value, col(`${row}.range_high`)),
    inList(col(`${row}.value_as_concept_id`), [int(4155142), int(4155143)]),
  );
}
