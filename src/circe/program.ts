/**
 * A cohort expression → its stages, in dependency order, each a named query that may read the
 * ones before it. The site runs them as one WITH query (read-only); `cohort generate` materialises
 * them as temporary tables. Callers ask for as much of the pipeline as they need: the entry
 * events (count, crosstab, attrition) or the whole cohort with exit dates and eras.
 */
import type { CteNode } from '../sql/nodes.js';
import { codesetsStage } from './codesets.js';
import { compileContext, type CompileContext } from './context.js';
import { entryEventStages } from './entry-events.js';
import { cohortRowsStage, strategyStage } from './exit.js';
import { finalCohortStages } from './final-cohort.js';
import type { CirceExpression } from './types.js';
import { usedCodesetIds } from './used-codesets.js';

export interface CohortProgram {
  ctx: CompileContext;
  stages: CteNode[];
}

export function cohortProgram(expression: CirceExpression, upTo: 'included_events' | 'final_cohort'): CohortProgram {
  const ctx = compileContext(expression);
  const stages: CteNode[] = [codesetsStage(ctx.expression.ConceptSets, usedCodesetIds(ctx.expression)), ...entryEventStages(ctx)];
  if (upTo === 'final_cohort') {
    const strategy = strategyStage(ctx);
    if (strategy) stages.push(strategy);
    stages.push(cohortRowsStage(ctx, !!strategy), ...finalCohortStages(ctx));
  }
  return { ctx, stages };
}
