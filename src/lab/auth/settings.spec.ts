import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SCOPES, callbackUrl, resolveIdp } from './settings.js';

test('resolveIdp: the server config wins as a whole, trailing slash dropped', () => {
  const idp = resolveIdp(
    { issuer: 'http://127.0.0.1:8090/', clientId: 'fedomop-lab', scopes: ['openid', 'offline_access'] },
    { preset: 'helmholtz', clientId: 'mine', jwtAccessToken: true },
  );
  assert.deepEqual(idp, {
    issuer: 'http://127.0.0.1:8090',
    clientId: 'fedomop-lab',
    scopes: ['openid', 'offline_access'],
    extraParameters: {},
    jwtAccessToken: false,
    source: 'server',
  });
});

test('resolveIdp: nothing configured, or no client id, is no sign-in', () => {
  assert.equal(resolveIdp(null), null);
  assert.equal(resolveIdp({ issuer: '', clientId: '', scopes: [] }, {}), null);
  assert.equal(resolveIdp({ issuer: 'https://idp', clientId: '', scopes: [] }), null);
  assert.equal(resolveIdp(null, { preset: 'helmholtz' }), null, 'a preset still needs the client id');
});

test('resolveIdp: Helmholtz AAI presets bring issuer, claims_in_tokens and JWT access tokens; user values add', () => {
  const prod = resolveIdp(null, { preset: 'helmholtz', clientId: 'fedomop' });
  assert.equal(prod?.issuer, 'https://login.helmholtz.de/oauth2');
  assert.deepEqual(prod?.extraParameters, { claims_in_tokens: 'token' });
  assert.equal(prod?.jwtAccessToken, true);
  assert.deepEqual(prod?.scopes, DEFAULT_SCOPES);
  const dev = resolveIdp(null, {
    preset: 'helmholtz-dev',
    clientId: 'fedomop',
    jwtAccessToken: false,
    extraParameters: { prompt: 'login' },
  });
  assert.equal(dev?.issuer, 'https://login-dev.helmholtz.de/oauth2');
  assert.equal(dev?.jwtAccessToken, false);
  assert.deepEqual(dev?.extraParameters, { claims_in_tokens: 'token', prompt: 'login' });
  const custom = resolveIdp(
    { issuer: '', clientId: 'from-server', scopes: [] },
    { preset: 'custom', issuer: ' https://idp.example/ ', scopes: [' '] },
  );
  assert.equal(custom?.issuer, 'https://idp.example');
  assert.equal(custom?.clientId, 'from-server');
  assert.deepEqual(custom?.scopes, DEFAULT_SCOPES, 'blank scopes fall back to the defaults');
});

test('resolveIdp: the schema defaults (empty client id, no jwt flag) leave the preset and the server their say', () => {
  const defaults = { preset: 'helmholtz' as const, issuer: '', clientId: '', scopes: DEFAULT_SCOPES };
  const idp = resolveIdp({ issuer: '', clientId: 'server-client', scopes: [] }, defaults);
  assert.equal(idp?.clientId, 'server-client');
  assert.equal(idp?.jwtAccessToken, true);
  assert.equal(idp?.issuer, 'https://login.helmholtz.de/oauth2');
});

test('callbackUrl: the fixed path under the lab base URL, on the lab origin', () => {
  assert.equal(callbackUrl('http://127.0.0.1:8888', '/'), 'http://127.0.0.1:8888/fedomop/auth/callback');
  assert.equal(callbackUrl('http://127.0.0.1:8888', '/user/alice/'), 'http://127.0.0.1:8888/user/alice/fedomop/auth/callback');
  assert.equal(callbackUrl('http://h', 'http://h/base'), 'http://h/base/fedomop/auth/callback');
});
