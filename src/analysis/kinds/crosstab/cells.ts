/**
 * `crosstab` of the built-in dimensions at the site: persons and entry events per cell of gender ×
 * age group × index year (any subset). An event falls in the cell of its own index date; a person
 * is counted once, in the cell of their earliest entry event, so persons summed over cells equal the
 * cohort's persons.
 *
 * Person level: <dims>, person_id, counted (1 when this is the cell of the person's first event), events.
 */
import { COHORT_EVENTS, cohortEventStages } from '../cohort-stages.js';
import { CellAccumulator } from '../../../disclosure/person-set.js';
import type { Plan } from '../../../plan/types.js';
import {
  asc,
  bin,
  caseWhen,
  cast,
  col,
  countStar,
  cte,
  eq,
  fn,
  gte,
  join,
  lit,
  over,
  sel,
  select,
  table,
  yearOf,
} from '../../../sql/build.js';
import type { CteNode, Expr, QueryNode, SelectionNode } from '../../../sql/nodes.js';
import { FedomopError } from '../../../errors.js';
import type { CellsKindSite, PersonCell, PersonColumns } from '../cells-site.js';
import { normaliseDim, personNumber as num } from '../cells-site.js';
import type { CrosstabAnalysis, CrosstabDimension } from './plan.js';
import { CROSSTAB_CELLS } from './result.js';

export const GENDER_LABELS: ReadonlyArray<readonly [number, string]> = [
  [8507, 'MALE'],
  [8532, 'FEMALE'],
];
export const UNKNOWN_GENDER = 'UNKNOWN';
/** Ages at or above this share one open band, so the oldest (and rarest) people are not singled out. */
export const TOP_AGE_BAND = 90;

function genderLabel(): Expr {
  return caseWhen(
    GENDER_LABELS.map(([id, label]) => [eq(col('i.gender_concept_id'), lit(id)), lit(label)]),
    lit(UNKNOWN_GENDER),
  );
}

function ageGroupLabel(): Expr {
  const age = col('i.age');
  const bandStart = cast(bin('*', fn('floor', [bin('/', cast(age, 'double'), lit(10))]), lit(10)), 'integer');
  const label = bin('||', bin('||', cast(bandStart, 'text'), lit('-')), cast(bin('+', bandStart, lit(9)), 'text'));
  return caseWhen(
    [
      [bin('<', age, lit(0)), lit('unknown')],
      [gte(age, lit(TOP_AGE_BAND)), lit(`${TOP_AGE_BAND}+`)],
    ],
    label,
  );
}

const DIMENSION_EXPRESSIONS: Record<CrosstabDimension, () => Expr> = {
  gender: genderLabel,
  age_group: ageGroupLabel,
  index_year: () => col('i.index_year'),
};

/** The cohort's events with their cell (one column per dimension), person and first-of-person flag, as CTEs ending in `cells`. */
export function crosstabCellStages(plan: Plan & { analysis: CrosstabAnalysis }): CteNode[] {
  const start = col('e.start_date');
  const indexed = select({
    select: [
      sel(col('e.person_id'), 'person_id'),
      sel(col('p.gender_concept_id'), 'gender_concept_id'),
      sel(bin('-', yearOf(start), col('p.year_of_birth')), 'age'),
      sel(yearOf(start), 'index_year'),
      sel(over(fn('row_number'), [col('e.person_id')], [asc(start), asc(col('e.event_id'))]), 'person_seq'),
    ],
    from: table(COHORT_EVENTS, 'e'),
    joins: [join(table('person', 'p'), eq(col('p.person_id'), col('e.person_id')))],
  });
  const dims = plan.analysis.by;
  for (const d of dims) {
    if (!(d in DIMENSION_EXPRESSIONS)) {
      throw new FedomopError(
        'ERR_PLAN_UNSUPPORTED',
        `crossing the variable "${d}" is not supported yet: cross gender, age_group or index_year`,
      );
    }
  }
  const cells = select({
    select: [
      ...dims.map((d): SelectionNode => sel(DIMENSION_EXPRESSIONS[d as CrosstabDimension](), d)),
      sel(col('i.person_id'), 'person_id'),
      sel(eq(col('i.person_seq'), lit(1)), 'first_of_person'),
    ],
    from: table('indexed', 'i'),
  });
  return [...cohortEventStages(plan.cohort), cte('indexed', indexed), cte('cells', cells)];
}

