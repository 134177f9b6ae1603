import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CellAccumulator } from '../disclosure/person-set.js';
import { RecordKeys } from '../disclosure/record-keys.js';
import { signed } from '../disclosure/set-index.js';
import { PUBLISHED, PublishedConcepts } from './concept-releases.js';
import { cachePath, readPublishedCache, secretFingerprint, writePublishedCache } from './concept-releases-cache.js';

const keys = RecordKeys.fromSecret(new Uint8Array(32).fill(9));
const K = 5;

function setOf(ids: number[]): CellAccumulator {
  const w = keys.derive(BigInt64Array.from(ids.map(BigInt)));
  const acc = new CellAccumulator(K);
  ids.forEach((_, i) => acc.add(w, i, true, 2));
  return acc;
}

test('published concept sets survive the cache: same truths, same conflicts; another key or k is a miss', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-concept-cache-'));
  try {
    const a = setOf(Array.from({ length: 40 }, (_, i) => i + 1));
    const truths = new Map([
      [101, { persons: 40, personKey: a.personKey, records: 80, recordKey: a.eventKey, widened: false }],
      [102, { persons: 3, personKey: 7, records: 3, recordKey: 9, widened: true }],
    ]);
    const p = new PublishedConcepts(K, truths);
    const set = a.personSet();
    p.sets.add({ n: set.size, ...signed(set.signature), planHash: PUBLISHED, cell: 'concept 101', time: 0 });
    const file = cachePath(dir, K);
    await writePublishedCache(file, 'file|fp', p);
    assert.equal(statSync(file).mode & 0o077, 0, 'not readable by others');
    const back = await readPublishedCache(file, 'file|fp', K);
    assert.ok(back);
    assert.deepEqual([...back.entries()], [...p.entries()]);
    const near = setOf(Array.from({ length: 38 }, (_, i) => i + 1)).personSet(); // two persons fewer
    assert.deepEqual(back.conflict(near), { planHash: PUBLISHED, cell: 'concept 101', difference: 2 });
    assert.equal(back.conflict(set), undefined, 'the same persons are not a difference');
    assert.equal(await readPublishedCache(file, 'file|other', K), undefined);
    assert.equal(await readPublishedCache(file, 'file|fp', 10), undefined);
    assert.notEqual(secretFingerprint(keys), secretFingerprint(RecordKeys.fromSecret(new Uint8Array(32).fill(8))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
