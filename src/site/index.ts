export { loadSiteConfig, SITE_USAGE } from './config.js';
export type { SiteConfig, DatabaseConfig } from './config.js';
export { startSite } from './start.js';
export type { RunningSite } from './start.js';
export { buildSiteServer, ARROW_STREAM } from './server.js';
export { DuckDbDatabase } from './duckdb-database.js';
export type { SiteDatabase, SqlRow } from './database.js';