function aggregateQuery(plan: Plan & { analysis: CrosstabAnalysis }): QueryNode {
  const dims = plan.analysis.by;
  return select({
    with: crosstabCellStages(plan),
    select: [
      ...dims.map((d) => sel(col(`c.${d}`), d)),
      sel(fn('sum', [caseWhen([[col('c.first_of_person'), lit(1)]], lit(0))]), 'persons'),
      sel(countStar(), 'events'),
    ],
    from: table('cells', 'c'),
    groupBy: dims.map((d) => col(`c.${d}`)),
    orderBy: dims.map((d) => asc(col(`c.${d}`))),
  });
}

function personQuery(plan: Plan & { analysis: CrosstabAnalysis }): QueryNode {
  const a = plan.analysis;
  const dims = a.by;
  return select({
    with: crosstabCellStages({ ...plan, analysis: a }),
    select: [
      ...dims.map((d) => sel(col(`c.${d}`), d)),
      sel(col('c.person_id'), 'person_id'),
      sel(fn('max', [caseWhen([[col('c.first_of_person'), lit(1)]], lit(0))]), 'counted'),
      // One person's events in one cell: an INTEGER, read as a typed array (site/duckdb-columns.ts).
      sel(cast(countStar(), 'integer'), 'events'),
    ],
    from: table('cells', 'c'),
    groupBy: [...dims.map((d) => col(`c.${d}`)), col('c.person_id')],
  });
}

/**
 * Each row's value of one dimension as a small code, and how many codes there are. An integer column
 * (a typed array: never NULL, site/duckdb-columns.ts) is coded by its offset from its minimum, with no
 * lookup per row; any other by a map of its distinct values.
 */
function dimensionCodes(values: ArrayLike<unknown>, n: number): { codes: Int32Array; count: number } {
  const codes = new Int32Array(n);
  if (values instanceof Int32Array || values instanceof Float64Array) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (n === 0 || (Number.isInteger(min) && Number.isInteger(max) && max - min < 65_536)) {
      for (let i = 0; i < n; i++) codes[i] = values[i] - min;
      return { codes, count: n === 0 ? 1 : max - min + 1 };
    }
  }
  const seen = new Map<unknown, number>();
  for (let i = 0; i < n; i++) {
    const v = values[i] ?? null;
    let code = seen.get(v);
    if (code === undefined) seen.set(v, (code = seen.size));
    codes[i] = code;
  }
  return { codes, count: Math.max(1, seen.size) };
}

function personCells(plan: Plan & { analysis: CrosstabAnalysis }, { n, column, words }: PersonColumns, k: number): PersonCell[] {
  const a = plan.analysis;
  const events = column('events');
  const dims = CROSSTAB_CELLS.dimensions(a);
  const dimColumns = dims.map(column);
  const counted = column('counted');
  // Each row's cell as one number (the dimensions' codes combined), so a row finds its cell with
  // one array or map read instead of one map lookup per dimension.
  const cellOfRow = new Float64Array(n);
  let span = 1;
  for (const values of dimColumns) {
    const { codes, count } = dimensionCodes(values, n);
    for (let i = 0; i < n; i++) cellOfRow[i] = cellOfRow[i] * count + codes[i];
    span *= count;
  }
  const dense = span <= 65_536 ? new Array<PersonCell | undefined>(span) : undefined;
  const sparse = dense ? undefined : new Map<number, PersonCell>();
  const cells: PersonCell[] = [];
  for (let i = 0; i < n; i++) {
    const c = cellOfRow[i];
    let cell = dense ? dense[c] : sparse!.get(c);
    if (!cell) {
      cell = { dims: Object.fromEntries(dims.map((d, j) => [d, normaliseDim(dimColumns[j][i])])), acc: new CellAccumulator(k) };
      if (dense) dense[c] = cell;
      else sparse!.set(c, cell);
      cells.push(cell);
    }
    cell.acc.add(words, i, num(counted[i]) === 1, num(events[i]));
  }
  return cells.sort((x, y) =>
    compareDims(
      dims.map((d) => x.dims[d as CrosstabDimension] ?? null),
      dims.map((d) => y.dims[d as CrosstabDimension] ?? null),
    ),
  );
}

type DimValue = string | number | null;
/** Numbers numerically, strings by code unit (the same on every engine), nulls last. */
function compareDims(a: DimValue[], b: DimValue[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** The SQL crosstab (the built-in dimensions); crosstabs of variables read the person table (site.ts). */
export const dimensionCrosstab: CellsKindSite<CrosstabAnalysis> = { aggregateQuery, personQuery, personCells };
