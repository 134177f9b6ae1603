/**
 * Walks an operation tree and produces `{ sql, parameters }`. A fresh context per compile holds the
 * parameter list, so compiling is pure and re-entrant. The visitor table is a complete
 * Record<NodeKind, …>: a node kind without a visitor is a type error.
 */
import type { Dialect } from './dialect.js';
import type { Expr, NodeKind, OrderItem, SqlNode, SqlType, StatementNode } from './nodes.js';

export interface CompiledQuery {
  sql: string;
  parameters: Array<number | string | boolean | null>;
  /** One per parameter: drivers that bind by type (DuckDB) need it; PostgreSQL gets casts in the SQL. */
  parameterTypes: SqlType[];
}

interface Context {
  dialect: Dialect;
  parameters: CompiledQuery['parameters'];
  parameterTypes: SqlType[];
}

type Visitor<K extends NodeKind> = (node: Extract<SqlNode, { kind: K }>, ctx: Context) => string;
type VisitorTable = { [K in NodeKind]: Visitor<K> };

const id = (ctx: Context, name: string) => ctx.dialect.quoteIdentifier(name);

function literal(value: number | string | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('non-finite literal');
    return String(value);
  }
  return "'" + value.replace(/'/g, "''") + "'";
}

function orderList(items: readonly OrderItem[], ctx: Context): string {
  return items.map((o) => visit(o.expr, ctx) + (o.direction === 'desc' ? ' DESC' : ' ASC')).join(', ');
}

/** Nested queries in expression position need parentheses; top-level ones do not. */
const paren = (sql: string) => `(${sql})`;

