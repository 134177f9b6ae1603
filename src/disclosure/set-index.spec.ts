import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CellAccumulator, type PersonSet } from './person-set.js';
import { RecordKeys } from './record-keys.js';
import { SetIndex, signed } from './set-index.js';

const keys = RecordKeys.fromSecret(new Uint8Array(32).fill(9));

function setOf(ids: number[], k = 5): PersonSet {
  const words = keys.derive(BigInt64Array.from(ids.map(BigInt)));
  const acc = new CellAccumulator(k);
  ids.forEach((_, i) => acc.add(words, i, true, 1));
  return acc.personSet();
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const entry = (set: PersonSet, cell: string, time = 0) => ({
  n: set.size,
  ...signed(set.signature),
  planHash: `plan ${cell}`,
  cell,
  time,
});

test('finds a stored set differing by 1..k-1 persons in a neighbouring size, among many of the same sizes', () => {
  const index = new SetIndex();
  // The target first, then 40 unrelated sets of each size 995..1005: its bucket grows past its first
  // capacity after it was stored.
  const target = range(50_000, 1000);
  index.add(entry(setOf(target), 'target'));
  for (let n = 995; n <= 1005; n++)
    for (let j = 0; j < 40; j++) assert.ok(index.add(entry(setOf(range(1_000_000 * (j + 1) + n * 1000, n)), `u${n}-${j}`)));
  assert.equal(index.count, 11 * 40 + 1);
  for (const [name, ids, difference] of [
    ['one fewer', target.slice(1), 1],
    ['four more', [...target, ...range(90_000, 4)], 4],
    ['two swapped', [...target.slice(2), 7, 8], 4],
  ] as const) {
    const c = index.conflict(setOf([...ids]), 5);
    assert.deepEqual(c, { planHash: 'plan target', cell: 'target', difference }, name);
  }
  // Exactly the same persons, or k or more apart: no conflict.
  assert.equal(index.conflict(setOf(target), 5), undefined);
  assert.equal(index.conflict(setOf(target.slice(5)), 5), undefined);
  assert.equal(index.conflict(setOf(range(70_000, 1000)), 5), undefined);
});

test('a repeat is stored once, and sets written under another k are never compared', () => {
  const index = new SetIndex();
  const a = setOf(range(1, 40));
  assert.equal(index.add(entry(a, 'a')), true);
  assert.equal(index.add(entry(setOf(range(1, 40)), 'again')), false);
  assert.equal(index.has(setOf(range(1, 40))), true);
  assert.equal(index.has(setOf(range(2, 40))), false);
  assert.equal(index.count, 1);
  // k = 11 signatures are longer: the same persons minus one are no conflict for a k = 5 index entry.
  index.add(entry(setOf(range(1000, 60), 11), 'k11'));
  assert.equal(index.conflict(setOf(range(1001, 59), 5), 5), undefined);
  assert.deepEqual(index.conflict(setOf(range(1001, 59), 11), 11), { planHash: 'plan k11', cell: 'k11', difference: 1 });
});

test('entries gives back every stored set with where it came from, and oldest the earliest time', () => {
  const index = new SetIndex();
  const stored = [setOf(range(1, 10)), setOf(range(100, 10)), setOf(range(200, 12)), setOf(range(300, 12), 7)];
  stored.forEach((s, i) => index.add(entry(s, `c${i}`, 1000 - i)));
  const back = [...index.entries()].sort((x, y) => x.cell.localeCompare(y.cell));
  assert.equal(back.length, 4);
  back.forEach((e, i) => {
    assert.equal(e.cell, `c${i}`);
    assert.equal(e.n, stored[i].size);
    assert.equal(e.time, 1000 - i);
    assert.deepEqual([...e.signature], [...stored[i].signature]);
  });
  assert.equal(index.oldest, 997);
  // Written out and read back, the index finds the same conflicts.
  const again = new SetIndex();
  for (const e of back) again.add(e);
  assert.equal(again.conflict(setOf(range(101, 9)), 5)?.cell, 'c1');
});

test('the quick test on the first counts is exactly as loose as it must be: k − 1 persons all in the first cells are found', () => {
  // Persons whose cell in the signature's first third is one of the eight counts read first: k − 1 of
  // them added to (or taken from) a set move those counts by k − 1 in all, the most a conflict can.
  const k = 5;
  const inFirstCells = (id: number) => {
    const sig = setOf([id], k).signature;
    for (let c = 0; c < 8; c++) if (sig[4 * c] === 1) return true;
    return false;
  };
  const chosen: number[] = [];
  for (let id = 900_000; chosen.length < k - 1; id++) if (inFirstCells(id)) chosen.push(id);
  const base = range(10_000, 300);
  for (const [name, stored, asked] of [
    ['k − 1 more', base, [...base, ...chosen]],
    ['k − 1 fewer', [...base, ...chosen], base],
  ] as const) {
    const index = new SetIndex();
    index.add(entry(setOf([...stored], k), 'earlier'));
    const heads = (ids: readonly number[]) => Array.from({ length: 8 }, (_, c) => setOf([...ids], k).signature[4 * c]);
    const apart = heads(stored).reduce((sum, v, c) => sum + Math.abs(v - heads(asked)[c]), 0);
    assert.equal(apart, k - 1, `${name}: the first counts are k − 1 apart`);
    assert.deepEqual(
      index.conflict(setOf([...asked], k), k),
      { planHash: 'plan earlier', cell: 'earlier', difference: k - 1 },
      name,
    );
  }
});

test('a stored set in the next bucket of sizes is found, and one k or more sizes away is not read as a conflict', () => {
  // Sizes 1007 and 1008 fall in different buckets of 16 sizes (62 and 63).
  for (const [stored, asked] of [
    [1008, 1004],
    [1004, 1008],
    [1007, 1008],
  ] as const) {
    const index = new SetIndex();
    const ids = range(300_000, Math.max(stored, asked));
    index.add(entry(setOf(ids.slice(0, stored)), `size ${stored}`));
    const c = index.conflict(setOf(ids.slice(0, asked)), 5);
    assert.deepEqual(c, { planHash: `plan size ${stored}`, cell: `size ${stored}`, difference: Math.abs(stored - asked) });
  }
  const index = new SetIndex();
  index.add(entry(setOf(range(300_000, 1013)), 'far'));
  assert.equal(index.conflict(setOf(range(300_000, 1008)), 5), undefined, 'five persons apart is no conflict for k = 5');
});
