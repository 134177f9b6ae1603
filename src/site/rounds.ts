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
import { MAX_PROBES_PER_ROUND, PROBE_BUDGET, type Round, type RoundAnswer } from '../analysis/kinds/rounds.js';
import { answerProbes, sortedValues, summaryMoments } from '../analysis/kinds/summary/site.js';
import { histogramBins } from '../analysis/kinds/histogram/site.js';
import { kmCounts, kmGrid } from '../analysis/kinds/km/site.js';
import {
  buildDesign,
  checkTerms,
  designContribution,
  designTraps,
  glmLevels,
  glmVariables,
  type GlmDesign,
} from '../analysis/kinds/glm/site.js';
import type { SiteDatabase } from './database.js';
import type { DisclosureState } from './execute.js';
import { caseCounts } from '../analysis/kinds/site-release.js';
import { ReleaseLedger } from '../analysis/kinds/release-ledger.js';
import type { PersonSet } from '../disclosure/person-set.js';
import type { Conflict } from '../disclosure/set-index.js';

/** How long a plan's person table stays in memory after its last round. */
export const SESSION_TTL_MS = 5 * 60_000;
const MAX_SESSIONS = 8;

interface Session {
  table: Promise<PersonTable>;
  lastUsed: number;
  sorted: Map<string, Float64Array>;
  probes: Map<string, number>;
  designs: Map<string, { design: GlmDesign; trap: ReturnType<typeof designTraps> }>;
}

function isVariableAnalysis(a: Plan['analysis']): a is VariableAnalysis {
  return a.kind === 'summary' || a.kind === 'histogram' || a.kind === 'glm' || a.kind === 'km';
}

/** The variables an analysis reads (their complete cases are what it sees). */
export function usedVariables(a: VariableAnalysis): string[] {
  switch (a.kind) {
    case 'summary':
      return [...a.of, ...(a.by ? [a.by] : [])];
    case 'histogram':
      return [a.of];
    case 'glm':
      return glmVariables(a);
    case 'km':
      return [a.time, ...(a.strata ? [a.strata] : [])];
  }
}

const ROUNDS_OF: Record<VariableAnalysis['kind'], Round['type'][]> = {
  summary: ['moments', 'quantile'],
  histogram: ['quantile', 'bins'],
  glm: ['levels', 'glm'],
  km: ['km-grid', 'km-counts'],
};

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
  if (!ROUNDS_OF[a.kind].includes(type))
    throw bad(`a ${a.kind} analysis has no round "${String(r.type)}" (rounds: ${ROUNDS_OF[a.kind].join(', ')})`);
  switch (type) {
    case 'moments':
    case 'levels':
      return { type };
    case 'quantile': {
      const of = a.kind === 'summary' ? a.of : a.kind === 'histogram' ? [a.of] : [];
      if (typeof r.variable !== 'string' || !of.includes(r.variable))
        throw bad('quantile variable must be one the analysis summarises');
      const level = r.level === undefined ? null : r.level;
      if (level !== null && (typeof level !== 'string' || a.kind !== 'summary' || !a.by))
        throw bad('a level needs a summary with by');
      return { type, variable: r.variable, level, probes: numbers(r.probes, 'probes', MAX_PROBES_PER_ROUND) };
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
      s = { table, lastUsed: t, sorted: new Map(), probes: new Map(), designs: new Map() };
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
    const a = plan.analysis;
    if (!isVariableAnalysis(a)) throw bad(`a ${a.kind} analysis has no rounds: send it to /v1/execute`);
    const round = checkRound(rawRound, a);
    const s = this.session(plan as Plan & { analysis: VariableAnalysis }, planHash, user, signal);
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
      if (err instanceof FedomopError && err.code === 'ERR_DISCLOSURE_DIFFERENCE')
        this.state.history.record({ ...base, decision: 'refused', reason: 'differencing' }, user);
      throw err;
    } finally {
      t.ledger = undefined;
    }
  }

  private answerRound(a: VariableAnalysis, round: Round, s: Session, t: PersonTable, policy: DisclosurePolicy): RoundAnswer {
    const k = policy.minCellCount;
    switch (round.type) {
      case 'moments':
        return summaryMoments(t, a as Extract<VariableAnalysis, { kind: 'summary' }>, policy);
      case 'quantile': {
        const budgetKey = `${round.variable}\u0000${round.level ?? ''}`;
        const used = (s.probes.get(budgetKey) ?? 0) + round.probes.length;
        if (used > PROBE_BUDGET) {
          throw new FedomopError(
            'ERR_DISCLOSURE_REFUSED',
            `this site answers at most ${PROBE_BUDGET} quantile probes per variable and plan`,
            { rule: 'probe-budget' },
          );
        }
        s.probes.set(budgetKey, used);
        let sorted = s.sorted.get(budgetKey);
        if (!sorted) {
          const source = a.kind === 'summary' ? a : { of: round.variable };
          sorted = sortedValues(t, source as never, round.variable, round.level);
          s.sorted.set(budgetKey, sorted);
        }
        return { type: 'quantile', ...answerProbes(sorted, round.probes, k) };
      }
      case 'bins':
        return histogramBins(t, a as Extract<VariableAnalysis, { kind: 'histogram' }>, round.edges, policy);
      case 'km-grid':
        return kmGrid(t, a as Extract<VariableAnalysis, { kind: 'km' }>, round.ends, k);
      case 'km-counts':
        return kmCounts(t, a as Extract<VariableAnalysis, { kind: 'km' }>, round.ends, policy);
      case 'levels':
        return { type: 'levels', levels: glmLevels(t, a as Extract<VariableAnalysis, { kind: 'glm' }>, k) };
      case 'glm': {
        const g = a as Extract<VariableAnalysis, { kind: 'glm' }>;
        checkTerms(t, g, round.terms, round.model);
        const key = JSON.stringify(round.terms);
        let entry = s.designs.get(key);
        if (!entry) {
          const design = buildDesign(t, g, round.terms);
          entry = { design, trap: designTraps(design, t, g, round.terms, k, round.model === 'full') };
          s.designs.set(key, entry);
        }
        if (entry.trap) {
          throw new FedomopError('ERR_DISCLOSURE_REFUSED', `glm refused by rule ${entry.trap.rule}: ${entry.trap.message}`, {
            rule: entry.trap.rule,
          });
        }
        return {
          type: 'glm',
          cases: caseCounts(t, entry.design.complete, policy),
          contribution: designContribution(entry.design, round.beta, g.family),
        };
      }
    }
  }
}
