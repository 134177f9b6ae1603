/**
 * Small factories for the operation tree, so builders read like the SQL they make.
 * Every factory returns a frozen node; nothing here ever turns a string into SQL text.
 */
import type {
  BinaryOp,
  CreateTempTableNode,
  DeleteNode,
  DropTableNode,
  InsertNode,
  ColumnNode,
  CteNode,
  Expr,
  FromItem,
  FuncNode,
  JoinNode,
  OrderItem,
  ParamNode,
  QueryNode,
  SelectNode,
  SelectionNode,
  SetOpNode,
  SqlFunction,
  SqlType,
  SubqueryNode,
  TableNode,
  WindowNode,
} from './nodes.js';

const freeze = <T>(node: T): T => Object.freeze(node);

export const col = (ref: string): ColumnNode => {
  const dot = ref.indexOf('.');
  return dot < 0
    ? freeze({ kind: 'column', name: ref })
    : freeze({ kind: 'column', table: ref.slice(0, dot), name: ref.slice(dot + 1) });
};
export const param = (value: ParamNode['value'], type: SqlType): ParamNode => freeze({ kind: 'param', value, type });
export const int = (value: number): ParamNode => param(value, 'integer');
export const lit = (value: number | string | boolean | null): Expr => freeze({ kind: 'literal', value });

export const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => freeze({ kind: 'binary', op, left, right });
export const eq = (l: Expr, r: Expr) => bin('=', l, r);
export const lte = (l: Expr, r: Expr) => bin('<=', l, r);
export const gte = (l: Expr, r: Expr) => bin('>=', l, r);
export const not = (operand: Expr): Expr => freeze({ kind: 'not', operand });
export const isNull = (operand: Expr, negated = false): Expr => freeze({ kind: 'isNull', operand, negated });
export const inList = (operand: Expr, list: Expr[], negated = false): Expr => freeze({ kind: 'inList', operand, list, negated });
export const inQuery = (operand: Expr, query: QueryNode, negated = false): Expr =>
  freeze({ kind: 'inQuery', operand, query, negated });
export const between = (operand: Expr, low: Expr, high: Expr, negated = false): Expr =>
  freeze({ kind: 'between', operand, low, high, negated });

/** AND of all given conditions; undefined when there are none. */
export function and(...conds: Array<Expr | undefined>): Expr | undefined {
  const present = conds.filter((c): c is Expr => c !== undefined);
  return present.length === 0 ? undefined : present.reduce((acc, c) => bin('and', acc, c));
}
export function or(...conds: Expr[]): Expr {
  return conds.reduce((acc, c) => bin('or', acc, c));
}

export const fn = (name: SqlFunction, args: Expr[] = [], opts: { distinct?: boolean; star?: boolean } = {}): FuncNode =>
  freeze({ kind: 'func', name, args, distinct: opts.distinct ?? false, star: opts.star ?? false });
export const countStar = () => fn('count', [], { star: true });
export const over = (func: FuncNode, partitionBy: Expr[], orderBy: OrderItem[], frame?: WindowNode['frame']): WindowNode =>
  freeze({ kind: 'window', func, partitionBy, orderBy, frame });
export const asc = (expr: Expr): OrderItem => ({ expr, direction: 'asc' });
export const desc = (expr: Expr): OrderItem => ({ expr, direction: 'desc' });
export const caseWhen = (whens: Array<[Expr, Expr]>, otherwise?: Expr): Expr => freeze({ kind: 'case', whens, otherwise });
export const cast = (operand: Expr, type: SqlType): Expr => freeze({ kind: 'cast', operand, type });
export const dateAdd = (date: Expr, days: Expr): Expr => freeze({ kind: 'dateAdd', date, days });
export const yearOf = (date: Expr): Expr => freeze({ kind: 'yearOf', date });
export const dateDiff = (from: Expr, to: Expr): Expr => freeze({ kind: 'dateDiff', from, to });
export const exists = (query: QueryNode, negated = false): Expr => freeze({ kind: 'exists', query, negated });
export const scalar = (query: QueryNode): Expr => freeze({ kind: 'scalarQuery', query });

export const sel = (expr: Expr, alias?: string): SelectionNode => freeze({ kind: 'selection', expr, alias });
export const table = (name: string, alias?: string, schema?: string): TableNode => freeze({ kind: 'table', name, alias, schema });
export const subquery = (query: QueryNode, alias: string): SubqueryNode => freeze({ kind: 'subquery', query, alias });
export const join = (target: FromItem, on: Expr, type: JoinNode['type'] = 'inner'): JoinNode =>
  freeze({ kind: 'join', type, target, on });
export const cte = (name: string, query: QueryNode): CteNode => freeze({ kind: 'cte', name, query });
export const setOp = (op: SetOpNode['op'], queries: QueryNode[]): QueryNode =>
  queries.length === 1 ? queries[0] : freeze({ kind: 'setOp', op, queries });

export const createTempTable = (name: string, query: QueryNode): CreateTempTableNode =>
  freeze({ kind: 'createTempTable', name, query });
export const dropTable = (target: TableNode): DropTableNode => freeze({ kind: 'dropTable', table: target });
export const insertInto = (target: TableNode, columns: string[], query: QueryNode): InsertNode =>
  freeze({ kind: 'insert', table: target, columns, query });
export const deleteFrom = (target: TableNode, where: Expr): DeleteNode => freeze({ kind: 'delete', table: target, where });

export interface SelectSpec {
  with?: CteNode[];
  distinct?: boolean;
  select: Array<SelectionNode | Expr>;
  from?: FromItem;
  joins?: JoinNode[];
  where?: Expr;
  groupBy?: Expr[];
  having?: Expr;
  orderBy?: OrderItem[];
  limit?: number;
}

export function select(spec: SelectSpec): SelectNode {
  return freeze({
    kind: 'select',
    with: spec.with ?? [],
    distinct: spec.distinct ?? false,
    selections: spec.select.map((s) => (s.kind === 'selection' ? s : sel(s))),
    from: spec.from,
    joins: spec.joins ?? [],
    where: spec.where,
    groupBy: spec.groupBy ?? [],
    having: spec.having,
    orderBy: spec.orderBy ?? [],
    limit: spec.limit,
  });
}
