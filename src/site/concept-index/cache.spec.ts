import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConceptIndexBuilder } from './build.js';
import { cacheKeyOf, readIndexCache, writeIndexCache } from './cache.js';

test('a cached index answers exactly like the one it was written from, and only for the same file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-index-cache-'));
  try {
    const db = path.join(dir, 'site.duckdb');
    writeFileSync(db, 'stand-in database file');
    const b = new ConceptIndexBuilder();
    const words = ['acute', 'chronic', 'ulcer', 'kidney', 'prostate', 'tumour', 'biopsy', 'of', 'left'];
    for (let i = 1; i <= 3000; i++) {
      const name = [0, 1, 2, 3].map((k) => words[(i * (k + 3) + k) % words.length]).join(' ');
      b.addConcept({
        conceptId: i * 7,
        name,
        domain: i % 3 ? 'Condition' : 'Procedure',
        vocabulary: 'SNOMED',
        conceptClass: 'Clinical Finding',
        standardConcept: i % 5 ? 'S' : null,
        code: `K${i}`,
        invalidReason: i % 97 ? null : 'D',
      });
    }
    b.addSynonym(7, 'kidney tumour');
    b.addMapsTo(35, 14);
    b.setCounts(21, 100, 9);
    b.countedColumns = ['condition_occurrence.condition_concept_id'];
    const built = b.finish();
    const key = await cacheKeyOf(db);
    const file = `${db}.concept-index`;
    await writeIndexCache(file, key, built);
    const read = await readIndexCache(file, key);
    assert.ok(read);
    assert.equal(read.size, built.size);
    for (let row = 0; row < built.size; row += 37) {
      assert.deepEqual(read.concept(row), built.concept(row));
      assert.deepEqual(read.synonyms(row), built.synonyms(row));
      assert.deepEqual(read.mapsTo(row), built.mapsTo(row));
      assert.deepEqual(read.trueCounts(row), built.trueCounts(row));
    }
    assert.deepEqual(read.parts.countedColumns, built.parts.countedColumns);
    assert.equal(read.bytes, built.bytes);
    for (const q of ['kidney', 'acut', 'K21', '21', 'ulcr kidny ', 'of left', 'tumour kidney']) {
      assert.deepEqual(read.search(q, { limit: 30 }), built.search(q, { limit: 30 }), q);
    }
    // Another file (or the same one changed) does not match the key.
    writeFileSync(db, 'a replaced database file');
    assert.equal(await readIndexCache(file, await cacheKeyOf(db)), undefined);
    assert.equal(await readIndexCache(path.join(dir, 'none'), key), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
