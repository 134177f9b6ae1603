/**
 * Long-lived DuckDB connections, each with its own cache of prepared statements keyed by SQL text.
 *
 * Why: node-api's `runAndReadAll(sql, values)` parses and prepares afresh on every call. Plans with
 * the same shape compile to the same SQL text (every value is a bound parameter), so a statement
 * prepared once serves every later query of that shape. What this saves is parsing and preparing
 * (~0.7 ms of CPU on the prostate count), not planning: DuckDB (1.5) keeps no plan for a statement that has parameters and scans a
 * table (`PreparedStatement::CanCachePlan` refuses any table scan, so the statement is marked
 * `always_require_rebind`) and binds, optimises and plans it again on every execution, with the
 * values then known. On the 200-person prostate count that is ~2 ms of CPU beside ~2 ms of
 * execution (issue 11). A query asked a second time is therefore also kept fully planned, with its
 * values folded in through DuckDB variables (duckdb-planned.ts); values never go into SQL text.
 *
 * A session is checked out by one query at a time, so interrupting it (cancel, timeout) touches no
 * other query; a session that was interrupted or failed is closed rather than reused, so nothing a
 * broken query left behind can reach the next one.
 */
import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement } from '@duckdb/node-api';
import { PlannedStatements } from './duckdb-planned.js';

/** Distinct SQL texts kept prepared per connection: plan shapes, not plans, so a few dozen cover a panel's use. */
const STATEMENTS_PER_SESSION = 32;

/** Queries (SQL and values) remembered as asked once, so the second asking keeps a plan. */
const SEEN_QUERIES = 512;

export class DuckDbSession {
  // A Map iterates in insertion order; re-inserting on use makes the first key the least recently used.
  private readonly statements = new Map<string, DuckDBPreparedStatement>();
  /** Statements kept with their values folded in, for queries asked before (duckdb-planned.ts). */
  readonly planned: PlannedStatements;

  constructor(readonly connection: DuckDBConnection) {
    this.planned = new PlannedStatements(connection);
  }

  /** Whether `sql` is prepared here already. */
  hasPrepared(sql: string): boolean {
    return this.statements.has(sql);
  }

  /** The prepared statement for `sql`, prepared on first use. */
  async prepared(sql: string): Promise<DuckDBPreparedStatement> {
    const hit = this.statements.get(sql);
    if (hit) {
      this.statements.delete(sql);
      this.statements.set(sql, hit);
      return hit;
    }
    const statement = await this.connection.prepare(sql);
    this.statements.set(sql, statement);
    if (this.statements.size > STATEMENTS_PER_SESSION) {
      const [oldest, evicted] = this.statements.entries().next().value!;
      this.statements.delete(oldest);
      evicted.destroySync();
    }
    return statement;
  }

  close(): void {
    for (const statement of this.statements.values()) statement.destroySync();
    this.statements.clear();
    this.planned.close();
    this.connection.closeSync();
  }
}

export class DuckDbSessions {
  private readonly idle: DuckDbSession[] = [];
  private closed = false;
  /** Sessions handed out and not yet released. */
  private out = 0;
  private onDrained?: () => void;
  /**
   * planKey → whether a query asked again may be kept planned (false: preparing it so failed once).
   * A query asked only once is not planned ahead: that would cost it the variables and one more
   * parse, and queries that differ every time (concept search text) would only churn the kept plans.
   */
  private readonly seen = new Map<string, boolean>();

  /** `maxIdle` bounds the connections kept between queries; a burst beyond it opens (and later closes) more. */
  constructor(
    private readonly instance: DuckDBInstance,
    private readonly maxIdle: number,
  ) {}

  /**
   * A session for a query (its SQL, and its planKey or null): an idle one that keeps the query's plan,
   * else one that has its SQL prepared (the most recently used of them); else a new connection while
   * fewer than maxIdle are open, and only then the least recently used idle one.
   *
   * Why not simply the most recently used: under one caller's flood the flood's plans then move onto
   * every connection in turn, and a connection interrupted for another caller's query (the hub's
   * give-way stops a flood call) is closed with every plan it kept — the other caller's count among
   * them, which then ran re-planned at every site (×1.3 its handler time). Kept to connections of their
   * own, a stopped flood call takes only the flood's plans with it.
   */
  async acquire(want?: { sql: string; key: string | null }): Promise<DuckDbSession> {
    const i = want ? this.pick(want) : this.idle.length - 1;
    let session: DuckDbSession;
    if (i >= 0) session = this.idle.splice(i, 1)[0];
    else if (this.idle.length + this.out < this.maxIdle || this.idle.length === 0)
      session = new DuckDbSession(await this.instance.connect());
    else session = this.idle.shift()!;
    this.out++;
    return session;
  }

  /** The idle session to reuse for `want` (index), or -1 when none has its plan or SQL. */
  private pick(want: { sql: string; key: string | null }): number {
    let prepared = -1;
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const s = this.idle[i];
      if (want.key !== null && s.planned.has(want.key)) return i;
      if (prepared < 0 && s.hasPrepared(want.sql)) prepared = i;
    }
    return prepared;
  }

  /** True when the query with this planKey was asked before (and may be kept planned); remembers it. */
  askedBefore(key: string): boolean {
    const known = this.seen.get(key);
    this.seen.delete(key);
    this.seen.set(key, known ?? true);
    if (this.seen.size > SEEN_QUERIES) this.seen.delete(this.seen.keys().next().value!);
    return known === true;
  }

  /** Preparing this query with its values folded in failed: ask it the ordinary way from now on. */
  notPlannable(key: string): void {
    this.seen.set(key, false);
  }

  /** Returns a session that finished cleanly; `reusable: false` (interrupted, failed) closes it instead. */
  release(session: DuckDbSession, reusable: boolean): void {
    this.out--;
    if (reusable && !this.closed && this.idle.length < this.maxIdle) this.idle.push(session);
    else session.close();
    if (this.closed && this.out === 0) this.drained();
  }

  /** Closes the idle sessions now and the busy ones as their queries end; `onDrained` runs after the last. */
  close(onDrained?: () => void): void {
    this.closed = true;
    this.onDrained = onDrained;
    for (const session of this.idle.splice(0)) session.close();
    if (this.out === 0) this.drained();
  }

  private drained(): void {
    const done = this.onDrained;
    this.onDrained = undefined;
    done?.();
  }
}
