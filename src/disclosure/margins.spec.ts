/**
 * Margins asked separately must not pin a withheld cell of a crosstab. The attacker here is written
 * apart from margins.ts: it takes each margin as the site would release it to a separate question
 * (the union's persons, the union's cell key), the table's released intervals, and meets every
 * derivation, as test/integration/disclosure-attacks does over HTTP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CellAccumulator } from './person-set.js';
import { perturbCount } from './perturb.js';
import { STANDARD_POLICY, STRICT_POLICY, type DisclosurePolicy } from './policy.js';
import { releaseAnswer } from './release.js';
import { KINDS } from '../analysis/kinds/registry.js';

// Each counting kind's rule beyond the per-cell ones, as its registry entry gives it.
const RULES = {
  count: KINDS.count.cells!.release,
  attrition: KINDS.attrition.cells!.release,
  crosstab: KINDS.crosstab.cells!.release,
};

type Dims = Record<string, string | number>;

function cell(dims: Dims, persons: number, personKey: number, k: number) {
  const acc = new CellAccumulator(k);
  acc.persons = persons;
  acc.personKey = personKey >>> 0;
  acc.events = persons;
  acc.eventKey = Math.imul(personKey, 7) >>> 0;
  return { dims, acc };
}

/** The smallest feasible set the attacker derives for each withheld cell of 1..k-1 persons. */
function attack(cells: ReturnType<typeof cell>[], policy: DisclosurePolicy) {
  const k = policy.minCellCount;
  const { rows } = releaseAnswer(cells, RULES.crosstab, 's', policy);
  const dims = Object.keys(cells[0].dims);
  const pinned: string[] = [];
  let targets = 0;
  cells.forEach((target, t) => {
    const n = target.acc.persons;
    if (n < 1 || n >= k) return;
    targets++;
    let lo = 0;
    let hi = k - 1;
    // Every union of cells along some dimensions that holds the target, asked as its own question.
    for (let mask = 0; mask < 2 ** dims.length - 1; mask++) {
      const fixed = dims.filter((_, j) => mask & (1 << j));
      const members = cells.map((c, i) => i).filter((i) => fixed.every((d) => cells[i].dims[d] === target.dims[d]));
      if (members.length < 2) continue;
      const trueValue = members.reduce((s, i) => s + cells[i].acc.persons, 0);
      const cellKey = members.reduce((s, i) => (s + cells[i].acc.personKey) >>> 0, 0);
      const m = perturbCount({ trueValue, cellKey }, policy);
      const others = members.filter((i) => i !== t);
      lo = Math.max(lo, m.lower - others.reduce((s, i) => s + rows[i].measures.persons.upper, 0));
      hi = Math.min(hi, m.upper - others.reduce((s, i) => s + rows[i].measures.persons.lower, 0));
    }
    assert.ok(lo <= n && n <= hi, `dishonest: ${n} not in [${lo}, ${hi}]`);
    if (hi - lo < 1) pinned.push(`${JSON.stringify(target.dims)} = ${n}`);
  });
  return { pinned, targets, rows };
}

test('the observed pin: a year with two withheld cells of k-1 whose margin is released at +D is withheld whole', () => {
  const k = 5;
  // Margin 2006 = 8 persons; keys chosen so the margin's noise is +2 (key at the top of the ptable row).
  const cells = [
    cell({ gender: 'FEMALE', year: 2005 }, 40, 1000, k),
    cell({ gender: 'MALE', year: 2005 }, 60, 2000, k),
    cell({ gender: 'FEMALE', year: 2006 }, 4, 0xfffffff0, k),
    cell({ gender: 'MALE', year: 2006 }, 4, 0x0000000f, k),
  ];
  const margin = perturbCount({ trueValue: 8, cellKey: 0xffffffff }, STANDARD_POLICY);
  assert.equal(margin.lower, 8, 'the margin alone would pin both cells at 4');
  const { pinned, rows } = attack(cells, STANDARD_POLICY);
  assert.deepEqual(pinned, []);
  for (const i of [2, 3]) {
    const p = rows[i].measures.persons;
    assert.equal(p.value, null);
    assert.equal(p.lower, 0);
    assert.ok(p.upper >= 100, `withheld with the table's bound, not [0, 4]: [${p.lower}, ${p.upper}]`);
  }
  assert.equal(rows[0].measures.persons.suppressed, false, 'rows not at risk keep their values');
});

