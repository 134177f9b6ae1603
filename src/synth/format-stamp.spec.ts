import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYNTH_FORMAT, removeSynthFile, stampSynthFile, synthFileIsCurrent } from './format-stamp.js';
import { tempDir } from './synth.spec-util.js';

test('a site file counts as current only with a stamp of this generator’s format', async () => {
  const dir = await tempDir();
  try {
    const file = join(dir.path, 'site.duckdb');
    assert.equal(synthFileIsCurrent(file), false, 'no file');
    writeFileSync(file, 'db');
    assert.equal(synthFileIsCurrent(file), false, 'a file from before the stamp existed');
    writeFileSync(`${file}.synth-format`, `${SYNTH_FORMAT - 1}\n`);
    assert.equal(synthFileIsCurrent(file), false, 'an older format');
    stampSynthFile(file);
    assert.equal(synthFileIsCurrent(file), true);
    removeSynthFile(file);
    assert.equal(existsSync(file), false);
    assert.equal(existsSync(`${file}.synth-format`), false);
  } finally {
    await dir.remove();
  }
});
