/**
 * Variables → the operation tree. Three stages after the cohort's own:
 *   variable_index   one row per person: the first included entry event (index date) and the end
 *                    of the observation period holding it;
 *   variable_values  one column per variable (a time_to variable has two: days and event);
 *   variable_rows    the complete cases: rows with no missing value in any variable used.
 * The rows never leave the site: analyses aggregate over `variable_rows`, and
 * completeCasesQuery says how many persons were dropped.
 *
 * Variable names never reach SQL: columns are v0, v1, … (and v3_event), mapped back by `columns`.
 * Every plan value (days, concept ids, codeset numbers) is a bound parameter.
 */
import { conceptSetQuery } from '../../circe/codesets.js';
import type { CirceExpression, ConceptSet } from '../../circe/types.js';
import { FedomopError } from '../../errors.js';
import {
  and,
  asc,
  between,
  bin,
  caseWhen,
  cast,
  col,
  countStar,
  cte,
  dateAdd,
  dateDiff,
  desc,
  eq,
  exists,
  fn,
  gte,
  inQuery,
  int,
  isNull,
  join,
  lit,
  lte,
  over,
  scalar,
  sel,
  select,
  setOp,
  subquery,
  table,
  yearOf,
} from '../../sql/build.js';
import type { CteNode, Expr, QueryNode, SelectionNode } from '../../sql/nodes.js';
import { COHORT_EVENTS, cohortEventStages } from '../kinds/cohort-stages.js';
import type { ConceptSetRef, DayWindow, OccurrenceDomain, VariableKind, VariableSpec, Variables } from './types.js';
import { VARIABLE_KINDS } from './types.js';

export const VARIABLE_INDEX = 'variable_index';
export const VARIABLE_CODESETS = 'variable_codesets';
export const VARIABLE_VALUES = 'variable_values';
export const VARIABLE_ROWS = 'variable_rows';

export interface VariableColumn {
  /** the plan's variable name */
  name: string;
  /** the generated SQL column */
  column: string;
  kind: VariableKind;
  /** 'event' only for the event indicator of a time_to variable */
  role: 'value' | 'event';
}

export interface CompiledVariables {
  /** the cohort's stages followed by the variable stages, ready for a WITH */
  stages: CteNode[];
  columns: VariableColumn[];
}

interface DomainTable {
  table: string;
  id: string;
  concept: string;
  date: string;
}

const DOMAIN_TABLES: Record<OccurrenceDomain, DomainTable> = {
  condition: {
    table: 'condition_occurrence',
    id: 'condition_occurrence_id',
    concept: 'condition_concept_id',
    date: 'condition_start_date',
  },
  drug: { table: 'drug_exposure', id: 'drug_exposure_id', concept: 'drug_concept_id', date: 'drug_exposure_start_date' },
  procedure: {
    table: 'procedure_occurrence',
    id: 'procedure_occurrence_id',
    concept: 'procedure_concept_id',
    date: 'procedure_date',
  },
  measurement: { table: 'measurement', id: 'measurement_id', concept: 'measurement_concept_id', date: 'measurement_date' },
  visit: { table: 'visit_occurrence', id: 'visit_occurrence_id', concept: 'visit_concept_id', date: 'visit_start_date' },
};

const INDEX_DATE = col('i.index_date');
const PERSON = col('i.person_id');

/** Numbers the concept sets the variables use; a cohort set used twice is resolved once. */
class Codesets {
  private readonly byCohortId = new Map<number, number>();
  readonly sets: ConceptSet[] = [];

  constructor(private readonly cohortSets: readonly ConceptSet[]) {}

  number(ref: ConceptSetRef): number {
    if (typeof ref === 'number') {
      const known = this.byCohortId.get(ref);
      if (known !== undefined) return known;
      const set = this.cohortSets.find((s) => s.id === ref);
      if (!set) throw new FedomopError('ERR_PLAN_INVALID', `no concept set with id ${ref} in cohort.ConceptSets`);
      this.byCohortId.set(ref, this.sets.length);
      this.sets.push(set);
      return this.sets.length - 1;
    }
    this.sets.push({ id: -1, expression: { items: ref.items } });
    return this.sets.length - 1;
  }

  members(n: number): QueryNode {
    return select({
      select: [col('vc.concept_id')],
      from: table(VARIABLE_CODESETS, 'vc'),
      where: eq(col('vc.codeset_id'), int(n)),
    });
  }

  stage(): CteNode {
    const parts = this.sets.map((s, n) =>
      select({
        select: [sel(int(n), 'codeset_id'), sel(col('s.concept_id'), 'concept_id')],
        from: subquery(conceptSetQuery(s), 's'),
      }),
    );
    const empty = select({
      select: [sel(lit(-1), 'codeset_id'), sel(col('c.concept_id'), 'concept_id')],
      from: table('concept', 'c'),
      where: eq(lit(1), lit(0)),
    });
    return cte(VARIABLE_CODESETS, parts.length ? setOp('union all', parts) : empty);
  }
}

