/**
 * The status bar item: who is signed in, how many groups, how long the token lasts ("alice · 3 groups ·
 * 59 min"; every group and the expiry time in the tooltip). A click signs in, or offers to sign out
 * showing the same details. Renders from the model on each change and once a minute (the countdown).
 */
import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';
import type { IAuthUser, IFedomopAuth } from '../tokens.js';
import { describeExpiry, shortGroup, statusText, statusTitle } from './claims.js';

const TICK_MS = 30_000;

export class AuthStatusItem extends Widget {
  private readonly label = document.createElement('span');
  private readonly tick: ReturnType<typeof setInterval>;
  private busy = false;

  constructor(private readonly auth: IFedomopAuth) {
    super();
    this.addClass('jp-fedomop-auth-status');
    this.node.setAttribute('role', 'button');
    this.node.tabIndex = 0;
    this.node.appendChild(this.label);
    this.node.addEventListener('click', () => void this.onClick());
    this.node.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') void this.onClick();
    });
    auth.signedIn.connect(this.render, this);
    this.tick = setInterval(() => this.render(), TICK_MS);
    this.render();
  }

  dispose(): void {
    clearInterval(this.tick);
    this.auth.signedIn.disconnect(this.render, this);
    super.dispose();
  }

  private render(): void {
    const user = this.auth.user;
    const now = Date.now();
    this.label.textContent = this.busy ? 'Signing in…' : statusText(user, now);
    this.node.title = user ? statusTitle(user, now) : (this.auth.problem ?? statusTitle(null, now));
    this.node.dataset.signedIn = user ? 'true' : 'false';
    this.toggleClass('jp-mod-signed-in', !!user);
  }

  private async onClick(): Promise<void> {
    if (this.busy) return;
    const user = this.auth.user;
    if (!user) {
      if (!this.auth.enabled) {
        await showErrorMessage('Sign-in is not configured', this.auth.problem ?? '');
        return;
      }
      this.busy = true;
      this.render();
      try {
        await this.auth.signIn();
      } catch {
        // The model keeps the reason (auth.problem), shown in the tooltip and the panel.
      } finally {
        this.busy = false;
        this.render();
      }
      return;
    }
    const result = await showDialog({
      title: `Signed in as ${user.name}`,
      body: userDetails(user),
      buttons: [Dialog.cancelButton({ label: 'Close' }), Dialog.warnButton({ label: 'Sign out' })],
    });
    if (result.button.accept) await this.auth.signOut();
  }
}

function userDetails(user: IAuthUser): Widget {
  const body = new Widget();
  body.addClass('jp-fedomop-auth-details');
  const list = document.createElement('dl');
  const row = (term: string, ...values: string[]) => {
    const dt = document.createElement('dt');
    dt.textContent = term;
    list.appendChild(dt);
    for (const v of values) {
      const dd = document.createElement('dd');
      dd.textContent = v;
      list.appendChild(dd);
    }
  };
  if (user.email) row('E-mail', user.email);
  row('Groups', ...(user.groups.length ? user.groups.map(shortGroup) : ['none']));
  row('Access token', describeExpiry(user.expiresAt, Date.now()) + (user.renewable ? ' (renewed automatically)' : ''));
  body.node.appendChild(list);
  return body;
}
