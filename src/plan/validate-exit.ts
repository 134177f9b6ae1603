/**
 * How cohort rows end and are merged: EndStrategy (DateOffset or CustomEra), CensoringCriteria,
 * CollapseSettings (era collapse) and CensorWindow. circe-be's semantics are summarised in
 * docs/plan.md; absent and null both mean circe's default.
 */
import { COLLAPSE_FIELDS, CUSTOM_ERA_FIELDS, DATE_OFFSET_FIELDS, END_STRATEGIES } from './circe-fields.js';
import { VALUE_BOUNDS } from './limits.js';
import { at, describe, didYouMean, listOf } from './problems.js';
import { own, presentKeys, readArray, readInteger, readObject, rejectUnknownKeys } from './shape.js';
import { checkPeriod } from './validate-attributes.js';
import { checkCodesetReference, type CohortContext } from './validate-context.js';
import { checkCriteriaList } from './validate-criteria.js';
import { checkDayAmount } from './validate-ranges.js';

const DAYS = { min: 0, max: VALUE_BOUNDS.maxWindowDays };

export function checkEndStrategy(v: unknown, path: string, ctx: CohortContext): void {
  if (v === undefined || v === null) return;
  const { problems } = ctx;
  const strategy = readObject(v, path, problems, 'EndStrategy (like {"DateOffset": {"DateField": "StartDate", "Offset": 30}})');
  if (!strategy) return;
  const keys = presentKeys(strategy);
  const expected = `exactly one of ${END_STRATEGIES.join(', ')} (or null: the cohort ends with the observation period)`;
  if (keys.length !== 1) {
    problems.invalid(path, `EndStrategy needs ${expected}; got ${keys.length ? listOf(keys) : 'none'}`);
  }
  for (const key of keys) {
    const p = at(path, key);
    if (key === 'DateOffset') checkDateOffset(own(strategy, key), p, ctx);
    else if (key === 'CustomEra') checkCustomEra(own(strategy, key), p, ctx);
    else
      problems.invalid(
        p,
        `unknown end strategy "${key}"${didYouMean(key, END_STRATEGIES)} (strategies: ${END_STRATEGIES.join(', ')})`,
      );
  }
}

function checkDateOffset(v: unknown, path: string, ctx: CohortContext): void {
  const { problems } = ctx;
  const offset = readObject(v, path, problems, 'DateOffset (like {"DateField": "StartDate", "Offset": 30})');
  if (!offset) return;
  rejectUnknownKeys(offset, path, DATE_OFFSET_FIELDS, problems, 'DateOffset');
  const field = own(offset, 'DateField');
  if (field !== undefined && field !== null && field !== 'StartDate' && field !== 'EndDate') {
    const hint = typeof field === 'string' ? didYouMean(field, ['StartDate', 'EndDate']) : '';
    problems.invalid(
      at(path, 'DateField'),
      `DateOffset.DateField must be StartDate or EndDate (the entry event's date to count from), got ${describe(field)}${hint}`,
    );
  }
  // circe-be allows a negative offset; it ends rows before they start, and such rows are dropped.
  const days = checkDayAmount(offset, path, problems, {
    legacy: 'Offset',
    unitField: 'OffsetUnit',
    valueField: 'OffsetUnitValue',
    min: -VALUE_BOUNDS.maxWindowDays,
    max: VALUE_BOUNDS.maxWindowDays,
  });
  if (days !== undefined && days < 0 && field !== 'EndDate') {
    ctx.warnings.add(
      path,
      `an Offset of ${days} days from StartDate ends every cohort row before it starts, so the cohort is empty`,
    );
  }
}

function checkCustomEra(v: unknown, path: string, ctx: CohortContext): void {
  const { problems } = ctx;
  const era = readObject(v, path, problems, 'CustomEra (like {"DrugCodesetId": 1, "GapDays": 30, "Offset": 0})');
  if (!era) return;
  rejectUnknownKeys(era, path, CUSTOM_ERA_FIELDS, problems, 'CustomEra');
  const id = own(era, 'DrugCodesetId');
  const idPath = at(path, 'DrugCodesetId');
  if (id === undefined || id === null) {
    problems.invalid(
      idPath,
      'EndStrategy.CustomEra.DrugCodesetId is required: the concept set of the drugs whose continuous exposure the cohort follows',
    );
  } else
    checkCodesetReference(id, idPath, ctx, 'DrugCodesetId', 'the concept set of the drugs whose exposure era ends the cohort');
  checkDayAmount(era, path, problems, { legacy: 'GapDays', unitField: 'GapUnit', valueField: 'GapUnitValue', ...DAYS });
  checkDayAmount(era, path, problems, { legacy: 'Offset', unitField: 'OffsetUnit', valueField: 'OffsetUnitValue', ...DAYS });
  const supply = own(era, 'DaysSupplyOverride');
  if (supply !== undefined && supply !== null) {
    readInteger(supply, at(path, 'DaysSupplyOverride'), problems, 'DaysSupplyOverride (days each exposure lasts)', {
      min: 1,
      max: VALUE_BOUNDS.maxWindowDays,
    });
  }
}

export function checkCensoringCriteria(v: unknown, path: string, ctx: CohortContext): void {
  if (v === undefined || v === null) return;
  const list = readArray(v, path, ctx.problems, 'CensoringCriteria ([] for none)');
  if (list) checkCriteriaList(list, path, ctx, 0, 'CensoringCriteria');
}

export function checkCollapseSettings(v: unknown, path: string, ctx: CohortContext): void {
  if (v === undefined || v === null) return;
  const { problems } = ctx;
  const settings = readObject(v, path, problems, 'CollapseSettings (like {"CollapseType": "ERA", "EraPad": 0})');
  if (!settings) return;
  rejectUnknownKeys(settings, path, COLLAPSE_FIELDS, problems, 'CollapseSettings');
  const type = own(settings, 'CollapseType');
  const typePath = at(path, 'CollapseType');
  if (type !== undefined && type !== null && type !== 'ERA') {
    if (typeof type === 'string') {
      problems.unsupported(typePath, `CollapseType "${type}" is not supported (circe defines only ERA)`);
    } else problems.invalid(typePath, `CollapseType must be "ERA", got ${describe(type)}`);
  }
  const pad = checkDayAmount(settings, path, problems, {
    legacy: 'EraPad',
    unitField: 'EraPadUnit',
    valueField: 'EraPadUnitValue',
    ...DAYS,
  });
  const older = own(settings, 'EraPadValue');
  if (older !== undefined && older !== null) {
    const value = readInteger(older, at(path, 'EraPadValue'), problems, 'EraPadValue', DAYS);
    if (value !== undefined && pad !== undefined && value !== pad) {
      problems.invalid(
        at(path, 'EraPadValue'),
        `EraPadValue (${value}) disagrees with the era pad given elsewhere (${pad}); keep one`,
      );
    }
  }
}

export function checkCensorWindow(v: unknown, path: string, ctx: CohortContext): void {
  if (v === undefined || v === null) return;
  checkPeriod(v, path, ctx, 'CensorWindow');
}
