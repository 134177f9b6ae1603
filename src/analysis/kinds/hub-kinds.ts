/**
 * The hub parts of the rounds kinds, by kind: how src/hub/rounds-run.ts drives each one (the rounds
 * it asks, the pooling, the result rows). A Record over the rounds kinds, so a new one does not
 * compile until it is here. (The counting kinds pool by adding cells: src/hub/pool.ts with the
 * dimensions their registry row gives.)
 */
import type { FedomopError } from '../../errors.js';
import { driveGlm } from './glm/hub.js';
import type { KindOutcome, RoundsContext } from './hub-context.js';
import { driveHistogram } from './histogram/hub.js';
import { driveKm } from './km/hub.js';
import type { VariableAnalysis } from './plan-types.js';
import { driveSummary } from './summary/hub.js';

type Driver<A extends VariableAnalysis> = (
  ctx: RoundsContext<A>,
  /** the sites dropped so far and why (a GLM names refusals) */
  failures: () => Map<string, FedomopError>,
) => Promise<KindOutcome>;

const DRIVERS: { [K in VariableAnalysis['kind']]: Driver<Extract<VariableAnalysis, { kind: K }>> } = {
  summary: (ctx) => driveSummary(ctx),
  histogram: (ctx) => driveHistogram(ctx),
  glm: (ctx, failures) => driveGlm(ctx, failures),
  km: (ctx) => driveKm(ctx),
};

/** Runs a rounds analysis's hub part with the hub's context. */
export function driveRounds(ctx: RoundsContext, failures: () => Map<string, FedomopError>): Promise<KindOutcome> {
  const drive = DRIVERS[ctx.analysis.kind] as Driver<VariableAnalysis>;
  return drive(ctx, failures);
}
