/**
 * Criteria: one domain key (ConditionOccurrence, DrugEra, ...) whose value filters that domain's
 * records. Which attributes a domain has, and of which kind, is the catalogue the compiler reads
 * (src/circe/domains.ts). Anything outside it is a typo (refused with a suggestion) or a Circe
 * feature fedomop does not run (refused by name): a site never silently runs a wider cohort.
 */
import { DOMAINS, UNSUPPORTED_ATTRIBUTES, UNSUPPORTED_DOMAINS } from '../circe/domains.js';
import type { CriterionDomain } from '../circe/types.js';
import { CIRCE_DOMAINS, PRIMARY_CRITERIA_FIELDS, domainsWithAttribute, isSupportedDomain } from './circe-fields.js';
import { VALUE_BOUNDS } from './limits.js';
import { at, didYouMean, listOf } from './problems.js';
import { has, own, presentKeys, readArray, readInteger, readObject, rejectUnknownKeys } from './shape.js';
import { checkAttribute } from './validate-attributes.js';
import { countCriterion, type CohortContext } from './validate-context.js';
import { checkLimit } from './validate-ranges.js';

export function checkPrimaryCriteria(v: unknown, path: string, ctx: CohortContext): void {
  const { problems } = ctx;
  const pc = readObject(v, path, problems, 'PrimaryCriteria');
  if (!pc) return;
  rejectUnknownKeys(pc, path, PRIMARY_CRITERIA_FIELDS, problems, 'PrimaryCriteria');

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
    } else if (list) checkCriteriaList(list, listPath, ctx, 0, 'CriteriaList');
  }

  const window = own(pc, 'ObservationWindow');
  if (window !== undefined && window !== null) checkObservationWindow(window, at(path, 'ObservationWindow'), ctx);
  checkLimit(own(pc, 'PrimaryCriteriaLimit'), at(path, 'PrimaryCriteriaLimit'), problems, 'PrimaryCriteriaLimit');
}

/** A list of criteria (primary or censoring), at most limits.maxCriteria long. */
export function checkCriteriaList(list: unknown[], path: string, ctx: CohortContext, depth: number, what: string): void {
  if (list.length > ctx.limits.maxCriteria) {
    ctx.problems.invalid(path, `${what} has ${list.length} criteria; the limit is ${ctx.limits.maxCriteria}`);
    return;
  }
  list.forEach((c, i) => checkCriterion(c, at(path, i), ctx, depth));
}

function checkObservationWindow(v: unknown, path: string, ctx: CohortContext): void {
  const { problems } = ctx;
  const w = readObject(v, path, problems, 'ObservationWindow (like {"PriorDays": 365, "PostDays": 0})');
  if (!w) return;
  rejectUnknownKeys(w, path, ['PriorDays', 'PostDays'], problems, 'ObservationWindow');
  // circe-be defaults each to 0.
  for (const field of ['PriorDays', 'PostDays']) {
    const value = own(w, field);
    if (value === undefined || value === null) continue;
    readInteger(value, at(path, field), problems, `ObservationWindow.${field}`, { min: 0, max: VALUE_BOUNDS.maxWindowDays });
  }
}

/** `depth`: how many groups (or correlated criteria) enclose this criterion. */
export function checkCriterion(v: unknown, path: string, ctx: CohortContext, depth: number): void {
  const { problems } = ctx;
  const c = readObject(v, path, problems, 'a criterion (like {"ConditionOccurrence": {"CodesetId": 0}})');
  if (!c) return;
  if (!countCriterion(ctx, path)) return;
  const keys = presentKeys(c);
  if (keys.length !== 1) {
    const got = keys.length === 0 ? 'none' : listOf(keys);
    problems.invalid(path, `a criterion needs exactly one domain key, e.g. {"ConditionOccurrence": {...}}; got ${got}`);
  }
  for (const domain of keys) {
    const p = at(path, domain);
    if (isSupportedDomain(domain)) {
      checkDomainCriteria(domain, own(c, domain), p, ctx, depth);
    } else if (Object.prototype.hasOwnProperty.call(UNSUPPORTED_DOMAINS, domain)) {
      problems.unsupported(p, `${domain} criteria are not supported: ${UNSUPPORTED_DOMAINS[domain]}`);
    } else {
      problems.invalid(
        p,
        `unknown criterion domain "${domain}"${didYouMean(domain, CIRCE_DOMAINS)} (domains: ${listOf(CIRCE_DOMAINS)})`,
      );
    }
  }
}

function checkDomainCriteria(domain: CriterionDomain, v: unknown, path: string, ctx: CohortContext, depth: number): void {
  const { problems } = ctx;
  const attrs = readObject(v, path, problems, `${domain} (its filters, {} for every record)`);
  if (!attrs) return;
  const catalogue = DOMAINS[domain].attributes;
  const names = Object.keys(catalogue);
  for (const key of presentKeys(attrs)) {
    const p = at(path, key);
    if (Object.prototype.hasOwnProperty.call(catalogue, key)) {
      checkAttribute(key, catalogue[key], own(attrs, key), p, ctx, depth, { domain, attrs });
    } else if (Object.prototype.hasOwnProperty.call(UNSUPPORTED_ATTRIBUTES, key)) {
      if (own(attrs, key) !== null) problems.unsupported(p, `${key} is not supported: ${UNSUPPORTED_ATTRIBUTES[key]}`);
    } else {
      const owners = domainsWithAttribute(key);
      const elsewhere = owners.length
        ? ` (it is an attribute of ${listOf(owners.slice(0, 4))}${owners.length > 4 ? ', …' : ''})`
        : '';
      problems.invalid(p, `"${key}" is not a ${domain} attribute${didYouMean(key, names)}${elsewhere}`);
    }
  }
}