function inWindow(date: Expr, w: DayWindow): Expr {
  return between(date, dateAdd(INDEX_DATE, int(w.start)), dateAdd(INDEX_DATE, int(w.end)));
}

/** Records of a domain for the index person with a concept of codeset n (and more conditions). */
function records(domain: OccurrenceDomain, codeset: number, sets: Codesets, extra: Array<Expr | undefined>) {
  const t = DOMAIN_TABLES[domain];
  return {
    t,
    where: and(eq(col('d.person_id'), PERSON), inQuery(col(`d.${t.concept}`), sets.members(codeset)), ...extra)!,
  };
}

function measurementValue(spec: Extract<VariableSpec, { type: 'measurement' }>, sets: Codesets): Expr {
  const { t, where } = records('measurement', sets.number(spec.conceptSet), sets, [
    inWindow(col('d.measurement_date'), spec.window),
    isNull(col('d.value_as_number'), true),
  ]);
  const value = cast(col('d.value_as_number'), 'double');
  const from = table(t.table, 'd');
  switch (spec.pick) {
    case 'latest':
    case 'first': {
      const order = spec.pick === 'latest' ? desc : asc;
      // ties on a date are broken by the record id, so the pick is deterministic
      return scalar(
        select({
          select: [value],
          from,
          where,
          orderBy: [order(col('d.measurement_date')), order(col('d.measurement_id'))],
          limit: 1,
        }),
      );
    }
    case 'mean':
      return scalar(
        select({ select: [bin('/', fn('sum', [value]), fn('nullif', [fn('count', [value]), lit(0)]))], from, where }),
      );
    case 'max':
    case 'min':
      return scalar(select({ select: [fn(spec.pick, [value])], from, where }));
  }
}

function occurrenceValue(spec: Extract<VariableSpec, { type: 'occurrence' | 'count_occurrences' }>, sets: Codesets): Expr {
  const { t, where } = records(spec.domain, sets.number(spec.conceptSet), sets, []);
  const inside = and(where, inWindow(col(`d.${t.date}`), spec.window))!;
  if (spec.type === 'count_occurrences') {
    return cast(scalar(select({ select: [countStar()], from: table(t.table, 'd'), where: inside })), 'integer');
  }
  return caseWhen([[exists(select({ select: [lit(1)], from: table(t.table, 'd'), where: inside })), lit(1)]], lit(0));
}

function deathInWindow(w: DayWindow): Expr {
  const where = and(eq(col('d.person_id'), PERSON), inWindow(col('d.death_date'), w))!;
  return caseWhen([[exists(select({ select: [lit(1)], from: table('death', 'd'), where })), lit(1)]], lit(0));
}

/** Date of the first event on or after the index date (NULL if none). */
function firstEventDate(spec: Extract<VariableSpec, { type: 'time_to' }>, sets: Codesets): Expr {
  if (spec.event.type === 'death') {
    const where = and(eq(col('d.person_id'), PERSON), gte(col('d.death_date'), INDEX_DATE))!;
    return scalar(select({ select: [fn('min', [col('d.death_date')])], from: table('death', 'd'), where }));
  }
  const { t, where } = records(spec.event.domain, sets.number(spec.event.conceptSet), sets, []);
  const date = col(`d.${t.date}`);
  return scalar(select({ select: [fn('min', [date])], from: table(t.table, 'd'), where: and(where, gte(date, INDEX_DATE))! }));
}

/** min(end of the index observation period, index + maxDays) */
function followUpEnd(maxDays: number): Expr {
  const cap = dateAdd(INDEX_DATE, int(maxDays));
  return caseWhen([[lte(col('i.op_end'), cap), col('i.op_end')]], cap);
}

function indexStage(): CteNode {
  const ranked = select({
    select: [
      sel(col('e.person_id'), 'person_id'),
      sel(col('e.start_date'), 'index_date'),
      sel(col('e.op_end'), 'op_end'),
      sel(over(fn('row_number'), [col('e.person_id')], [asc(col('e.start_date')), asc(col('e.event_id'))]), 'seq'),
    ],
    from: table(COHORT_EVENTS, 'e'),
  });
  return cte(
    VARIABLE_INDEX,
    select({
      select: [sel(col('r.person_id'), 'person_id'), sel(col('r.index_date'), 'index_date'), sel(col('r.op_end'), 'op_end')],
      from: subquery(ranked, 'r'),
      where: eq(col('r.seq'), lit(1)),
    }),
  );
}

/**
 * The stages for the variables named in `use` (default: all, in declaration order). The plan is
 * assumed valid (validateVariables); a dangling concept set id still fails with ERR_PLAN_INVALID.
 */
