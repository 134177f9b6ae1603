/**
 * PrimaryCriteria: the entry events of the cohort. Each criterion names one domain and filters
 * its records; anything circe-be would do beyond the supported attributes is refused by name, so
 * a site never silently runs a narrower (or wider) cohort than the researcher defined in ATLAS.
 */
import {
  ATTRIBUTE_LABELS,
  CIRCE_DOMAINS,
  SUPPORTED_ATTRIBUTES,
  UNSUPPORTED_ATTRIBUTES,
  isNeutralAttribute,
  isSupportedDomain,
} from './circe-fields.js';
import type { PlanLimits } from './limits.js';
import { VALUE_BOUNDS } from './limits.js';
import { at, didYouMean, listOf, type ProblemList } from './problems.js';
import { checkDateRange, checkLimit, checkNumericRange } from './validate-ranges.js';
import { has, own, presentKeys, readArray, readBoolean, readInteger, readObject, rejectUnknownKeys } from './shape.js';
import { CRITERION_DOMAINS, type CriterionDomain, type LimitType } from './types.js';

export interface PrimaryCriteriaFacts {
  /** The effective PrimaryCriteriaLimit type, undefined if it was broken. */
  limit: LimitType | undefined;
}

export function checkPrimaryCriteria(
  v: unknown,
  path: string,
  problems: ProblemList,
  limits: PlanLimits,
  codesetIds: ReadonlySet<number> | undefined,
): PrimaryCriteriaFacts {
  const pc = readObject(v, path, problems, 'PrimaryCriteria');
  if (!pc) return { limit: undefined };
  rejectUnknownKeys(pc, path, ['CriteriaList', 'ObservationWindow', 'PrimaryCriteriaLimit'], problems, 'PrimaryCriteria');

  const listPath = at(path, 'CriteriaList');
  if (!has(pc, 'CriteriaList')) {
    problems.invalid(listPath, 'CriteriaList is required: the list of events that put a person in the cohort');
  } else {
    const list = readArray(own(pc, 'CriteriaList'), listPath, problems, 'CriteriaList');
    if (list && list.length === 0) {
      problems.invalid(
        listPath,
        'CriteriaList is empty: add at least one criterion, e.g. {"ConditionOccurrence": {"CodesetId": 0}}',
      );
    } else if (list && list.length > limits.maxCriteria) {
      problems.invalid(listPath, `CriteriaList has ${list.length} criteria; the limit is ${limits.maxCriteria}`);
    } else if (list) {
      list.forEach((c, i) => checkCriterion(c, at(listPath, i), problems, codesetIds));
    }
  }

  if (has(pc, 'ObservationWindow')) checkObservationWindow(own(pc, 'ObservationWindow'), at(path, 'ObservationWindow'), problems);
  const limit = checkLimit(own(pc, 'PrimaryCriteriaLimit'), at(path, 'PrimaryCriteriaLimit'), problems, 'PrimaryCriteriaLimit');
  return { limit };
}

function checkObservationWindow(v: unknown, path: string, problems: ProblemList): void {
  const w = readObject(v, path, problems, 'ObservationWindow (like {"PriorDays": 365, "PostDays": 0})');
  if (!w) return;
  rejectUnknownKeys(w, path, ['PriorDays', 'PostDays'], problems, 'ObservationWindow');
  for (const field of ['PriorDays', 'PostDays']) {
    const p = at(path, field);
    if (!has(w, field)) problems.invalid(p, `ObservationWindow.${field} is required (0 for no requirement)`);
    else readInteger(own(w, field), p, problems, `ObservationWindow.${field}`, { min: 0, max: VALUE_BOUNDS.maxWindowDays });
  }
}

function checkCriterion(v: unknown, path: string, problems: ProblemList, codesetIds: ReadonlySet<number> | undefined): void {
  const c = readObject(v, path, problems, 'a criterion (like {"ConditionOccurrence": {"CodesetId": 0}})');
  if (!c) return;
  const keys = presentKeys(c);
  if (keys.length !== 1) {
    const got = keys.length === 0 ? 'none' : listOf(keys);
    problems.invalid(path, `a criterion needs exactly one domain key, e.g. {"ConditionOccurrence": {...}}; got ${got}`);
  }
  for (const domain of keys) {
    const p = at(path, domain);
    if (isSupportedDomain(domain)) {
      checkDomainCriteria(domain, own(c, domain), p, problems, codesetIds);
    } else if (CIRCE_DOMAINS.includes(domain)) {
      problems.unsupported(
        p,
        `${domain} criteria are not supported by plan v1 yet (supported domains: ${CRITERION_DOMAINS.join(', ')})`,
      );
    } else {
      problems.invalid(
        p,
        `unknown criterion domain "${domain}"${didYouMean(domain, CIRCE_DOMAINS)} (supported: ${CRITERION_DOMAINS.join(', ')})`,
      );
    }
  }
}

