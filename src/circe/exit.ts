/**
 * Cohort exit: each included event's end date is the earliest candidate on or after its start:
 *   the end of its observation period (unless a DateOffset strategy replaces it),
 *   DateOffset: StartDate/EndDate + Offset days, capped at the observation period end,
 *   CustomEra: the end of the drug era (exposures to DrugCodesetId) containing the index start,
 *   each censoring criterion: its earliest event from the index start to the period end.
 * Stages: strategy_ends (with a strategy), cohort_rows (person_id, start_date, end_date).
 */
import {
  and,
  asc,
  caseWhen,
  col,
  cte,
  dateAdd,
  eq,
  fn,
  gte,
  inQuery,
  int,
  join,
  lit,
  lte,
  over,
  select,
  sel,
  setOp,
  subquery,
  table,
  bin,
} from '../sql/build.js';
import type { CteNode, Expr, QueryNode } from '../sql/nodes.js';
import { codesetMembers } from './codesets.js';
import { CohortCompileError, type CompileContext } from './context.js';
import { criterionEvents } from './criterion.js';
import { INCLUDED_EVENTS } from './entry-events.js';
import type { CustomEraStrategy, DateOffsetStrategy } from './types.js';

export const STRATEGY_ENDS = 'strategy_ends';
export const COHORT_ROWS = 'cohort_rows';

function dateOffsetEnds(strategy: DateOffsetStrategy): QueryNode {
  const field = strategy.DateField === 'StartDate' ? 'start_date' : 'end_date';
  const shifted = dateAdd(col(`i.${field}`), int(strategy.Offset ?? 0));
  return select({
    select: [
      sel(col('i.person_id'), 'person_id'),
      sel(col('i.event_id'), 'event_id'),
      sel(caseWhen([[bin('>', shifted, col('i.op_end')), col('i.op_end')]], shifted), 'end_date'),
    ],
    from: table(INCLUDED_EVENTS, 'i'),
  });
}

/**
 * Merges rows (person_id, start_date, end_date) into eras: a row joins the era before it when it
 * starts on or before the latest end so far extended by `pad` days. Returns (person_id,
 * start_date, end_date) with end = latest extended end − `unpad`.
 */
export function eras(rows: QueryNode, pad: number, unpad: number, ctx: CompileContext): QueryNode {
  const r = ctx.alias('r');
  const s = ctx.alias('s');
  const g = ctx.alias('g');
  const padded = dateAdd(col(`${r}.end_date`), int(pad));
  const previousMax = over(
    fn('max', [padded]),
    [col(`${r}.person_id`)],
    [asc(col(`${r}.start_date`)), asc(col(`${r}.end_date`))],
    'unboundedToPrevious',
  );
  const marked = select({
    select: [
      sel(col(`${r}.person_id`), 'person_id'),
      sel(col(`${r}.start_date`), 'start_date'),
      sel(padded, 'padded_end'),
      sel(caseWhen([[gte(previousMax, col(`${r}.start_date`)), lit(0)]], lit(1)), 'is_start'),
    ],
    from: subquery(rows, r),
  });
  // Ties on start: the row that opened an era sorts first, so its peers land in its group.
  const grouped = select({
    select: [
      sel(col(`${s}.person_id`), 'person_id'),
      sel(col(`${s}.start_date`), 'start_date'),
      sel(col(`${s}.padded_end`), 'padded_end'),
      sel(
        over(
          fn('sum', [col(`${s}.is_start`)]),
          [col(`${s}.person_id`)],
          [asc(col(`${s}.start_date`)), { expr: col(`${s}.is_start`), direction: 'desc' }],
          'unboundedToCurrent',
        ),
        'era',
      ),
    ],
    from: subquery(marked, s),
  });
  return select({
    select: [
      sel(col(`${g}.person_id`), 'person_id'),
      sel(fn('min', [col(`${g}.start_date`)]), 'start_date'),
      sel(dateAdd(fn('max', [col(`${g}.padded_end`)]), int(-unpad)), 'end_date'),
    ],
    from: subquery(grouped, g),
    groupBy: [col(`${g}.person_id`), col(`${g}.era`)],
  });
}

