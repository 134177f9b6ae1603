/**
 * Sign-in with the OpenID Connect provider (Helmholtz AAI; `fedomop dev-idp` in the demo) through
 * oidc-client-ts: authorization code + PKCE in a popup whose callback page the Jupyter server serves
 * on the lab's own origin. Tokens live in this object only (in-memory stores: never localStorage or
 * sessionStorage, where any script of the origin could read them). Before the access token expires it
 * is renewed with the refresh token when one was granted; otherwise the researcher signs in again on
 * the next query (a popup needs their click). A hidden iframe is never used: the iframe navigator
 * given to oidc-client-ts refuses. Every change is pushed to the Jupyter server for kernels (onToken).
 */
import { PageConfig } from '@jupyterlab/coreutils';
import { Signal, type ISignal } from '@lumino/signaling';
import {
  InMemoryWebStorage,
  UserManager,
  WebStorageStateStore,
  type INavigator,
  type IWindow,
  type User,
  type UserManagerSettings,
} from 'oidc-client-ts';
import type { IAuthUser, IFedomopAuth, IServerSession } from '../tokens.js';
import { jwtClaims, toAuthUser, type ITokenUser } from './claims.js';
import type { IResolvedIdp } from './settings.js';

/** What the Jupyter server keeps for kernels (PUT {base}fedomop/auth/token). */
export interface ITokenRecord {
  accessToken: string;
  /** Seconds since the epoch, when the IdP said. */
  expiresAt?: number;
  issuer: string;
  user: string;
}

export interface IFedomopAuthOptions {
  /** `{base}fedomop/auth/callback` on the lab's origin (settings.callbackUrl). */
  redirectUri: string;
  /** The popup; tests pass a navigator that completes the provider's login over HTTP. */
  popupNavigator?: INavigator;
  /** Called with every new token and with null on sign-out or expiry (the token relay to kernels). */
  onToken?: (record: ITokenRecord | null) => void;
  /** Renew this long before expiry (default 60 s). */
  renewBeforeMs?: number;
  now?: () => number;
}

const NOT_CONFIGURED =
  'Sign-in is not configured: the Jupyter server sets an identity provider (c.Fedomop.idp_issuer and ' +
  'idp_client_id, or FEDOMOP_IDP_ISSUER and FEDOMOP_IDP_CLIENT_ID), or choose one in Settings → fedomop.';

export class FedomopAuth implements IFedomopAuth {
  private _ready: Promise<void>;
  private resolveReady!: () => void;
  private readonly _signedIn = new Signal<this, IAuthUser | null>(this);
  private idp: IResolvedIdp | null = null;
  private manager: UserManager | null = null;
  private oidcUser: User | null = null;
  private _user: IAuthUser | null = null;
  private _problem: string | null = null;
  private renewing: Promise<void> | null = null;
  private renewTimer?: ReturnType<typeof setTimeout>;
  /** Signed in by JupyterHub (useServerSession): the server holds the token; see there. */
  private session: IServerSession | null = null;
  private rereadSession: (() => Promise<IServerSession | null>) | null = null;
  private readonly now: () => number;
  private readonly renewBeforeMs: number;

  constructor(private readonly options: IFedomopAuthOptions) {
    this.now = options.now ?? (() => Date.now());
    this.renewBeforeMs = options.renewBeforeMs ?? 60_000;
    this._ready = new Promise((resolve) => (this.resolveReady = resolve));
  }

  get ready(): Promise<void> {
    return this._ready;
  }
  get enabled(): boolean {
    return this.idp !== null || this.session !== null;
  }
  get user(): IAuthUser | null {
    return this.session ? sessionUser(this.session) : this._user;
  }
  get problem(): string | null {
    if (this.session) return this.session.problem ?? null;
    return this._problem ?? (this.idp ? null : NOT_CONFIGURED);
  }
  get signedIn(): ISignal<this, IAuthUser | null> {
    return this._signedIn;
  }
  /** The provider in use (null: none configured). */
  get provider(): IResolvedIdp | null {
    return this.idp;
  }

  /**
   * Uses this provider from now on (the plugin calls it once the server config and settings are read,
   * and again when they change). Another provider or client signs the current user out.
   */
  configure(idp: IResolvedIdp | null): void {
    const same = sameProvider(this.idp, idp);
    this.idp = idp;
    if (!same) {
      this.forget();
      void this.manager?.events.unload();
      this.manager = idp ? this.createManager(idp) : null;
      this._problem = null;
      this._signedIn.emit(null);
    }
    this.resolveReady();
  }

  /**
   * Inside a JupyterHub that signed the researcher in, the Jupyter server reads the access token from
   * JupyterHub's auth state and adds it to every relayed hub request: the browser never holds it.
   * This model then only says who is signed in; "sign in" re-reads the server's session.
   */
  useServerSession(session: IServerSession, reread: () => Promise<IServerSession | null>): void {
    this.forget();
    this.session = session;
    this.rereadSession = reread;
    this._signedIn.emit(this.user);
    this.resolveReady();
  }

