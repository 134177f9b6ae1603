/**
 * Until sign-in lands, a service can only run without token checks, and only when asked to in so
 * many words: `--dev-insecure` binds to loopback and says so loudly. Anything else refuses to start,
 * so nobody exposes patient aggregates on a network by forgetting a flag.
 */
import { FedomopError } from '../errors.js';

export interface ListenPlan {
  host: string;
  port: number;
  insecure: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export function planListen(
  service: string,
  opts: { host?: string; port: number; devInsecure: boolean; authConfigured: boolean },
): ListenPlan {
  if (opts.devInsecure) {
    const host = opts.host ?? '127.0.0.1';
    if (!LOOPBACK.has(host)) {
      throw new FedomopError('ERR_CONFIG_INVALID', `--dev-insecure binds to loopback only; refusing host ${host}`);
    }
    process.stderr.write(
      `\n  WARNING: fedomop ${service} is running with --dev-insecure: NO TOKEN CHECKS.\n` +
        `  Bound to ${host} only. Never use this with real patient data.\n\n`,
    );
    return { host, port: opts.port, insecure: true };
  }
  if (!opts.authConfigured) {
    throw new FedomopError(
      'ERR_CONFIG_INVALID',
      `fedomop ${service}: token verification is not configured. Configure [auth] in the config file, ` +
        'or pass --dev-insecure to run on loopback without token checks (development only).',
    );
  }
  return { host: opts.host ?? '0.0.0.0', port: opts.port, insecure: false };
}