function customEraEnds(strategy: CustomEraStrategy, ctx: CompileContext): QueryNode {
  if (strategy.DrugCodesetId === null || strategy.DrugCodesetId === undefined) {
    throw new CohortCompileError(
      'EndStrategy.CustomEra.DrugCodesetId',
      'is required: the drugs whose continuous exposure defines the exit',
    );
  }
  const gap = strategy.GapDays ?? 0;
  const offset = strategy.Offset ?? 0;
  const start = col('de.drug_exposure_start_date');
  const end =
    strategy.DaysSupplyOverride !== null && strategy.DaysSupplyOverride !== undefined
      ? dateAdd(start, int(strategy.DaysSupplyOverride))
      : fn('coalesce', [col('de.drug_exposure_end_date'), dateAdd(start, col('de.days_supply')), dateAdd(start, lit(1))]);
  const members = codesetMembers(strategy.DrugCodesetId);
  // Exposures (standard or source concept in the codeset) of the persons who have included events.
  const exposures = select({
    select: [sel(col('de.person_id'), 'person_id'), sel(start, 'start_date'), sel(dateAdd(end, int(offset)), 'end_date')],
    from: table('drug_exposure', 'de'),
    where: and(
      inQuery(col('de.person_id'), select({ select: [col('ip.person_id')], from: table(INCLUDED_EVENTS, 'ip') })),
      bin('or', inQuery(col('de.drug_concept_id'), members), inQuery(col('de.drug_source_concept_id'), members)),
    ),
  });
  const era = ctx.alias('era');
  return select({
    select: [sel(col('i.person_id'), 'person_id'), sel(col('i.event_id'), 'event_id'), sel(col(`${era}.end_date`), 'end_date')],
    from: table(INCLUDED_EVENTS, 'i'),
    joins: [
      join(
        subquery(eras(exposures, gap, gap, ctx), era),
        and(
          eq(col(`${era}.person_id`), col('i.person_id')),
          gte(col('i.start_date'), col(`${era}.start_date`)),
          lte(col('i.start_date'), col(`${era}.end_date`)),
        )!,
      ),
    ],
  });
}

/** The strategy_ends stage, if the expression has an end strategy. */
export function strategyStage(ctx: CompileContext): CteNode | undefined {
  const strategy = ctx.expression.EndStrategy;
  if (!strategy) return undefined;
  if ('DateOffset' in strategy && strategy.DateOffset) return cte(STRATEGY_ENDS, dateOffsetEnds(strategy.DateOffset));
  if ('CustomEra' in strategy && strategy.CustomEra) return cte(STRATEGY_ENDS, customEraEnds(strategy.CustomEra, ctx));
  return undefined;
}

function censorEnds(ctx: CompileContext): QueryNode[] {
  const censoring = ctx.expression.CensoringCriteria ?? [];
  if (censoring.length === 0) return [];
  const c = ctx.alias('c');
  const events = setOp(
    'union all',
    censoring.map((criterion, k) => criterionEvents(criterion, ctx, `CensoringCriteria[${k}]`)),
  );
  return [
    select({
      select: [
        sel(col('i.person_id'), 'person_id'),
        sel(col('i.event_id'), 'event_id'),
        sel(fn('min', [col(`${c}.start_date`)]), 'end_date'),
      ],
      from: table(INCLUDED_EVENTS, 'i'),
      joins: [
        join(
          subquery(events, c),
          and(
            eq(col(`${c}.person_id`), col('i.person_id')),
            gte(col(`${c}.start_date`), col('i.start_date')),
            lte(col(`${c}.start_date`), col('i.op_end')),
          )!,
        ),
      ],
      groupBy: [col('i.person_id'), col('i.event_id')],
    }),
  ];
}

/** cohort_rows: each included event with its earliest valid end. */
export function cohortRowsStage(ctx: CompileContext, hasStrategy: boolean): CteNode {
  const strategy = ctx.expression.EndStrategy;
  const dateOffset = !!strategy && 'DateOffset' in strategy && !!strategy.DateOffset;
  const candidates: QueryNode[] = [];
  if (!dateOffset) {
    candidates.push(
      select({
        select: [sel(col('i.person_id'), 'person_id'), sel(col('i.event_id'), 'event_id'), sel(col('i.op_end'), 'end_date')],
        from: table(INCLUDED_EVENTS, 'i'),
      }),
    );
  }
  if (hasStrategy) {
    candidates.push(
      select({
        select: [sel(col('se.person_id'), 'person_id'), sel(col('se.event_id'), 'event_id'), sel(col('se.end_date'), 'end_date')],
        from: table(STRATEGY_ENDS, 'se'),
      }),
    );
  }
  candidates.push(...censorEnds(ctx));
  const ends = ctx.alias('ends');
  const firstEnd: Expr = fn('min', [col(`${ends}.end_date`)]);
  return cte(
    COHORT_ROWS,
    select({
      select: [sel(col('i.person_id'), 'person_id'), sel(col('i.start_date'), 'start_date'), sel(firstEnd, 'end_date')],
      from: table(INCLUDED_EVENTS, 'i'),
      joins: [
        join(
          subquery(setOp('union all', candidates), ends),
          and(
            eq(col(`${ends}.person_id`), col('i.person_id')),
            eq(col(`${ends}.event_id`), col('i.event_id')),
            gte(col(`${ends}.end_date`), col('i.start_date')),
          )!,
        ),
      ],
      groupBy: [col('i.person_id'), col('i.event_id'), col('i.start_date')],
    }),
  );
}