  async getAccessToken(): Promise<string | undefined> {
    if (this.session || !this.oidcUser) return undefined;
    if (this.expiresWithin(this.renewBeforeMs) && this._user?.renewable) await this.renew();
    const user = this.oidcUser;
    if (!user || this.expiresWithin(0)) return undefined;
    return user.access_token;
  }

  async signIn(): Promise<IAuthUser> {
    if (this.session && this.rereadSession) {
      this.session = (await this.rereadSession()) ?? { source: 'jupyterhub', problem: 'The Jupyter server did not answer.' };
      this._signedIn.emit(this.user);
      if (!this.user) throw new Error(this.problem ?? 'JupyterHub holds no sign-in for you: sign in to JupyterHub again.');
      return this.user;
    }
    const manager = this.manager;
    if (!manager || !this.idp) throw new Error(NOT_CONFIGURED);
    try {
      const user = await manager.signinPopup();
      this._problem = null;
      return this.accept(user, await this.claimsOf(user));
    } catch (err) {
      this._problem = describeSignInError(err, this.idp.issuer);
      this._signedIn.emit(this._user);
      throw new Error(this._problem, { cause: err });
    }
  }

  async signOut(): Promise<void> {
    if (this.session) {
      // JupyterHub owns this sign-in: signing out is signing out of JupyterHub.
      window.location.assign(jupyterHubLogoutUrl());
      return;
    }
    const manager = this.manager;
    if (manager && this.oidcUser) {
      // Revocation at the provider, so a copy of the token (a kernel's, a log's) stops working too.
      await this.revoke(manager, this.oidcUser);
      await manager.removeUser();
    }
    this.forget();
    this._problem = null;
    this._signedIn.emit(null);
  }

