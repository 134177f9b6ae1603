/** Which concept sets an expression refers to, wherever it refers to them. */
import { DEMOGRAPHIC_ATTRIBUTES, DOMAINS } from './domains.js';
import type { CirceExpression, CriteriaGroup, Criterion, CriterionDomain } from './types.js';

export function usedCodesetIds(expression: CirceExpression): Set<number> {
  const used = new Set<number>();
  const addSelection = (v: unknown) => {
    const id = (v as { CodesetId?: unknown } | null)?.CodesetId;
    if (typeof id === 'number') used.add(id);
  };
  const visitGroup = (g: CriteriaGroup | null | undefined) => {
    if (!g) return;
    (g.CriteriaList ?? []).forEach((cc) => visitCriterion(cc.Criteria));
    (g.DemographicCriteriaList ?? []).forEach((dc) => {
      for (const [name, value] of Object.entries(dc))
        if (DEMOGRAPHIC_ATTRIBUTES[name]?.kind === 'conceptSetSelection') addSelection(value);
    });
    (g.Groups ?? []).forEach(visitGroup);
  };
  const visitCriterion = (c: Criterion) => {
    const domain = Object.keys(c)[0] as CriterionDomain;
    const attrs = (c as Record<string, Record<string, unknown>>)[domain] ?? {};
    const catalogue = DOMAINS[domain]?.attributes ?? {};
    for (const [name, value] of Object.entries(attrs)) {
      const kind = catalogue[name]?.kind;
      if (kind === 'codeset' && typeof value === 'number') used.add(value);
      if (kind === 'conceptSetSelection') addSelection(value);
      if (kind === 'correlatedCriteria') visitGroup(value as CriteriaGroup);
    }
  };
  expression.PrimaryCriteria.CriteriaList.forEach(visitCriterion);
  visitGroup(expression.AdditionalCriteria);
  (expression.InclusionRules ?? []).forEach((r) => visitGroup(r.expression));
  (expression.CensoringCriteria ?? []).forEach(visitCriterion);
  const strategy = expression.EndStrategy;
  if (strategy && 'CustomEra' in strategy && typeof strategy.CustomEra?.DrugCodesetId === 'number')
    used.add(strategy.CustomEra.DrugCodesetId);
  return used;
}
