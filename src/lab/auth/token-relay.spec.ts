import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ITokenRecord } from './model.js';
import { TokenRelay } from './token-relay.js';

const token = (t: string): ITokenRecord => ({ accessToken: t, expiresAt: 1, issuer: 'http://idp', user: 'alice' });

test('TokenRelay: one request at a time, and only the latest state after a burst', async () => {
  const sent: Array<string | null> = [];
  let release!: () => void;
  let first = true;
  const relay = new TokenRelay(async (record) => {
    sent.push(record?.accessToken ?? null);
    if (first) {
      first = false;
      await new Promise<void>((resolve) => (release = resolve));
    }
  });
  const done = relay.push(token('a'));
  // While "a" is in flight: a renewal, another, then a sign-out. Only the sign-out must follow.
  void relay.push(token('b'));
  void relay.push(token('c'));
  void relay.push(null);
  release();
  await done;
  assert.deepEqual(sent, ['a', null]);
});

test('TokenRelay: a failed send is recorded and the next state still goes out', async () => {
  const sent: Array<string | null> = [];
  const relay = new TokenRelay(async (record) => {
    sent.push(record?.accessToken ?? null);
    if (record?.accessToken === 'bad') throw new Error('server gone');
  });
  await relay.push(token('bad'));
  assert.match(String(relay.lastError), /server gone/);
  await relay.push(token('good'));
  assert.equal(relay.lastError, null);
  assert.deepEqual(sent, ['bad', 'good']);
});
