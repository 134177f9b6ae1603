import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RecordKeys } from './record-keys.js';

test('record keys are AES-256 of (id as int64 LE, "fedomop1") under the secret, read as LE words', () => {
  const secret = Buffer.alloc(32, 9);
  const ids = [1n, -5n, 9_007_199_254_740_993n];
  const words = RecordKeys.fromSecret(secret).derive(BigInt64Array.from(ids));
  ids.forEach((id, i) => {
    const block = Buffer.alloc(16);
    block.writeBigInt64LE(id, 0);
    block.write('fedomop1', 8, 'ascii');
    const c = createCipheriv('aes-256-ecb', secret, null);
    c.setAutoPadding(false);
    const out = Buffer.concat([c.update(block), c.final()]);
    assert.deepEqual(
      [...words.slice(i * 4, i * 4 + 4)],
      [0, 4, 8, 12].map((o) => out.readUInt32LE(o)),
    );
  });
});

test('INTEGER ids (an Int32Array, as DuckDB hands over the CDM person_id) get the keys of the same ids as int64', () => {
  const keys = RecordKeys.fromSecret(Buffer.alloc(32, 3));
  const ids = [0, 1, -1, -5, 2_147_483_647, -2_147_483_648, 123_456];
  assert.deepEqual(keys.derive(Int32Array.from(ids)), keys.derive(BigInt64Array.from(ids.map(BigInt))));
});

test('the secret file is created 0600 on first start, read back the same, and refused when others can read it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-secret-'));
  const file = path.join(dir, 'nested', 'site.secret');
  const a = RecordKeys.openSecretFile(file).derive(BigInt64Array.from([42n]));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(RecordKeys.openSecretFile(file).derive(BigInt64Array.from([42n])), a, 'same secret after a restart');
  const loose = path.join(dir, 'loose.secret');
  writeFileSync(loose, 'ab'.repeat(32));
  chmodSync(loose, 0o644);
  assert.throws(() => RecordKeys.openSecretFile(loose), /readable by others/);
});
