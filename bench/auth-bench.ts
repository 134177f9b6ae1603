/**
 * Sign-in benchmark (not a test; issue #10): what token verification adds to a tiny query's round
 * trip (submit + full Arrow results through the hub), measured in the same run against the same
 * site file under --dev-insecure (the baseline). With a JWT access token the hub verifies it twice
 * (submit, results) and signs the site's envelope; the site verifies the token and the envelope and
 * applies its policy. With an opaque token the same, but verification is a userinfo call on a cache
 * miss and a digest lookup on a hit: the runs here are warm (the first call per service fills it).
 * Target: JWT adds ≤ 1 ms at p50. Runs are interleaved so drift hits every variant alike.
 * Usage: node lib-test/bench/auth-bench.js [--runs 300]
 */
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import {
  EnvelopeSigner,
  EnvelopeVerifier,
  newEnvelopeKey,
  requestBinding,
  TokenVerifier,
  VERIFIER_DEFAULTS,
} from 'fedomop/lib/auth/index.js';
import { devToken } from 'fedomop/lib/dev-idp/index.js';
import { REPO, runCli, startService, type Service } from '../test/harness/processes.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '300' } } });
const RUNS = Number(values.runs);
const DIR = path.join(REPO, '.data', 'bench');
const POLICY = path.join(REPO, 'policy', 'demo-policy.toml');

