/**
 * The tokens fedomop's plugins provide to each other (and to other extensions), with their interfaces.
 */
import type { IConceptLike } from './cohort-document/cohort-edits.js';
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
  identityProvider: IIdentityProviderConfig;
  /**
   * Set inside a JupyterHub that signed the researcher in (fedomop/jupyterhub_session.py): the server
   * holds the token from JupyterHub's auth state and adds it to relayed hub requests itself.
   */
  session?: IServerSession | null;
}

/** Who JupyterHub signed in, as the Jupyter server read it from the auth state. */
export interface IServerSession {
  source: 'jupyterhub';
  user?: string;
  groups?: string[];
  /** Seconds since the epoch, when the token is a JWT. */
  expiresAt?: number;
  /** Why no token could be read, in words. */
  problem?: string;
}

/** The OpenID Connect provider as the server configures it (c.Fedomop.idp_*; empty issuer: not set). */
export interface IIdentityProviderConfig {
  issuer: string;
  clientId: string;
  scopes: string[];
  /** Extra authorization request parameters, e.g. Helmholtz AAI's `{"claims_in_tokens": "token"}`. */
  extraParameters?: Record<string, string>;
  /** Ask the token endpoint for a JWT access token (`Accept: application/at+jwt`). */
  jwtAccessToken?: boolean;
}

/** Who is signed in, from the ID token and userinfo. */
export interface IAuthUser {
  /** The `sub` claim. */
  subject: string;
  /** preferred_username, else name, else email, else sub. */
  name: string;
  email?: string;
  /** eduperson_entitlement values as the IdP sent them (AARC-G002 URNs with `#authority`). */
  groups: string[];
  /** When the access token expires (ms since the epoch), if the IdP said. */
  expiresAt?: number;
  /** Whether a refresh token was granted (renewal without a popup). */
  renewable: boolean;
}

/** Sign-in with the identity provider, and the access token every hub call carries. */
export interface IFedomopAuth {
  /** Settles once settings and the server config are read. */
  readonly ready: Promise<void>;
  /** Whether sign-in is configured at all (an issuer and a client id); false: run without tokens. */
  readonly enabled: boolean;
  /** The signed-in user, or null. */
  readonly user: IAuthUser | null;
  /** Why sign-in is not possible, or the last sign-in's failure, in words; null when all is well. */
  readonly problem: string | null;
  /** Emitted on sign-in, renewal, sign-out and expiry, with the user now signed in (or null). */
  readonly signedIn: ISignal<IFedomopAuth, IAuthUser | null>;
  /**
   * The current access token, renewed by refresh token when it is about to expire. Undefined when no
   * one is signed in (or the token expired and no refresh token was granted): the caller then asks
   * the researcher to sign in, which needs a click (a popup needs a user gesture).
   */
  getAccessToken(): Promise<string | undefined>;
  /** Opens the provider's sign-in page in a popup; resolves with the user once signed in. */
  signIn(): Promise<IAuthUser>;
  /** Revokes the tokens at the provider, forgets them here and in the Jupyter server. */
  signOut(): Promise<void>;
}

export const IFedomopAuth = new Token<IFedomopAuth>(
  'fedomop:IFedomopAuth',
  'Sign-in with the OpenID Connect provider (Helmholtz AAI), and the access token for the hub.',
);

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
  /** JSON from the hub's API through the same relay and token as `hub` (rejects when there is no hub). */
  hubJson<T>(path: string, opts?: { method?: string; body?: unknown; signal?: AbortSignal }): Promise<T>;
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

/** A concept as the concept browser hands it to a cohort document (the shape the concept API gives). */
export type ICohortConcept = IConceptLike;

/** One open cohort document (a `.cohort.json` in the builder), as other plugins may edit it. */
export interface ICohortDocument {
  readonly path: string;
  /** The concept sets it has now (id and name). */
  conceptSets(): Array<{ id: number; name: string }>;
  /**
   * Adds a concept with ATLAS's toggles to set `setId`, or to a new set (named `newName`, else the
   * concept's name); one undo step. Returns the set's id.
   */
  addConcept(
    concept: ICohortConcept,
    toggles: { includeDescendants?: boolean; isExcluded?: boolean; includeMapped?: boolean },
    setId: number | 'new',
    newName?: string,
  ): number;
}

/** The open cohort documents, the one last focused first. */
export interface ICohortDocuments {
  readonly current: ICohortDocument | null;
  readonly currentChanged: ISignal<ICohortDocuments, void>;
  /** Creates an untitled `.cohort.json` in the file browser's folder and opens it in the builder. */
  create(): Promise<ICohortDocument>;
}

export const ICohortDocuments = new Token<ICohortDocuments>(
  'fedomop:ICohortDocuments',
  'The open cohort documents (.cohort.json in the cohort builder), for the concept browser.',
);
