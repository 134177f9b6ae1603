/**
 * An authenticated federation for tests: a real dev IdP (with a key file, so tests can also sign
 * tokens the IdP "could have" issued), sites that verify tokens under the shipped demo policy and
 * accept only the hub's envelopes, and a hub that verifies too — all real processes on loopback.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JWK } from 'jose';
import { generateSigningKeys, writeKeyFile } from '../../src/dev-idp/index.js';
import { newEnvelopeKey } from '../../src/auth/index.js';
import { startIdp, type TestIdp } from './idp.js';
import { REPO, startService, type Service } from './processes.js';
import { siteFile, type SiteSpec } from './sites.js';

export const DEMO_POLICY = path.join(REPO, 'policy', 'demo-policy.toml');

export interface AuthFederation {
  idp: TestIdp;
  /** The IdP's private signing keys (RS256 first). */
  idpKeys: JWK[];
  sites: Record<string, Service>;
  hub: Service;
  dir: string;
  siteAudit(id: string): string;
  hubAudit: string;
  /** The hub's public envelope JWKS file (what sites are given). */
  hubKeysFile: string;
  stop(): Promise<void>;
}

export async function startAuthFederation(
  specs: SiteSpec[],
  opts: { extraSites?: string[]; siteArgs?: string[] } = {},
): Promise<AuthFederation> {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-auth-'));
  const idpKeys = await generateSigningKeys();
  const keyFile = path.join(dir, 'idp-keys.json');
  writeKeyFile(keyFile, idpKeys);
  const envelope = await newEnvelopeKey();
  const hubKeyFile = path.join(dir, 'hub-envelope.jwk');
  const hubKeysFile = path.join(dir, 'hub-keys.json');
  writeFileSync(hubKeyFile, JSON.stringify(envelope.privateJwk));
  writeFileSync(hubKeysFile, JSON.stringify(envelope.publicJwks));
  const started: Service[] = [];
  try {
    const idp = await startIdp(['--keys', keyFile]);
    started.push(idp);
    const sites: Record<string, Service> = {};
    for (const spec of specs) {
      const site = await startService([
        'site',
        '--db',
        await siteFile(spec),
        '--id',
        spec.id,
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        '--issuer',
        idp.issuer,
        '--policy',
        DEMO_POLICY,
        '--hub-keys',
        hubKeysFile,
        '--audit-log',
        path.join(dir, `${spec.id}-audit.jsonl`),
        ...(opts.siteArgs ?? []),
      ]);
      started.push(site);
      sites[spec.id] = site;
    }
    const hub = await startService([
      'hub',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--issuer',
      idp.issuer,
      '--envelope-key',
      hubKeyFile,
      '--audit-log',
      path.join(dir, 'hub-audit.jsonl'),
      ...specs.flatMap((s) => ['--site', `${s.id}=${sites[s.id].url}`]),
      ...(opts.extraSites ?? []).flatMap((s) => ['--site', s]),
    ]);
    started.push(hub);
    return {
      idp,
      idpKeys,
      sites,
      hub,
      dir,
      siteAudit: (id) => path.join(dir, `${id}-audit.jsonl`),
      hubAudit: path.join(dir, 'hub-audit.jsonl'),
      hubKeysFile,
      async stop() {
        for (const s of started.reverse()) await s.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const s of started.reverse()) await s.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
