/**
 * Decides how this browser reaches the hub: a hub URL in the user's settings is called directly;
 * otherwise the Jupyter server's relay is used, when the server knows a hub (FEDOMOP_HUB_URL).
 */
import type { ServerConnection } from '@jupyterlab/services';
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Signal, type ISignal } from '@lumino/signaling';
import { HubClient } from '../../client/index.js';
import { HubHttp } from '../../client/http.js';
import { FedomopError } from '../../errors.js';
import { relayFetch, relayUrl, requestServer } from '../request.js';
import type { IFedomopConnection, IServerConfig } from '../tokens.js';

export interface IConnectionOptions {
  serverSettings?: ServerConnection.ISettings;
  /** Replaces GET {base}/fedomop/config, for tests. */
  loadServerConfig?: () => Promise<IServerConfig>;
  /** The signed-in user's access token, asked before every hub call (IFedomopAuth.getAccessToken). */
  token?: () => Promise<string | undefined>;
}

interface IUserSettings {
  hubUrl: string;
  defaultSites: string[];
  queryTimeoutMs: number;
}

const NO_SERVER_EXTENSION =
  'The fedomop server extension did not answer. Check that it is enabled ' +
  '(`jupyter server extension list` shows fedomop) and restart JupyterLab.';
const NO_HUB =
  'No fedomop hub is configured. Start JupyterLab with FEDOMOP_HUB_URL set to the hub ' +
  '(e.g. http://127.0.0.1:8100), or enter a hub URL in Settings → fedomop.';

export class FedomopConnection implements IFedomopConnection {
  readonly ready: Promise<void>;
  private _hub: HubClient | null = null;
  private _http: HubHttp | null = null;
  private _browserHubUrl = '';
  private _problem: string | null = null;
  private _server: IServerConfig | null = null;
  private _user: IUserSettings = { hubUrl: '', defaultSites: [], queryTimeoutMs: 0 };
  private readonly _changed = new Signal<this, void>(this);

  constructor(private readonly options: IConnectionOptions = {}) {
    this.ready = this.loadServer();
  }

  get hub(): HubClient | null {
    return this._hub;
  }
  get browserHubUrl(): string {
    return this._browserHubUrl;
  }
  get kernelHubUrl(): string {
    return this._server?.hubUrl || this._user.hubUrl;
  }
  get defaultSites(): readonly string[] {
    return this._user.defaultSites.length > 0 ? this._user.defaultSites : (this._server?.defaultSites ?? []);
  }
  get queryTimeoutMs(): number | undefined {
    return this._user.queryTimeoutMs > 0 ? this._user.queryTimeoutMs : undefined;
  }
  get problem(): string | null {
    return this._problem;
  }
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** JSON from the hub's API (e.g. the vocabulary endpoints), through the same relay and token as `hub`. */
  hubJson<T>(path: string, opts: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
    if (!this._http) return Promise.reject(new FedomopError('ERR_SITE_UNREACHABLE', this._problem ?? NO_HUB));
    return this._http.json<T>(path, opts);
  }

  /** Follows the user's settings from now on (the plugin calls this once they are loaded). */
  useSettings(settings: ISettingRegistry.ISettings): void {
    const read = () => {
      const c = settings.composite as Partial<IUserSettings>;
      this._user = {
        hubUrl: typeof c.hubUrl === 'string' ? c.hubUrl.trim() : '',
        defaultSites: Array.isArray(c.defaultSites) ? c.defaultSites.filter((s) => typeof s === 'string') : [],
        queryTimeoutMs: typeof c.queryTimeoutMs === 'number' ? c.queryTimeoutMs : 0,
      };
      this.recompute();
    };
    settings.changed.connect(read);
    read();
  }

  private async loadServer(): Promise<void> {
    try {
      const load =
        this.options.loadServerConfig ?? (() => requestServer<IServerConfig>('config', {}, this.options.serverSettings));
      this._server = await load();
    } catch (err) {
      console.warn('fedomop: no server config', err);
      this._server = null;
    }
    this.recompute();
  }

  private recompute(): void {
    const direct = this._user.hubUrl;
    if (direct) {
      this._browserHubUrl = direct;
      this._hub = new HubClient({ baseUrl: direct, token: this.options.token });
      this._http = new HubHttp(direct, this.options.token, undefined);
      this._problem = null;
    } else if (this._server?.relay && this._server.browserHubUrl) {
      this._browserHubUrl = relayUrl(this.options.serverSettings);
      const fetch = relayFetch(this.options.serverSettings);
      this._hub = new HubClient({ baseUrl: this._browserHubUrl, fetch, token: this.options.token });
      this._http = new HubHttp(this._browserHubUrl, this.options.token, fetch);
      this._problem = null;
    } else if (this._server?.browserHubUrl) {
      this._browserHubUrl = this._server.browserHubUrl;
      this._hub = new HubClient({ baseUrl: this._browserHubUrl, token: this.options.token });
      this._http = new HubHttp(this._browserHubUrl, this.options.token, undefined);
      this._problem = null;
    } else {
      this._browserHubUrl = '';
      this._hub = null;
      this._http = null;
      this._problem = this._server ? NO_HUB : NO_SERVER_EXTENSION;
    }
    this._changed.emit();
  }
}
