/**
 * The tokens fedomop's plugins provide to each other (and to other extensions), with their interfaces.
 */
import { Token } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import type { HubClient } from '../client/index.js';
import type { Plan } from '../plan/index.js';

/** What the Jupyter server says at GET {base}/fedomop/config (fedomop/server.py). */
export interface IServerConfig {
  version: string;
  /** The hub as the Jupyter server and its kernels reach it. */
  hubUrl: string;
  /** The hub as this browser reaches it: the server's relay, or a direct URL. Empty: none configured. */
  browserHubUrl: string;
  relay: boolean;
  defaultSites: string[];
  identityProvider: { issuer: string; clientId: string; scopes: string[] };
}

/** How this browser reaches the fedomop hub, from the user's settings and the server's config. */
export interface IFedomopConnection {
  /** Settles once settings and the server config are read (never rejects: see `problem`). */
  readonly ready: Promise<void>;
  /** The client for the hub, or null when none is configured or reachable (see `problem`). */
  readonly hub: HubClient | null;
  /** The hub URL as the browser calls it (the relay path, or a direct URL). */
  readonly browserHubUrl: string;
  /** The hub URL a kernel beside the Jupyter server should use. */
  readonly kernelHubUrl: string;
  readonly defaultSites: readonly string[];
  /** Per-site timeout to ask the hub for, in ms (undefined: the hub's default). */
  readonly queryTimeoutMs: number | undefined;
  /** Why there is no hub, in words for the researcher; null when all is well. */
  readonly problem: string | null;
  /** Emitted when settings or the server config change what the fields above say. */
  readonly changed: ISignal<IFedomopConnection, void>;
}

export const IFedomopConnection = new Token<IFedomopConnection>(
  'fedomop:IFedomopConnection',
  'How the browser reaches the fedomop hub (relayed by the Jupyter server, or direct).',
);

/** A query as the panel last ran it: what the notebook bridge turns into a cell. */
export interface IQuerySnapshot {
  plan: Plan;
  sites: string[];
  timeoutMs?: number;
  /** The hub's id for the run, when it ran. */
  queryId?: string;
}

/** The query panels that are open, the one last focused first. */
export interface IQueryPanels {
  /** The query of the panel the user last used, or null when no panel holds a valid query. */
  current(): IQuerySnapshot | null;
  readonly currentChanged: ISignal<IQueryPanels, void>;
}

export const IQueryPanels = new Token<IQueryPanels>(
  'fedomop:IQueryPanels',
  'The open federated query panels and the query each one holds, for the notebook bridge.',
);
