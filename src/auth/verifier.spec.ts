import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { TokenVerifier, VERIFIER_DEFAULTS } from './verifier.js';

/** A real HTTP issuer serving discovery and a JWKS the test can swap (a key rotation). */
async function issuer() {
  let jwks: { keys: JWK[] } = { keys: [] };
  let jwksFetches = 0;
  const server = createServer((req, res) => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer: url, jwks_uri: `${url}/jwks` }));
    else if (req.url === '/jwks') {
      jwksFetches++;
      res.end(JSON.stringify(jwks));
    } else res.writeHead(404).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const newKey = async (kid: string) => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } };
  };
  const sign = (key: { kid: string; privateKey: CryptoKey }, sub = 'alice') =>
    new SignJWT({ client_id: 'fedomop-lab', eduperson_entitlement: ['urn:geant:helmholtz.de:group:fedomop#x'] })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid })
      .setIssuer(url)
      .setSubject(sub)
      .setAudience('fedomop')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key.privateKey);
  return {
    url,
    newKey,
    sign,
    publish: (keys: JWK[]) => (jwks = { keys }),
    fetches: () => jwksFetches,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const verifierFor = (url: string) =>
  new TokenVerifier({
    issuer: url,
    audiences: ['fedomop'],
    clientIds: ['fedomop-lab'],
    algorithms: [...VERIFIER_DEFAULTS.algorithms],
    clockSkewS: 5,
    opaqueCacheS: 60,
    jwksCooldownMs: 0,
  });

test('a key rotation at the issuer is picked up; a token signed with a withdrawn key is refused', async () => {
  const idp = await issuer();
  try {
    const a = await idp.newKey('a');
    const b = await idp.newKey('b');
    idp.publish([a.jwk]);
    const v = verifierFor(idp.url);
    const user = await v.verify(`Bearer ${await idp.sign(a)}`);
    assert.deepEqual(user, {
      subject: 'alice',
      issuer: idp.url,
      groups: ['urn:geant:helmholtz.de:group:fedomop#x'],
    });
    idp.publish([b.jwk]); // rotated: a withdrawn, b new
    assert.equal((await v.verify(`Bearer ${await idp.sign(b, 'bob')}`)).subject, 'bob', 'unknown kid refetches the JWKS');
    await assert.rejects(v.verify(`Bearer ${await idp.sign(a, 'carol')}`), { code: 'ERR_TOKEN_SIGNATURE' });
  } finally {
    await idp.close();
  }
});

test('the same JWT is verified once, then answered from the cache by digest', async () => {
  const idp = await issuer();
  try {
    const a = await idp.newKey('a');
    idp.publish([a.jwk]);
    const v = verifierFor(idp.url);
    const token = `Bearer ${await idp.sign(a)}`;
    await v.verify(token);
    const fetched = idp.fetches();
    assert.equal((await v.verify(token)).subject, 'alice');
    assert.equal(idp.fetches(), fetched);
    // The cache is keyed by the whole token: one byte more in the signature and it is verified again.
    await assert.rejects(v.verify(`${token}x`), { code: 'ERR_TOKEN_SIGNATURE' });
  } finally {
    await idp.close();
  }
});

test('an issuer that cannot be reached is 503 ERR_AUTH_UNAVAILABLE, not a refusal of the token', async () => {
  const v = verifierFor('http://127.0.0.1:9');
  const jwt = 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xOjkiLCJzdWIiOiJ4In0.c2ln';
  await assert.rejects(v.verify(`Bearer ${jwt}`), { code: 'ERR_AUTH_UNAVAILABLE', status: 503 });
});
