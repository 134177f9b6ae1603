/**
 * Sign-in and authorization end to end, with real processes: the dev IdP, two sites that verify
 * tokens under the shipped demo policy (north, south) and a hub that verifies too. Every refusal has
 * its own code; the same suite runs with JWT and with opaque access tokens; a stand-in "evil" site
 * registered at the hub tries to replay what it receives; a query answers only its owner; and the
 * audit logs of the whole run verify as intact hash chains, and fail naming a tampered line.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateKeyPair, importJWK, SignJWT, type JWTPayload } from 'jose';
import { startAuthFederation, type AuthFederation } from '../harness/auth-federation.js';
import { runCli } from '../harness/processes.js';
import { THREE_SITES } from '../harness/sites.js';

const NORTH = THREE_SITES[1];
const SOUTH = THREE_SITES[2];
const GROUP = (p: string) => `urn:geant:helmholtz.de:group:${p}`;

const PLAN = {
  version: 1,
  cohort: {
    ConceptSets: [{ id: 1, expression: { items: [{ concept: { CONCEPT_ID: 443392 }, includeDescendants: true }] } }],
    PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 1 } }], PrimaryCriteriaLimit: { Type: 'All' } },
    ExpressionLimit: { Type: 'All' },
  },
  analysis: { kind: 'count' },
};

let fed: AuthFederation;
let evil: Server;
/** What the evil site got back when it replayed a request it received, by attempt. */
const replays: Record<string, { status: number; code?: string }> = {};

before(async () => {
  // The evil site: answers nothing useful, but replays each forwarded request at the real north site.
  evil = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      if (req.url === '/v1/execute') {
        const body = Buffer.concat(chunks);
        const send = async (name: string, headers: Record<string, string>, url = '/v1/execute', method = 'POST') => {
          const r = await fetch(fed.sites.north.url + url, { method, headers, body: method === 'POST' ? body : undefined });
          replays[name] = { status: r.status, code: ((await r.json()) as { error?: { code?: string } }).error?.code };
        };
        const auth = String(req.headers.authorization);
        const envelope = String(req.headers['x-fedomop-envelope']);
        await send('with its envelope', {
          'content-type': 'application/json',
          authorization: auth,
          'x-fedomop-envelope': envelope,
        });
        await send('without an envelope', { 'content-type': 'application/json', authorization: auth });
        await send(
          'concept search',
          { authorization: auth, 'x-fedomop-envelope': envelope },
          '/v1/concepts/search?q=cancer',
          'GET',
        );
      }
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'ERR_INTERNAL', message: 'evil' } }));
    });
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  fed = await startAuthFederation([NORTH, SOUTH], {
    extraSites: [`evil=http://127.0.0.1:${(evil.address() as AddressInfo).port}`],
  });
});

after(async () => {
  await fed?.stop();
  evil?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function atSite(site: string, headers: Record<string, string>, plan: unknown = PLAN) {
  const res = await fetch(`${fed.sites[site].url}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(plan),
  });
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.json().catch(() => null) };
}

async function atHub(headers: Record<string, string>, sites = ['north', 'south']) {
  const res = await fetch(`${fed.hub.url}/v1/queries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ plan: PLAN, sites }),
  });
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.json() };
}

/** Submits through the hub, reads the whole results stream, returns the final status. */
async function federated(token: string, sites = ['north', 'south']) {
  const submitted = await atHub(bearer(token), sites);
  assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
  const id = submitted.body.id as string;
  const results = await fetch(`${fed.hub.url}/v1/queries/${id}/results`, { headers: bearer(token) });
  assert.equal(results.status, 200);
  await results.arrayBuffer();
  const status = await (await fetch(`${fed.hub.url}/v1/queries/${id}`, { headers: bearer(token) })).json();
  return { id, status };
}

/** A token signed with the IdP's own RS256 key: only the claims decide whether it passes. */
async function idpSigned(claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const jwk = fed.idpKeys.find((k) => k.alg === 'RS256')!;
  return new SignJWT({ client_id: 'fedomop-lab', scope: 'openid eduperson_entitlement', eduperson_entitlement: [], ...claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid, ...header })
    .sign(await importJWK(jwk, 'RS256'));
}

