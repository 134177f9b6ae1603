/**
 * The panel and sign-in, against a stand-in hub over real HTTP that demands a bearer token
 * (src/kernel/testing/stand-in-hub.ts): the prompt before sign-in, the token on every call after it,
 * and the prompt again when the hub refuses the token. The auth here is a small in-test stand-in for
 * IFedomopAuth; the real one (oidc-client-ts against the dev IdP) is tested in
 * test/integration/lab-auth.test.ts and, through the popup, by ui-tests/tests/sign-in.spec.ts.
 */
import { Signal } from '@lumino/signaling';
import type { ResultRow } from '../../arrow/result-schema.js';
import { HubClient } from '../../client/index.js';
import { startStandInHub, type StandInHubOptions } from '../../kernel/testing/stand-in-hub.js';
import type { IAuthUser } from '../tokens.js';
import { QueryPanelModel, type IQueryPanelModelOptions } from './model.js';

const exact = (n: number) => ({ value: n, lower: n, upper: n, suppressed: false });
const row = (site: string, n: number): ResultRow => ({ site, dims: {}, measures: { persons: exact(n), events: exact(n) } });
const hubOptions: StandInHubOptions = {
  analysis: { kind: 'count' },
  sites: [{ id: 'north', rows: [row('north', 12)] }],
  pooled: [row('pooled', 12)],
  token: 'good-token',
};
const prostate = {
  conceptId: 4163261,
  name: 'Malignant tumor of prostate',
  domain: 'Condition',
  vocabulary: 'SNOMED',
  standard: true,
  code: '399068003',
};

class StandInAuth {
  enabled = true;
  user: IAuthUser | null = null;
  problem: string | null = null;
  token: string | undefined;
  nextSignIn: { token: string } | { error: string } = { token: 'good-token' };
  readonly signedIn = new Signal<this, IAuthUser | null>(this);
  async signIn(): Promise<IAuthUser> {
    const next = this.nextSignIn;
    if ('error' in next) {
      this.problem = next.error;
      this.signedIn.emit(this.user);
      throw new Error(next.error);
    }
    this.token = next.token;
    this.user = { subject: 'a', name: 'alice', groups: [], renewable: false };
    this.signedIn.emit(this.user);
    return this.user;
  }
}

function until(model: QueryPanelModel, predicate: (m: QueryPanelModel) => boolean, what: string): Promise<void> {
  if (predicate(model)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for: ${what}`)), 5000);
    const check = () => {
      if (!predicate(model)) return;
      clearTimeout(timer);
      model.changed.disconnect(check);
      resolve();
    };
    model.changed.connect(check);
  });
}

describe('sign-in', () => {
  it('signed out: the panel asks to sign in and Run waits; signed in: the hub gets the token and the query runs', async () => {
    const hub = await startStandInHub(hubOptions);
    const auth = new StandInAuth();
    const fields = {
      hub: new HubClient({ baseUrl: hub.url, token: async () => auth.token }),
      ready: Promise.resolve(),
      defaultSites: [] as string[],
      queryTimeoutMs: undefined,
      problem: null,
    };
    const connection = { ...fields, changed: new Signal<unknown, void>(fields) } as IQueryPanelModelOptions['connection'];
    const model = new QueryPanelModel({ connection, auth, suggestDelayMs: 0 });
    try {
      await until(model, (m) => m.sitesState.status === 'error', 'the sites refused without a token');
      expect(model.signInPrompt ?? '').toMatch(/Sign in/);
      model.addConcept(prostate);
      expect(model.runBlocker).toBe('Sign in first.');

      auth.nextSignIn = { error: 'Sign-in was cancelled (the sign-in window was closed).' };
      await model.signIn();
      expect(model.signInPrompt).toBe('Sign-in was cancelled (the sign-in window was closed).');

      auth.nextSignIn = { token: 'good-token' };
      await model.signIn();
      await until(model, (m) => m.sitesState.status === 'ready', 'sites after sign-in');
      expect(model.signInPrompt).toBe(null);
      expect(model.runBlocker).toBe(null);
      await model.runQuery();
      expect(model.run?.view.phase).toBe('done');
      expect(model.run?.view.pooled?.[0].measures.persons.value).toBe(12);
      const submitted = hub.requests.find((r) => r.method === 'POST');
      expect(submitted?.authorization).toBe('Bearer good-token');

      // The token stops working (revoked, or expired at the hub before here): the next run asks again.
      auth.token = 'revoked-token';
      await model.runQuery();
      expect(model.run?.view.phase).toBe('failed');
      expect(model.run?.view.errorStatus).toBe(401);
      expect(model.signInPrompt ?? '').toMatch(/did not accept your sign-in/);
      expect(model.runBlocker).toBe('Sign in first.');
    } finally {
      model.dispose();
      await hub.close();
    }
  });

  it('without an identity provider the panel never asks to sign in', async () => {
    const hub = await startStandInHub({ ...hubOptions, token: undefined });
    const auth = new StandInAuth();
    auth.enabled = false;
    const fields = {
      hub: new HubClient({ baseUrl: hub.url }),
      ready: Promise.resolve(),
      defaultSites: [],
      queryTimeoutMs: undefined,
      problem: null,
    };
    const connection = { ...fields, changed: new Signal<unknown, void>(fields) } as IQueryPanelModelOptions['connection'];
    const model = new QueryPanelModel({ connection, auth, suggestDelayMs: 0 });
    try {
      await until(model, (m) => m.sitesState.status === 'ready', 'sites');
      model.addConcept(prostate);
      expect(model.signInPrompt).toBe(null);
      expect(model.runBlocker).toBe(null);
    } finally {
      model.dispose();
      await hub.close();
    }
  });
});
