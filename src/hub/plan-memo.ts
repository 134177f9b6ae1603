/**
 * Submissions read recently at the hub, by the exact text of their body. Validating a plan and
 * hashing its canonical JSON was ~0.15 ms of the hub's own work on a tiny query, before any site is
 * asked (issue 11); a panel or notebook asking the same plan again sends the same text. Validation
 * is a pure function of the text, so a kept result is what validating would give. Only valid plans
 * of the kinds the hub fans out once are kept (rounds kinds are read afresh), and only small bodies;
 * the plan is frozen, deeply: every query holding it shares it.
 */
import { isRoundsKind } from '../analysis/kinds/registry.js';
import { canonicalPlan } from '../node/plan-hash.js';
import { deepFreeze, Recent } from '../node/recent.js';
import { validatePlan, type ValidationResult } from '../plan/index.js';

/** A valid plan with its canonical JSON (what sites are sent) and hash, or validation's refusal. */
export type CheckedPlan =
  (Extract<ValidationResult, { ok: true }> & { json: string; hash: string }) | Extract<ValidationResult, { ok: false }>;

const MAX_ENTRIES = 128;
const MAX_TEXT = 64 * 1024;
/**
 * And at most this much memory: a kept plan weighs ~3.3× its text (the text as key, the parsed and
 * frozen plan, its canonical JSON; measured with 128 plans of 64 KiB: 27 MiB), counted as 4×. 128
 * ordinary plans (a few KiB) fit; of the largest, about 30.
 */
const MAX_BYTES = 8 * 1024 * 1024;
const WEIGHT_PER_CHAR = 4;

/** Body objects → the text they were parsed from (set by the hub's JSON body parser). */
const texts = new WeakMap<object, string>();
const kept = new Recent<CheckedPlan>(MAX_ENTRIES, MAX_BYTES);

/** Called by the body parser: remembers which text this body object came from. */
export function rememberBodyText(body: unknown, text: string): void {
  if (typeof body === 'object' && body !== null && text.length <= MAX_TEXT) texts.set(body, text);
}

/** validatePlan(body.plan), with the canonical JSON and hash of a valid plan; from memory for a known text. */
export function checkSubmittedPlan(body: { plan: unknown }): CheckedPlan {
  const text = texts.get(body);
  const hit = text === undefined ? undefined : kept.get(text);
  if (hit) return hit;
  const checked = validatePlan(body.plan);
  if (!checked.ok) return checked;
  const result: CheckedPlan = { ...checked, ...canonicalPlan(checked.plan) };
  if (text !== undefined && !isRoundsKind(checked.plan.analysis.kind)) {
    kept.set(text, deepFreeze(result), text.length * WEIGHT_PER_CHAR);
  }
  return result;
}
