/**
 * One answer's disclosure control: cells (with their person sets) in, released rows and a decision
 * per cell out. Judged together, in this order:
 *
 * 1. Each measure by perturbCount (perturb.ts): exact 0, withheld 1..k-1, perturbed ≥ k.
 * 2. Row rule: a withheld person count withholds every other measure of its row (events too).
 * 3. Differencing (policies with a history): a released person set that differs by 1..k-1 persons
 *    from one released earlier in this answer (attrition steps) is widened; from one released to
 *    the same user before, it is widened or the whole answer refused, by policy.
 * 4. Margins (crosstabs): a row of cells whose margin, asked separately, would pin a withheld cell
 *    of it is withheld whole (margins.ts).
 *
 * Policies without perturbation (`exact`) keep the min-cell rule with complementary suppression
 * (min-cell.ts) or nested differences (attrition.ts), with the row rule on top.
 */
import { MEASURES, type Measure, type ResultRow } from '../arrow/result-schema.js';
import { applyAttritionControl } from './attrition.js';
import type { Conflict } from './history.js';
import { applyMinCellCount } from './min-cell.js';
import { protectMargins } from './margins.js';
import { mayDifferByAtMost, occupancy, symmetricDifference, type PersonSet } from './person-set.js';
import { perturbCount, widen, withheldWithRow, type CellAction, type Released } from './perturb.js';
import { perturbs, type DisclosurePolicy } from './policy.js';
import type { CellAccumulator } from './person-set.js';

export interface CellInput {
  dims: ResultRow['dims'];
  acc: CellAccumulator;
}

export interface CellDecision {
  cell: string;
  measure: Measure;
  action: CellAction | 'refused';
  reason: string;
}

/**
 * What an answer's kind needs beyond the per-cell rules (its registry entry says:
 * src/analysis/kinds/<kind>/result.ts): nested differences between its rows (attrition steps),
 * margins (crosstabs).
 */
export interface ReleaseRule {
  nestedDifferences: boolean;
  margins: boolean;
}

export interface AnswerRelease {
  rows: ResultRow[];
  decisions: CellDecision[];
  /** Person sets released by this answer (for the user's history). */
  releasedSets: Array<{ cell: string; set: PersonSet }>;
  /** Set when policy says refuse and a cell differs from an earlier release by 1..k-1 persons. */
  refusal?: Conflict & { newCell: string };
}

/** `gender=FEMALE, index_year=2011`; `all` for a one-row count. */
export function cellLabel(dims: ResultRow['dims']): string {
  const parts = Object.entries(dims).map(([d, v]) => `${d}=${v === null ? 'null' : String(v)}`);
  return parts.length ? parts.join(', ') : 'all';
}

const REASONS: Record<CellAction, string> = {
  exact: 'exact (no perturbation in this policy)',
  perturbed: 'released with cell-key noise',
  withheld: 'fewer than k (zero included)',
  widened: 'differs from an earlier release by fewer than k persons',
};

