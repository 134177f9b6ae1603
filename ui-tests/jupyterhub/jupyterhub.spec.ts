/**
 * fedomop in a real multi-user JupyterHub (playwright.jupyterhub.config.js starts `fedomop demo
 * --jupyterhub`): researchers sign in at JupyterHub through the dev IdP as through Helmholtz AAI, get
 * their own JupyterLab, and query the sites with the token JupyterHub keeps for them — no second
 * sign-in. alice runs a query and every shipped template, whose numbers equal the panel's for the same
 * cohort; the sites' audit logs name her. mallory gets a server but no site's entitlement, and the
 * panel says so; eve is in no allowed group and gets no server.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';

const DATA = process.env.FEDOMOP_JH_DATA ?? path.resolve(__dirname, '..', '..', '.data', 'jupyterhub-tests');
const SITES = ['central', 'north', 'south'];
const SAMPLE = readFileSync(path.resolve(__dirname, '..', '..', 'fedomop', 'samples', 'prostate.cohort.json'), 'utf8');
const GROUP = (p: string) => `urn:geant:helmholtz.de:group:${p}`;

async function shot(target: Locator | Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await target.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

async function signInAtJupyterHub(page: Page, user: string): Promise<void> {
  await page.goto('/hub/login');
  await page.locator('a', { hasText: 'Sign in with Helmholtz AAI' }).click();
  await page.locator('input[name="login"]').fill(user);
  await page.locator('input[name="password"]').fill(user);
  await page.locator('button[type="submit"]').click();
}

async function openLab(page: Page, user: string): Promise<void> {
  await signInAtJupyterHub(page, user);
  await page.waitForURL(new RegExp(`/user/${user}/lab`), { timeout: 240_000 });
  await expect(page.locator('.jp-LauncherCard').first()).toBeVisible({ timeout: 120_000 });
}

async function openPanel(page: Page): Promise<Locator> {
  await page.locator('.jp-LauncherCard', { hasText: 'Federated Query' }).click();
  const panel = page.locator('.jp-fedomop-panel:visible');
  await expect(panel).toBeVisible();
  await expect(panel.locator('.jp-fedomop-sites li')).toHaveCount(SITES.length);
  return panel;
}

async function pasteSample(panel: Locator): Promise<void> {
  await panel.locator('.jp-fedomop-switch label', { hasText: 'Paste ATLAS JSON' }).click();
  await panel.getByLabel('ATLAS cohort JSON').fill(SAMPLE);
  await expect(panel.locator('.jp-fedomop-valid')).toBeVisible();
}

async function run(panel: Locator): Promise<void> {
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.locator('.jp-fedomop-results')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
}

/** The panel's pooled persons per index year (crosstab by index year alone). */
async function panelByYear(panel: Locator): Promise<Record<string, string>> {
  await panel.getByLabel('Crosstab by').check();
  for (const label of ['gender', 'age group']) {
    const box = panel.locator('label', { hasText: label }).locator('input');
    if (await box.isChecked()) await box.uncheck();
  }
  await panel.locator('label', { hasText: 'index year' }).locator('input').check();
  await run(panel);
  const table = panel.locator('table[aria-label="Crosstab"]');
  const columns = await table.locator('thead th').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-site')));
  const pooled = columns.indexOf('pooled');
  const out: Record<string, string> = {};
  for (const tr of await table.locator('tbody tr').all()) {
    const cells = (await tr.locator('td').allTextContents()).map((c) => c.trim());
    out[cells[0]] = cells[pooled];
  }
  return out;
}

/** Rows of a fedomop result table in a notebook output, keyed by the given columns. */
async function resultRows(table: Locator): Promise<string[][]> {
  const rows: string[][] = [];
  for (const tr of await table.locator('tbody tr').all()) {
    rows.push((await tr.locator('td').allTextContents()).map((c) => c.trim().replace(/\*$/, '')));
  }
  return rows;
}

