/** The hub's public surface: start it, configure it, pool results, and the shapes of its answers. */
export { startHub, buildHub, type StartHubOptions, type RunningHub } from './server.js';
export {
  loadHubConfig,
  parseHubFlags,
  parseHubToml,
  mergeHubConfig,
  normalizeHubConfig,
  HUB_DEFAULTS,
  HUB_USAGE,
  type HubConfig,
  type HubCliConfig,
  type SiteConfig,
} from './config.js';
export { poolRows, compareDims } from './pool.js';
export type { QueryStatus, QueryState, SiteStatus, SiteState, SiteError } from './query.js';
export type { Provenance } from './decode.js';
export type { SiteHealth, SiteInfo } from './registry.js';
