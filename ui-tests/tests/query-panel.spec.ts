/**
 * The federated query panel in a real JupyterLab against real sites and a real hub (see
 * playwright.config.js): open it from the launcher, run a count, see each site's row and the pooled
 * row with the hub's own numbers; a dead site shows as failed while the others answer.
 */
import { expect, test } from '@jupyterlab/galata';
import { DEAD_SITE, LIVE_SITES, addConcept, hubAnswer, openPanel, saveScreenshot, shown } from './helpers';

// Tall enough that the panel's results fit in the screenshots without scrolling.
test.use({ autoGoto: true, viewport: { width: 1280, height: 1200 } });

test('count on three sites: a row per site, then the pooled row, with the hub’s numbers', async ({ page }, testInfo) => {
  const panel = await openPanel(page);
  await addConcept(panel, 'prostate', 'Malignant tumor of prostate');
  await panel.locator(`li[data-site="${DEAD_SITE}"] input[type="checkbox"]`).uncheck();

  const started = Date.now();
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  const pooled = panel.locator('tr.jp-fedomop-pooled-row[data-state="done"]');
  await expect(pooled).toBeVisible();
  const runToPooledMs = Date.now() - started;
  testInfo.annotations.push({ type: 'run-to-pooled-ms', description: String(runToPooledMs) });
  console.log(`fedomop UI: Run → pooled row visible in ${runToPooledMs} ms`);

  const rows = panel.locator('tr.jp-fedomop-site-row');
  await expect(rows).toHaveCount(LIVE_SITES.length);
  await expect(panel.locator('tr.jp-fedomop-site-row[data-state="done"]')).toHaveCount(LIVE_SITES.length);
  await expect(panel.locator('.jp-fedomop-results')).toHaveAttribute('data-phase', 'done');

  // The same plan, asked of the hub directly, gives the same numbers the panel shows.
  const plan = JSON.parse((await panel.locator('.jp-fedomop-plan-json').textContent()) ?? 'null');
  const answer = hubAnswer(plan, LIVE_SITES);
  for (const site of LIVE_SITES) {
    const row = panel.locator(`tr.jp-fedomop-site-row[data-site="${site}"]`);
    await expect(row.locator('td[data-measure="persons"]')).toHaveText(shown(answer.perSite[site][0].measures.persons));
    await expect(row.locator('td[data-measure="events"]')).toHaveText(shown(answer.perSite[site][0].measures.events));
  }
  await expect(pooled.locator('td[data-measure="persons"]')).toHaveText(shown(answer.pooled[0].measures.persons));
  await expect(pooled.locator('td[data-measure="events"]')).toHaveText(shown(answer.pooled[0].measures.events));

  const widget = page.locator('.jp-fedomop-QueryPanelWidget');
  await saveScreenshot(widget, testInfo, 'query-panel-light');
  await page.theme.setDarkTheme();
  await saveScreenshot(widget, testInfo, 'query-panel-dark');
  await page.theme.setLightTheme();
});

test('a dead site is shown as failed, by name, while the others answer (panel opened from the menu)', async ({
  page,
}, testInfo) => {
  const panel = await openPanel(page, 'menu');
  await expect(panel.locator(`li[data-site="${DEAD_SITE}"]`)).toHaveAttribute('data-health', 'down');
  await addConcept(panel, 'lung', 'Malignant tumor of lung');
  await panel.getByRole('button', { name: 'Run', exact: true }).click();

  await expect(panel.locator('tr.jp-fedomop-pooled-row[data-state="done"]')).toBeVisible();
  const dead = panel.locator(`tr.jp-fedomop-site-row[data-site="${DEAD_SITE}"]`);
  await expect(dead).toHaveAttribute('data-state', 'failed');
  await expect(dead).toContainText(`Site “${DEAD_SITE}” could not be reached`);
  await expect(panel.locator('tr.jp-fedomop-site-row[data-state="done"]')).toHaveCount(LIVE_SITES.length);
  await expect(panel.locator('tr.jp-fedomop-pooled-row')).toContainText(`Pooled (${LIVE_SITES.length} sites)`);
  await saveScreenshot(page.locator('.jp-fedomop-QueryPanelWidget'), testInfo, 'query-panel-dead-site');
});

