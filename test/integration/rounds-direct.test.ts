/**
 * A site that takes direct calls (`--allow-direct`, e.g. for a notebook talking to that one site)
 * still answers statistics rounds under a perturbing profile only through the hub: a round's answer
 * holds exact intermediate sums (moments, GLM contributions, quantile probe counts) that only the
 * hub may see. Real processes: the dev IdP, one site that verifies tokens and also takes direct
 * calls, and a hub that signs envelopes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { startAuthFederation, type AuthFederation } from '../harness/auth-federation.js';
import { REPO } from '../harness/processes.js';
import { THREE_SITES } from '../harness/sites.js';

const NORTH = THREE_SITES[1];
const SUMMARY = JSON.parse(readFileSync(path.join(REPO, 'spec/examples/valid/lung-summary-age-by-gender.json'), 'utf8'));
const COUNT = { ...SUMMARY, analysis: { kind: 'count' } };

let fed: AuthFederation;
let token: string;

before(async () => {
  fed = await startAuthFederation([NORTH], { siteArgs: ['--allow-direct', '--disclosure-profile', 'standard'] });
  token = await fed.idp.token('alice');
});

after(async () => {
  await fed?.stop();
});

const post = async (url: string, body: unknown) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};

test('a direct round is refused under the standard profile, naming the hub; a direct count still answers', async () => {
  const round = await post(`${fed.sites.north.url}/v1/rounds`, { plan: SUMMARY, round: { type: 'moments' } });
  assert.equal(round.status, 403, JSON.stringify(round.body));
  assert.equal(round.body.error.code, 'ERR_ENVELOPE_INVALID');
  assert.match(round.body.error.message, /statistics rounds under its standard profile only through the hub/);
  assert.equal(round.body.error.sums, undefined);

  const count = await fetch(`${fed.sites.north.url}/v1/execute`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(COUNT),
  });
  assert.equal(count.status, 200, 'allow_direct still takes a direct count');
  assert.equal(tableFromIPC(new Uint8Array(await count.arrayBuffer())).numRows, 1);
});

test('a direct round with a forged envelope is refused by the envelope check itself', async () => {
  const res = await fetch(`${fed.sites.north.url}/v1/rounds`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'x-fedomop-envelope': 'eyJhbGciOiJFUzI1NiJ9.e30.AAAA',
    },
    body: JSON.stringify({ plan: SUMMARY, round: { type: 'moments' } }),
  });
  assert.equal(res.status, 403);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'ERR_ENVELOPE_INVALID');
});

test('through the hub (signed envelopes) the same summary runs to the end at that site', async () => {
  const submitted = await post(`${fed.hub.url}/v1/queries`, { plan: SUMMARY });
  assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
  const results = await fetch(`${fed.hub.url}/v1/queries/${submitted.body.id}/results`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(results.status, 200);
  const table = tableFromIPC(new Uint8Array(await results.arrayBuffer()));
  assert.ok(table.numRows > 0, 'summary rows');
  const status = await fetch(`${fed.hub.url}/v1/queries/${submitted.body.id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await status.json()) as { sites: Record<string, { state: string; error?: unknown }> };
  const north = body.sites.north;
  assert.equal(north?.state, 'done', JSON.stringify(north));
});
