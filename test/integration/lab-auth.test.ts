/**
 * The lab's sign-in model (src/lab/auth/model.ts: oidc-client-ts underneath) against a real
 * `fedomop dev-idp` process: code + PKCE through the "popup" (test/harness/http-popup.ts logs in over
 * HTTP where a person would type), the user's groups, renewal by refresh token, expiry without one,
 * sign-out with revocation (the provider then refuses the token), and a JWT access token on request.
 * Every token handed on (onToken, the relay to kernels) is checked against the provider's userinfo.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import { FedomopAuth, type ITokenRecord } from '../../src/lab/auth/model.js';
import { DEFAULT_SCOPES, resolveIdp } from '../../src/lab/auth/settings.js';
import { HttpLoginNavigator } from '../harness/http-popup.js';
import { startIdp, type TestIdp } from '../harness/idp.js';

let idp: TestIdp;
const REDIRECT = 'http://127.0.0.1:9/fedomop/auth/callback';
const NORTH = 'urn:geant:helmholtz.de:group:fedomop:north#login.helmholtz.de';

before(async () => {
  idp = await startIdp();
});
after(async () => {
  await idp?.stop();
});

function signInAs(user: string, opts: { scopes?: string[]; jwt?: boolean; password?: string; now?: () => number } = {}) {
  const tokens: Array<ITokenRecord | null> = [];
  const navigator = new HttpLoginNavigator(user, opts.password);
  const auth = new FedomopAuth({
    redirectUri: REDIRECT,
    popupNavigator: navigator,
    onToken: (r) => tokens.push(r),
    now: opts.now,
  });
  auth.configure(
    resolveIdp({ issuer: idp.issuer, clientId: 'fedomop-lab', scopes: opts.scopes ?? DEFAULT_SCOPES, jwtAccessToken: opts.jwt }),
  );
  return { auth, tokens, navigator };
}

const userinfo = (token: string) => fetch(`${idp.issuer}/me`, { headers: { authorization: `Bearer ${token}` } });

test('alice signs in through the popup (code + PKCE S256): her groups, a working token, handed on', async () => {
  const { auth, tokens, navigator } = signInAs('alice');
  const seen: Array<string | null> = [];
  auth.signedIn.connect((_, u) => seen.push(u?.name ?? null));
  try {
    const user = await auth.signIn();
    assert.equal(user.name, 'alice');
    assert.ok(user.groups.includes(NORTH), `groups: ${user.groups.join(', ')}`);
    assert.equal(user.renewable, false, 'no offline_access asked, so no refresh token');
    assert.ok(user.expiresAt! > Date.now());
    const asked = navigator.opened[0].searchParams;
    assert.equal(asked.get('code_challenge_method'), 'S256');
    assert.equal(asked.get('scope'), DEFAULT_SCOPES.join(' '));
    const token = await auth.getAccessToken();
    assert.ok(token);
    assert.equal((await (await userinfo(token)).json()).sub, 'alice');
    assert.deepEqual(
      tokens.map((t) => t?.accessToken),
      [token],
    );
    assert.equal(tokens[0]?.user, 'alice');
    assert.equal(tokens[0]?.issuer, idp.issuer);
    assert.deepEqual(seen, ['alice']);
  } finally {
    auth.dispose();
  }
});

test('sign-out revokes the refresh and access tokens at the provider and tells the relay (null)', async () => {
  const { auth, tokens } = signInAs('bob', { scopes: [...DEFAULT_SCOPES, 'offline_access'] });
  try {
    await auth.signIn();
    const token = (await auth.getAccessToken())!;
    const refresh = (auth as unknown as { oidcUser: { refresh_token: string } }).oidcUser.refresh_token;
    assert.ok(refresh, 'offline_access gave a refresh token');
    assert.equal((await userinfo(token)).status, 200);
    await auth.signOut();
    const refreshed = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh, client_id: 'fedomop-lab' }).toString(),
    });
    assert.equal(refreshed.status, 400, 'the revoked refresh token is refused');
    assert.equal((await refreshed.json()).error, 'invalid_grant');
    assert.equal(auth.user, null);
    assert.equal(await auth.getAccessToken(), undefined);
    assert.equal((await userinfo(token)).status, 401, 'the revoked token is refused by the provider');
    assert.equal(tokens.at(-1), null);
  } finally {
    auth.dispose();
  }
});

test('with offline_access the token is renewed by refresh token (no popup, no iframe) and handed on again', async () => {
  const { auth, tokens, navigator } = signInAs('alice', { scopes: [...DEFAULT_SCOPES, 'offline_access'] });
  try {
    const user = await auth.signIn();
    assert.equal(user.renewable, true);
    const first = (await auth.getAccessToken())!;
    await auth.renew();
    const second = (await auth.getAccessToken())!;
    assert.notEqual(second, first);
    assert.equal(navigator.opened.length, 1, 'renewal opened no popup');
    assert.equal((await (await userinfo(second)).json()).sub, 'alice');
    assert.deepEqual(
      tokens.map((t) => t?.accessToken),
      [first, second],
    );
    assert.equal(auth.user?.name, 'alice');
  } finally {
    auth.dispose();
  }
});

test('without a refresh token an expired sign-in is forgotten and the researcher is asked again', async () => {
  let skew = 0;
  const { auth, tokens } = signInAs('alice', { now: () => Date.now() + skew });
  try {
    await auth.signIn();
    const signedOut = new Promise<void>((resolve) => auth.signedIn.connect((_, u) => u === null && resolve()));
    // The clock passes the token's expiry: getAccessToken gives nothing, and the model lets go.
    skew = 2 * 3600_000;
    assert.equal(await auth.getAccessToken(), undefined);
    await auth.signIn(); // re-arms the expiry timer against the skewed clock: it fires at once
    await signedOut;
    assert.equal(auth.user, null);
    assert.match(auth.problem ?? '', /expired/);
    assert.equal(tokens.at(-1), null);
  } finally {
    auth.dispose();
  }
});

test('a wrong password fails the sign-in with the reason kept for the panel', async () => {
  const { auth, tokens } = signInAs('alice', { password: 'wrong' });
  try {
    await assert.rejects(auth.signIn(), /Sign-in failed/);
    assert.match(auth.problem ?? '', /Sign-in failed/);
    assert.equal(auth.user, null);
    assert.deepEqual(tokens, []);
  } finally {
    auth.dispose();
  }
});

test('asked for a JWT access token (Accept: application/at+jwt), alice gets one and still sees her groups', async () => {
  const { auth } = signInAs('alice', { jwt: true });
  try {
    const user = await auth.signIn();
    const token = (await auth.getAccessToken())!;
    assert.equal(decodeProtectedHeader(token).typ, 'at+jwt');
    assert.ok(user.groups.includes(NORTH));
  } finally {
    auth.dispose();
  }
});
