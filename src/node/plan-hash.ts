/**
 * planHash from src/plan, computed synchronously with node:crypto. The plan module's version goes
 * through WebCrypto (it must run in browsers), whose async digest costs a thread-pool round trip —
 * a sizeable share of a tiny query's overhead at the hub and at each site. (src/node holds helpers
 * shared by the Node services only.) Same definition (SHA-256 of the
 * canonical JSON, lower-case hex); plan-hash.spec.ts pins the two together.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../plan/index.js';
import type { Plan } from '../plan/types.js';

/** The plan's canonical JSON (also what the hub sends to sites: one serialisation for both) and its hash. */
export function canonicalPlan(plan: Plan): { json: string; hash: string } {
  const json = canonicalJson(plan);
  return { json, hash: createHash('sha256').update(json, 'utf8').digest('hex') };
}

export function planHashSync(plan: Plan): string {
  return canonicalPlan(plan).hash;
}
