/**
 * A small federation for integration tests: `fedomop site` processes on synthetic DuckDB files and
 * one `fedomop hub` in front of them, real processes on loopback, plus a way to ask a site's file
 * directly with hand-written SQL (the independent side of every comparison).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { PlainRow } from './hub-api.js';
import { startService, type Service } from './processes.js';
import { siteFile, type SiteSpec } from './sites.js';

export interface Federation {
  hub: Service;
  sites: Service[];
  /** Site id → its DuckDB file. */
  files: Record<string, string>;
  /** Hand-written SQL on a site's file, read-only; BIGINTs become numbers. */
  direct(site: string, sql: string): Promise<PlainRow[]>;
  stop(): Promise<void>;
}

export interface FederationOptions {
  /** The sites' minimum cell count (`--min-cell-count`). */
  minCellCount?: number;
  /** Extra `--site id=url` entries for the hub, e.g. a site nobody answers on. */
  extraSites?: string[];
  /** Extra flags for every site, e.g. ['--disclosure-profile', 'exact']. */
  siteArgs?: string[];
}

export async function startFederation(specs: SiteSpec[], options: FederationOptions = {}): Promise<Federation> {
  const files: Record<string, string> = {};
  for (const spec of specs) files[spec.id] = await siteFile(spec);
  const k = options.minCellCount === undefined ? [] : ['--min-cell-count', String(options.minCellCount)];
  const sites: Service[] = [];
  for (const spec of specs) {
    sites.push(
      await startService([
        'site',
        '--db',
        files[spec.id],
        '--id',
        spec.id,
        '--port',
        '0',
        '--dev-insecure',
        ...k,
        ...(options.siteArgs ?? []),
      ]),
    );
  }
  const hub = await startService([
    'hub',
    '--port',
    '0',
    '--dev-insecure',
    ...(options.extraSites ?? []).flatMap((s) => ['--site', s]),
    ...sites.flatMap((s, i) => ['--site', `${specs[i].id}=${s.url}`]),
  ]);
  return {
    hub,
    sites,
    files,
    direct: (site, sql) => directRows(files[site], sql),
    async stop() {
      await hub.stop();
      await Promise.all(sites.map((s) => s.stop()));
    },
  };
}

export async function directRows(file: string, sql: string): Promise<PlainRow[]> {
  const db = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql))
      .getRowObjectsJS()
      .map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : (v as PlainRow[string])])),
      );
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
