/**
 * The sign-in status bar item in a jsdom document: who is signed in, a sign-in click, the sign-out
 * dialog (a real JupyterLab Dialog, answered with @jupyterlab/testing's dialog helpers).
 * The auth model itself needs an identity provider's popup: here it is a small in-process stand-in
 * implementing IFedomopAuth; the real model signs in against a real provider in the UI tests.
 */
import { dangerDialog, dismissDialog, simulate, waitForDialog } from '@jupyterlab/testing';
import { PromiseDelegate } from '@lumino/coreutils';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';
import type { IAuthUser, IFedomopAuth } from '../tokens.js';
import { AuthStatusItem } from './status-item.js';

const NORTH = 'urn:geant:helmholtz.de:group:fedomop:north#login.helmholtz.de';
const SOUTH = 'urn:geant:helmholtz.de:group:fedomop:south#login.helmholtz.de';

class StandInAuth implements IFedomopAuth {
  readonly ready = Promise.resolve();
  enabled = true;
  user: IAuthUser | null = null;
  problem: string | null = null;
  readonly signedIn: Signal<IFedomopAuth, IAuthUser | null> = new Signal<IFedomopAuth, IAuthUser | null>(this);
  signOuts = 0;
  pendingSignIn: PromiseDelegate<IAuthUser> | null = null;

  set(user: IAuthUser | null): void {
    this.user = user;
    this.signedIn.emit(user);
  }
  async getAccessToken(): Promise<string | undefined> {
    return this.user ? 'token' : undefined;
  }
  async signIn(): Promise<IAuthUser> {
    this.pendingSignIn = new PromiseDelegate<IAuthUser>();
    const user = await this.pendingSignIn.promise;
    this.set(user);
    return user;
  }
  async signOut(): Promise<void> {
    this.signOuts++;
    this.set(null);
  }
}

function alice(): IAuthUser {
  // 59.5 minutes left: "59 min" for the whole test, however slow the machine.
  return {
    subject: 's-1',
    name: 'alice',
    email: 'alice@example.org',
    groups: [NORTH, SOUTH],
    expiresAt: Date.now() + 3_570_000,
    renewable: true,
  };
}

/** Lets the item's async click handler (and a Dialog's rendering) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('AuthStatusItem', () => {
  let auth: StandInAuth;
  let item: AuthStatusItem;

  beforeEach(() => {
    auth = new StandInAuth();
    item = new AuthStatusItem(auth);
    Widget.attach(item, document.body);
  });

  afterEach(async () => {
    await dismissDialog();
    item.dispose();
  });

  it('shows the signed-in user, the number of groups and the time left; the tooltip has the details', () => {
    auth.set(alice());
    expect(item.node.textContent).toBe('alice · 2 groups · 59 min');
    expect(item.node.title).toMatch(/^Signed in as alice <alice@example\.org>$/m);
    expect(item.node.title).toMatch(/^Groups: fedomop:north, fedomop:south$/m);
    expect(item.node.dataset.signedIn).toBe('true');
    expect(item.hasClass('jp-mod-signed-in')).toBe(true);
  });

  it('after sign-out or expiry it offers sign-in; a configuration problem is the tooltip', () => {
    auth.set(alice());
    auth.problem = 'No identity provider is configured.';
    auth.set(null);
    expect(item.node.textContent).toBe('Sign in');
    expect(item.node.title).toBe('No identity provider is configured.');
    expect(item.node.dataset.signedIn).toBe('false');
    expect(item.hasClass('jp-mod-signed-in')).toBe(false);
  });

  it('a click signs in: "Signing in…" while the provider is asked, then the user', async () => {
    expect(item.node.textContent).toBe('Sign in');
    simulate(item.node, 'click');
    expect(item.node.textContent).toBe('Signing in…');
    expect(auth.pendingSignIn).not.toBe(null);
    auth.pendingSignIn!.resolve(alice());
    await settle();
    expect(item.node.textContent).toBe('alice · 2 groups · 59 min');
  });

  it('Enter on the focused item does what a click does', () => {
    simulate(item.node, 'keydown', { key: 'Enter' });
    expect(item.node.textContent).toBe('Signing in…');
  });

  it('signed in, a click shows who and offers sign-out; Close keeps the session, Sign out ends it', async () => {
    auth.set(alice());
    simulate(item.node, 'click');
    await waitForDialog();
    const dialog = document.body.querySelector('.jp-Dialog')!;
    expect(dialog.querySelector('.jp-Dialog-header')?.textContent).toBe('Signed in as alice');
    const details = [...dialog.querySelectorAll('.jp-fedomop-auth-details dd')].map((dd) => dd.textContent);
    expect(details).toStrictEqual([
      'alice@example.org',
      'fedomop:north',
      'fedomop:south',
      'expires in 59 min (renewed automatically)',
    ]);
    await dismissDialog();
    await settle();
    expect(auth.signOuts).toBe(0);
    expect(auth.user?.name).toBe('alice');

    simulate(item.node, 'click');
    await dangerDialog();
    await settle();
    expect(auth.signOuts).toBe(1);
    expect(item.node.textContent).toBe('Sign in');
  });
});
