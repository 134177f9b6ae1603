import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialGrid, mergeFailing, mergesOf } from './hub.js';

test('the initial grid covers maxDays in whole bins from day 0', () => {
  assert.deepEqual(initialGrid(100, 30), [0, 30, 60, 90, 120]);
});

test('a failing bin joins the next; a failing last bin joins the one before; merges are reported', () => {
  const ends = [0, 30, 60, 90, 120];
  assert.deepEqual(mergeFailing(ends, [true, false, false, true, true]), [0, 60, 90, 120]);
  assert.deepEqual(mergeFailing(ends, [true, true, true, true, false]), [0, 30, 60, 120]);
  const agreed = [0, 90, 120];
  assert.deepEqual(mergesOf(ends, agreed), [{ from: 30, to: 90, bins: 3 }]);
});
