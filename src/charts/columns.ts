/**
 * How a statistics table reads, for the notebook view and the panel alike: every column but the
 * disclosure companions of another (`x_lower`, `x_upper`, `x_suppressed` fold into `x`, shown as the
 * interval that holds a withheld value), fractional numbers to 4 significant digits.
 */
import type { ChartRow } from './common.js';

const COMPANION = /^(.+)_(lower|upper|suppressed)$/;

/** The columns worth a reader's eye; `ci_lower` stays (there is no `ci` column it qualifies). */
export function shownColumns(names: readonly string[]): string[] {
  const all = new Set(names);
  return names.filter((n) => {
    const m = COMPANION.exec(n);
    return !(m && all.has(m[1]) && (m[2] === 'suppressed' || all.has(`${m[1]}_suppressed`)));
  });
}

export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** A cell as text: a withheld value as its interval with a star ("0–4*"). */
export function cellText(row: ChartRow, column: string): { text: string; withheld: boolean } {
  if (row[`${column}_suppressed`] === true) {
    const [lo, hi] = [row[`${column}_lower`], row[`${column}_upper`]];
    return { text: lo !== undefined && hi !== undefined ? `${plain(lo)}–${plain(hi)}*` : '*', withheld: true };
  }
  return { text: plain(row[column]), withheld: false };
}

function plain(v: ChartRow[string] | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'number' ? formatNumber(v) : String(v);
}