function checkDomainCriteria(
  domain: CriterionDomain,
  v: unknown,
  path: string,
  problems: ProblemList,
  codesetIds: ReadonlySet<number> | undefined,
): void {
  const attrs = readObject(v, path, problems, `${domain} (its filters, {} for every record)`);
  if (!attrs) return;
  const supported = SUPPORTED_ATTRIBUTES[domain];
  const known = UNSUPPORTED_ATTRIBUTES[domain];
  for (const key of presentKeys(attrs)) {
    const value = own(attrs, key);
    const p = at(path, key);
    if (supported.includes(key)) {
      checkAttribute(key, value, p, problems, codesetIds);
    } else if (key === 'ValueAsNumber') {
      problems.invalid(p, `ValueAsNumber applies only to Measurement criteria, not ${domain}`);
    } else if (known.includes(key)) {
      if (isNeutralAttribute(key, value)) continue;
      const label = ATTRIBUTE_LABELS[key.replace(/CS$/, '')];
      problems.unsupported(
        p,
        `${label ? `${label} (${key})` : key} on ${domain} criteria ${label ? 'are' : 'is'} not supported by plan v1 yet ` +
          `(supported: ${supported.join(', ')})`,
      );
    } else {
      problems.invalid(
        p,
        `"${key}" is not a ${domain} attribute${didYouMean(key, [...supported, ...known])} (supported: ${supported.join(', ')})`,
      );
    }
  }
}

function checkAttribute(
  key: string,
  value: unknown,
  path: string,
  problems: ProblemList,
  codesetIds: ReadonlySet<number> | undefined,
): void {
  switch (key) {
    case 'CodesetId': {
      const id = readInteger(value, path, problems, 'CodesetId (the id of one of ConceptSets; omit it to match every concept)');
      if (id === undefined || codesetIds === undefined || codesetIds.has(id)) return;
      const ids = [...codesetIds].sort((a, b) => a - b);
      const known =
        ids.length === 0 ? 'there are no concept sets' : `known: ${listOf(ids.slice(0, 20))}${ids.length > 20 ? ', …' : ''}`;
      problems.invalid(path, `CodesetId ${id} does not match any ConceptSets[].id (${known})`);
      return;
    }
    case 'First':
      readBoolean(value, path, problems, "First (true keeps each person's earliest matching record)");
      return;
    case 'Age':
      checkNumericRange(value, path, problems, 'Age', { integer: true, min: 0, max: VALUE_BOUNDS.maxAge, unit: 'years' });
      return;
    case 'ValueAsNumber':
      checkNumericRange(value, path, problems, 'ValueAsNumber', { integer: false });
      return;
    case 'OccurrenceStartDate':
      checkDateRange(value, path, problems, 'OccurrenceStartDate');
      return;
    case 'Gender':
      checkGender(value, path, problems);
      return;
  }
}

function checkGender(value: unknown, path: string, problems: ProblemList): void {
  const list = readArray(value, path, problems, 'Gender (a list like [{"CONCEPT_ID": 8532}])');
  if (!list) return;
  list.forEach((g, i) => {
    const p = at(path, i);
    const concept = readObject(g, p, problems, 'a Gender entry (like {"CONCEPT_ID": 8507})');
    if (!concept) return;
    if (!has(concept, 'CONCEPT_ID')) {
      problems.invalid(at(p, 'CONCEPT_ID'), 'CONCEPT_ID is required (8507 male, 8532 female)');
      return;
    }
    readInteger(own(concept, 'CONCEPT_ID'), at(p, 'CONCEPT_ID'), problems, 'CONCEPT_ID', {
      min: 0,
      max: VALUE_BOUNDS.maxConceptId,
    });
  });
}
