/**
 * The dev IdP's one interaction: a plain HTML sign-in form (`login`, `password`, a submit button —
 * what a browser test fills in). Consent never shows: the provider grants known clients silently;
 * should the provider still ask, it is granted here the same way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { escapeHtml } from './provider.js';
import type { DevUser } from './users.js';

const MAX_FORM_BYTES = 8 * 1024;

function page(uid: string, clientId: string, error?: string, login = ''): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in – fedomop dev IdP</title>
<style>body{font-family:sans-serif;max-width:22em;margin:3em auto}label,input,button{display:block;width:100%;margin:.3em 0}
.error{color:#b00}</style></head>
<body>
<h1>Sign in</h1>
<p>fedomop development identity provider (stands in for Helmholtz AAI) — signing in to <b>${escapeHtml(clientId)}</b>.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}" autocomplete="off">
<label for="login">User name</label><input id="login" name="login" value="${escapeHtml(login)}" autofocus required>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button>
</form>
<p><small>Demo users: alice, bob, mallory (password = user name).</small></p>
</body></html>`;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_FORM_BYTES) {
        reject(new Error('form too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

/** Handles GET/POST `/interaction/:uid`; returns false for any other path. */
export async function handleInteraction(
  provider: Provider,
  users: Map<string, DevUser>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const m = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
  if (!m) return false;
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    send(res, 400, '<!DOCTYPE html><p>This sign-in has expired or was never started. Start again from the application.</p>');
    return true;
  }
  if (details.uid !== m[1]) {
    send(res, 400, '<!DOCTYPE html><p>Sign-in session mismatch. Start again from the application.</p>');
    return true;
  }
  const clientId = String(details.params.client_id ?? '');
  if (details.prompt.name === 'consent') {
    const grant = details.grantId
      ? ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ clientId, accountId: details.session!.accountId }))
      : new provider.Grant({ clientId, accountId: details.session!.accountId });
    if (details.params.scope) grant.addOIDCScope(String(details.params.scope));
    const missing = details.prompt.details as { missingResourceScopes?: Record<string, string[]> };
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return true;
  }
  if (req.method === 'GET') {
    send(res, 200, page(details.uid, clientId));
    return true;
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'GET, POST' }).end();
    return true;
  }
  let form: URLSearchParams;
  try {
    form = await readForm(req);
  } catch {
    send(res, 413, page(details.uid, clientId, 'The form was too large.'));
    return true;
  }
  const login = form.get('login') ?? '';
  const user = users.get(login);
  if (!user || user.password !== (form.get('password') ?? '')) {
    send(res, 401, page(details.uid, clientId, 'Unknown user name or wrong password.', login));
    return true;
  }
  await provider.interactionFinished(req, res, { login: { accountId: user.username } }, { mergeWithLastSubmission: false });
  return true;
}