test('random 2-D and 3-D tables with small cells: no withheld cell pinned by any margin, every interval honest', () => {
  const table = fc.record({
    a: fc.integer({ min: 1, max: 4 }),
    b: fc.integer({ min: 2, max: 5 }),
    c: fc.integer({ min: 1, max: 3 }),
    counts: fc.array(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 200 })), {
      minLength: 60,
      maxLength: 60,
    }),
    keys: fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 60, maxLength: 60 }),
  });
  let targets = 0;
  for (const policy of [STANDARD_POLICY, STRICT_POLICY]) {
    fc.assert(
      fc.property(table, ({ a, b, c, counts, keys }) => {
        const cells: ReturnType<typeof cell>[] = [];
        for (let i = 0; i < a; i++)
          for (let j = 0; j < b; j++)
            for (let l = 0; l < c; l++) {
              const n = cells.length;
              const dims: Dims = c > 1 ? { a: i, b: j, c: l } : { a: i, b: j };
              if (counts[n] > 0 || n % 3 === 0) cells.push(cell(dims, counts[n], keys[n], policy.minCellCount));
            }
        if (cells.length < 2) return;
        const r = attack(cells, policy);
        targets += r.targets;
        assert.deepEqual(r.pinned, [], `${policy.profile}: pinned ${r.pinned.join('; ')}`);
      }),
      { seed: 20261207, numRuns: 1500 },
    );
  }
  assert.ok(targets > 1000, `enough withheld targets (${targets})`);
});

test('margin rows group cells by equal values only: 1 is not "1", null is not "null", a value does not run into the next', async () => {
  const { marginRows, protectMargins } = await import('./margins.js');
  const released = { value: 50, lower: 48, upper: 52, suppressed: false, action: 'perturbed' as const };
  const marginCell = (dims: Record<string, string | number | null>) => ({
    dims,
    persons: 50,
    personKey: 1,
    events: 50,
    eventKey: 1,
    released,
  });
  const values = [1, '1', null, 'null'];
  const cells = values.flatMap((a) => ['x', 'y'].map((b) => marginCell({ a, b })));
  // The total, four rows of a (two cells each) and two of b (four cells each).
  assert.equal(protectMargins(cells, STANDARD_POLICY).rows, 1 + 4 + 2);
  // Each row named by its values as a reason says it ("its margin row a=1 would pin …").
  assert.deepEqual(
    marginRows(cells, STANDARD_POLICY).map((r) => `${r.label}: ${r.members.join(' ')}`),
    ['total: 0 1 2 3 4 5 6 7', 'a=1: 0 1', 'a=1: 2 3', 'a=null: 4 5', 'a=null: 6 7', 'b=x: 0 2 4 6', 'b=y: 1 3 5 7'],
  );
  // Two dimensions whose values would read the same run together: ("a", "bc") and ("ab", "c").
  const joined = [marginCell({ p: 'a', q: 'bc', r: 1 }), marginCell({ p: 'ab', q: 'c', r: 1 })];
  const twice = [...joined, ...joined.map((c) => ({ ...c, dims: { ...c.dims, r: 2 } }))];
  // The total; p, q, (p, q) and r each two rows of two cells; (p, r) and (q, r) single cells, no rows.
  // Were ("a", "bc") and ("ab", "c") one key, (p, q) would be one row of four: 8.
  assert.equal(protectMargins(twice, STANDARD_POLICY).rows, 1 + 2 + 2 + 2 + 2);
});
