/**
 * Opens the site's disclosure state from its config: secret (created if absent), history, limits.
 * The secret and the history directory are opened when a policy first needs them, so a site whose
 * policy neither perturbs nor remembers (the `exact` profile) writes nothing; a site that does
 * opens them at start (start.ts touches them), so a bad path stops it there.
 */
import { ReleaseHistory } from '../disclosure/history.js';
import { perturbs } from '../disclosure/index.js';
import { UserRateLimit } from '../disclosure/rate-limit.js';
import { RecordKeys } from '../disclosure/record-keys.js';
import type { SiteConfig } from './config.js';
import type { DisclosureState } from './execute.js';

export function openDisclosureState(config: Pick<SiteConfig, 'historyDir' | 'secretFile' | 'disclosure'>): DisclosureState {
  let keys: RecordKeys | undefined;
  let history: ReleaseHistory | undefined;
  const state: DisclosureState = {
    get keys() {
      return (keys ??= RecordKeys.openSecretFile(config.secretFile));
    },
    get history() {
      return (history ??= new ReleaseHistory(
        config.historyDir,
        config.disclosure.historyRetentionDays,
        config.disclosure.historyMaxSets,
      ));
    },
    plans: new UserRateLimit('plans'),
    previews: new UserRateLimit('previews'),
  };
  if (perturbs(config.disclosure) || config.disclosure.differencing) {
    void state.keys;
    void state.history;
  }
  return state;
}
