/**
 * Sign-in end to end, against the authenticated back end (start-secure-backend.mjs: a dev IdP, sites
 * north and south and a hub that all verify tokens) through the second JupyterLab configured for it:
 * the popup sign-in as a person does it, the status bar item, a query in the panel, the same query in a
 * TypeScript and a Python notebook cell with the token the lab handed to the kernels (nothing typed),
 * sign-out (token gone from the server and the kernels, the panel asks again), and bob's 403 naming
 * the group.
 */
import { existsSync, statSync } from 'node:fs';
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { SECURE_LAB, SECURE_SITES, SECURE_TOKEN_FILE, addConcept, saveScreenshot } from './helpers';

test.use({ baseURL: SECURE_LAB, autoGoto: true, viewport: { width: 1280, height: 1200 } });

const GROUP = (path: string) => `urn:geant:helmholtz.de:group:${path}`;

/** Clicks `trigger`, then signs in as `user` in the popup it opens, as a person would. */
async function signInThroughPopup(page: IJupyterLabPageFixture, trigger: Locator, user: string): Promise<void> {
  const opened = page.waitForEvent('popup');
  await trigger.click();
  const popup = await opened;
  await popup.locator('input[name="login"]').fill(user);
  await popup.locator('input[name="password"]').fill(user);
  const closed = popup.waitForEvent('close');
  await popup.locator('button[type="submit"]').click();
  // The callback page on the lab's origin hands the code to the lab and closes the popup.
  await closed;
}

async function openSecurePanel(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.locator('.jp-LauncherCard', { hasText: 'Federated Query' }).click();
  const panel = page.locator('.jp-fedomop-panel');
  await expect(panel).toBeVisible();
  return panel;
}

async function signOut(page: IJupyterLabPageFixture, status: Locator): Promise<void> {
  await status.click();
  await page.locator('.jp-Dialog').getByRole('button', { name: 'Sign out' }).click();
  await expect(status).toHaveText('Sign in');
}

async function personsBySite(panel: Locator): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const site of [...SECURE_SITES, 'pooled']) {
    out[site] = (await panel.locator(`tr[data-site="${site}"] td[data-measure="persons"]`).textContent())!.trim();
  }
  return out;
}

async function resultTable(notebook: Locator): Promise<Record<string, string>> {
  const table = notebook.locator('.jp-OutputArea-output .fedomop-result table');
  // Kernel start and the hub round trip: generous, the first Deno start compiles the library.
  await expect(table).toBeVisible({ timeout: 120_000 });
  const out: Record<string, string> = {};
  for (const tr of await table.locator('tbody tr').all()) {
    const cells = (await tr.locator('td').allTextContents()).map((c) => c.trim());
    out[cells[0]] = cells[1].replace(/\*$/, '');
  }
  return out;
}

