/**
 * A resolved concept set's counts, released as one cohort-like cell through the shared seam
 * (src/disclosure/release.ts): cell keys from its persons' record keys, checked against the user's
 * release history and the site's published concept sets, and recorded in the user's history — a
 * set resolve is an explicit request (the cohort builder sends one per edit of a set), so it is a
 * release like a count, not a browsing page (and counts against the plans' rate limit).
 */
import { createHash } from 'node:crypto';
import { CellAccumulator, perturbs, releaseAnswer, type DisclosurePolicy } from '../disclosure/index.js';
import type { ReleaseRule } from '../disclosure/release.js';
import { KEY_WORDS, personId } from '../disclosure/record-keys.js';
import { FedomopError } from '../errors.js';
import { releasedCount, type ReleasedCounts } from './concept-counts.js';
import type { PublishedConcepts } from './concept-releases.js';
import { toNumber, type SqlColumns, type SqlRow } from './database.js';
import type { DisclosureState } from './execute.js';
import { recordRefusal, recordReleased } from './release-outcome.js';

/** A resolved set is one cell: no margins to protect, no nested steps. */
const ONE_CELL: ReleaseRule = { nestedDifferences: false, margins: false };

export interface SetReleaseContext {
  site: string;
  policy: DisclosurePolicy;
  user: string | null;
  state: DisclosureState;
  published?: PublishedConcepts;
}

/** The history's name for a resolved set: its concept ids, order-free. */
export function setHash(conceptIds: readonly number[]): string {
  const ids = [...conceptIds].sort((a, b) => a - b).join(',');
  return `concept-set:${createHash('sha256').update(ids).digest('hex').slice(0, 32)}`;
}

export function releaseSetCounts(
  rows: SqlRow[] | SqlColumns,
  conceptIds: readonly number[],
  ctx: SetReleaseContext,
): ReleasedCounts {
  const { policy, user, state } = ctx;
  const k = policy.minCellCount;
  const remembers = policy.differencing !== undefined;
  // A release like a count: counted against the plans' rate limit, refused when the history is full.
  state.plans.take(user, policy.rateLimit);
  if (remembers) state.history.assertRoom(user, policy.historyMaxSets);
  const column = (name: string) => (Array.isArray(rows) ? rows.map((r) => r[name]) : (rows.columns[name] ?? []));
  const persons = column('person_id');
  const records = column('records');
  const ids = new BigInt64Array(persons.length);
  for (let i = 0; i < ids.length; i++) ids[i] = personId(persons[i]);
  // Keys only when something uses them (an exact policy without history writes no secret).
  const words = perturbs(policy) || remembers ? state.keys.derive(ids) : new Uint32Array(ids.length * KEY_WORDS);
  const acc = new CellAccumulator(k);
  for (let i = 0; i < ids.length; i++) acc.add(words, i, true, toNumber(records[i]));
  const release = releaseAnswer(
    [{ dims: {}, acc }],
    ONE_CELL,
    ctx.site,
    policy,
    remembers ? (set) => state.history.conflict(user, set, k) ?? ctx.published?.conflict(set) : undefined,
  );
  const base = { time: new Date().toISOString(), planHash: setHash(conceptIds), analysis: 'concept-set' };
  if (release.refusal) {
    const r = release.refusal;
    if (remembers) recordRefusal(state.history, user, base, r);
    throw new FedomopError(
      'ERR_DISCLOSURE_DIFFERENCE',
      `this concept set's persons would differ from cell ${r.cell} of your earlier query ${r.planHash} by fewer than ${k} persons; this site refuses such releases`,
      { earlierPlanHash: r.planHash, earlierCell: r.cell, cell: 'all' },
    );
  }
  if (remembers) recordReleased(state.history, user, base, release);
  const m = release.rows[0].measures;
  return { persons: releasedCount(m.persons), records: releasedCount(m.events) };
}
