/**
 * The site's whole answer to a plan: compile, run, disclosure control, Arrow. The SQL returns one
 * row per (cell, person) to this process only (analysis/person-cells.ts): disclosure control needs
 * the cells' person sets for the persons' secret record keys and the user's release history.
 * Nothing leaves this function that disclosure control has not released.
 */
import { aggregatePersonRows, personCellQuery } from '../analysis/person-cells.js';
import { META, type ResultRow } from '../arrow/result-schema.js';
import { answerBytes } from './answer-bytes.js';
import {
  CellAccumulator,
  describePolicy,
  perturbs,
  releaseAnswer,
  type CellDecision,
  type DisclosurePolicy,
} from '../disclosure/index.js';
import { dimensionsOf } from '../arrow/result-schema.js';
import type { Conflict, ReleaseHistory } from '../disclosure/history.js';
import type { PersonSet } from '../disclosure/person-set.js';
import type { UserRateLimit } from '../disclosure/rate-limit.js';
import type { RecordKeys } from '../disclosure/record-keys.js';
import { FedomopError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { compile, dialectByName } from '../sql/index.js';
import { compiledPlan } from './compiled-plans.js';
import { recordRefusal, recordReleased } from './release-outcome.js';
import { toNumber, type SiteDatabase, type SqlRow } from './database.js';
import { cellsInfo } from '../analysis/kinds/registry.js';
import { cellsSite } from '../analysis/kinds/site-kinds.js';

/** Aggregate rows (analysisQuery) as cells without person sets, for policies that need none. */
function aggregateCells(plan: Plan, rows: SqlRow[], k: number) {
  const dims = dimensionsOf(plan.analysis);
  return rows.map((r) => {
    const acc = new CellAccumulator(k);
    acc.persons = toNumber(r.persons);
    acc.events = toNumber(r.events);
    return { dims: Object.fromEntries(dims.map((d) => [d, normaliseDim(r[d])])), acc };
  });
}

function normaliseDim(v: unknown): string | number | null {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string') return v;
  return null;
}

export interface SiteIdentity {
  id: string;
  cdmVersion: string;
  vocabularyVersion: string;
}

/** The site's disclosure state: its record keys, release history and per-user rate limits. */
export interface DisclosureState {
  keys: RecordKeys;
  history: ReleaseHistory;
  plans: UserRateLimit;
  previews: UserRateLimit;
}

export interface SiteAnswer {
  rows: ResultRow[];
  bytes: Uint8Array;
  elapsedMs: number;
  decisions: CellDecision[];
}

export interface AnswerOptions {
  /** The user whose history and limits apply; null: the shared anonymous history. */
  user: string | null;
  disclosure: DisclosureState;
  /** Say what would be released without releasing, recording or counting anything against plans. */
  preview?: boolean;
  /**
   * The site's published concept sets for a k (src/site/concept-releases.ts): every user is taken
   * to have seen every concept count, so a cell differing from one by 1..k-1 persons is a conflict.
   */
  published?: (k: number) => Promise<{ conflict(set: PersonSet): Conflict | undefined }>;
}

export async function answerPlan(
  db: SiteDatabase,
  plan: Plan,
  planHash: string,
  site: SiteIdentity,
  policy: DisclosurePolicy,
  signal: AbortSignal | undefined,
  options: AnswerOptions,
): Promise<SiteAnswer> {
  const started = performance.now();
  // The kind's own parts: its SQL and cells (site-kinds.ts), its result and disclosure rule (registry.ts).
  const part = cellsSite(plan, ': submit it to the hub');
  const info = cellsInfo(plan.analysis);
  const { user, disclosure: state } = options;
  const remembers = policy.differencing !== undefined;
  // Previews have their own limit, four times the plans': checking is cheaper than asking, but a
  // preview still says whether a set differs by fewer than k from an earlier one.
  const previewLimit = policy.rateLimit && { ...policy.rateLimit, queries: policy.rateLimit.queries * 4 };
  if (options.preview) state.previews.take(user, previewLimit);
  else {
    state.plans.take(user, policy.rateLimit);
    if (remembers) state.history.assertRoom(user, policy.historyMaxSets);
  }
  const k = policy.minCellCount;
  // Exact values and no history need no person sets: the aggregate query is enough (and cheaper).
  const personLevel = perturbs(policy) || remembers;
  // A kind may read its cells another way for some plans (a crosstab of declared variables reads
  // the per-person table: src/analysis/kinds/crosstab/site.ts).
  const own = part.readCells?.(db, plan, state.keys, k, signal);
  const compiled = own
    ? undefined
    : compiledPlan(`${db.dialect}:${personLevel ? 'persons' : 'aggregate'}`, planHash, () =>
        compile(personLevel ? personCellQuery(plan) : part.aggregateQuery(plan), dialectByName(db.dialect)),
      );
  const cells = !compiled
    ? await own!
    : personLevel
      ? aggregatePersonRows(plan, await (db.queryColumns?.(compiled, signal) ?? db.query(compiled, signal)), state.keys, k)
      : aggregateCells(plan, await db.query(compiled, signal), k);
  const published = remembers ? await options.published?.(k) : undefined;
  const release = releaseAnswer(
    cells,
    info.release,
    site.id,
    policy,
    remembers ? (set) => state.history.conflict(user, set, k) ?? published?.conflict(set) : undefined,
  );
  const base = { time: new Date().toISOString(), planHash, analysis: plan.analysis.kind };
  if (release.refusal && !options.preview) {
    const r = release.refusal;
    if (remembers) recordRefusal(state.history, user, base, r);
    throw new FedomopError(
      'ERR_DISCLOSURE_DIFFERENCE',
      `cell ${r.newCell} would differ from cell ${r.cell} of your earlier query ${r.planHash} by fewer than ${k} persons; this site refuses such releases`,
      { earlierPlanHash: r.planHash, earlierCell: r.cell, cell: r.newCell },
    );
  }
  part.afterRelease?.(plan, release);
  if (!options.preview && remembers) recordReleased(state.history, user, base, release);
  const bytes = options.preview
    ? new Uint8Array()
    : answerBytes(
        plan.analysis,
        {
          [META.planHash]: planHash,
          [META.analysis]: JSON.stringify(plan.analysis),
          [META.site]: site.id,
          [META.cdmVersion]: site.cdmVersion,
          [META.vocabularyVersion]: site.vocabularyVersion,
          [META.disclosure]: describePolicy(policy, info.release.nestedDifferences ? 'nested_difference' : 'complementary'),
        },
        release.rows,
      );
  return {
    rows: options.preview ? [] : release.rows,
    bytes,
    elapsedMs: performance.now() - started,
    decisions: release.decisions,
  };
}