const VISITORS: VisitorTable = {
  column: (n, ctx) => (n.table ? `${id(ctx, n.table)}.${id(ctx, n.name)}` : id(ctx, n.name)),
  param: (n, ctx) => {
    ctx.parameters.push(n.value);
    ctx.parameterTypes.push(n.type);
    return ctx.dialect.placeholder(ctx.parameters.length, n.type);
  },
  literal: (n) => literal(n.value),
  binary: (n, ctx) =>
    // LIKE has no default escape character in DuckDB; name one so both dialects treat \% alike.
    n.op === 'like'
      ? `(${visit(n.left, ctx)} LIKE ${visit(n.right, ctx)} ESCAPE '\\')`
      : `(${visit(n.left, ctx)} ${n.op.toUpperCase()} ${visit(n.right, ctx)})`,
  not: (n, ctx) => `(NOT ${visit(n.operand, ctx)})`,
  isNull: (n, ctx) => `(${visit(n.operand, ctx)} IS ${n.negated ? 'NOT ' : ''}NULL)`,
  inList: (n, ctx) =>
    `(${visit(n.operand, ctx)} ${n.negated ? 'NOT IN' : 'IN'} (${n.list.map((e) => visit(e, ctx)).join(', ')}))`,
  inQuery: (n, ctx) => `(${visit(n.operand, ctx)} ${n.negated ? 'NOT IN' : 'IN'} ${paren(visit(n.query, ctx))})`,
  between: (n, ctx) =>
    `(${visit(n.operand, ctx)} ${n.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${visit(n.low, ctx)} AND ${visit(n.high, ctx)})`,
  func: (n, ctx) => {
    const args = n.star ? '*' : n.args.map((a) => visit(a, ctx)).join(', ');
    return `${n.name.toUpperCase()}(${n.distinct ? 'DISTINCT ' : ''}${args})`;
  },
  window: (n, ctx) => {
    const parts: string[] = [];
    if (n.partitionBy.length) parts.push('PARTITION BY ' + n.partitionBy.map((e) => visit(e, ctx)).join(', '));
    if (n.orderBy.length) parts.push('ORDER BY ' + orderList(n.orderBy, ctx));
    if (n.frame) parts.push(FRAMES[n.frame]);
    return `${visit(n.func, ctx)} OVER (${parts.join(' ')})`;
  },
  case: (n, ctx) => {
    const whens = n.whens.map(([c, v]) => `WHEN ${visit(c, ctx)} THEN ${visit(v, ctx)}`).join(' ');
    const otherwise = n.otherwise ? ` ELSE ${visit(n.otherwise, ctx)}` : '';
    return `CASE ${whens}${otherwise} END`;
  },
  cast: (n, ctx) => `CAST(${visit(n.operand, ctx)} AS ${ctx.dialect.typeName(n.type)})`,
  dateAdd: (n, ctx) => ctx.dialect.dateAdd(visit(n.date, ctx), visit(n.days, ctx)),
  dateDiff: (n, ctx) => ctx.dialect.dateDiff(visit(n.from, ctx), visit(n.to, ctx)),
  yearOf: (n, ctx) => ctx.dialect.yearOf(visit(n.date, ctx)),
  scalarQuery: (n, ctx) => paren(visit(n.query, ctx)),
  exists: (n, ctx) => `(${n.negated ? 'NOT ' : ''}EXISTS ${paren(visit(n.query, ctx))})`,
  selection: (n, ctx) => visit(n.expr, ctx) + (n.alias ? ` AS ${id(ctx, n.alias)}` : ''),
  table: (n, ctx) => (n.schema ? `${id(ctx, n.schema)}.` : '') + id(ctx, n.name) + (n.alias ? ` ${id(ctx, n.alias)}` : ''),
  subquery: (n, ctx) => `${paren(visit(n.query, ctx))} ${id(ctx, n.alias)}`,
  join: (n, ctx) => `${n.type === 'left' ? 'LEFT JOIN' : 'JOIN'} ${visit(n.target, ctx)} ON ${visit(n.on, ctx)}`,
  cte: (n, ctx) => `${id(ctx, n.name)} AS ${paren(visit(n.query, ctx))}`,
  select: (n, ctx) => {
    const parts: string[] = [];
    if (n.with.length) parts.push('WITH ' + n.with.map((c) => visit(c, ctx)).join(',\n'));
    parts.push('SELECT ' + (n.distinct ? 'DISTINCT ' : '') + n.selections.map((s) => visit(s, ctx)).join(', '));
    if (n.from) parts.push('FROM ' + visit(n.from, ctx));
    for (const j of n.joins) parts.push(visit(j, ctx));
    if (n.where) parts.push('WHERE ' + visit(n.where, ctx));
    if (n.groupBy.length) parts.push('GROUP BY ' + n.groupBy.map((e) => visit(e, ctx)).join(', '));
    if (n.having) parts.push('HAVING ' + visit(n.having, ctx));
    if (n.orderBy.length) parts.push('ORDER BY ' + orderList(n.orderBy, ctx));
    if (n.limit !== undefined) {
      if (!Number.isSafeInteger(n.limit) || n.limit < 0) throw new Error(`bad LIMIT ${n.limit}`);
      parts.push(`LIMIT ${n.limit}`);
    }
    return parts.join('\n');
  },
  setOp: (n, ctx) => n.queries.map((q) => paren(visit(q, ctx))).join(`\n${n.op.toUpperCase()}\n`),
  createTempTable: (n, ctx) => `CREATE TEMPORARY TABLE ${id(ctx, n.name)} AS\n${visit(n.query, ctx)}`,
  dropTable: (n, ctx) => `DROP TABLE IF EXISTS ${visit(n.table, ctx)}`,
  insert: (n, ctx) =>
    `INSERT INTO ${visit(n.table, ctx)} (${n.columns.map((c) => id(ctx, c)).join(', ')})\n${visit(n.query, ctx)}`,
  delete: (n, ctx) => `DELETE FROM ${visit(n.table, ctx)} WHERE ${visit(n.where, ctx)}`,
};

const FRAMES = {
  unboundedToCurrent: 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW',
  unboundedToPrevious: 'ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING',
} as const;

function visit(node: SqlNode | Expr, ctx: Context): string {
  const visitor = VISITORS[node.kind] as (n: SqlNode, c: Context) => string;
  return visitor(node, ctx);
}

export function compile(query: StatementNode, dialect: Dialect): CompiledQuery {
  const ctx: Context = { dialect, parameters: [], parameterTypes: [] };
  return { sql: visit(query, ctx), parameters: ctx.parameters, parameterTypes: ctx.parameterTypes };
}
