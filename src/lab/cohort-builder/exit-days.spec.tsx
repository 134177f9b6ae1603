/**
 * The exit's day amounts as the compiler reads them. A custom-era exit's DaysSupplyOverride is typed
 * in and cleared (blank: each exposure lasts as recorded); a file from newer ATLAS that spells its
 * days as `*UnitValue` (GapUnitValue, EraPadUnitValue) shows and edits those fields, since the
 * compiler takes them over the classic ones, and the edit reaches the compiled plan's input.
 */
import { normalizeCohortExpression } from '../../circe/normalize.js';
import { validateCohortExpression } from '../../plan/validate.js';
import { Builder, cohortWith, type } from './builder-dom.spec-util.js';

function customEra(era: Record<string, unknown>, collapse: Record<string, unknown>): string {
  const e = JSON.parse(cohortWith({ DrugExposure: { CodesetId: 0 } }));
  e.EndStrategy = { CustomEra: era };
  e.CollapseSettings = collapse;
  return JSON.stringify(e);
}

describe('exit day amounts', () => {
  let b: Builder;
  afterEach(() => b.dispose());

  it('days supply override: typed, validated, cleared back to "as recorded"', async () => {
    b = new Builder(customEra({ DrugCodesetId: 0, GapDays: 30, Offset: 0 }, { CollapseType: 'ERA', EraPad: 0 }));
    const supply = await b.byLabel<HTMLInputElement>('Exit days supply override');
    expect(supply.value).toBe('');
    expect(supply.placeholder).toBe('as recorded');
    type(supply, '14');
    expect(b.changed()).toEqual(['EndStrategy.CustomEra.DaysSupplyOverride']);
    expect(validateCohortExpression(b.json).ok).toBe(true);
    expect(normalizeCohortExpression(b.json).EndStrategy).toEqual({
      CustomEra: { DrugCodesetId: 0, GapDays: 30, Offset: 0, DaysSupplyOverride: 14 },
    });
    type(supply, '');
    expect(b.changed()).toEqual(['EndStrategy.CustomEra.DaysSupplyOverride']);
    expect(b.json.EndStrategy).toEqual({ CustomEra: { DrugCodesetId: 0, GapDays: 30, Offset: 0 } });
  });

  it('newer ATLAS spellings: GapUnitValue and EraPadUnitValue shown and edited, the compiler reads the edit', async () => {
    b = new Builder(
      customEra(
        { DrugCodesetId: 0, GapDays: 0, GapUnit: 'day', GapUnitValue: 30, Offset: 0 },
        { CollapseType: 'ERA', EraPad: 0, EraPadUnit: 'day', EraPadUnitValue: 7 },
      ),
    );
    const gap = await b.byLabel<HTMLInputElement>('Exit gap days');
    const pad = await b.byLabel<HTMLInputElement>('Era pad days');
    expect([gap.value, pad.value]).toEqual(['30', '7']);
    type(gap, '45');
    expect(b.changed()).toEqual(['EndStrategy.CustomEra.GapUnitValue']);
    type(pad, '3');
    expect(b.changed()).toEqual(['CollapseSettings.EraPadUnitValue']);
    const run = normalizeCohortExpression(b.json);
    expect((run.EndStrategy as { CustomEra: { GapDays: number } }).CustomEra.GapDays).toBe(45);
    expect(run.CollapseSettings).toEqual({ CollapseType: 'ERA', EraPad: 3 });
  });

  it('classic spellings stay classic', async () => {
    b = new Builder(customEra({ DrugCodesetId: 0, GapDays: 30, Offset: 0 }, { CollapseType: 'ERA', EraPad: 0 }));
    type(await b.byLabel<HTMLInputElement>('Exit era offset'), '5');
    expect(b.changed()).toEqual(['EndStrategy.CustomEra.Offset']);
    type(await b.byLabel<HTMLInputElement>('Era pad days'), '2');
    expect(b.changed()).toEqual(['CollapseSettings.EraPad']);
  });
});
