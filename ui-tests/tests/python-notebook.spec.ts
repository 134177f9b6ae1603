/**
 * "Open in notebook" from a Python notebook: the panel's query lands as a Python cell in that
 * notebook (fedomop.connect, pandas via pyarrow), runs in the real ipykernel, and shows the panel's
 * numbers — in the result table and in the pandas DataFrame.
 */
import { expect, test } from '@jupyterlab/galata';
import { DEAD_SITE, LIVE_SITES, addConcept, hubAnswer, openPanel, panelPlan, saveScreenshot, shown } from './helpers';

test.use({ autoGoto: true, viewport: { width: 1280, height: 1200 } });

test('open in notebook from a Python notebook: a Python cell, pandas, the panel’s numbers', async ({ page }, testInfo) => {
  await page.notebook.createNew('python-query.ipynb', { kernel: 'python3' });
  // The notebook covers the launcher: the panel comes from the menu.
  const panel = await openPanel(page, 'menu');
  await addConcept(panel, 'prostate', 'Malignant tumor of prostate');
  await panel.locator(`li[data-site="${DEAD_SITE}"] input[type="checkbox"]`).uncheck();
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.locator('tr.jp-fedomop-pooled-row[data-state="done"]')).toBeVisible();
  const inPanel: Record<string, string> = {};
  for (const site of [...LIVE_SITES, 'pooled']) {
    const row = panel.locator(`tr[data-site="${site}"]`);
    inPanel[site] = (await row.locator('td[data-measure="persons"]').textContent())!.trim();
  }

  const started = Date.now();
  await panel.getByRole('button', { name: 'Open in notebook' }).click();
  const notebook = page.locator('.jp-NotebookPanel:visible');
  await expect(notebook.locator('.jp-NotebookPanel-toolbar')).toBeVisible();
  await expect(page.locator('.jp-mod-current[role="tab"]')).toContainText('python-query.ipynb');
  await expect(notebook.locator('.jp-Cell .jp-InputArea')).toContainText('import fedomop');
  const table = notebook.locator('.jp-OutputArea-output .fedomop-result table');
  await expect(table).toBeVisible({ timeout: 120_000 });
  console.log(`fedomop UI: Open in notebook (Python) → result table in ${Date.now() - started} ms`);

  const inTable: Record<string, string> = {};
  for (const tr of await table.locator('tbody tr').all()) {
    const cells = (await tr.locator('td').allTextContents()).map((c) => c.trim());
    inTable[cells[0]] = cells[1].replace(/\*$/, '');
  }
  expect(inTable).toEqual(inPanel);

  // The pandas DataFrame, the cell's last output: a withheld count is <NA>, its interval beside it.
  const frame = notebook.locator('.jp-OutputArea-output table.dataframe');
  await expect(frame).toBeVisible({ timeout: 60_000 });
  const columns = (await frame.locator('thead th').allTextContents()).map((c) => c.trim());
  const at = (name: string) => columns.indexOf(name);
  expect(at('site')).toBeGreaterThan(0);
  const inFrame: Record<string, string> = {};
  for (const tr of await frame.locator('tbody tr').all()) {
    // pandas puts the index in a <th>, then one <td> per column.
    const cells = ['', ...(await tr.locator('td').allTextContents()).map((c) => c.trim())];
    const persons = cells[at('persons')];
    inFrame[cells[at('site')]] = persons === '<NA>' ? `${cells[at('persons_lower')]}–${cells[at('persons_upper')]}` : persons;
  }
  expect(inFrame).toEqual(inPanel);

  const answer = hubAnswer(await panelPlan(panel), LIVE_SITES);
  expect(inFrame).toEqual(
    Object.fromEntries([
      ...LIVE_SITES.map((site) => [site, shown(answer.perSite[site][0].measures.persons)]),
      ['pooled', shown(answer.pooled[0].measures.persons)],
    ]),
  );
  await saveScreenshot(notebook.locator('.jp-Cell .jp-OutputArea').first(), testInfo, 'python-notebook-output');
});