const PLAN = {
  version: 1,
  cohort: {
    ConceptSets: [{ id: 0, expression: { items: [{ concept: { CONCEPT_ID: 4163261 }, includeDescendants: true }] } }],
    PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }], PrimaryCriteriaLimit: { Type: 'All' } },
  },
  analysis: { kind: 'count' },
};

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const p50 = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, 'tiny.duckdb');
  if (!existsSync(file)) {
    const r = await runCli(['synth', '--seed', '7', '--persons', '200', '--profile', 'small', '--out', file]);
    if (r.code !== 0) throw new Error(r.stderr);
  }
  const tmp = mkdtempSync(path.join(tmpdir(), 'fedomop-auth-bench-'));
  const services: Service[] = [];
  const start = async (args: string[]) => {
    const s = await startService(args);
    services.push(s);
    return s;
  };
  try {
    const idp = await start(['dev-idp', '--port', '0']);
    const issuer = idp.url;
    const key = await newEnvelopeKey();
    const keyFile = path.join(tmp, 'hub.jwk');
    const pubFile = path.join(tmp, 'hub-keys.json');
    writeFileSync(keyFile, JSON.stringify(key.privateJwk));
    writeFileSync(pubFile, JSON.stringify(key.publicJwks));
    // The site id must be one the demo policy names for alice ({site} = north).
    const plainSite = await start([
      'site',
      '--db',
      file,
      '--id',
      'north',
      '--port',
      '0',
      '--dev-insecure',
      '--audit-log',
      path.join(tmp, 'a.jsonl'),
    ]);
    const plainHub = await start([
      'hub',
      '--port',
      '0',
      '--dev-insecure',
      '--site',
      `north=${plainSite.url}`,
      '--audit-log',
      path.join(tmp, 'b.jsonl'),
    ]);
    const authSite = await start([
      'site',
      '--db',
      file,
      '--id',
      'north',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--issuer',
      issuer,
      '--policy',
      POLICY,
      '--hub-keys',
      pubFile,
      '--audit-log',
      path.join(tmp, 'c.jsonl'),
    ]);
    const authHub = await start([
      'hub',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--issuer',
      issuer,
      '--envelope-key',
      keyFile,
      '--site',
      `north=${authSite.url}`,
      '--audit-log',
      path.join(tmp, 'd.jsonl'),
    ]);
    const jwt = (await devToken({ idp: issuer, user: 'alice', jwt: true })).access_token;
    const opaque = (await devToken({ idp: issuer, user: 'alice' })).access_token;
    const body = JSON.stringify({ plan: PLAN });

    const roundTrip = (hub: string, token?: string) => async () => {
      const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      const submitted = await fetch(`${hub}/v1/queries`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body,
      });
      if (submitted.status !== 202) throw new Error(`submit: ${submitted.status} ${await submitted.text()}`);
      const { id } = (await submitted.json()) as { id: string };
      const results = await fetch(`${hub}/v1/queries/${id}/results`, { headers: auth });
      if ((await results.arrayBuffer()).byteLength === 0) throw new Error('empty results');
      const status = (await (await fetch(`${hub}/v1/queries/${id}`, { headers: auth })).json()) as {
        sites: Record<string, { state: string }>;
      };
      if (status.sites.north.state !== 'done') throw new Error(`north: ${JSON.stringify(status.sites.north)}`);
    };
    const variants: Array<[string, () => Promise<void>, number[]]> = [
      ['--dev-insecure (baseline)', roundTrip(plainHub.url), []],
      ['JWT access token', roundTrip(authHub.url, jwt), []],
      ['opaque token, warm cache', roundTrip(authHub.url, opaque), []],
    ];
    for (let i = 0; i < 30; i++) for (const [, f] of variants) await f();
    for (let i = 0; i < RUNS; i++) {
      for (const [, f, into] of variants) {
        const t = performance.now();
        await f();
        into.push(performance.now() - t);
      }
    }
    const base = variants[0][2];
    console.log(
      `tiny query round trip (submit + Arrow results + status, ${RUNS} runs each, interleaved; ` +
        `load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores), p50 / p95:`,
    );
    for (const [name, , times] of variants) {
      // Paired: run i of a variant against run i of the baseline, taken moments apart, so load
      // that comes and goes (other work on the machine) falls mostly outside the difference.
      const paired = times.map((t, i) => t - base[i]);
      console.log(
        `  ${name.padEnd(28)} ${p50(times).toFixed(2)} / ${p95(times).toFixed(2)} ms` +
          (times === base
            ? ''
            : `   added: difference of p50s ${(p50(times) - p50(base)).toFixed(2)} ms, median paired difference ` +
              `${p50(paired).toFixed(2)} ms${name.startsWith('JWT') ? ' (target <= 1 ms)' : ''}`),
      );
    }
    // The verification alone, in process. First use of a token verifies its signature; every later
    // request with the same token (a user's, until it is renewed) is a digest lookup.
    const verifier = new TokenVerifier({
      issuer,
      ...VERIFIER_DEFAULTS,
      audiences: [...VERIFIER_DEFAULTS.audiences],
      clientIds: [...VERIFIER_DEFAULTS.clientIds],
      algorithms: [...VERIFIER_DEFAULTS.algorithms],
    });
    const first: number[] = [];
    const again: number[] = [];
    for (let i = 0; i < 200; i++) {
      const fresh = (await devToken({ idp: issuer, user: 'alice', jwt: true })).access_token;
      let t = performance.now();
      await verifier.verify(`Bearer ${fresh}`);
      first.push(performance.now() - t);
      t = performance.now();
      await verifier.verify(`Bearer ${fresh}`);
      again.push(performance.now() - t);
    }
    const us = (x: number) => `${(x * 1000).toFixed(0)} µs`;
    const firsts = first.slice(1); // the first of all also fetched discovery and the JWKS
    console.log(
      `  JWT verification in process (RS256): first use of a token p50 ${us(p50(firsts))}, p95 ${us(p95(firsts))}; ` +
        `the same token again p50 ${us(p50(again))}, p95 ${us(p95(again))}`,
    );
    // The envelope, in process: the hub signs one per site, the site verifies it.
    const signer = await EnvelopeSigner.create(keyFile);
    const envelopes = EnvelopeVerifier.from(pubFile);
    const binding = requestBinding('POST', '/v1/execute', JSON.stringify(PLAN));
    const signs: number[] = [];
    const checks: number[] = [];
    for (let i = 0; i < 500; i++) {
      let t = performance.now();
      const e = await signer.sign({ site: 'north', binding, token: jwt });
      signs.push(performance.now() - t);
      t = performance.now();
      await envelopes.verify(e, { site: 'north', binding, token: jwt });
      checks.push(performance.now() - t);
    }
    console.log(
      `  envelope in process (ES256): sign p50 ${us(p50(signs.slice(20)))}, verify p50 ${us(p50(checks.slice(20)))}; ` +
        `per round trip with a known token: 3 cached token checks at the hub and 1 at the site + 1 sign + 1 verify ≈ ` +
        `${us(4 * p50(again) + p50(signs.slice(20)) + p50(checks.slice(20)))}`,
    );
  } finally {
    for (const s of services.reverse()) await s.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
