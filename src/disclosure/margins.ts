/**
 * Margins a table does not release itself, but that anyone can ask for separately: for a crosstab,
 * every union of its cells along some of its dimensions (gender × year → the gender rows, the year
 * rows and the table's total; a 3-D table → its 2-D and 1-D margins and the total).
 *
 * The cell key method makes a margin's release a pure function of its persons: its true count is
 * the sum of its cells' counts and its cell key the sum of their cell keys (mod 2³²), so this table
 * can compute — exactly, now — what that margin is or will be released as, by any phrasing, in any
 * session, before or after this table, at this site. (If the margin was or will be widened by the
 * release history, it says less, never more.) The attack the margins allow is interval arithmetic:
 * a withheld cell c of a margin row lies in
 *     [margin.lower − Σ other cells' upper, margin.upper − Σ other cells' lower] ∩ [0, k − 1],
 * met over every margin row holding c. When both noises sit at their bound (margin +D, a released
 * neighbour −D), or a row's withheld cells are all at k − 1 and the margin's lower bound reaches
 * their sum, that pins c.
 *
 * This function does that arithmetic for every withheld cell of the table over all its margin rows
 * at once, and when a cell would be pinned it withholds every row that narrowed it below [0, k − 1]:
 * each cell of those rows is released as [0, U], U the upper bound of the table's total, persons and
 * events alike, so a withheld cell (< k) and a cell ≥ k of such a row look the same. Then such a row
 * bounds the cell from below by at most 0 (another cell of the row reads up to U ≥ the margin) and
 * from above by at least the margin's true value ≥ the cell's; the other rows said no more than
 * [0, k − 1] before and say no more now. So the cell's feasible set holds 0 and its true value, and
 * since widening an interval can only widen what is derived from it, nothing else becomes pinned:
 * one pass suffices. The exact profile does not come here: its margins are exact and it
 * keeps complementary suppression.
 */
import { perturbCount, type Released } from './perturb.js';
import type { DisclosurePolicy } from './policy.js';

export interface MarginCell {
  dims: Record<string, string | number | null>;
  persons: number;
  personKey: number;
  events: number;
  eventKey: number;
  /** The persons measure as this answer releases it so far. */
  released: Released;
}

export interface MarginProtection {
  /** Indices of cells whose row is withheld, with the interval each measure is released as. */
  cells: Map<number, { persons: Released; events: Released; row: string }>;
  /** Margin rows checked (for the audit and benchmarks). */
  rows: number;
}

type Interval = [number, number];

interface MarginRow {
  label: string;
  members: number[];
  margin: Interval;
}

/** The interval an analyst reads for a released measure (withheld: [0, k − 1] in a perturbing policy). */
function readInterval(r: Released): Interval {
  return [r.lower, r.upper];
}

function sumKeys(cells: MarginCell[], members: number[], field: 'personKey' | 'eventKey'): number {
  let key = 0;
  for (const i of members) key = (key + cells[i][field]) >>> 0;
  return key;
}

/**
 * A cell's values of the `kept` dimensions as one string that tells every combination apart: numbers,
 * strings and null each with their own tag (1 is not "1", null not "null"), a string with its length
 * first, so no value can run into the next. Cheaper than JSON.stringify of an array, which ran once
 * per cell and margin mask.
 */
function groupKey(dims: MarginCell['dims'], kept: string[]): string {
  let key = '';
  for (const d of kept) {
    const v = dims[d] ?? null;
    key += v === null ? '\u0001z' : typeof v === 'number' ? `\u0001n${v}` : `\u0001s${v.length}:${v}`;
  }
  return key;
}

/** Every margin row of the table: unions of cells that agree on a proper subset of the dimensions. (Exported for specs.) */
export function marginRows(cells: MarginCell[], policy: DisclosurePolicy): MarginRow[] {
  const dims = Object.keys(cells[0]?.dims ?? {});
  const rows: MarginRow[] = [];
  for (let mask = 0; mask < 2 ** dims.length - 1; mask++) {
    const kept = dims.filter((_, j) => mask & (1 << j));
    const groups = new Map<string, number[]>();
    for (let i = 0; i < cells.length; i++) {
      const key = groupKey(cells[i].dims, kept);
      const g = groups.get(key);
      if (g) g.push(i);
      else groups.set(key, [i]);
    }
    for (const members of groups.values()) {
      // A one-cell row is the cell itself: same persons, same release.
      if (members.length < 2) continue;
      let persons = 0;
      for (const i of members) persons += cells[i].persons;
      const m = perturbCount({ trueValue: persons, cellKey: sumKeys(cells, members, 'personKey') }, policy);
      // Every member has the row's values; the first one names it.
      const values = cells[members[0]].dims;
      const label = kept.length ? kept.map((d) => `${d}=${String(values[d] ?? null)}`).join(', ') : 'total';
      rows.push({ label, members, margin: readInterval(m) });
    }
  }
  return rows;
}

/**
 * For each withheld cell, what every margin row holding it says about it, met; and which rows said
 * more than [0, k − 1] (only those can take part in pinning it).
 */
function feasible(cells: MarginCell[], rows: MarginRow[], intervals: Interval[], k: number) {
  const bound: Interval[] = cells.map(() => [0, k - 1]);
  const narrowing: MarginRow[][] = cells.map(() => []);
  for (const row of rows) {
    let lo = 0;
    let hi = 0;
    for (const i of row.members) {
      lo += intervals[i][0];
      hi += intervals[i][1];
    }
    for (const i of row.members) {
      if (cells[i].persons >= k) continue;
      const from = row.margin[0] - (hi - intervals[i][1]);
      const to = row.margin[1] - (lo - intervals[i][0]);
      if (from <= 0 && to >= k - 1) continue;
      narrowing[i].push(row);
      bound[i] = [Math.max(bound[i][0], from), Math.min(bound[i][1], to)];
    }
  }
  return { bound, narrowing };
}

export function protectMargins(cells: MarginCell[], policy: DisclosurePolicy): MarginProtection {
  const k = policy.minCellCount;
  const protection: MarginProtection = { cells: new Map(), rows: 0 };
  if (cells.length < 2) return protection;
  const rows = marginRows(cells, policy);
  protection.rows = rows.length;
  const intervals = cells.map((c) => readInterval(c.released));
  const { bound, narrowing } = feasible(cells, rows, intervals, k);
  const pinned = cells.map((c, i) => c.persons >= 1 && c.persons < k && bound[i][1] - bound[i][0] < 1);
  if (!pinned.includes(true)) return protection;

  let personsTotal = 0;
  let eventsTotal = 0;
  for (const c of cells) {
    personsTotal += c.persons;
    eventsTotal += c.events;
  }
  const all = cells.map((_, i) => i);
  const upper = (trueValue: number, field: 'personKey' | 'eventKey') =>
    Math.max(k - 1, perturbCount({ trueValue, cellKey: sumKeys(cells, all, field) }, policy).upper);
  const U = upper(personsTotal, 'personKey');
  const E = upper(eventsTotal, 'eventKey');
  const persons: Released = { value: null, lower: 0, upper: U, suppressed: true, action: 'withheld' };
  const events: Released = { value: null, lower: 0, upper: E, suppressed: true, action: 'withheld' };
  cells.forEach((_, t) => {
    if (!pinned[t]) return;
    for (const row of narrowing[t])
      for (const i of row.members) if (!protection.cells.has(i)) protection.cells.set(i, { persons, events, row: row.label });
  });
  return protection;
}