const good = (over: JWTPayload = {}): JWTPayload => {
  const now = Math.floor(Date.now() / 1000);
  return { iss: fed.idp.issuer, sub: 'alice', aud: 'fedomop', iat: now, exp: now + 600, ...over };
};

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('each refused token gets 401 with its own code, at a site and at the hub', () => {
  const cases: Array<[string, () => Promise<Record<string, string>>, string]> = [
    ['no token', async () => ({}), 'ERR_TOKEN_MISSING'],
    ['not a bearer token', async () => ({ authorization: 'Basic YWxpY2U6YWxpY2U=' }), 'ERR_TOKEN_INVALID'],
    ['a malformed token', async () => ({ authorization: 'Bearer not a token' }), 'ERR_TOKEN_INVALID'],
    ['a JWT that is not JSON inside', async () => bearer('eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln'), 'ERR_TOKEN_INVALID'],
    [
      'a token forged with another key (same kid)',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        const kid = fed.idpKeys.find((k) => k.alg === 'RS256')!.kid;
        return bearer(await new SignJWT(good()).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid }).sign(privateKey));
      },
      'ERR_TOKEN_SIGNATURE',
    ],
    [
      'an expired token',
      async () => bearer(await idpSigned(good({ iat: 1_700_000_000, exp: 1_700_000_600 }))),
      'ERR_TOKEN_EXPIRED',
    ],
    [
      'a token from another issuer',
      async () => bearer(await idpSigned(good({ iss: 'https://login.example.org' }))),
      'ERR_TOKEN_ISSUER',
    ],
    [
      'a token for another audience',
      async () => bearer(await idpSigned(good({ aud: 'some-other-service', client_id: 'some-other-client' }))),
      'ERR_TOKEN_AUDIENCE',
    ],
    [
      'an ID token (typ JWT, not at+jwt)',
      async () => bearer(await idpSigned(good({ aud: 'fedomop-lab' }), { typ: 'JWT' })),
      'ERR_TOKEN_INVALID',
    ],
    ['alg none', async () => bearer(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(good())}.`), 'ERR_TOKEN_ALGORITHM'],
    [
      "HS256 keyed with the IdP's public key",
      async () => {
        const pem = createPublicKey({ key: fed.idpKeys.find((k) => k.alg === 'RS256')! as never, format: 'jwk' })
          .export({ type: 'spki', format: 'pem' })
          .toString();
        const jwt = await new SignJWT(good())
          .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
          .sign(new TextEncoder().encode(pem));
        return bearer(jwt);
      },
      'ERR_TOKEN_ALGORITHM',
    ],
    [
      'an opaque token the IdP never issued',
      async () => bearer('x7Qm3sPZ0bq4Wq9Vd1e2f3g4h5i6j7k8l9m0n1o2p3q'),
      'ERR_TOKEN_INVALID',
    ],
  ];
  for (const [what, headers, code] of cases) {
    test(what, async () => {
      const h = await headers();
      for (const [where, res] of [
        ['site', await atSite('north', h)],
        ['hub', await atHub(h)],
      ] as const) {
        assert.equal(res.status, 401, `${where}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, code, `${where}: ${res.body.error.message}`);
        if (code === 'ERR_TOKEN_MISSING') assert.equal(res.challenge, 'Bearer realm="fedomop"', where);
        else
          assert.match(res.challenge ?? '', /^Bearer realm="fedomop", error="invalid_token", error_description="[^"]+"$/, where);
      }
    });
  }

  test('a token the IdP issued, then revoked, is refused (opaque: checked at userinfo)', async () => {
    const token = await fed.idp.token('alice');
    await fetch(`${fed.idp.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, client_id: 'fedomop-lab' }),
    });
    const res = await atHub(bearer(token));
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'ERR_TOKEN_INVALID');
  });
});

for (const format of ['jwt', 'opaque'] as const) {
  describe(`with ${format} access tokens`, () => {
    const token = (user: string) => fed.idp.token(user, { jwt: format === 'jwt' });

    test('the token has the expected form', async () => {
      const t = await token('alice');
      assert.equal(t.split('.').length === 3, format === 'jwt');
    });

    test('alice is answered everywhere', async () => {
      const { status } = await federated(await token('alice'));
      assert.equal(status.state, 'done');
      assert.equal(status.sites.north.state, 'done');
      assert.equal(status.sites.south.state, 'done');
    });

    test('bob is answered at north and refused at south in one query, which finishes saying why', async () => {
      const { status } = await federated(await token('bob'));
      assert.equal(status.state, 'done');
      assert.equal(status.sites.north.state, 'done');
      assert.equal(status.sites.south.state, 'failed');
      assert.equal(status.sites.south.error.code, 'ERR_NOT_ENTITLED');
      assert.equal(status.sites.south.error.group, GROUP('fedomop:south'));
      assert.match(status.sites.south.error.message, /fedomop:south/);
    });

    test('mallory signs in but every site refuses her with 403 naming the group it wants', async () => {
      const t = await token('mallory');
      const direct = await atSite('north', bearer(t));
      assert.equal(direct.status, 403);
      assert.equal(direct.body.error.code, 'ERR_ENVELOPE_INVALID', 'directly, the site first wants the hub envelope');
      const { status } = await federated(t);
      assert.equal(status.state, 'done');
      for (const site of ['north', 'south']) {
        assert.equal(status.sites[site].state, 'failed');
        assert.equal(status.sites[site].error.code, 'ERR_NOT_ENTITLED');
        assert.equal(status.sites[site].error.group, GROUP(`fedomop:${site}`));
      }
    });

    test('/v1/info tells each caller what they may do at that site', async () => {
      const info = async (site: string, user: string) =>
        (await fetch(`${fed.sites[site].url}/v1/info`, { headers: bearer(await token(user)) })).json();
      const bobNorth = await info('north', 'bob');
      assert.equal(bobNorth.user.subject, 'bob');
      assert.equal(bobNorth.access.analyses.count, 'standard');
      assert.equal(bobNorth.access.conceptSearch, true);
      const bobSouth = await info('south', 'bob');
      assert.deepEqual(bobSouth.access.analyses, {});
      assert.equal(bobSouth.access.conceptSearch, true, 'VO members may search concepts');
      assert.ok(bobSouth.access.groups.includes(GROUP('fedomop:south')));
      const mallory = await info('north', 'mallory');
      assert.deepEqual(mallory.access, { analyses: {}, conceptSearch: false, groups: mallory.access.groups });
      const anonymous = await (await fetch(`${fed.sites.north.url}/v1/info`)).json();
      assert.equal(anonymous.access, undefined);
      assert.equal(anonymous.auth.mode, 'oidc');
    });

    test('concept search through the hub: VO members yes, mallory no', async () => {
      const search = async (user: string) =>
        fetch(`${fed.hub.url}/v1/concepts/search?q=prostate&limit=3`, { headers: bearer(await token(user)) });
      const bob = await search('bob');
      assert.equal(bob.status, 200);
      assert.ok(((await bob.json()) as { concepts: unknown[] }).concepts.length > 0);
      const mallory = await search('mallory');
      assert.equal(mallory.status, 403);
      const body = (await mallory.json()) as { error: { code: string; group: string } };
      assert.equal(body.error.code, 'ERR_NOT_ENTITLED');
      // The first rule of the demo policy that covers concept search: the answering site's own group.
      assert.equal(body.error.group, GROUP('fedomop:north'));
    });

    test("another user can neither read nor cancel alice's query: 404", async () => {
      const alice = await token('alice');
      const submitted = await atHub(bearer(alice));
      const id = submitted.body.id;
      for (const other of [await token('bob'), await token('mallory')]) {
        for (const [method, suffix] of [
          ['GET', ''],
          ['GET', '/results'],
          ['GET', '/events'],
          ['DELETE', ''],
        ]) {
          const res = await fetch(`${fed.hub.url}/v1/queries/${id}${suffix}`, { method, headers: bearer(other) });
          assert.equal(res.status, 404, `${method} ${suffix}`);
          assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'ERR_NOT_FOUND');
        }
      }
      const mine = await fetch(`${fed.hub.url}/v1/queries/${id}/results`, { headers: bearer(alice) });
      assert.equal(mine.status, 200);
      await mine.arrayBuffer();
      const status = await (await fetch(`${fed.hub.url}/v1/queries/${id}`, { headers: bearer(alice) })).json();
      assert.equal(status.state, 'done', 'not cancelled by the others');
    });
  });
}

test('an evil site registered at the hub cannot replay what it receives at a real site', async () => {
  const { status } = await federated(await fed.idp.token('alice', { jwt: true }), ['evil', 'north']);
  assert.equal(status.sites.north.state, 'done', 'the real request to north went through');
  assert.equal(status.sites.evil.state, 'failed');
  assert.deepEqual(replays['with its envelope'], { status: 403, code: 'ERR_ENVELOPE_INVALID' });
  assert.deepEqual(replays['without an envelope'], { status: 403, code: 'ERR_ENVELOPE_INVALID' });
  assert.deepEqual(replays['concept search'], { status: 403, code: 'ERR_ENVELOPE_INVALID' });
  // And the legitimate envelope for north cannot be used twice either (the evil site never sees it;
  // this is the hub's own retry guard).
});

test('audit verify passes on the logs of this run, and names a line edited, deleted or moved', async () => {
  const logs = [fed.siteAudit('north'), fed.siteAudit('south'), fed.hubAudit];
  const ok = await runCli(['audit', 'verify', ...logs]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.equal(ok.stdout.match(/intact/g)?.length, 3);

  const lines = readFileSync(fed.siteAudit('north'), 'utf8').trimEnd().split('\n');
  assert.ok(lines.length >= 6, `north logged ${lines.length} lines`);
  const released = lines.map((l) => JSON.parse(l)).find((e) => e.outcome === 'released');
  assert.match(released.user, /\|alice$/, 'lines carry the verified user');
  assert.match(released.planHash, /^[0-9a-f]{64}$/);
  assert.match(released.released, /^[0-9a-f]{64}$/, 'a digest of what was released');
  assert.ok(released.groups.length > 0);
  const hubLines = readFileSync(fed.hubAudit, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  const bobsQuery = hubLines.find((e) => e.event === 'query' && e.username === 'bob');
  assert.ok(bobsQuery, 'the hub records who asked');
  assert.match(bobsQuery.user, /\|bob$/);
  assert.match(bobsQuery.released, /^[0-9a-f]{64}$/);
  assert.equal(bobsQuery.sites.south.code, 'ERR_NOT_ENTITLED', "and each site's decision");
  const tamper = async (name: string, changed: string[], line: number) => {
    assert.notDeepEqual(changed, lines, `${name}: the copy differs`);
    const file = path.join(fed.dir, `tampered-${name}.jsonl`);
    writeFileSync(file, changed.join('\n') + '\n');
    const out = await runCli(['audit', 'verify', file]);
    assert.equal(out.code, 1, name);
    assert.match(out.stdout, new RegExp(`line ${line}:`), `${name}: ${out.stdout}`);
  };
  await tamper(
    'edited',
    // Turn a refusal into a release or the other way round: the kind of edit someone might want.
    lines.map((l, i) =>
      i === 3 ? l.replace(/"outcome":"(\w+)"/, (_, o) => `"outcome":"${o === 'released' ? 'refused' : 'released'}"`) : l,
    ),
    4,
  );
  await tamper(
    'deleted',
    lines.filter((_, i) => i !== 2),
    3,
  );
  await tamper('reordered', [lines[0], lines[1], lines[3], lines[2], ...lines.slice(4)], 3);
});

test('the hub publishes its envelope key at /v1/keys without a token, public parts only', async () => {
  const res = await fetch(`${fed.hub.url}/v1/keys`);
  assert.equal(res.status, 200);
  const jwks = (await res.json()) as { keys: Array<Record<string, string>> };
  const published = JSON.parse(readFileSync(fed.hubKeysFile, 'utf8')).keys[0];
  assert.deepEqual(jwks.keys, [published]);
  assert.equal('d' in jwks.keys[0], false);
});

test('a service that verifies tokens refuses to start half-configured, saying what is missing', async () => {
  const base = ['site', '--db', 'unused.duckdb', '--id', 'north', '--port', '0', '--issuer', fed.idp.issuer];
  const noPolicy = await runCli([...base, '--hub-keys', fed.hubKeysFile]);
  assert.equal(noPolicy.code, 2);
  assert.match(noPolicy.stderr, /no policy: pass --policy/);
  const noHubKeys = await runCli([...base, '--policy', 'policy/demo-policy.toml']);
  assert.equal(noHubKeys.code, 2);
  assert.match(noHubKeys.stderr, /--hub-keys/);
  const both = await runCli([...base, '--dev-insecure']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /do not combine/);
  const hub = await runCli(['hub', '--port', '0', '--site', 'a=http://127.0.0.1:9', '--issuer', 'http://idp.example.org']);
  assert.equal(hub.code, 2);
  assert.match(hub.stderr, /must be https:\/\//);
});