  /**
   * RFC 7009 revocation of the refresh token (which ends the grant) and the access token. By hand rather
   * than oidc-client-ts's revokeTokens, which refuses a 200 whose body is not JSON (oidc-provider answers
   * text/plain) and then skips the second token. A failure is logged: the sign-out goes ahead here.
   */
  private async revoke(manager: UserManager, user: User): Promise<void> {
    try {
      const endpoint = await manager.metadataService.getRevocationEndpoint();
      if (!endpoint) return;
      const tokens: Array<[string, string | undefined]> = [
        ['refresh_token', user.refresh_token],
        ['access_token', user.access_token],
      ];
      for (const [hint, token] of tokens) {
        if (!token) continue;
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token, token_type_hint: hint, client_id: manager.settings.client_id }).toString(),
        });
        if (!res.ok) console.warn(`fedomop: revoking the ${hint} failed: HTTP ${res.status}`);
      }
    } catch (err) {
      console.warn('fedomop: token revocation failed; signed out here anyway', err);
    }
  }

  /** Renews the access token with the refresh token (never an iframe); without one, the user expires. */
  async renew(): Promise<void> {
    if (this.renewing) return this.renewing;
    const manager = this.manager;
    if (!manager || !this.oidcUser?.refresh_token) return;
    this.renewing = (async () => {
      try {
        const user = await manager.signinSilent();
        if (user) this.accept(user, await this.claimsOf(user));
      } catch (err) {
        console.warn('fedomop: token renewal failed', err);
        this.expire('Your sign-in could not be renewed; sign in again.');
      } finally {
        this.renewing = null;
      }
    })();
    return this.renewing;
  }

  dispose(): void {
    this.forget();
    // oidc-client-ts's expiry timers (setInterval) would otherwise outlive this object.
    void this.manager?.events.unload();
    Signal.clearData(this);
  }

  private createManager(idp: IResolvedIdp): UserManager {
    const settings: UserManagerSettings = {
      authority: idp.issuer,
      client_id: idp.clientId,
      redirect_uri: this.options.redirectUri,
      response_type: 'code',
      scope: idp.scopes.join(' '),
      // Tokens in memory only.
      userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
      stateStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
      // Renewal is ours (renew()): by refresh token only, never oidc-client-ts's iframe fallback.
      automaticSilentRenew: false,
      monitorSession: false,
      // Userinfo is read by claimsOf(), which tolerates a provider that refuses a JWT access token there
      // (oidc-provider does: the token has an audience); oidc-client-ts would fail the whole sign-in.
      loadUserInfo: false,
      extraQueryParams: idp.extraParameters,
      // oidc-client-ts sends these before application/json in the token request's Accept header
      // (it will not let Accept be set outright): `Accept: application/at+jwt, application/json`.
      revokeTokenAdditionalContentTypes: idp.jwtAccessToken ? ['application/at+jwt'] : undefined,
      popupWindowFeatures: { width: 520, height: 680 },
    };
    return new UserManager(settings, undefined, this.options.popupNavigator, new RefuseIframe());
  }

  /**
   * The user's claims for display (the sites verify for themselves): the ID token's, then a JWT access
   * token's (Helmholtz AAI with claims_in_tokens=token), then userinfo's (where Helmholtz AAI releases
   * groups by default) when the provider answers it for this subject.
   */
  private async claimsOf(user: User): Promise<ITokenUser['profile']> {
    const claims: ITokenUser['profile'] = { ...jwtClaims(user.access_token), ...user.profile, sub: user.profile.sub };
    try {
      const endpoint = await this.manager?.metadataService.getUserInfoEndpoint();
      if (!endpoint) return claims;
      const res = await fetch(endpoint, {
        headers: { authorization: `Bearer ${user.access_token}`, accept: 'application/json' },
      });
      const info = res.ok ? ((await res.json()) as Record<string, unknown>) : null;
      if (info && info.sub === claims.sub) Object.assign(claims, info);
    } catch {
      // No userinfo (unreachable, or it refuses this token): the tokens' claims are what there is.
    }
    return claims;
  }

  private accept(user: User, profile: ITokenUser['profile']): IAuthUser {
    this.oidcUser = user;
    this._user = toAuthUser({ ...user, profile });
    this.schedule();
    this.options.onToken?.({
      accessToken: user.access_token,
      expiresAt: user.expires_at,
      issuer: this.idp?.issuer ?? '',
      user: this._user.name,
    });
    this._signedIn.emit(this._user);
    return this._user;
  }

  /** Renewal a little before expiry when a refresh token allows it; else forgetting at expiry. */
  private schedule(): void {
    clearTimeout(this.renewTimer);
    const expiresAt = this._user?.expiresAt;
    if (expiresAt === undefined) return;
    const renewable = this._user?.renewable ?? false;
    const at = renewable ? expiresAt - this.renewBeforeMs : expiresAt;
    // setTimeout's delay is a 32-bit int; a longer wait is simply re-armed on the next renewal.
    const delay = Math.min(Math.max(at - this.now(), 0), 2 ** 31 - 1);
    this.renewTimer = setTimeout(() => {
      if (renewable) void this.renew();
      else this.expire('Your sign-in expired; sign in again.');
    }, delay);
  }

  private expire(problem: string): void {
    this.forget();
    void this.manager?.removeUser();
    this._problem = problem;
    this._signedIn.emit(null);
  }

  private forget(): void {
    clearTimeout(this.renewTimer);
    const had = this.oidcUser !== null;
    this.oidcUser = null;
    this._user = null;
    if (had) this.options.onToken?.(null);
  }

  private expiresWithin(ms: number): boolean {
    const at = this._user?.expiresAt;
    return at !== undefined && at - this.now() <= ms;
  }
}

/** oidc-client-ts's silent sign-in without a refresh token is a hidden iframe: refused here. */
class RefuseIframe implements INavigator {
  prepare(): Promise<IWindow> {
    return Promise.reject(new Error('fedomop never renews a sign-in in a hidden iframe; sign in again'));
  }
  callback(): Promise<void> {
    return Promise.resolve();
  }
}

function sameProvider(a: IResolvedIdp | null, b: IResolvedIdp | null): boolean {
  if (a === null || b === null) return a === b;
  return JSON.stringify({ ...a, source: '' }) === JSON.stringify({ ...b, source: '' });
}

/** A sign-in failure in words: the popup blocked or closed, the provider unreachable, or its error. */
export function describeSignInError(err: unknown, issuer: string): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/popup.*(blocked|failed to open)|window.*(blocked|could not be opened)/i.test(message)) {
    return 'The sign-in window was blocked by the browser; allow popups for this page and try again.';
  }
  if (/popup.*closed|closed by user/i.test(message)) return 'Sign-in was cancelled (the sign-in window was closed).';
  if (/failed to fetch|network|metadata/i.test(message)) {
    return `The identity provider ${issuer} cannot be reached (${message}).`;
  }
  return `Sign-in failed: ${message}`;
}

/** The user JupyterHub signed in, or null when the server could not read a token for them. */
function sessionUser(session: IServerSession): IAuthUser | null {
  if (!session.user || session.problem) return null;
  return {
    subject: session.user,
    name: session.user,
    groups: session.groups ?? [],
    expiresAt: session.expiresAt === undefined ? undefined : session.expiresAt * 1000,
    // JupyterHub renews the token from its refresh token.
    renewable: true,
  };
}

function jupyterHubLogoutUrl(): string {
  const prefix = PageConfig.getOption('hubPrefix') || '/hub/';
  return `${prefix.replace(/\/?$/, '/')}logout`;
}
