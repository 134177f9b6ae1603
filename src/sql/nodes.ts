/**
 * The SQL operation tree. Every node is an immutable object with a `kind`; the compiler has one
 * visitor per kind (a complete Record), so adding a kind fails to compile until it is handled.
 * Values that come from a plan only ever enter the tree as `param` nodes, which compile to bound
 * parameters. `literal` exists for constants written in this code base (0, 1, 10, 'MALE').
 * Identifiers are `SqlIdentifier`s: they are built here from code constants, never from plan text.
 */

export type SqlType = 'integer' | 'bigint' | 'double' | 'text' | 'date' | 'boolean';

export type BinaryOp = '=' | '<>' | '<' | '<=' | '>' | '>=' | 'and' | 'or' | '+' | '-' | '*' | '/' | '||' | 'like' | '&';

/** Functions the compiler may emit; an allow-list keeps the tree from naming anything else. */
export type SqlFunction =
  | 'count'
  | 'sum'
  | 'min'
  | 'max'
  | 'coalesce'
  | 'floor'
  | 'row_number'
  | 'lower'
  | 'length'
  | 'nullif'
  // Packs a page of vocabulary rows into one value (src/site/concept-index/load.ts): per-value driver overhead dominated.
  | 'string_agg';

export interface ColumnNode {
  readonly kind: 'column';
  readonly table?: string;
  readonly name: string;
}
export interface ParamNode {
  readonly kind: 'param';
  readonly value: number | string | boolean | null;
  readonly type: SqlType;
}
export interface LiteralNode {
  readonly kind: 'literal';
  readonly value: number | string | boolean | null;
}
export interface BinaryNode {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}
export interface NotNode {
  readonly kind: 'not';
  readonly operand: Expr;
}
export interface IsNullNode {
  readonly kind: 'isNull';
  readonly operand: Expr;
  readonly negated: boolean;
}
export interface InListNode {
  readonly kind: 'inList';
  readonly operand: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
}
export interface InQueryNode {
  readonly kind: 'inQuery';
  readonly operand: Expr;
  readonly query: QueryNode;
  readonly negated: boolean;
}
export interface BetweenNode {
  readonly kind: 'between';
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
}
export interface FuncNode {
  readonly kind: 'func';
  readonly name: SqlFunction;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  readonly star: boolean;
}
export interface WindowNode {
  readonly kind: 'window';
  readonly func: FuncNode;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  /** Rows frame: every row before this one, with or without the current row. */
  readonly frame?: 'unboundedToCurrent' | 'unboundedToPrevious';
}
export interface CaseNode {
  readonly kind: 'case';
  readonly whens: ReadonlyArray<readonly [Expr, Expr]>;
  readonly otherwise?: Expr;
}
export interface CastNode {
  readonly kind: 'cast';
  readonly operand: Expr;
  readonly type: SqlType;
}
/** date + days; dialects differ in how they spell it. */
export interface DateAddNode {
  readonly kind: 'dateAdd';
  readonly date: Expr;
  readonly days: Expr;
}
/** Whole days from `from` to `to` (to − from). */
export interface DateDiffNode {
  readonly kind: 'dateDiff';
  readonly from: Expr;
  readonly to: Expr;
}
export interface YearOfNode {
  readonly kind: 'yearOf';
  readonly date: Expr;
}
/** A subquery yielding one value, e.g. a correlated count. */
export interface ScalarQueryNode {
  readonly kind: 'scalarQuery';
  readonly query: QueryNode;
}
export interface ExistsNode {
  readonly kind: 'exists';
  readonly query: QueryNode;
  readonly negated: boolean;
}

export type Expr =
  | ColumnNode
  | ParamNode
  | LiteralNode
  | BinaryNode
  | NotNode
  | IsNullNode
  | InListNode
  | InQueryNode
  | BetweenNode
  | FuncNode
  | WindowNode
  | CaseNode
  | CastNode
  | DateAddNode
  | DateDiffNode
  | YearOfNode
  | ScalarQueryNode
  | ExistsNode;

export interface OrderItem {
  readonly expr: Expr;
  readonly direction: 'asc' | 'desc';
}

export interface SelectionNode {
  readonly kind: 'selection';
  readonly expr: Expr;
  readonly alias?: string;
}
export interface TableNode {
  readonly kind: 'table';
  /** Schema, from configuration (a site's or a steward's), never from a plan. */
  readonly schema?: string;
  readonly name: string;
  readonly alias?: string;
}
export interface SubqueryNode {
  readonly kind: 'subquery';
  readonly query: QueryNode;
  readonly alias: string;
}
export type FromItem = TableNode | SubqueryNode;

export interface JoinNode {
  readonly kind: 'join';
  readonly type: 'inner' | 'left';
  readonly target: FromItem;
  readonly on: Expr;
}
export interface CteNode {
  readonly kind: 'cte';
  readonly name: string;
  readonly query: QueryNode;
}
export interface SelectNode {
  readonly kind: 'select';
  readonly with: readonly CteNode[];
  readonly distinct: boolean;
  readonly selections: readonly SelectionNode[];
  readonly from?: FromItem;
  readonly joins: readonly JoinNode[];
  readonly where?: Expr;
  readonly groupBy: readonly Expr[];
  readonly having?: Expr;
  readonly orderBy: readonly OrderItem[];
  /** A non-negative integer checked by the compiler; never text. */
  readonly limit?: number;
}
/** UNION / UNION ALL / EXCEPT of whole queries. */
export interface SetOpNode {
  readonly kind: 'setOp';
  readonly op: 'union' | 'union all' | 'except';
  readonly queries: readonly QueryNode[];
}
export type QueryNode = SelectNode | SetOpNode;

/** Statements for `cohort generate`, which writes the OHDSI results tables. */
export interface CreateTempTableNode {
  readonly kind: 'createTempTable';
  readonly name: string;
  readonly query: QueryNode;
}
export interface DropTableNode {
  readonly kind: 'dropTable';
  readonly table: TableNode;
}
export interface InsertNode {
  readonly kind: 'insert';
  readonly table: TableNode;
  readonly columns: readonly string[];
  readonly query: QueryNode;
}
export interface DeleteNode {
  readonly kind: 'delete';
  readonly table: TableNode;
  readonly where: Expr;
}
export type StatementNode = QueryNode | CreateTempTableNode | DropTableNode | InsertNode | DeleteNode;

export type SqlNode =
  | Expr
  | SelectionNode
  | TableNode
  | SubqueryNode
  | JoinNode
  | CteNode
  | QueryNode
  | CreateTempTableNode
  | DropTableNode
  | InsertNode
  | DeleteNode;
export type NodeKind = SqlNode['kind'];