test('alice signs in through the popup; the panel, a TypeScript and a Python cell query with her token; sign-out asks again', async ({
  page,
}, testInfo) => {
  const status = page.locator('.jp-fedomop-auth-status');
  await expect(status).toHaveText('Sign in');

  const panel = await openSecurePanel(page);
  const prompt = panel.locator('.jp-fedomop-sign-in');
  await expect(prompt).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();

  await signInThroughPopup(page, prompt.getByRole('button', { name: 'Sign in' }), 'alice');
  await expect(status).toHaveText(/^alice · 5 groups · (59|60) min$/);
  await expect(status).toHaveAttribute('title', /Groups: fedomop, fedomop:central, fedomop:north, fedomop:south/);
  await saveScreenshot(status, testInfo, 'sign-in-status-bar');
  await saveScreenshot(page.locator('#jp-main-statusbar'), testInfo, 'sign-in-status-bar-whole');
  await expect(prompt).toBeHidden();

  // The token reached the Jupyter server for the kernels: a file only this user can read.
  await expect.poll(() => existsSync(SECURE_TOKEN_FILE)).toBe(true);
  expect(statSync(SECURE_TOKEN_FILE).mode & 0o777).toBe(0o600);

  await expect(panel.locator('.jp-fedomop-sites li')).toHaveCount(SECURE_SITES.length);
  await addConcept(panel, 'prostate', 'Malignant tumor of prostate');
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.locator('tr.jp-fedomop-pooled-row[data-state="done"]')).toBeVisible();
  await expect(panel.locator('tr.jp-fedomop-site-row[data-state="done"]')).toHaveCount(SECURE_SITES.length);
  const inPanel = await personsBySite(panel);
  await saveScreenshot(page.locator('.jp-fedomop-QueryPanelWidget'), testInfo, 'sign-in-panel');

  // TypeScript (fedomop-deno): the cell has no token in it; the kernel reads the one the lab handed on.
  await panel.getByRole('button', { name: 'Open in notebook' }).click();
  const tsNotebook = page.locator('.jp-NotebookPanel:visible');
  await expect(tsNotebook.locator('.jp-Cell .jp-InputArea')).toContainText('from "fedomop"');
  await expect(tsNotebook.locator('.jp-Cell .jp-InputArea')).not.toContainText('token');
  expect(await resultTable(tsNotebook)).toEqual(inPanel);

  // Python: a fresh Python notebook, then the panel's query into it.
  await page.notebook.createNew('signed-in.ipynb', { kernel: 'python3' });
  await page.locator('.lm-TabBar-tab', { hasText: 'Federated Query' }).click();
  await panel.getByRole('button', { name: 'Open in notebook' }).click();
  await expect(page.locator('.jp-mod-current[role="tab"]')).toContainText('signed-in.ipynb');
  const pyNotebook = page.locator('.jp-NotebookPanel:visible');
  await expect(pyNotebook.locator('.jp-Cell .jp-InputArea')).toContainText('import fedomop');
  expect(await resultTable(pyNotebook)).toEqual(inPanel);

  // Sign-out: revoked, gone from the server, and the panel asks to sign in before the next query.
  await signOut(page, status);
  await expect.poll(() => existsSync(SECURE_TOKEN_FILE)).toBe(false);
  await page.locator('.lm-TabBar-tab', { hasText: 'Federated Query' }).click();
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText('Sign in');
  await expect(panel.getByRole('button', { name: 'Run', exact: true })).toBeDisabled();

  // And the kernels lost the token with it: the Python cell run again is refused by the hub.
  await page.locator('.lm-TabBar-tab', { hasText: 'signed-in.ipynb' }).click();
  await page.notebook.runCell(0);
  await expect(pyNotebook.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')).toContainText(
    'ERR_TOKEN_MISSING',
  );
});

test('bob may query north only: south refuses in the panel and names the group it wants', async ({ page }, testInfo) => {
  const status = page.locator('.jp-fedomop-auth-status');
  await signInThroughPopup(page, status, 'bob');
  await expect(status).toHaveText(/^bob · 2 groups · /);

  const panel = await openSecurePanel(page);
  await expect(panel.locator('.jp-fedomop-sites li')).toHaveCount(SECURE_SITES.length);
  await addConcept(panel, 'prostate', 'Malignant tumor of prostate');
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.locator('tr.jp-fedomop-pooled-row[data-state="done"]')).toBeVisible();
  await expect(panel.locator('tr[data-site="north"]')).toHaveAttribute('data-state', 'done');
  await expect(panel.locator('tr[data-site="south"]')).toHaveAttribute('data-state', 'failed');
  await expect(panel.locator('tr[data-site="south"]')).toContainText(
    `Site “south” refused: to run this there you need the group ${GROUP('fedomop:south')}`,
  );
  await saveScreenshot(page.locator('.jp-fedomop-QueryPanelWidget'), testInfo, 'sign-in-bob-refused');
  await signOut(page, status);
});
