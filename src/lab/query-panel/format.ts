/**
 * Numbers, states and errors as a researcher reads them. Pure functions, shared by the panel and its
 * tests, so what the UI test sees is what the unit test pins.
 */
import type { ReleasedValue } from '../../arrow/result-schema.js';
import type { SiteError, SiteState } from '../../client/index.js';

export const STATE_LABELS: Record<SiteState, string> = {
  queued: 'queued',
  running: 'running',
  done: 'done',
  failed: 'failed',
  timeout: 'timed out',
  cancelled: 'cancelled',
};

export interface ICellText {
  text: string;
  /** Longer explanation for a tooltip. */
  title?: string;
  suppressed: boolean;
}

/**
 * A released value: exact numbers as they are; values withheld by disclosure control as the interval
 * the site vouches for ("1–4"), flagged so the panel can mark them.
 */
export function formatValue(v: ReleasedValue | undefined): ICellText {
  if (!v) return { text: '—', suppressed: false };
  if (v.suppressed || v.value === null) {
    const text = v.lower === v.upper ? `${v.lower}` : `${v.lower}–${v.upper}`;
    return {
      text,
      suppressed: true,
      title: `Suppressed by disclosure control: the true value lies between ${v.lower} and ${v.upper}.`,
    };
  }
  if (v.lower !== v.upper) {
    return { text: `${v.value}`, suppressed: false, title: `Released with uncertainty: between ${v.lower} and ${v.upper}.` };
  }
  return { text: `${v.value}`, suppressed: false };
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Why one site did not answer, naming the site. */
export function describeSiteError(site: string, state: SiteState, error?: SiteError): string {
  const who = `Site “${site}”`;
  const detail = error?.message ? ` (${error.message})` : '';
  switch (error?.code) {
    case 'ERR_SITE_UNREACHABLE':
      return `${who} could not be reached: it may be down, or the hub cannot connect to it${detail}.`;
    case 'ERR_SITE_TIMEOUT':
      return `${who} did not answer in time${detail}.`;
    case 'ERR_DISCLOSURE_REFUSED':
      return `${who} refused to release this result, as it would reveal too few persons${detail}.`;
    case 'ERR_NOT_ENTITLED':
      // The site's policy names the group it wants: the researcher can ask their VO for exactly that.
      if (error.group) return `${who} refused: to run this there you need the group ${error.group}.`;
      return `${who} says you are not entitled to query it${detail}.`;
    case 'ERR_TOKEN_MISSING':
    case 'ERR_TOKEN_INVALID':
    case 'ERR_TOKEN_EXPIRED':
      return `${who} did not accept your sign-in; sign in again${detail}.`;
    case 'ERR_RATE_LIMITED':
      return `${who} limits how often it can be queried; try again in a while${detail}.`;
    case 'ERR_PLAN_INVALID':
    case 'ERR_PLAN_UNSUPPORTED':
    case 'ERR_PLAN_TOO_LARGE':
      return `${who} cannot run this query${detail}.`;
    case 'ERR_QUERY_CANCELLED':
      return `${who} was cancelled.`;
    case undefined:
      if (state === 'timeout') return `${who} did not answer in time.`;
      if (state === 'cancelled') return `${who} was cancelled.`;
      return `${who} failed without saying why.`;
    default:
      return `${who} failed${detail}.`;
  }
}

/** A failure of the query as a whole (the hub unreachable, a refused plan, ...), in words. */
export function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string; details?: { problems?: Array<{ path: string; message: string }> } };
  const message = e?.message ?? String(err);
  // Every ERR_TOKEN_* refusal is a 401 (missing, expired, wrong issuer or audience, bad signature ...).
  if ((err as { status?: unknown } | null)?.status === 401) return `The hub did not accept your sign-in (${message}).`;
  switch (e?.code) {
    case 'ERR_SITE_UNREACHABLE':
      return `The fedomop hub cannot be reached (${message}). Is it running, and is FEDOMOP_HUB_URL right?`;
    case 'ERR_PLAN_INVALID':
    case 'ERR_PLAN_UNSUPPORTED':
    case 'ERR_PLAN_TOO_LARGE': {
      const problems = e.details?.problems?.map((p) => `${p.path}: ${p.message}`).join('; ');
      return `The hub refused the query: ${problems || message}`;
    }
    case 'ERR_SITE_UNKNOWN':
      return `The hub does not know one of the chosen sites (${message}). Refresh the site list.`;
    case 'ERR_NO_SITES':
      return 'No site was chosen: tick at least one site.';
    case 'ERR_CONFIG_INVALID':
      return message;
    case 'ERR_TOKEN_MISSING':
    case 'ERR_TOKEN_INVALID':
    case 'ERR_TOKEN_EXPIRED':
      return `The hub did not accept your sign-in (${message}).`;
    default:
      return e?.code ? `The query failed: ${message} [${e.code}]` : `The query failed: ${message}`;
  }
}
