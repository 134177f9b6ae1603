import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ReleaseHistory } from './history.js';
import { CellAccumulator } from './person-set.js';
import { EXACT_POLICY, STANDARD_POLICY, STRICT_POLICY } from './policy.js';
import { RecordKeys } from './record-keys.js';
import { releaseAnswer } from './release.js';
import { applyMinCellCount } from './min-cell.js';
import { KINDS } from '../analysis/kinds/registry.js';

// Each counting kind's rule beyond the per-cell ones, as its registry entry gives it.
const RULES = {
  count: KINDS.count.cells!.release,
  attrition: KINDS.attrition.cells!.release,
  crosstab: KINDS.crosstab.cells!.release,
};

const keys = RecordKeys.fromSecret(new Uint8Array(32).fill(3));
function cell(dims: Record<string, string | number>, ids: number[], eventsEach = 1, k = 5) {
  const w = keys.derive(BigInt64Array.from(ids.map(BigInt)));
  const acc = new CellAccumulator(k);
  ids.forEach((_, i) => acc.add(w, i, true, eventsEach));
  return { dims, acc };
}
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

test('a withheld person count withholds its row: events are not released exactly (prostate 90+: persons [1,4], events 15)', () => {
  for (const policy of [STANDARD_POLICY, EXACT_POLICY]) {
    const { rows } = releaseAnswer(
      [cell({ age_group: '90+' }, [1, 2, 3], 5), cell({ age_group: '80-89' }, range(10, 40))],
      RULES.crosstab,
      's',
      policy,
    );
    const e = rows[0].measures.events;
    assert.equal(rows[0].measures.persons.suppressed, true);
    assert.equal(e.value, null, `${policy.profile}: events of a withheld row`);
    assert.ok(e.lower <= 15 && 15 <= e.upper && e.upper - e.lower >= 10, `[${e.lower}, ${e.upper}]`);
  }
});

test('exact profile: complementary suppression never releases a width-0 interval (raw [1, 5, 100] with k = 5)', () => {
  const raw = [1, 5, 100].map((n, i) => ({ dims: { rule_index: i }, counts: { persons: n, events: n } }));
  const rows = applyMinCellCount(raw, 's', EXACT_POLICY);
  for (const r of rows) {
    const p = r.measures.persons;
    assert.ok(p.value !== null || p.upper > p.lower, `[${p.lower}, ${p.upper}] pins its cell`);
  }
  assert.equal(rows[1].measures.persons.value, null, 'the 5 cannot be the complement on its own: 6 − [1,4] with ≥ 5 leaves 5');
  assert.equal(rows[2].measures.persons.suppressed, true);
});

test('attrition steps differing by fewer than k persons are widened within one answer', () => {
  const steps = [range(1, 100), range(1, 97), range(1, 60)].map((ids, i) => cell({ rule_index: i }, ids));
  const { rows, decisions } = releaseAnswer(steps, RULES.attrition, 's', STANDARD_POLICY, () => undefined);
  assert.equal(rows[0].measures.persons.suppressed, false);
  assert.equal(rows[1].measures.persons.suppressed, true, 'a loss of 3 is not released as two values');
  assert.ok(rows[1].measures.persons.lower <= 97 && 97 <= rows[1].measures.persons.upper);
  assert.equal(rows[2].measures.persons.suppressed, false);
  assert.equal(decisions.find((d) => d.cell === 'rule_index=1' && d.measure === 'persons')?.action, 'widened');
});

test('a set differing from an earlier release by 1..k-1 persons: widened (standard) or refused naming the earlier plan (strict); history survives a restart', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-history-'));
  const h1 = new ReleaseHistory(dir);
  const first = releaseAnswer([cell({}, range(1, 42))], RULES.count, 's', STANDARD_POLICY, (s) => h1.conflict('u1', s, 5));
  h1.record(
    { time: new Date().toISOString(), planHash: 'aaaa1111', analysis: 'count', decision: 'released' },
    'u1',
    first.releasedSets,
  );
  const h2 = new ReleaseHistory(dir); // a restarted site reads the file
  const second = releaseAnswer([cell({}, range(1, 39))], RULES.count, 's', STANDARD_POLICY, (s) => h2.conflict('u1', s, 5));
  assert.equal(second.rows[0].measures.persons.suppressed, true);
  assert.match(second.decisions[0].reason, /aaaa1111/);
  const strict = releaseAnswer([cell({}, range(1, 39), 1, 10)], RULES.count, 's', STRICT_POLICY, (s) => h2.conflict('u1', s, 10));
  // signatures of k = 5 and k = 10 have different sizes: strict sees no k = 5 history, so nothing to refuse here
  assert.equal(strict.refusal, undefined);
  const h3 = new ReleaseHistory(dir);
  const s1 = releaseAnswer([cell({}, range(1, 42), 1, 10)], RULES.count, 's', STRICT_POLICY, (s) => h3.conflict('u2', s, 10));
  h3.record(
    { time: new Date().toISOString(), planHash: 'bbbb2222', analysis: 'count', decision: 'released' },
    'u2',
    s1.releasedSets,
  );
  const refused = releaseAnswer([cell({}, range(1, 39), 1, 10)], RULES.count, 's', STRICT_POLICY, (s) =>
    h3.conflict('u2', s, 10),
  );
  assert.equal(refused.refusal?.planHash, 'bbbb2222');
  assert.equal(refused.rows.length, 0, 'nothing is released with a refusal');
  assert.equal(
    releaseAnswer([cell({}, range(1, 39))], RULES.count, 's', STANDARD_POLICY, (s) => h2.conflict('other-user', s, 5)).rows[0]
      .measures.persons.suppressed,
    false,
    'another user has their own history',
  );
  assert.equal(h3.size('u2'), 1);
});