/** Creates a notebook from a template card with the panel's cohort and runs every cell. */
async function runTemplate(page: Page, title: string, kernel: 'Python' | 'TypeScript'): Promise<Locator> {
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute('launcher:create');
  });
  const section = page.locator('.jp-Launcher-section:visible', { hasText: 'fedomop templates' });
  const card = section.locator('.jp-LauncherCard', { hasText: title }).nth(kernel === 'Python' ? 0 : 1);
  await card.click();
  const dialog = page.locator('.jp-Dialog');
  await dialog.getByRole('combobox', { name: 'Cohort' }).selectOption({ label: 'the query panel’s cohort' });
  await dialog.getByRole('button', { name: 'Create' }).click();
  const notebook = page.locator('.jp-NotebookPanel:visible');
  await expect(notebook.locator('.jp-Notebook-cell').first()).toBeVisible();
  await expect(page.locator('.jp-NotebookPanel-toolbar:visible')).toContainText(kernel === 'Python' ? 'Python 3' : 'TypeScript');
  // Run everything once the kernel is up (the status bar says "… | Idle").
  await expect(page.locator('.jp-StatusBar-Widget', { hasText: /\| Idle/ }).first()).toBeVisible({ timeout: 120_000 });
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute('notebook:run-all-cells');
  });
  await expect(notebook.locator('.jp-CodeCell .jp-InputPrompt').first()).toHaveText(/\[(\d+|\*)\]/, { timeout: 60_000 });
  // Done when no cell is running or queued ("[*]") and the last code cell has run.
  await expect(notebook.locator('.jp-InputPrompt', { hasText: '[*]' })).toHaveCount(0, { timeout: 300_000 });
  await expect(notebook.locator('.jp-CodeCell .jp-InputPrompt').last()).toHaveText(/\[\d+\]/, { timeout: 300_000 });
  await expect(notebook.locator('[data-mime-type="application/vnd.jupyter.stderr"]')).toHaveCount(0);
  await expect(notebook.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')).toHaveCount(0);
  return notebook;
}

test('alice signs in at JupyterHub once; the panel and every template query the sites as her', async ({ page }, testInfo) => {
  await openLab(page, 'alice');
  const status = page.locator('.jp-fedomop-auth-status');
  await expect(status).toHaveText(/^alice · 5 groups/);
  await shot(status, testInfo, 'jupyterhub-status-bar');

  const panel = await openPanel(page);
  await pasteSample(panel);
  await panel.getByRole('radio', { name: 'Count', exact: true }).check();
  await run(panel);
  const pooledPersons = (await panel.locator('tr[data-site="pooled"] td[data-measure="persons"]').textContent())!.trim();
  await expect(panel.locator('tr.jp-fedomop-site-row[data-state="done"]')).toHaveCount(SITES.length);
  await shot(page, testInfo, 'jupyterhub-panel');

  // The sites saw alice — her verified identity, from the token JupyterHub holds — in their audit logs.
  for (const site of SITES) {
    const lines = readFileSync(path.join(DATA, `${site}.audit.jsonl`), 'utf8')
      .trim()
      .split('\n');
    const mine = lines.map((l) => JSON.parse(l)).filter((e) => e.event === 'execute' && JSON.stringify(e).includes('"alice"'));
    expect(mine.length, `${site} audit lines naming alice`).toBeGreaterThan(0);
  }

  // The characterisation templates' size table equals the panel's count for the same cohort.
  for (const kernel of ['Python', 'TypeScript'] as const) {
    const notebook = await runTemplate(page, 'Cohort characterisation', kernel);
    const size = notebook.locator('.fedomop-result table').first();
    const pooled = (await resultRows(size)).find((r) => r[0] === 'pooled');
    expect(pooled?.[1], `${kernel} characterisation: pooled persons`).toBe(pooledPersons);
    await shot(notebook, testInfo, `jupyterhub-characterisation-${kernel}`);
  }

  // The entries-by-year templates' pooled rows equal the panel's crosstab by index year.
  await page.locator('li[role="tab"]', { hasText: 'Federated Query' }).click();
  const byYear = await panelByYear(page.locator('.jp-fedomop-panel:visible'));
  expect(Object.keys(byYear).length).toBeGreaterThan(5);
  for (const kernel of ['Python', 'TypeScript'] as const) {
    const notebook = await runTemplate(page, 'Cohort entries by index year', kernel);
    const table = notebook.locator('.fedomop-result table').first();
    const rows = await resultRows(table);
    const pooled = Object.fromEntries(rows.filter((r) => r[0] === 'pooled').map((r) => [r[1], r[2]]));
    expect(pooled, `${kernel} entries by year: pooled persons per year`).toEqual(byYear);
    await expect(notebook.locator('.vega-embed').first()).toBeVisible();
    await page.locator('li[role="tab"]', { hasText: 'Federated Query' }).click();
  }
  // Deno kernels, unlike ipykernel, do not notice their server going away: shut them down here.
  await page.evaluate(async () => {
    await (window as any).jupyterapp.serviceManager.sessions.shutdownAll();
  });
});

