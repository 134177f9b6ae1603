/**
 * The dev identity provider as the lab and the tests use it: a real `fedomop dev-idp` process,
 * signed into by `fedomop dev-token` (the real code flow with PKCE) and by hand where a browser
 * would do something the CLI does not (CORS, a redirect URI, a missing PKCE challenge).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { devToken } from '../../src/dev-idp/index.js';
import { runCli } from '../harness/processes.js';
import { startIdp, type TestIdp } from '../harness/idp.js';

let idp: TestIdp;
const GROUP = (p: string) => `urn:geant:helmholtz.de:group:${p}#login.helmholtz.de`;

before(async () => {
  idp = await startIdp();
});
after(async () => {
  await idp?.stop();
});

const userinfo = async (token: string, origin?: string) =>
  fetch(`${idp.issuer}/me`, { headers: { authorization: `Bearer ${token}`, ...(origin ? { origin } : {}) } });

test('discovery names the issuer, PKCE S256 and the scopes fedomop asks for', async () => {
  const d = await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json();
  assert.equal(d.issuer, idp.issuer);
  assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
  for (const s of ['openid', 'profile', 'email', 'eduperson_entitlement', 'offline_access']) {
    assert.ok(d.scopes_supported.includes(s), s);
  }
  for (const k of ['userinfo_endpoint', 'revocation_endpoint', 'end_session_endpoint', 'jwks_uri']) assert.ok(d[k], k);
});

test('fedomop dev-token prints only an opaque access token whose userinfo carries the groups', async () => {
  const out = await runCli(['dev-token', 'bob', '--idp', idp.issuer]);
  assert.equal(out.code, 0, out.stderr);
  const token = out.stdout.trim();
  assert.match(token, /^[A-Za-z0-9_-]{20,}$/, 'one opaque token, nothing else on stdout');
  const info = await (await userinfo(token)).json();
  assert.equal(info.sub, 'bob');
  assert.deepEqual(info.eduperson_entitlement, [GROUP('fedomop'), GROUP('fedomop:north')]);
  const mallory = await (await userinfo(await idp.token('mallory'))).json();
  assert.deepEqual(mallory.eduperson_entitlement, []);
  const alice = await (await userinfo(await idp.token('alice'))).json();
  for (const site of ['central', 'north', 'south']) assert.ok(alice.eduperson_entitlement.includes(GROUP(`fedomop:${site}`)));
});

test('a wrong password fails with exit code 1 and says why on stderr', async () => {
  const out = await runCli(['dev-token', 'alice', '--idp', idp.issuer, '--password', 'nope']);
  assert.equal(out.code, 1);
  assert.equal(out.stdout, '');
  assert.match(out.stderr, /wrong password/);
});

test('Accept: application/at+jwt gets a JWT access token with typ at+jwt, audience, client_id and groups', async () => {
  const tokens = await devToken({ idp: idp.issuer, user: 'alice', jwt: true });
  const header = decodeProtectedHeader(tokens.access_token);
  assert.equal(header.typ, 'at+jwt');
  assert.equal(header.alg, 'RS256');
  const claims = decodeJwt(tokens.access_token);
  assert.equal(claims.iss, idp.issuer);
  assert.equal(claims.aud, 'fedomop');
  assert.equal(claims.client_id, 'fedomop-lab');
  assert.equal(claims.sub, 'alice');
  assert.ok((claims.eduperson_entitlement as string[]).includes(GROUP('fedomop:south')));
  // The ID token carries the groups too (a browser cannot take a JWT access token to userinfo).
  assert.ok((decodeJwt(tokens.id_token!).eduperson_entitlement as string[]).includes(GROUP('fedomop:central')));
});

test('offline_access brings a refresh token (no prompt=consent needed) that refreshes', async () => {
  const tokens = await devToken({ idp: idp.issuer, user: 'bob', scope: 'openid eduperson_entitlement offline_access' });
  assert.ok(tokens.refresh_token, 'refresh token issued');
  const res = await fetch(`${idp.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:8888' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: 'fedomop-lab' }),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:8888');
  const fresh = await res.json();
  assert.equal((await (await userinfo(fresh.access_token)).json()).sub, 'bob');
  const plain = await devToken({ idp: idp.issuer, user: 'bob' });
  assert.equal(plain.refresh_token, undefined, 'no refresh token without offline_access');
});

test('revocation ends an access token', async () => {
  const token = await idp.token('alice');
  assert.equal((await userinfo(token)).status, 200);
  const res = await fetch(`${idp.issuer}/token/revocation`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, client_id: 'fedomop-lab' }),
  });
  assert.equal(res.status, 200);
  assert.equal((await userinfo(token)).status, 401);
});

test('fedomop-lab redirects to any loopback port at the callback paths, and nowhere else', async () => {
  for (const uri of ['http://localhost:38888/fedomop/auth/callback', 'http://127.0.0.1:8000/hub/oauth_callback']) {
    const t = await devToken({ idp: idp.issuer, user: 'alice', redirectUri: uri });
    assert.ok(t.access_token, uri);
  }
  for (const uri of ['http://evil.example/fedomop/auth/callback', 'http://127.0.0.1:8888/elsewhere']) {
    await assert.rejects(devToken({ idp: idp.issuer, user: 'alice', redirectUri: uri }), /redirect_uri/, uri);
  }
});

test('CORS: loopback origins may call userinfo, other origins may not', async () => {
  const token = await idp.token('alice');
  const ok = await userinfo(token, 'http://127.0.0.1:8888');
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'http://127.0.0.1:8888');
  const evil = await userinfo(token, 'https://evil.example');
  assert.notEqual(evil.status, 200);
  assert.equal(evil.headers.get('access-control-allow-origin'), null);
});

test('PKCE is required for the public client', async () => {
  const auth = new URL(`${idp.issuer}/auth`);
  const base = {
    client_id: 'fedomop-lab',
    response_type: 'code',
    redirect_uri: 'http://127.0.0.1:9/fedomop/auth/callback',
    scope: 'openid',
    state: 's',
  };
  auth.search = new URLSearchParams(base).toString();
  const res = await fetch(auth, { redirect: 'manual' });
  const location = new URL(res.headers.get('location')!);
  assert.equal(location.searchParams.get('error'), 'invalid_request');
  assert.match(location.searchParams.get('error_description')!, /PKCE/);
  // The same request with a challenge goes to the sign-in form instead.
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  auth.search = new URLSearchParams({ ...base, code_challenge: challenge, code_challenge_method: 'S256' }).toString();
  const form = await fetch(auth, { redirect: 'manual' });
  assert.match(form.headers.get('location')!, /^\/interaction\//);
});

test('--access-token-format jwt --jwt-alg ES256: every access token is an ES256 at+jwt, refreshed ones too', async () => {
  const jwtIdp = await startIdp(['--access-token-format', 'jwt', '--jwt-alg', 'ES256']);
  try {
    const tokens = await devToken({ idp: jwtIdp.issuer, user: 'bob', scope: 'openid eduperson_entitlement offline_access' });
    assert.deepEqual(
      { alg: decodeProtectedHeader(tokens.access_token).alg, typ: decodeProtectedHeader(tokens.access_token).typ },
      { alg: 'ES256', typ: 'at+jwt' },
    );
    const res = await fetch(`${jwtIdp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: 'fedomop-lab' }),
    });
    const fresh = (await res.json()) as { access_token: string };
    assert.equal(decodeProtectedHeader(fresh.access_token).typ, 'at+jwt');
    assert.equal(decodeJwt(fresh.access_token).sub, 'bob');
  } finally {
    await jwtIdp.stop();
  }
});
