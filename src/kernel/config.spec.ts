import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTokenFile, resolveConnection } from './config.js';

/** Runs `body` with these environment variables, restoring the old values afterwards. */
async function withEnv(env: Record<string, string | undefined>, body: () => Promise<void>): Promise<void> {
  const old = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    await body();
  } finally {
    for (const [k, v] of Object.entries(old)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test('readTokenFile: the token the lab handed on, unless missing, broken or expired', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fedomop-token-'));
  try {
    const file = join(dir, 'token');
    assert.equal(await readTokenFile(file), undefined);
    await writeFile(file, JSON.stringify({ token: 't', expiresAt: 100 }));
    assert.equal(await readTokenFile(file, 99_000), 't');
    assert.equal(await readTokenFile(file, 100_000), undefined, 'expired at expiresAt (seconds)');
    await writeFile(file, JSON.stringify({ token: 't' }));
    assert.equal(await readTokenFile(file), 't', 'no expiry recorded: used');
    await writeFile(file, '{');
    assert.equal(await readTokenFile(file), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the token order: options, FEDOMOP_TOKEN, the lab’s token file, then the config file; renewals are read per request', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fedomop-token-'));
  const tokenFile = join(dir, 'token');
  const config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify({ hub: 'http://hub.example', token: 'from-config' }));
  try {
    await withEnv(
      { FEDOMOP_CONFIG: config, FEDOMOP_TOKEN_FILE: tokenFile, FEDOMOP_TOKEN: undefined, FEDOMOP_HUB_URL: undefined },
      async () => {
        const conn = await resolveConnection();
        assert.equal(await conn.token(), 'from-config');
        await writeFile(tokenFile, JSON.stringify({ token: 'from-lab-1', expiresAt: Date.now() / 1000 + 3600 }));
        assert.equal(await conn.token(), 'from-lab-1');
        await writeFile(tokenFile, JSON.stringify({ token: 'from-lab-2', expiresAt: Date.now() / 1000 + 3600 }));
        assert.equal(await conn.token(), 'from-lab-2', 'a renewal reaches a running kernel');
        process.env.FEDOMOP_TOKEN = 'from-env';
        assert.equal(await conn.token(), 'from-env', 'FEDOMOP_TOKEN still wins');
        assert.equal(await (await resolveConnection({ token: 'given' })).token(), 'given');
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
