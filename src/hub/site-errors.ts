/**
 * How a site's failure reads in the hub: its own JSON error relayed with the site id added, or a
 * network failure named in plain words ("site south did not answer: connection refused").
 */
import { FedomopError, fromErrorBody, isErrorCode } from '../errors.js';
import { networkReason } from './site-http.js';

/** A site's own JSON error, relayed with its code and message and the site's id added. */
export function relayedError(site: string, status: number, body: Buffer): FedomopError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return new FedomopError('ERR_SITE_ERROR', `site ${site} answered HTTP ${status} without a JSON error body`, { site });
  }
  const inner = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (inner && isErrorCode(inner.code) && typeof inner.message === 'string') {
    const err = fromErrorBody(parsed);
    return new FedomopError(err.code, err.message, { ...err.details, site });
  }
  const message = typeof inner?.message === 'string' ? `: ${inner.message.slice(0, 300)}` : '';
  return new FedomopError('ERR_SITE_ERROR', `site ${site} answered HTTP ${status}${message}`, { site });
}

/** Abort reasons are already FedomopErrors (timeout, cancel); anything else is the network's doing. */
export function asSiteError(site: string, err: unknown): FedomopError {
  if (err instanceof FedomopError) return err;
  if ((err as { code?: string } | undefined)?.code === 'ERR_BODY_TOO_LARGE') {
    return new FedomopError(
      'ERR_SITE_BAD_RESPONSE',
      `site ${site} sent a bad answer: ${(err as Error).message}`,
      { site },
      { cause: err },
    );
  }
  return new FedomopError('ERR_SITE_UNREACHABLE', `site ${site} did not answer: ${networkReason(err)}`, { site }, { cause: err });
}
