/**
 * The hub's loop for a federated GLM, independent of transport: `ask` sends the current β to every
 * site and resolves with their contributions (sites use siteContribution on their rows, or on
 * nullModelRows(rows) when `model` is 'null'). The null model (intercept and offset only) is fitted
 * the same way, for the null deviance.
 */
import type { GlmFamily } from './glm-family.js';
import type { GlmFit, GlmState, GlmStep } from './glm-hub.js';
import { glmResult, hubUpdate, initialGlmState } from './glm-hub.js';
import type { GlmContribution } from './glm-site.js';

export type GlmModel = 'full' | 'null';

export interface FederatedGlmOptions {
  family: GlmFamily;
  termNames: readonly string[];
  ask: (beta: number[] | null, model: GlmModel) => Promise<readonly GlmContribution[]>;
  tolerance?: number;
  maxIterations?: number;
  level?: number;
  /** called after each pooled step (progress reporting) */
  onIteration?: (model: GlmModel, step: GlmStep) => void;
}

async function iterate(opts: FederatedGlmOptions, model: GlmModel): Promise<GlmStep> {
  let state: GlmState = initialGlmState();
  for (;;) {
    const contributions = await opts.ask(state.beta, model);
    const step = hubUpdate(contributions, state, opts);
    opts.onIteration?.(model, step);
    if (step.done) return step;
    state = step.state;
  }
}

export async function fitFederatedGlm(opts: FederatedGlmOptions): Promise<GlmFit> {
  const full = await iterate(opts, 'full');
  const nul = await iterate(opts, 'null');
  return glmResult({
    family: opts.family,
    termNames: opts.termNames,
    final: full,
    nullDeviance: nul.deviance,
    level: opts.level,
  });
}
