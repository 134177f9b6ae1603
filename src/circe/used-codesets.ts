/** Which concept sets an expression refers to, wherever it refers to them. */
import { DEMOGRAPHIC_ATTRIBUTES, DOMAINS } from './domains.js';
import type { CirceExpression } from './types.js';
import { walkExpression } from './walk.js';

export function usedCodesetIds(expression: CirceExpression): Set<number> {
  const used = new Set<number>();
  const addSelection = (v: unknown) => {
    const id = (v as { CodesetId?: unknown } | null)?.CodesetId;
    if (typeof id === 'number') used.add(id);
  };
  walkExpression(expression, {
    criterion(domain, attrs) {
      const catalogue = DOMAINS[domain]?.attributes ?? {};
      for (const [name, value] of Object.entries(attrs)) {
        const kind = catalogue[name]?.kind;
        if (kind === 'codeset' && typeof value === 'number') used.add(value);
        if (kind === 'conceptSetSelection') addSelection(value);
      }
    },
    demographic(attrs) {
      for (const [name, value] of Object.entries(attrs))
        if (DEMOGRAPHIC_ATTRIBUTES[name]?.kind === 'conceptSetSelection') addSelection(value);
    },
  });
  const strategy = expression.EndStrategy;
  if (strategy && 'CustomEra' in strategy && typeof strategy.CustomEra?.DrugCodesetId === 'number')
    used.add(strategy.CustomEra.DrugCodesetId);
  return used;
}
