/**
 * How clients name the hub's latest round (kernel progress, panel): "glm iteration 3", and for a
 * GLM's intercept-only fit (its null deviance) "glm null model iteration 2 (model: 5 iterations)",
 * so the null model's rounds do not read as more iterations of the model. Browser-safe.
 */
import type { HubIteration } from './types.js';

export function iterationLabel(it: HubIteration): string {
  const kind = it.kind || 'hub';
  if (it.model === 'null' && it.iteration !== undefined)
    return `${kind} null model iteration ${it.iteration} (model: ${it.modelIterations ?? '?'} iterations)`;
  return `${kind} iteration ${it.iteration ?? it.round}`;
}
