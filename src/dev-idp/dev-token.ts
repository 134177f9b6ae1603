/**
 * A non-interactive sign-in against the dev IdP, for scripts and tests: the real authorization code
 * flow with PKCE S256, the sign-in form posted as a browser would, redirects followed by hand with
 * the IdP's cookies, and the code read from the Location header of the final redirect to a loopback
 * redirect URI (nobody needs to listen there). Works only against an IdP with a form like ours.
 */
import { createHash, randomBytes } from 'node:crypto';
import { FedomopError } from '../errors.js';
import { LAB_CLIENT_ID } from './provider.js';

export interface DevTokenOptions {
  idp: string;
  user: string;
  /** Default: the user name (the demo users' password). */
  password?: string;
  scope?: string;
  clientId?: string;
  redirectUri?: string;
  /** Ask the token endpoint for a JWT access token (`Accept: application/at+jwt`). */
  jwt?: boolean;
}

export interface DevTokens {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  token_type?: string;
}

export const DEFAULT_DEV_SCOPE = 'openid profile email eduperson_entitlement';

const b64url = (b: Buffer) => b.toString('base64url');

class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

function fail(message: string): FedomopError {
  return new FedomopError('ERR_TOKEN_INVALID', message);
}

export async function devToken(opts: DevTokenOptions): Promise<DevTokens> {
  const discovery = (await (await fetch(new URL('/.well-known/openid-configuration', opts.idp))).json()) as Record<
    string,
    string
  >;
  const clientId = opts.clientId ?? LAB_CLIENT_ID;
  const redirectUri = opts.redirectUri ?? 'http://127.0.0.1:9/fedomop/auth/callback';
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const auth = new URL(discovery.authorization_endpoint);
  auth.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: opts.scope ?? DEFAULT_DEV_SCOPE,
    state,
    nonce: b64url(randomBytes(16)),
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  }).toString();

  const jar = new CookieJar();
  const go = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
    });
    jar.take(res);
    return res;
  };
  let res = await go(auth.toString());
  let posted = false;
  for (let hop = 0; hop < 10; hop++) {
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, res.url || opts.idp);
      if (next.href.startsWith(redirectUri.split('?')[0]) || next.searchParams.has('code') || next.searchParams.has('error')) {
        if (next.searchParams.get('error')) {
          throw fail(`${next.searchParams.get('error')}: ${next.searchParams.get('error_description') ?? ''}`);
        }
        if (next.searchParams.get('state') !== state) throw fail('state mismatch in the redirect');
        const code = next.searchParams.get('code');
        if (!code) throw fail('no code in the redirect');
        return exchange(discovery.token_endpoint, { code, verifier, clientId, redirectUri, jwt: opts.jwt });
      }
      res = await go(next.href);
      continue;
    }
    if (res.status === 200 && !posted && /name="password"/.test(await res.clone().text())) {
      const form = new URLSearchParams({ login: opts.user, password: opts.password ?? opts.user });
      posted = true;
      res = await go(res.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      continue;
    }
    const html = await res.text();
    const text = (/role="alert">([^<]*)</.exec(html)?.[1] ?? html.replace(/<style[^]*?<\/style>/g, '').replace(/<[^>]+>/g, ' '))
      .replace(/\s+/g, ' ')
      .trim();
    throw fail(`sign-in as ${opts.user} stopped at HTTP ${res.status}: ${text.slice(0, 200)}`);
  }
  throw fail('too many redirects');
}

async function exchange(
  endpoint: string,
  p: { code: string; verifier: string; clientId: string; redirectUri: string; jwt?: boolean },
): Promise<DevTokens> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(p.jwt ? { accept: 'application/at+jwt, application/json' } : {}),
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: p.code,
      redirect_uri: p.redirectUri,
      client_id: p.clientId,
      code_verifier: p.verifier,
    }).toString(),
  });
  const body = (await res.json()) as DevTokens & { error?: string; error_description?: string };
  if (!res.ok || !body.access_token) throw fail(`token endpoint: ${body.error ?? res.status} ${body.error_description ?? ''}`);
  return body;
}
