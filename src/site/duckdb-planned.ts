/**
 * DuckDB plans kept for a plan asked again: a statement prepared with its values already folded in,
 * so a repeated query runs without being bound, optimised and planned afresh.
 *
 * Why not the prepared statement with `$n` parameters: DuckDB 1.5 never keeps a plan for a statement
 * that has parameters and reads a table (v1.5.5 `PreparedStatement::CanCachePlan` refuses any
 * LOGICAL_GET, so `CreatePreparedStatementInternal` marks it `always_require_rebind`) and re-plans it
 * on every run with the values bound as constants (`ExpressionBinder::BindExpression(ParameterExpression&)`
 * emits a `BoundConstantExpression` once a value is known). That costs as much as running the tiny
 * site's count itself (issue 11). A statement without parameters keeps its plan (the check is only
 * made when `parameter_count > 0`).
 *
 * So a plan seen before is prepared once more in a form without parameters: each `$n` becomes
 * `getvariable('<name>')`, and each name was set just before with `SET VARIABLE <name> = CAST($1 AS
 * <type>)` — the value still travels as a bound parameter, never as SQL text. `getvariable` is folded
 * into a constant when the statement is bound (v1.5.5 `BindGetVariableExpression`), i.e. the plan
 * holds exactly the constants a rebind would have put there, and is then kept. A folded value is
 * only right for the values it was made with, hence:
 * - statements are kept by their SQL *and* values (`planKey`), never by SQL alone;
 * - every kept statement has variables of its own (a per-connection counter in the name), never
 *   written again while it lives, so should DuckDB ever bind it again (a catalog change would make it
 *   — impossible on a READ_ONLY file, but cheap to be safe from), it reads its own values again;
 * - variables belong to the connection (DuckDB's client config), and a connection serves one query at
 *   a time (duckdb-sessions.ts), so no other query's SET can come in between.
 * duckdb-planned.spec.ts runs plans with different values through the same connection and compares
 * every answer with the ordinary bound statement's.
 */
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { duckdbParameterTypes } from '../node/duckdb-parameter-types.js';
import type { CompiledQuery } from '../sql/index.js';
import type { SqlType } from '../sql/nodes.js';

/** SQL longer than this is not kept planned: its plan's memory could be large (huge concept sets). */
const MAX_SQL_CHARS = 256 * 1024;

/** How each parameter type is declared for its variable (dates travel as text, cast in the SQL). */
const VARIABLE_TYPES: Record<SqlType, string> = {
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  date: 'VARCHAR',
  text: 'VARCHAR',
  boolean: 'BOOLEAN',
};

const keys = new WeakMap<CompiledQuery, string | null>();

/**
 * What a kept plan is kept by: the SQL text, the parameter types and the values (JSON keeps 1 and
 * "1" apart). Null when the query is not kept planned: a null value (bound as an untyped NULL, so
 * it is left to the ordinary path) or very long SQL. Memoised per object: the site's compiled plans
 * are frozen and shared (compiled-plans.ts), so a repeated plan costs one lookup.
 */
export function planKey(compiled: CompiledQuery): string | null {
  const known = keys.get(compiled);
  if (known !== undefined) return known;
  const plannable =
    compiled.sql.length <= MAX_SQL_CHARS &&
    compiled.parameters.length > 0 &&
    compiled.parameters.length === compiled.parameterTypes.length &&
    compiled.parameters.every((p) => p !== null);
  const key = plannable
    ? `${compiled.parameterTypes.join(',')}\u0000${JSON.stringify(compiled.parameters)}\u0000${compiled.sql}`
    : null;
  if (Object.isFrozen(compiled)) keys.set(compiled, key);
  return key;
}

/**
 * `sql` with every `$n` outside quotes replaced by `getvariable('<name(n)>')`. The compiler quotes
 * identifiers with "…" and code constants with '…' (a quote inside doubled), so `$` inside either is
 * text, not a placeholder. Returns the placeholders it replaced, to check against the parameters.
 */
