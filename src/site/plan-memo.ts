/**
 * Plans read recently at the site, by their exact text. Reading a plan (JSON, every check of the
 * plan module, then the canonical hash) was ~0.2 ms of a tiny query at the site (issue 11), and the
 * hub sends the same canonical text every time the same plan is asked. Reading is a pure function of
 * the text, so a kept result is what reading would give; a text that fails is never kept (the error
 * is thrown afresh every time). The plan is frozen, deeply: every request holding it shares it.
 */
import { planHashSync } from '../node/plan-hash.js';
import { deepFreeze, Recent } from '../node/recent.js';
import { parsePlan } from '../plan/index.js';
import type { Plan } from '../plan/types.js';

const MAX_ENTRIES = 128;
/** Longer texts are read every time (a large ATLAS definition is rare and a big key). */
const MAX_TEXT = 64 * 1024;
/**
 * And at most this much memory, as at the hub (src/hub/plan-memo.ts): a kept plan weighs ~3.3× its
 * text (the text as key, the parsed and frozen plan), counted as 4×. By count alone, 128 texts just
 * under 64 KiB would hold ~27 MiB of a site's heap; ordinary plans (a few KiB) all fit.
 */
const MAX_BYTES = 8 * 1024 * 1024;
const WEIGHT_PER_CHAR = 4;

const kept = new Recent<{ plan: Plan; hash: string }>(MAX_ENTRIES, MAX_BYTES);

/** parsePlan(text) and its hash, from memory when this exact text was read before. */
export function readPlan(text: string): { plan: Plan; hash: string } {
  const hit = kept.get(text);
  if (hit) return hit;
  const plan = parsePlan(text);
  const read = { plan, hash: planHashSync(plan) };
  if (text.length <= MAX_TEXT) {
    kept.set(text, Object.freeze({ plan: deepFreeze(plan), hash: read.hash }), text.length * WEIGHT_PER_CHAR);
  }
  return read;
}

/** How many plans are kept and what they weigh (specs). */
export function keptPlans(): { count: number; bytes: number } {
  return { count: kept.size, bytes: kept.bytes };
}