test('the JupyterHub ran the authenticator and roles of the z2jh values, only the loopback keys replaced', () => {
  // jupyterhub_config.py records what it applied; compare it with values.yaml key by key.
  const script = `
import json, sys, yaml
values = yaml.safe_load(open(sys.argv[1]))["hub"]
applied = json.load(open(sys.argv[2]))
local = {"client_id", "client_secret", "oauth_callback_url", "authorize_url", "token_url", "userdata_url", "allowed_groups"}
diff = []
for section, settings in values["config"].items():
    for key, value in settings.items():
        got = applied["config"][section].get(key)
        if key in local:
            if got in (None, "", []): diff.append(f"{section}.{key} not set")
        elif got != value:
            diff.append(f"{section}.{key}: ran {got!r}, values say {value!r}")
if applied["roles"] != values["loadRoles"]:
    diff.append(f"roles: ran {applied['roles']!r}, values say {values['loadRoles']!r}")
print(json.dumps(diff))
`;
  const root = path.resolve(__dirname, '..', '..');
  const out = execFileSync(
    path.join(root, '.venv', 'bin', 'python'),
    ['-c', script, path.join(root, 'deploy', 'jupyterhub', 'values.yaml'), path.join(DATA, 'jupyterhub', 'applied-config.json')],
    { encoding: 'utf8' },
  );
  expect(JSON.parse(out)).toEqual([]);
});

test('mallory gets a server but the panel says no site entitles her', async ({ page }, testInfo) => {
  await openLab(page, 'mallory');
  await expect(page.locator('.jp-fedomop-auth-status')).toHaveText(/^mallory · 1 group/);
  const panel = await openPanel(page);
  await pasteSample(panel);
  await panel.getByRole('radio', { name: 'Count', exact: true }).check();
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  for (const site of SITES) {
    const row = panel.locator(`tr[data-site="${site}"]`);
    await expect(row).toHaveAttribute('data-state', 'failed', { timeout: 120_000 });
    await expect(row).toContainText(`Site “${site}” refused: to run this there you need the group ${GROUP(`fedomop:${site}`)}`);
  }
  await shot(panel, testInfo, 'jupyterhub-mallory-not-entitled');
});

test('eve, in no allowed group, is turned away and gets no server', async ({ page }, testInfo) => {
  await signInAtJupyterHub(page, 'eve');
  await expect(page.locator('body')).toContainText(/403|not allowed|Forbidden/i);
  await shot(page, testInfo, 'jupyterhub-eve-refused');
  const lab = await page.request.get('/user/eve/lab', { maxRedirects: 0 });
  expect(lab.status(), 'no lab for eve').not.toBe(200);
});
