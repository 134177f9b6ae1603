#!/usr/bin/env node
/**
 * The authenticated back end of the sign-in UI test (tests/sign-in.spec.ts): a real `fedomop dev-idp`,
 * two of the demo sites (north, south: the same DuckDB files start-backend.mjs generates, opened
 * read-only) verifying tokens against it with the repository's demo policy and accepting only the hub's
 * envelopes, and a hub verifying tokens too. Nothing here runs with --dev-insecure.
 *
 * Ports: FEDOMOP_UI_PORT_BASE (default 8300) + 10 for the hub, + 11 and + 12 for the sites, + 20 for
 * the IdP, so it sits beside start-backend.mjs's insecure back end (base .. base + 9).
 * Prints "secure backend ready" once the hub answers; SIGTERM/SIGINT stop every child.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DEMO_SITES, dataDir, root, serve, freshAuditLog, stop, synthOnce } from './backend-processes.mjs';

const base = Number(process.env.FEDOMOP_UI_PORT_BASE ?? 8300);
const hubPort = base + 10;
const idpPort = base + 20;
const auditDir = path.join(dataDir, 'secure');
mkdirSync(auditDir, { recursive: true });
const policy = path.join(root, 'policy', 'demo-policy.toml');
const issuer = `http://127.0.0.1:${idpPort}`;
const hubUrl = `http://127.0.0.1:${hubPort}`;

try {
  const sites = DEMO_SITES.filter((s) => s.id === 'north' || s.id === 'south').map((s, i) => ({
    ...s,
    port: base + 11 + i,
    file: path.join(dataDir, `${s.id}.duckdb`),
  }));
  // playwright.config.js starts this after start-backend.mjs is up, so the files exist by then.
  for (const s of sites) {
    await synthOnce(s, s.file);
  }
  await serve(['dev-idp', '--port', String(idpPort)]);
  await Promise.all(
    sites.map((s) =>
      serve([
        'site',
        '--db',
        s.file,
        '--id',
        s.id,
        '--name',
        s.name,
        '--port',
        String(s.port),
        '--issuer',
        issuer,
        '--policy',
        policy,
        '--hub-keys',
        `${hubUrl}/v1/keys`,
        '--audit-log',
        freshAuditLog(path.join(auditDir, `${s.id}.audit.jsonl`)),
      ]),
    ),
  );
  await serve([
    'hub',
    '--port',
    String(hubPort),
    '--issuer',
    issuer,
    '--audit-log',
    freshAuditLog(path.join(auditDir, 'hub.audit.jsonl')),
    ...sites.flatMap((s) => ['--site', `${s.id}=http://127.0.0.1:${s.port}`]),
  ]);
  process.stdout.write(`secure backend ready: hub ${hubUrl}, issuer ${issuer}\n`);
} catch (err) {
  process.stderr.write(`start-secure-backend: ${err?.message ?? err}\n`);
  stop(1);
}
