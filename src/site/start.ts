/** Opens the database, checks what the CDM has and which versions it states, and starts listening. */
import { planListen } from '../cli/insecure.js';
import { FedomopError } from '../errors.js';
import type { SiteConfig } from './config.js';
import type { SiteDatabase } from './database.js';
import { DuckDbDatabase } from './duckdb-database.js';
import { AuditLog } from './audit.js';
import { checkCdm, type CdmReport } from './cdm-check.js';
import { openDisclosureState } from './disclosure-state.js';
import { buildSiteServer, type SiteLifecycle } from './server.js';
import { ConceptService } from './concept-service.js';
import { siteConceptReleases } from './concept-releases.js';
import { perturbs } from '../disclosure/index.js';
import { siteAuthOf } from './site-auth.js';
import type { SiteIdentity } from './execute.js';

export interface RunningSite {
  url: string;
  /**
   * Stops the site: new plans get 503 ERR_SHUTTING_DOWN, running ones get `drainMs` (default 0) to
   * finish, then their connections are closed (which interrupts their SQL); their audit lines are
   * written before the audit log closes.
   */
  close(opts?: { drainMs?: number }): Promise<void>;
}

async function openDatabase(config: SiteConfig): Promise<SiteDatabase> {
  if (config.database.kind === 'duckdb') {
    // As many connections stay open as plans may run at once, each keeping its prepared statements.
    return DuckDbDatabase.open(config.database.path, {
      threads: config.database.threads,
      idleConnections: config.maxConcurrentQueries,
    });
  }
  const { PostgresDatabase } = await import('./postgres-database.js');
  return PostgresDatabase.open(config.database.url, {
    schema: config.database.schema,
    queryTimeoutMs: config.queryTimeoutMs,
  });
}

/** Who this site is: its configured id and name, and the versions its cdm_source states (or "unknown"). */
function identityOf(config: SiteConfig, cdm: CdmReport): SiteIdentity & { name: string } {
  return {
    id: config.id,
    name: config.name,
    cdmVersion: cdm.cdmVersion ?? 'unknown',
    vocabularyVersion: cdm.vocabularyVersion ?? 'unknown',
  };
}

export async function startSite(config: SiteConfig): Promise<RunningSite> {
  const auth = siteAuthOf(config);
  const listen = planListen('site', {
    host: config.host,
    port: config.port,
    devInsecure: config.devInsecure,
    authConfigured: auth !== undefined,
  });
  // The secret and history directory first: a site that cannot keep its releases consistent does not start.
  const disclosure = openDisclosureState(config);
  const audit = AuditLog.open(config.auditLog);
  const db = await openDatabase(config).catch(async (err: unknown) => {
    await audit.close();
    throw err;
  });
  let cdm = await preflight(db, config).catch(async (err: unknown) => {
    await db.close();
    await audit.close();
    throw err;
  });
  const identity = identityOf(config, cdm);
  // A replaced CDM file: its tables and its versions, read again (identity is shared with the server).
  const reload = async () => {
    cdm = await checkCdm(db, { counts: false });
    Object.assign(identity, identityOf(config, cdm));
  };
  const lifecycle: SiteLifecycle = { draining: false, running: 0 };
  // The concept index is built now, in the background: on a full Athena vocabulary it takes a while
  // (logged), and concept requests that come before it is ready wait for it.
  const concepts = new ConceptService(db, undefined, config.database.kind === 'duckdb' ? config.database.path : undefined);
  // Concept counts keyed by persons (and the published sets every release is checked against) for
  // the site's own k, also in the background; a policy file's other k is built on first use.
  const conceptReleases = siteConceptReleases(db, () => disclosure.keys, {
    dir: () => disclosure.history.dir,
    dbPath: config.database.kind === 'duckdb' ? config.database.path : undefined,
  });
  const app = buildSiteServer({
    config,
    db,
    identity,
    audit,
    reload,
    cdm: () => cdm,
    auth,
    lifecycle,
    disclosure,
    concepts,
    conceptReleases,
  });
  try {
    await app.listen({ host: listen.host, port: listen.port });
  } catch (err) {
    await db.close();
    await audit.close();
    throw new FedomopError(
      'ERR_CONFIG_INVALID',
      `site ${config.id} cannot listen on ${listen.host}:${listen.port}: ${(err as Error).message}`,
    );
  }
  concepts.warm();
  if (perturbs(config.disclosure) || config.disclosure.differencing) conceptReleases.warm(config.disclosure.minCellCount);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return {
    url: `http://${host}:${port}`,
    close: async (opts = {}) => {
      lifecycle.draining = true;
      const closing = app.close();
      const cut = setTimeout(() => app.server.closeAllConnections(), opts.drainMs ?? 0);
      await closing;
      clearTimeout(cut);
      // An interrupted plan writes its audit line when its SQL has stopped, which can be after the
      // connections are gone; the log stays open until then (bounded, should an engine not stop).
      const deadline = Date.now() + 5000;
      while (lifecycle.running > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await concepts.close();
      await conceptReleases.close();
      await db.close();
      await audit.close();
    },
  };
}

/**
 * The CDM checked once at start (src/site/cdm-check.ts): without a table or column every plan reads,
 * the site would fail every plan, so it does not start; gaps in single domains are listed on stderr.
 */
async function preflight(db: SiteDatabase, config: SiteConfig): Promise<CdmReport> {
  // Which tables and columns exist only: counting rows would scan a large PostgreSQL CDM at every start.
  const report = await checkCdm(db, { counts: false });
  if (!report.usable) {
    throw new FedomopError(
      'ERR_CONFIG_INVALID',
      `site ${config.id}: the CDM lacks what every plan reads: ${report.problems.join('; ')}`,
    );
  }
  const gaps = report.domains.filter((d) => !d.usable).map((d) => d.domain);
  const partial = report.domains.filter((d) => d.usable && d.unusableAttributes.length > 0).map((d) => d.domain);
  if (gaps.length || partial.length) {
    process.stderr.write(
      `fedomop site ${config.id}: criteria that will fail on this CDM: ` +
        [gaps.length ? `${gaps.join(', ')} (no table)` : '', partial.length ? `some attributes of ${partial.join(', ')}` : '']
          .filter(Boolean)
          .join('; ') +
        ` — fedomop check --db <database> lists them\n`,
    );
  }
  return report;
}
