/**
 * The sign-in popup without a browser, for tests of the lab's auth model in Node: an oidc-client-ts
 * navigator whose "window" loads the provider's authorization URL over HTTP with a cookie jar, posts
 * the sign-in form (the dev IdP's `login` / `password` form) as a person would, follows the redirects
 * and hands back the final redirect to the callback URL, as the real callback page does by postMessage.
 * Everything else (PKCE, state, token exchange, userinfo, refresh, revocation) is oidc-client-ts's own.
 */
import type { INavigator, IWindow, NavigateParams, NavigateResponse } from 'oidc-client-ts';

export class HttpLoginNavigator implements INavigator {
  /** Every authorization URL opened, to check what was asked (PKCE, extra parameters). */
  readonly opened: URL[] = [];

  constructor(
    private readonly login: string,
    private readonly password = login,
  ) {}

  prepare(): Promise<IWindow> {
    return Promise.resolve({
      navigate: (params: NavigateParams) => this.navigate(params),
      close: () => undefined,
    });
  }

  callback(): Promise<void> {
    return Promise.resolve();
  }

  private async navigate(params: NavigateParams): Promise<NavigateResponse> {
    const start = new URL(params.url);
    this.opened.push(start);
    const redirectUri = start.searchParams.get('redirect_uri') ?? '';
    const cookies = new Map<string, string>();
    const go = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair.indexOf('=');
        if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
      return res;
    };
    let url = start.href;
    let res = await go(url);
    let posted = false;
    for (let hop = 0; hop < 12; hop++) {
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url).href;
        if (url.startsWith(redirectUri)) return { url };
        res = await go(url);
        continue;
      }
      const html = await res.text();
      if (res.status === 200 && !posted && /name="password"/.test(html)) {
        posted = true;
        const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
        const target = action ? new URL(action.replace(/&amp;/g, '&'), url).href : url;
        res = await go(target, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ login: this.login, password: this.password }).toString(),
        });
        url = target;
        continue;
      }
      const alert = /role="alert"[^>]*>([^<]*)</.exec(html)?.[1]?.trim();
      throw new Error(`the sign-in page stopped at HTTP ${res.status}${alert ? `: ${alert}` : ''}`);
    }
    throw new Error('too many redirects in the sign-in popup');
  }
}
