/**
 * The site config's `[disclosure]` section (and its flags) → a DisclosurePolicy: a named profile
 * (`standard`, `strict`, `exact`), then any key given overrides the profile's value.
 *
 *   [disclosure]
 *   profile = "standard"          # standard | strict | exact
 *   min_cell_count = 5            # k
 *   max_noise = 2                 # D, the ptable's noise bound (0: no perturbation)
 *   noise_variance = 1            # V
 *   differencing = "widen"        # widen | refuse | "off"
 *   rate_limit_queries = 600      # plans per user per window (previews counted apart)
 *   rate_limit_window_seconds = 3600
 *   history_max_sets = 200000     # distinct released person sets kept per user
 *   history_retention_days = 365
 *   history_dir = "/var/lib/fedomop/north.disclosure"
 *   secret_file = "/var/lib/fedomop/north.secret"
 */
import { MIN_ALLOWED_CELL_COUNT, PROFILES, type DisclosurePolicy, type ProfileName } from '../disclosure/index.js';
import { validatePTableParams } from '../disclosure/ptable.js';
import { FedomopError } from '../errors.js';

type Bad = (message: string) => never;

function intOf(v: unknown, name: string, min: number, bad: Bad): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min)
    bad(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return n;
}

export function disclosureFrom(
  profileFlag: string | undefined,
  minCellFlag: string | undefined,
  table: Record<string, unknown>,
  bad: Bad,
): DisclosurePolicy {
  const name = profileFlag ?? (table.profile as string | undefined) ?? 'standard';
  if (!Object.prototype.hasOwnProperty.call(PROFILES, name))
    bad(`disclosure profile must be standard, strict or exact, got "${name}"`);
  const base = PROFILES[name as ProfileName];
  const p: DisclosurePolicy = { ...base };
  const minCell = minCellFlag ?? table.min_cell_count;
  if (minCell !== undefined) p.minCellCount = intOf(minCell, 'min cell count', MIN_ALLOWED_CELL_COUNT, bad);
  if (table.max_noise !== undefined) p.maxNoise = intOf(table.max_noise, 'disclosure.max_noise', 0, bad);
  if (table.noise_variance !== undefined) {
    if (typeof table.noise_variance !== 'number') bad('disclosure.noise_variance must be a number');
    p.noiseVariance = table.noise_variance;
  }
  if (table.differencing !== undefined) {
    const d = table.differencing;
    if (d !== 'widen' && d !== 'refuse' && d !== 'off')
      bad(`disclosure.differencing must be widen, refuse or off, got ${JSON.stringify(d)}`);
    p.differencing = d === 'off' ? undefined : d;
  }
  if (table.rate_limit_queries !== undefined || table.rate_limit_window_seconds !== undefined) {
    p.rateLimit = {
      queries: intOf(table.rate_limit_queries ?? p.rateLimit?.queries ?? 600, 'disclosure.rate_limit_queries', 1, bad),
      windowSeconds: intOf(
        table.rate_limit_window_seconds ?? p.rateLimit?.windowSeconds ?? 3600,
        'disclosure.rate_limit_window_seconds',
        1,
        bad,
      ),
    };
  }
  if (table.history_max_sets !== undefined)
    p.historyMaxSets = intOf(table.history_max_sets, 'disclosure.history_max_sets', 1, bad);
  if (table.history_retention_days !== undefined)
    p.historyRetentionDays = intOf(table.history_retention_days, 'disclosure.history_retention_days', 1, bad);
  if (p.minCellCount !== base.minCellCount || p.maxNoise !== base.maxNoise || p.noiseVariance !== base.noiseVariance)
    p.profile = 'custom';
  if ((p.maxNoise ?? 0) > 0) {
    try {
      validatePTableParams({ k: p.minCellCount, D: p.maxNoise ?? 0, V: p.noiseVariance ?? 0 });
    } catch (err) {
      bad((err as FedomopError).message);
    }
  }
  return p;
}
