/**
 * The cohort builder end to end, against the real back end (three synthetic sites, a hub, a dead
 * fourth site): search "prostate" in the concept browser, open the concept and see its ancestors,
 * add it with descendants to a new concept set of prostate.cohort.json; add PSA; build the cohort
 * (entry event, age rule, PSA rule); per-site and pooled counts and the attrition funnel appear and
 * change when the age rule changes; save, close, reopen; "Use in notebook" in a TypeScript and a
 * Python notebook reproduces the builder's final counts through the kernel library.
 */
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { LIVE_SITES, saveScreenshot } from './helpers';

test.use({ autoGoto: true, viewport: { width: 1400, height: 1100 } });

const FILE = 'prostate.cohort.json';

async function openBrowser(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.evaluate(() => (window as any).jupyterapp.commands.execute('fedomop:open-concept-browser'));
  const browser = page.locator('.jp-fedomop-cbr');
  await expect(browser).toBeVisible();
  return browser;
}

async function addFromBrowser(browser: Locator, term: string, name: string, descendants: boolean): Promise<void> {
  await browser.getByLabel('Search the vocabulary').fill(term);
  await browser.locator('.jp-fedomop-cbr-hit', { hasText: name }).first().click();
  await expect(browser.locator('.jp-fedomop-cbr-title')).toHaveText(name);
  await browser.getByLabel('Concept set to add to').selectOption('new');
  await browser.getByLabel('with descendants').setChecked(descendants);
  await browser.getByRole('button', { name: 'Add to concept set' }).click();
}

async function openFile(page: IJupyterLabPageFixture, path: string): Promise<void> {
  // The command resolves with the widget, which cannot cross into the test: return nothing.
  await page.evaluate(async (p) => {
    await (window as any).jupyterapp.commands.execute('docmanager:open', { path: p });
  }, path);
}

/** The funnel's persons per step, per column (sites, then "pooled"), once the counts are done. */
async function funnel(builder: Locator): Promise<Record<string, string[]>> {
  const counts = builder.locator('.jp-fedomop-cb-counts');
  await expect(counts).toHaveAttribute('data-phase', 'done', { timeout: 60_000 });
  const out: Record<string, string[]> = {};
  for (const site of [...LIVE_SITES, 'pooled']) {
    out[site] = (await counts.locator(`td[data-site="${site}"]`).allTextContents()).map((t) => t.trim().split(' ')[0]);
  }
  return out;
}

/** The result table a notebook cell displays (site → persons). */
async function notebookCounts(page: IJupyterLabPageFixture): Promise<Record<string, string>> {
  const notebook = page.locator('.jp-NotebookPanel:visible');
  const table = notebook.locator('.jp-OutputArea-output .fedomop-result table').last();
  await expect(table).toBeVisible({ timeout: 120_000 });
  const out: Record<string, string> = {};
  for (const tr of await table.locator('tbody tr').all()) {
    const cells = (await tr.locator('td').allTextContents()).map((c) => c.trim());
    out[cells[0]] = cells[1].replace(/\*$/, '');
  }
  return out;
}

