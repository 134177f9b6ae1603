/**
 * State shared while one cohort expression compiles: the expression (for concept-set lookups) and
 * a counter, so nested queries get distinct aliases and CTE names.
 */
import { FedomopError } from '../errors.js';
import { normalizeCohortExpression } from './normalize.js';
import type { CirceExpression } from './types.js';

export interface CompileContext {
  readonly expression: CirceExpression;
  /** A fresh alias like `cc_7`: nested groups re-use the same builders at every depth. */
  alias(prefix: string): string;
}

/** The compiler reads the normalised expression: one spelling per meaning (see normalize.ts). */
export function compileContext(expression: CirceExpression): CompileContext {
  let next = 0;
  return {
    expression: normalizeCohortExpression(expression),
    alias: (prefix) => `${prefix}_${++next}`,
  };
}

/**
 * What the compiler throws when handed something the validator should have refused: a plan error
 * naming the path, so whoever bypassed the validator still gets an answer they can act on.
 */
export class CohortCompileError extends FedomopError {
  constructor(path: string, message: string) {
    super('ERR_PLAN_INVALID', `${path}: ${message}`, { problems: [{ path, message }] });
    this.name = 'CohortCompileError';
  }
}
