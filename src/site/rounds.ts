/**
 * The site's side of the hub's rounds (POST /v1/rounds, body {plan, round}). The plan is validated
 * as on /v1/execute and its hash binds every round to the same cohort and variables; the round is
 * checked against the plan's analysis (src/analysis/kinds/rounds.ts). The per-person table is
 * loaded once per plan and user and kept in this process for a few minutes, so the hub's iteration
 * costs one pass over rows in memory per round, not a database query. Only aggregates leave.
 */
import { FedomopError } from '../errors.js';
import type { DisclosurePolicy } from '../disclosure/index.js';
import type { Plan } from '../plan/types.js';
import type { VariableAnalysis } from '../analysis/kinds/plan-types.js';
import { loadPersonTable, type PersonTable } from '../analysis/kinds/person-table.js';
import { MAX_PROBES_PER_ROUND, type Round, type RoundAnswer } from '../analysis/kinds/rounds.js';
import { isRoundsPlan, roundsSite } from '../analysis/kinds/site-kinds.js';
import type { RoundMemo } from '../analysis/kinds/rounds-site.js';
import type { SiteDatabase } from './database.js';
import type { DisclosureState } from './execute.js';
import { ReleaseLedger } from '../analysis/kinds/release-ledger.js';
import type { PersonSet } from '../disclosure/person-set.js';
import type { Conflict } from '../disclosure/set-index.js';

/** How long a plan's person table stays in memory after its last round. */
export const SESSION_TTL_MS = 5 * 60_000;
const MAX_SESSIONS = 8;

interface Session {
  table: Promise<PersonTable>;
  lastUsed: number;
  /** the kind's own memory between rounds (sorted values, probe budgets, GLM designs) */
  memo: RoundMemo;
}

/** The variables an analysis reads (their complete cases are what it sees): the kind's own list. */
export function usedVariables(a: VariableAnalysis): string[] {
  return roundsSite(a).variables(a);
}

function bad(message: string): FedomopError {
  return new FedomopError('ERR_BAD_REQUEST', `round: ${message}`);
}

function numbers(v: unknown, what: string, max: number): number[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > max || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw bad(`${what} must be 1 to ${max} finite numbers`);
  }
  return v as number[];
}

/** Checks a round's shape against the plan's analysis; returns it typed. */
export function checkRound(raw: unknown, a: VariableAnalysis): Round {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('round must be an object with a type');
  const r = raw as Record<string, unknown>;
  const type = r.type as Round['type'];
  const site = roundsSite(a);
  if (!site.rounds.includes(type))
    throw bad(`a ${a.kind} analysis has no round "${String(r.type)}" (rounds: ${site.rounds.join(', ')})`);
  switch (type) {
    case 'moments':
    case 'levels':
      return { type };
    case 'quantile': {
      const level = r.level === undefined ? null : r.level;
      const problem = site.quantileProblem
        ? site.quantileProblem(a, r.variable, level)
        : 'quantile variable must be one the analysis summarises';
      if (problem) throw bad(problem);
      return {
        type,
        variable: r.variable as string,
        level: level as string | null,
        probes: numbers(r.probes, 'probes', MAX_PROBES_PER_ROUND),
      };
    }
    case 'bins': {
      const edges = numbers(r.edges, 'edges', 101);
      if (edges.length < 2 || edges.some((e, i) => i > 0 && !(e > edges[i - 1])))
        throw bad('edges must be ≥ 2 ascending numbers');
      return { type, edges };
    }
    case 'km-grid':
    case 'km-counts': {
      const ends = numbers(r.ends, 'ends', 10_000);
      if (ends.some((e, i) => !Number.isInteger(e) || e < 0 || (i > 0 && !(e > ends[i - 1]))))
        throw bad('ends must ascend, whole days ≥ 0');
      return { type, ends };
    }
    case 'glm': {
      if (r.model !== 'full' && r.model !== 'null') throw bad("model must be 'full' or 'null'");
      if (!Array.isArray(r.terms) || r.terms.length === 0 || r.terms.length > 200) throw bad('terms must be 1 to 200 terms');
      const terms = r.terms.map((t: unknown) => {
        const o = t as Record<string, unknown>;
        if (typeof o !== 'object' || o === null || typeof o.name !== 'string') throw bad('a term is {name, variable?, level?}');
        if (o.variable !== undefined && typeof o.variable !== 'string') throw bad('a term variable is a name');
        if (o.level !== undefined && typeof o.level !== 'string') throw bad('a term level is a string');
        return {
          name: o.name,
          ...(o.variable !== undefined && { variable: o.variable as string }),
          ...(o.level !== undefined && { level: o.level as string }),
        };
      });
      const beta = r.beta === null ? null : numbers(r.beta, 'beta', 200);
      return { type, model: r.model, terms, beta };
    }
  }
  throw bad('unknown round type');
}

