/**
 * Every criterion of a Circe expression, wherever it stands: primary criteria, additional criteria,
 * inclusion rules, censoring criteria, and criteria nested in CorrelatedCriteria groups at any depth.
 * One walker for every question asked of an expression's parts (which concept sets, which tables).
 */
import { DOMAINS } from './domains.js';
import type { CirceExpression, CriteriaGroup, Criterion, CriterionDomain } from './types.js';

export interface CriterionVisitor {
  criterion?(domain: CriterionDomain, attributes: Record<string, unknown>): void;
  /** One entry of a group's DemographicCriteriaList. */
  demographic?(attributes: Record<string, unknown>): void;
}

export function walkExpression(expression: CirceExpression, visitor: CriterionVisitor): void {
  const visitGroup = (g: CriteriaGroup | null | undefined) => {
    if (!g) return;
    (g.CriteriaList ?? []).forEach((cc) => visitCriterion(cc.Criteria));
    (g.DemographicCriteriaList ?? []).forEach((dc) => visitor.demographic?.(dc as Record<string, unknown>));
    (g.Groups ?? []).forEach(visitGroup);
  };
  const visitCriterion = (c: Criterion) => {
    const domain = Object.keys(c)[0] as CriterionDomain;
    const attrs = (c as Record<string, Record<string, unknown>>)[domain] ?? {};
    visitor.criterion?.(domain, attrs);
    const catalogue = DOMAINS[domain]?.attributes ?? {};
    for (const [name, value] of Object.entries(attrs))
      if (catalogue[name]?.kind === 'correlatedCriteria') visitGroup(value as CriteriaGroup);
  };
  expression.PrimaryCriteria.CriteriaList.forEach(visitCriterion);
  visitGroup(expression.AdditionalCriteria);
  (expression.InclusionRules ?? []).forEach((r) => visitGroup(r.expression));
  (expression.CensoringCriteria ?? []).forEach(visitCriterion);
}