export function releaseAnswer(
  cells: CellInput[],
  rule: ReleaseRule,
  site: string,
  policy: DisclosurePolicy,
  priorConflict?: (set: PersonSet) => Conflict | undefined,
): AnswerRelease {
  if (!perturbs(policy)) return releaseExact(cells, rule, site, policy);
  const k = policy.minCellCount;
  const rows: ResultRow[] = [];
  const decisions: CellDecision[] = [];
  const releasedSets: AnswerRelease['releasedSets'] = [];
  const releasedOccupancy: Uint32Array[] = []; // occupancy() of releasedSets[i], while cells are judged
  let refusal: AnswerRelease['refusal'];
  const released: Array<{ cell: string; persons: Released; events: Released; why?: string }> = [];
  for (const { dims, acc } of cells) {
    const cell = cellLabel(dims);
    let persons = perturbCount({ trueValue: acc.persons, cellKey: acc.personKey }, policy);
    let events = perturbCount({ trueValue: acc.events, cellKey: acc.eventKey }, policy);
    let why: string | undefined;
    if (persons.action === 'withheld') events = withheldWithRow(events, acc.events, policy);
    if (persons.action === 'perturbed' && policy.differencing) {
      const set = acc.personSet();
      const occupied = occupancy(set.signature);
      const inAnswer = releasedSets.find((r, i) => {
        if (Math.abs(r.set.size - set.size) >= k) return false; // sizes alone rule out a small difference
        // Occupancy bits alone rule out most of the rest (a crosstab's small cells have similar sizes).
        if (!mayDifferByAtMost(occupied, releasedOccupancy[i], k - 1)) return false;
        const d = symmetricDifference(r.set.signature, set.signature, k - 1);
        return d >= 1 && d <= k - 1;
      });
      const earlier = inAnswer ? undefined : priorConflict?.(set);
      if (inAnswer) why = `differs from ${inAnswer.cell} in this answer by fewer than ${k} persons`;
      else if (earlier && policy.differencing === 'refuse') refusal ??= { ...earlier, newCell: cell };
      else if (earlier) why = `differs from ${earlier.cell} of plan ${earlier.planHash.slice(0, 12)} by fewer than ${k} persons`;
      if (why) {
        persons = widen(persons, policy);
        events = events.action === 'perturbed' ? widen(events, policy) : events;
      } else if (!earlier) {
        releasedSets.push({ cell, set });
        releasedOccupancy.push(occupied);
      }
    }
    released.push({ cell, persons, events, why });
  }
  // Margins asked separately (any phrasing, before or after this answer) must not pin a withheld cell.
  if (rule.margins) {
    const margins = protectMargins(
      cells.map(({ dims, acc }, i) => ({
        dims,
        persons: acc.persons,
        personKey: acc.personKey,
        events: acc.events,
        eventKey: acc.eventKey,
        released: released[i].persons,
      })),
      policy,
    );
    for (const [i, p] of margins.cells) {
      const r = released[i];
      Object.assign(r, { persons: p.persons, events: p.events, why: `its margin row ${p.row} would pin a withheld cell` });
      const at = releasedSets.findIndex((s) => s.cell === r.cell);
      if (at >= 0) releasedSets.splice(at, 1);
    }
  }
  released.forEach(({ cell, persons, events, why }, i) => {
    rows.push({ site, dims: cells[i].dims, measures: { persons: strip(persons), events: strip(events) } });
    decisions.push({ cell, measure: 'persons', action: persons.action, reason: why ?? REASONS[persons.action] });
    decisions.push({
      cell,
      measure: 'events',
      action: events.action,
      reason:
        why ?? (persons.action === 'withheld' && events.action === 'withheld' ? 'its row is withheld' : REASONS[events.action]),
    });
  });
  if (refusal) {
    for (const d of decisions) if (d.cell === refusal.newCell && d.measure === 'persons') d.action = 'refused';
    return { rows: [], decisions, releasedSets: [], refusal };
  }
  return { rows, decisions, releasedSets };
}

const strip = ({ value, lower, upper, suppressed }: Released) => ({ value, lower, upper, suppressed });

function releaseExact(cells: CellInput[], rule: ReleaseRule, site: string, policy: DisclosurePolicy): AnswerRelease {
  const raw = cells.map(({ dims, acc }) => ({ dims, counts: { persons: acc.persons, events: acc.events } }));
  const rows = rule.nestedDifferences ? applyAttritionControl(raw, site, policy) : applyMinCellCount(raw, site, policy);
  const decisions: CellDecision[] = [];
  rows.forEach((row, i) => {
    const p = row.measures.persons;
    const n = cells[i].acc.persons;
    // Row rule: a withheld person count takes its row's other measures with it.
    if (p.suppressed && n > 0 && n < policy.minCellCount) {
      const e = row.measures.events;
      row.measures.events = strip(
        withheldWithRow({ ...e, action: 'exact', upper: cells[i].acc.events }, cells[i].acc.events, policy),
      );
    }
    for (const m of MEASURES) {
      const r = row.measures[m];
      const action: CellAction = r.suppressed ? 'withheld' : 'exact';
      decisions.push({
        cell: cellLabel(row.dims),
        measure: m,
        action,
        reason: r.suppressed ? 'min cell count or its complement' : 'exact',
      });
    }
  });
  return { rows, decisions, releasedSets: [] };
}