export class RoundSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly db: SiteDatabase,
    private readonly state: DisclosureState,
    private readonly now: () => number = Date.now,
    /** The site's published concept sets (src/site/concept-releases.ts), checked like the history. */
    private readonly published?: (k: number) => Promise<{ conflict(set: PersonSet): Conflict | undefined }>,
  ) {}

  /** Whether this plan already has a live session for this user (its first round counts as a plan). */
  has(planHash: string, user: string | null): boolean {
    const s = this.sessions.get(`${user ?? ''}\u0000${planHash}`);
    return s !== undefined && this.now() - s.lastUsed <= SESSION_TTL_MS;
  }

  private session(
    plan: Plan & { analysis: VariableAnalysis },
    planHash: string,
    user: string | null,
    signal?: AbortSignal,
  ): Session {
    const key = `${user ?? ''}\u0000${planHash}`;
    const t = this.now();
    for (const [k, s] of this.sessions) if (t - s.lastUsed > SESSION_TTL_MS) this.sessions.delete(k);
    let s = this.sessions.get(key);
    if (!s) {
      if (this.sessions.size >= MAX_SESSIONS) {
        const oldest = [...this.sessions.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
        this.sessions.delete(oldest[0]);
      }
      const table = loadPersonTable(
        this.db,
        plan.cohort,
        plan.analysis.variables,
        usedVariables(plan.analysis),
        this.state.keys,
        signal,
      );
      s = { table, lastUsed: t, memo: new Map() };
      this.sessions.set(key, s);
      // A failed load is not kept: the next round tries again.
      table.catch(() => this.sessions.delete(key));
    }
    s.lastUsed = t;
    return s;
  }

  async answer(
    plan: Plan,
    planHash: string,
    rawRound: unknown,
    policy: DisclosurePolicy,
    user: string | null,
    signal?: AbortSignal,
  ): Promise<RoundAnswer> {
    if (!isRoundsPlan(plan)) throw bad(`a ${plan.analysis.kind} analysis has no rounds: send it to /v1/execute`);
    const a = plan.analysis;
    const round = checkRound(rawRound, a);
    const s = this.session(plan, planHash, user, signal);
    const t = await s.table;
    const k = policy.minCellCount;
    // The release history seam: the round's counts are checked and recorded like any release.
    if (policy.differencing === undefined) return this.answerRound(a, round, s, t, policy);
    this.state.history.assertRoom(user, policy.historyMaxSets);
    const published = await this.published?.(k);
    const ledger = new ReleaseLedger(
      k,
      (set) => this.state.history.conflict(user, set, k) ?? published?.conflict(set),
      `${round.type}`,
    );
    const base = { time: new Date().toISOString(), planHash, analysis: `${a.kind} ${round.type}` };
    // The kinds' site code is synchronous: nothing else sees the table while the ledger is on it.
    t.ledger = ledger;
    try {
      const answer = this.answerRound(a, round, s, t, policy);
      this.state.history.record({ ...base, decision: 'released' }, user, ledger.sets);
      return answer;
    } catch (err) {
      if (err instanceof FedomopError && err.code === 'ERR_DISCLOSURE_DIFFERENCE') {
        // the conflict rides as the error's cause: the steward's line names it, the response does not
        const earlier = err.cause as Conflict | undefined;
        this.state.history.record({ ...base, decision: 'refused', reason: 'differencing', ...(earlier && { earlier }) }, user);
      }
      throw err;
    } finally {
      t.ledger = undefined;
    }
  }

  private answerRound(a: VariableAnalysis, round: Round, s: Session, t: PersonTable, policy: DisclosurePolicy): RoundAnswer {
    return roundsSite(a).answer(a, round, t, policy, s.memo);
  }
}