export function compileVariables(
  cohort: CirceExpression,
  variables: Variables,
  use: readonly string[] = Object.keys(variables),
): CompiledVariables {
  const sets = new Codesets(cohort.ConceptSets ?? []);
  const columns: VariableColumn[] = [];
  const raw: SelectionNode[] = [sel(PERSON, 'person_id'), sel(INDEX_DATE, 'index_date')];
  const values: SelectionNode[] = [sel(col('w.person_id'), 'person_id'), sel(col('w.index_date'), 'index_date')];
  let needsGender = false;
  use.forEach((name, k) => {
    const spec = variables[name];
    if (!spec) throw new FedomopError('ERR_PLAN_INVALID', `variable ${name} is not declared in analysis.variables`);
    const v = `v${k}`;
    const kind = VARIABLE_KINDS[spec.type];
    columns.push({ name, column: v, kind, role: 'value' });
    let expr: Expr;
    switch (spec.type) {
      case 'age_at_index':
        expr = bin('-', yearOf(INDEX_DATE), col('p.year_of_birth'));
        break;
      case 'index_year':
        expr = yearOf(INDEX_DATE);
        break;
      case 'gender':
        needsGender = true;
        expr = col('gc.concept_name');
        break;
      case 'measurement':
        expr = measurementValue(spec, sets);
        break;
      case 'occurrence':
      case 'count_occurrences':
        expr = occurrenceValue(spec, sets);
        break;
      case 'death':
        expr = deathInWindow(spec.window);
        break;
      case 'time_to': {
        raw.push(sel(firstEventDate(spec, sets), `${v}_first`), sel(followUpEnd(spec.maxDays), `${v}_end`));
        const first = col(`w.${v}_first`);
        const end = col(`w.${v}_end`);
        const happened = and(isNull(first, true), lte(first, end))!;
        values.push(
          sel(caseWhen([[happened, dateDiff(col('w.index_date'), first)]], dateDiff(col('w.index_date'), end)), v),
          sel(caseWhen([[happened, lit(1)]], lit(0)), `${v}_event`),
        );
        columns.push({ name, column: `${v}_event`, kind: 'binary', role: 'event' });
        return;
      }
    }
    raw.push(sel(expr, v));
    values.push(sel(col(`w.${v}`), v));
  });
  const rawStage = cte(
    'variable_raw',
    select({
      select: raw,
      from: table(VARIABLE_INDEX, 'i'),
      joins: [
        join(table('person', 'p'), eq(col('p.person_id'), PERSON)),
        ...(needsGender ? [join(table('concept', 'gc'), eq(col('gc.concept_id'), col('p.gender_concept_id')), 'left')] : []),
      ],
    }),
  );
  const valuesStage = cte(VARIABLE_VALUES, select({ select: values, from: table('variable_raw', 'w') }));
  const complete = and(...columns.map((c) => isNull(col(`x.${c.column}`), true)));
  const rowsStage = cte(
    VARIABLE_ROWS,
    select({
      select: [sel(col('x.person_id'), 'person_id'), ...columns.map((c) => sel(col(`x.${c.column}`), c.column))],
      from: table(VARIABLE_VALUES, 'x'),
      where: complete,
    }),
  );
  return {
    stages: [...cohortEventStages(cohort), sets.stage(), indexStage(), rawStage, valuesStage, rowsStage],
    columns,
  };
}

/**
 * Person-level complete cases, for aggregation inside the site and for tests. Never send its
 * result anywhere: it is one row per person.
 */
export function variableRowsQuery(compiled: CompiledVariables): QueryNode {
  return select({
    with: compiled.stages,
    select: [sel(col('r.person_id'), 'person_id'), ...compiled.columns.map((c) => sel(col(`r.${c.column}`), c.column))],
    from: table(VARIABLE_ROWS, 'r'),
    orderBy: [asc(col('r.person_id'))],
  });
}

/** Person-level values before the complete-case filter (NULL = missing); site-internal like the above. */
export function variableValuesQuery(compiled: CompiledVariables): QueryNode {
  return select({
    with: compiled.stages,
    select: [sel(col('x.person_id'), 'person_id'), ...compiled.columns.map((c) => sel(col(`x.${c.column}`), c.column))],
    from: table(VARIABLE_VALUES, 'x'),
    orderBy: [asc(col('x.person_id'))],
  });
}

/** One row: persons in the cohort and how many of them are complete cases (an aggregate). */
export function completeCasesQuery(compiled: CompiledVariables): QueryNode {
  const complete = and(...compiled.columns.map((c) => isNull(col(`x.${c.column}`), true)));
  return select({
    with: compiled.stages,
    select: [
      sel(countStar(), 'persons'),
      sel(fn('coalesce', [fn('sum', [complete ? caseWhen([[complete, lit(1)]], lit(0)) : lit(1)]), lit(0)]), 'complete_cases'),
    ],
    from: table(VARIABLE_VALUES, 'x'),
  });
}