export function variableForm(sql: string, name: (index: number) => string): { sql: string; indexes: Set<number> } {
  const indexes = new Set<number>();
  let out = '';
  let from = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql.charCodeAt(i);
    if (c === QUOTE || c === DOUBLE_QUOTE) {
      // To the closing quote; a doubled quote is an escaped one and continues the quoted text.
      let j = i + 1;
      for (;;) {
        j = sql.indexOf(sql[i], j);
        if (j === -1) throw new Error('unterminated quote in SQL');
        if (sql.charCodeAt(j + 1) === c) j += 2;
        else break;
      }
      i = j + 1;
    } else if (c === DOLLAR && isDigit(sql.charCodeAt(i + 1))) {
      let j = i + 1;
      while (isDigit(sql.charCodeAt(j))) j++;
      const index = Number(sql.slice(i + 1, j));
      indexes.add(index);
      out += `${sql.slice(from, i)}getvariable('${name(index)}')`;
      from = i = j;
    } else i++;
  }
  return { sql: out + sql.slice(from), indexes };
}

const QUOTE = 39;
const DOUBLE_QUOTE = 34;
const DOLLAR = 36;
const isDigit = (c: number) => c >= 48 && c <= 57;

interface Entry {
  statement: DuckDBPreparedStatement;
  variables: string[];
}

/** Statements kept per connection; each holds a physical plan (small for the plans a panel asks). */
const PLANNED_PER_CONNECTION = 16;

/** One connection's kept plans. Used only by the query that has the connection checked out. */
export class PlannedStatements {
  // A Map iterates in insertion order; re-inserting on use makes the first key the least recently used.
  private readonly entries = new Map<string, Entry>();
  private counter = 0;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly max = PLANNED_PER_CONNECTION,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Whether a plan is kept for `key` (planKey), without touching its place in the eviction order. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The kept statement for `key` (planKey of `compiled`), prepared with its values on first use. */
  async statement(key: string, compiled: CompiledQuery): Promise<DuckDBPreparedStatement> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.statement;
    }
    const entry = await this.prepare(compiled);
    this.entries.set(key, entry);
    if (this.entries.size > this.max) {
      const [oldest, evicted] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      await this.drop(evicted);
    }
    return entry.statement;
  }

  private async prepare(compiled: CompiledQuery): Promise<Entry> {
    const id = ++this.counter;
    const name = (index: number) => `fedomop_plan${id}_${index}`;
    const { sql, indexes } = variableForm(compiled.sql, name);
    const count = compiled.parameters.length;
    // Every parameter used, none beyond: otherwise a variable could be read unset (NULL).
    if (indexes.size !== count || [...indexes].some((n) => n < 1 || n > count)) {
      throw new Error(`placeholders ${[...indexes].join(',')} do not match ${count} parameters`);
    }
    const types = duckdbParameterTypes(compiled.parameterTypes);
    const variables: string[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const variable = name(i + 1);
        variables.push(variable);
        const type = VARIABLE_TYPES[compiled.parameterTypes[i]];
        await this.connection.run(`SET VARIABLE ${variable} = CAST($1 AS ${type})`, [compiled.parameters[i]] as never, [
          types[i],
        ]);
      }
      return { statement: await this.connection.prepare(sql), variables };
    } catch (err) {
      await this.reset(variables).catch(() => {});
      throw err;
    }
  }

  private async drop(entry: Entry): Promise<void> {
    entry.statement.destroySync();
    await this.reset(entry.variables);
  }

  private async reset(variables: string[]): Promise<void> {
    for (const v of variables) await this.connection.run(`RESET VARIABLE ${v}`);
  }

  /** Drops the statements (the connection's variables go with the connection). */
  close(): void {
    for (const entry of this.entries.values()) entry.statement.destroySync();
    this.entries.clear();
  }
}
