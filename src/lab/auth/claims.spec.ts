import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeExpiry, entitlements, shortGroup, statusText, statusTitle, toAuthUser } from './claims.js';

const NORTH = 'urn:geant:helmholtz.de:group:fedomop:north#login.helmholtz.de';
const SOUTH_ROLE = 'urn:geant:helmholtz.de:group:fedomop:south:role=member#login.helmholtz.de';

test('toAuthUser: name by preference, groups from eduperson_entitlement, expiry in ms, renewable with a refresh token', () => {
  const user = toAuthUser({
    profile: {
      sub: 's-1',
      preferred_username: 'alice',
      name: 'Alice A.',
      email: 'alice@example.org',
      eduperson_entitlement: [NORTH, SOUTH_ROLE],
    },
    expires_at: 1_700_000_000,
    refresh_token: 'r',
  });
  assert.deepEqual(user, {
    subject: 's-1',
    name: 'alice',
    email: 'alice@example.org',
    groups: [NORTH, SOUTH_ROLE],
    expiresAt: 1_700_000_000_000,
    renewable: true,
  });
  const bare = toAuthUser({ profile: { sub: 's-2', eduperson_entitlement: NORTH } });
  assert.equal(bare.name, 's-2');
  assert.deepEqual(bare.groups, [NORTH], 'a single entitlement may come as a string');
  assert.equal(bare.renewable, false);
  assert.equal(bare.expiresAt, undefined);
});

test('entitlements: anything but strings is dropped', () => {
  assert.deepEqual(entitlements(undefined), []);
  assert.deepEqual(entitlements([NORTH, 3, '', null]), [NORTH]);
});

test('shortGroup: namespace and #authority dropped, sub-groups and role kept', () => {
  assert.equal(shortGroup(NORTH), 'fedomop:north');
  assert.equal(shortGroup(SOUTH_ROLE), 'fedomop:south:role=member');
  assert.equal(shortGroup('plain-group'), 'plain-group');
});

test('describeExpiry and statusText: minutes, hours, expired', () => {
  const now = 1_000_000;
  assert.equal(describeExpiry(now + 59 * 60_000 + 5_000, now), 'expires in 59 min');
  assert.equal(describeExpiry(now + 65 * 60_000, now), 'expires in 1 h 5 min');
  assert.equal(describeExpiry(now + 120 * 60_000, now), 'expires in 2 h');
  assert.equal(describeExpiry(now + 10_000, now), 'expires in < 1 min');
  assert.equal(describeExpiry(now - 1, now), 'expired');
  const alice = { subject: 'a', name: 'alice', groups: [NORTH, SOUTH_ROLE], expiresAt: now + 30 * 60_000, renewable: false };
  assert.equal(statusText(alice, now), 'alice · 2 groups · 30 min');
  assert.equal(statusText({ ...alice, groups: [] }, now), 'alice · 0 groups · 30 min');
  assert.equal(statusText(null, now), 'Sign in');
  const title = statusTitle(alice, now);
  assert.match(title, /Groups: fedomop:north, fedomop:south:role=member/);
  assert.match(title, /Sign in again when it expires/);
  assert.match(statusTitle({ ...alice, renewable: true }, now), /Renewed automatically/);
});