test('open in notebook: a fedomop-deno cell runs the same query and shows the same numbers', async ({ page }, testInfo) => {
  const panel = await openPanel(page);
  await addConcept(panel, 'prostate', 'Malignant tumor of prostate');
  await panel.locator(`li[data-site="${DEAD_SITE}"] input[type="checkbox"]`).uncheck();
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.locator('tr.jp-fedomop-pooled-row[data-state="done"]')).toBeVisible();

  const inPanel = new Map<string, string>();
  for (const site of [...LIVE_SITES, 'pooled']) {
    const row = panel.locator(`tr[data-site="${site}"]`);
    inPanel.set(site, (await row.locator('td[data-measure="persons"]').textContent())!.trim());
  }

  const started = Date.now();
  await panel.getByRole('button', { name: 'Open in notebook' }).click();
  const notebook = page.locator('.jp-NotebookPanel:visible');
  await expect(notebook.locator('.jp-Cell .jp-InputArea')).toContainText('from "fedomop"');
  // Kernel start and the hub round trip: generous, the first Deno start compiles the library.
  const table = notebook.locator('.jp-OutputArea-output .fedomop-result table');
  await expect(table).toBeVisible({ timeout: 120_000 });
  console.log(`fedomop UI: Open in notebook → result table in ${Date.now() - started} ms`);

  const inNotebook = new Map<string, string>();
  for (const tr of await table.locator('tbody tr').all()) {
    const cells = await tr.locator('td').allTextContents();
    inNotebook.set(cells[0].trim(), cells[1].trim().replace(/\*$/, ''));
  }
  expect(Object.fromEntries(inNotebook)).toEqual(Object.fromEntries(inPanel));

  // The danfojs DataFrame the cell builds, shown as its last output: same numbers again (a withheld
  // count is NaN there, with its interval in the _lower/_upper columns).
  const frame = notebook.locator('.jp-OutputArea-output .fedomop-frame table');
  await expect(frame).toBeVisible({ timeout: 60_000 });
  const columns = (await frame.locator('thead th').allTextContents()).map((c) => c.trim());
  const at = (name: string) => columns.indexOf(name);
  expect(at('site')).toBeGreaterThanOrEqual(0);
  const inFrame = new Map<string, string>();
  for (const tr of await frame.locator('tbody tr').all()) {
    const cells = (await tr.locator('td').allTextContents()).map((c) => c.trim());
    const persons = cells[at('persons')];
    inFrame.set(cells[at('site')], persons === 'NaN' ? `${cells[at('persons_lower')]}–${cells[at('persons_upper')]}` : persons);
  }
  expect(Object.fromEntries(inFrame)).toEqual(Object.fromEntries(inPanel));

  // And all three equal what the hub itself returns for the panel's plan.
  const plan = JSON.parse((await panel.locator('.jp-fedomop-plan-json').textContent()) ?? 'null');
  const answer = hubAnswer(plan, LIVE_SITES);
  const fromHub = Object.fromEntries([
    ...LIVE_SITES.map((site) => [site, shown(answer.perSite[site][0].measures.persons)]),
    ['pooled', shown(answer.pooled[0].measures.persons)],
  ]);
  expect(Object.fromEntries(inFrame)).toEqual(fromHub);
  await table.scrollIntoViewIfNeeded();
  await saveScreenshot(notebook.locator('.jp-Cell .jp-OutputArea').first(), testInfo, 'notebook-output');
});

test('crosstab: each site’s column fills in, withheld cells show their interval, pooled last', async ({ page }, testInfo) => {
  const panel = await openPanel(page);
  await addConcept(panel, 'lung', 'Malignant tumor of lung');
  await panel.locator(`li[data-site="${DEAD_SITE}"] input[type="checkbox"]`).uncheck();
  await panel.getByLabel('Crosstab by').check();
  await panel.locator('label', { hasText: 'age group' }).locator('input').check();
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.locator('.jp-fedomop-results')).toHaveAttribute('data-phase', 'done');

  const table = panel.locator('table[aria-label="Crosstab"]');
  const columns = await table.locator('thead th').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-site')));
  expect(columns).toEqual([null, null, ...LIVE_SITES.map(() => expect.any(String)), 'pooled']);
  const suppressed = table.locator('td.jp-fedomop-suppressed');
  expect(await suppressed.count()).toBeGreaterThan(0);
  await expect(suppressed.first()).toHaveText(/^\d+–\d+$/);

  // Every cell equals the hub's answer for that site (or pooled) and cell.
  const plan = JSON.parse((await panel.locator('.jp-fedomop-plan-json').textContent()) ?? 'null');
  const answer = hubAnswer(plan, LIVE_SITES);
  const expected = new Map<string, string>();
  for (const row of [...Object.values(answer.perSite).flat(), ...answer.pooled]) {
    expected.set(JSON.stringify([row.site, String(row.dims.gender), String(row.dims.age_group)]), shown(row.measures.persons));
  }
  let compared = 0;
  for (const tr of await table.locator('tbody tr').all()) {
    const cells = await tr.locator('td').allTextContents();
    columns.slice(2).forEach((site, j) => {
      const want = expected.get(JSON.stringify([site, cells[0], cells[1]])) ?? '—';
      expect(cells[2 + j], `${site} ${cells[0]} ${cells[1]}`).toBe(want);
      compared++;
    });
  }
  expect(compared).toBeGreaterThan(10);

  const widget = page.locator('.jp-fedomop-QueryPanelWidget');
  await saveScreenshot(widget, testInfo, 'crosstab-light');
  await page.theme.setDarkTheme();
  await saveScreenshot(widget, testInfo, 'crosstab-dark');
  await page.theme.setLightTheme();
});
