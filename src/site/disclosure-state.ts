/** Opens the site's disclosure state from its config: secret (created if absent), history, limits. */
import { ReleaseHistory } from '../disclosure/history.js';
import { UserRateLimit } from '../disclosure/rate-limit.js';
import { RecordKeys } from '../disclosure/record-keys.js';
import type { SiteConfig } from './config.js';
import type { DisclosureState } from './execute.js';

export function openDisclosureState(config: Pick<SiteConfig, 'historyDir' | 'secretFile' | 'disclosure'>): DisclosureState {
  return {
    keys: RecordKeys.openSecretFile(config.secretFile),
    history: new ReleaseHistory(config.historyDir, config.disclosure.historyRetentionDays, config.disclosure.historyMaxSets),
    plans: new UserRateLimit('plans'),
    previews: new UserRateLimit('previews'),
  };
}
