#!/usr/bin/env node
/**
 * The back end the UI tests run against: the demo's three synthetic sites (same seeds, profiles and
 * sizes as `fedomop demo`, generated once into .data/ui-tests) as real site processes, plus a hub that
 * also lists a fourth site, "offline", whose port nothing listens on — the dead site.
 *
 * Ports are the demo's shifted by FEDOMOP_UI_PORT_BASE (default 8300: hub 8300, sites 8301-8303,
 * offline 8309) so a developer's running demo (8100-8103) does not collide with the tests.
 * Prints "backend ready" once the hub answers; SIGTERM/SIGINT stop every child.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DEMO_SITES, dataDir, serve, freshAuditLog, stop, synthOnce } from './backend-processes.mjs';

const base = Number(process.env.FEDOMOP_UI_PORT_BASE ?? 8300);
const offlinePort = base + 9;
mkdirSync(dataDir, { recursive: true });

try {
  const sites = DEMO_SITES.map((s, i) => ({ ...s, port: base + 1 + i, file: path.join(dataDir, `${s.id}.duckdb`) }));
  for (const s of sites) {
    await synthOnce(s, s.file);
  }
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
        '--dev-insecure',
        // Audit lines to a file beside the data, not into the test log.
        '--audit-log',
        freshAuditLog(path.join(dataDir, `${s.id}.audit.jsonl`)),
      ]),
    ),
  );
  await serve([
    'hub',
    '--port',
    String(base),
    '--dev-insecure',
    '--audit-log',
    freshAuditLog(path.join(dataDir, 'hub.audit.jsonl')),
    ...sites.flatMap((s) => ['--site', `${s.id}=http://127.0.0.1:${s.port}`]),
    '--site',
    `offline=http://127.0.0.1:${offlinePort}`,
  ]);
  process.stdout.write(`backend ready: hub http://127.0.0.1:${base}\n`);
} catch (err) {
  process.stderr.write(`start-backend: ${err?.message ?? err}\n`);
  stop(1);
}
