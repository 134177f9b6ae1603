/**
 * Which spelling of a day amount the compiler reads. Circe files carry a day amount either in the
 * classic field (`GapDays`, `Offset`, `EraPad`) or, from newer ATLAS, as `*UnitValue` + `*Unit`
 * ('day'); the compiler (src/circe/normalize.ts, final-cohort.ts) takes the *UnitValue one when it
 * is a number. The builder shows and edits that same field, else an edit would not change what runs.
 */
import type { CirceExpression } from '../../circe/types.js';

const UNIT_VALUE: Record<string, string> = {
  Offset: 'OffsetUnitValue',
  GapDays: 'GapUnitValue',
  EraPad: 'EraPadUnitValue',
};

/** The key holding the days the compiler uses: `GapUnitValue` when it is a number, else `GapDays`. */
export function dayAmountField(obj: Record<string, unknown> | null | undefined, legacy: string): string {
  const newer = UNIT_VALUE[legacy];
  return newer && typeof obj?.[newer] === 'number' ? newer : legacy;
}

/** The collapse era pad in days, as the compiler reads it (EraPadUnitValue, EraPadValue, EraPad). */
export function eraPad(e: CirceExpression): number {
  const c = (e.CollapseSettings ?? {}) as Record<string, unknown>;
  for (const k of ['EraPadUnitValue', 'EraPadValue', 'EraPad']) if (typeof c[k] === 'number') return c[k] as number;
  return 0;
}