test('concept browser → concept sets → cohort with live counts → file → notebooks', async ({ page, tmpPath }, testInfo) => {
  test.setTimeout(480_000);
  // Galata runs each test in its own folder (tmpPath), where the file browser opens.
  await page.contents.uploadContent('', 'text', `${tmpPath}/${FILE}`);
  await page.filebrowser.refresh();
  await page.filebrowser.open(`${tmpPath}/${FILE}`);
  const builder = page.locator('.jp-fedomop-cb');
  await expect(builder).toBeVisible();
  await expect(page.locator('.jp-DirListing-item', { hasText: FILE }).locator('[data-icon="fedomop:cohort"]')).toBeVisible();

  // The concept, its ancestors, and a concept set with descendants.
  const browser = await openBrowser(page);
  await browser.getByLabel('Search the vocabulary').fill('prostate');
  await expect(browser.locator('.jp-fedomop-cbr-hit').first()).toBeVisible();
  await browser.locator('.jp-fedomop-cbr-hit', { hasText: 'Malignant tumor of prostate' }).first().click();
  const ancestors = browser.getByRole('tree', { name: 'Ancestors' });
  await expect(ancestors.getByRole('treeitem').first()).toBeVisible();
  await saveScreenshot(page.locator('.jp-fedomop-ConceptBrowserWidget'), testInfo, 'concept-browser');
  await browser.getByRole('button', { name: '← back to results' }).click();
  await addFromBrowser(browser, 'prostate', 'Malignant tumor of prostate', true);
  const prostateSet = builder.locator('.jp-fedomop-cb-conceptset').first();
  await expect(prostateSet.getByLabel('Descendants: Malignant tumor of prostate')).toBeChecked();
  await addFromBrowser(browser, 'prostate specific', 'Prostate specific Ag [Mass/volume] in Serum or Plasma', false);
  await expect(builder.locator('.jp-fedomop-cb-conceptset')).toHaveCount(2);

  // Entry event, an age rule and a PSA rule; counts appear.
  await builder.getByRole('button', { name: '+ entry event' }).click();
  await builder.getByRole('button', { name: '+ Age rule' }).click();
  await builder.getByRole('button', { name: '+ Measurement rule' }).click();
  await expect(builder.locator('.jp-fedomop-cb-rule')).toHaveCount(2);
  await expect(builder).toHaveAttribute('data-valid', 'true');
  const first = await funnel(builder);
  expect(first.pooled).toHaveLength(3);
  const firstQuery = await builder.locator('.jp-fedomop-cb-counts').getAttribute('data-query-id');
  await saveScreenshot(builder, testInfo, 'cohort-builder-light');

  // Change the age rule: new counts from a new query.
  await builder.locator('.jp-fedomop-cb-rule').first().getByLabel('age value').fill('70');
  await expect(builder.locator('.jp-fedomop-cb-counts')).not.toHaveAttribute('data-query-id', firstQuery ?? '', {
    timeout: 30_000,
  });
  const second = await funnel(builder);
  expect(second.pooled[0]).toBe(first.pooled[0]);
  expect(second).not.toEqual(first);
  console.log(`fedomop UI: funnel age ≥ 50 ${JSON.stringify(first)}; age ≥ 70 ${JSON.stringify(second)}`);

  await page.theme.setDarkTheme();
  await saveScreenshot(builder, testInfo, 'cohort-builder-dark');
  await page.theme.setLightTheme();

  // Save, close, reopen: the same cohort.
  await page.keyboard.press('Control+s');
  await expect(page.locator('.jp-mod-current[role="tab"].jp-mod-dirty')).toHaveCount(0);
  const response = await page.request.get(`/api/contents/${tmpPath}/${FILE}?content=1&type=file&format=text`);
  const saved = JSON.parse((await response.json()).content as string);
  expect(saved.InclusionRules.map((r: { name: string }) => r.name)).toHaveLength(2);
  expect(saved.InclusionRules[0].expression.DemographicCriteriaList[0].Age).toEqual({ Value: 70, Op: 'gte' });
  expect(saved.ConceptSets[0].expression.items[0].includeDescendants).toBe(true);
  await page.activity.closeAll();
  // The concept browser holds the left area, so the file is opened by command, as the file browser does.
  await openFile(page, `${tmpPath}/${FILE}`);
  await expect(builder.locator('.jp-fedomop-cb-rule')).toHaveCount(2);
  await expect(builder.locator('.jp-fedomop-cb-rule').first().getByLabel('age value')).toHaveValue('70');
  const reopened = await funnel(builder);
  expect(reopened).toEqual(second);
  const last = (column: string) => second[column][second[column].length - 1];

  // TypeScript notebook: the kernel library reads the file and counts the same.
  for (const [name, kernel, marker] of [
    ['cohort-ts.ipynb', 'fedomop-deno', 'cohortFromFile'],
    ['cohort-py.ipynb', 'python3', 'cohort_from_file'],
  ] as const) {
    await page.notebook.createNew(name, { kernel });
    await openFile(page, `${tmpPath}/${FILE}`);
    await expect(builder).toBeVisible();
    await builder.getByRole('button', { name: 'Use in notebook' }).click();
    await expect(page.locator('.jp-NotebookPanel:visible .jp-Cell .jp-InputArea').last()).toContainText(marker);
    const inNotebook = await notebookCounts(page);
    expect(Object.fromEntries([...LIVE_SITES, 'pooled'].map((s) => [s, inNotebook[s]]))).toEqual(
      Object.fromEntries([...LIVE_SITES, 'pooled'].map((s) => [s, last(s)])),
    );
    console.log(`fedomop UI: ${kernel} cell persons ${JSON.stringify(inNotebook)}`);
    await saveScreenshot(
      page.locator('.jp-NotebookPanel:visible .jp-Cell .jp-OutputArea').last(),
      testInfo,
      `use-in-notebook-${kernel}`,
    );
  }
});
