/**
 * Shared notebook templates in the launcher: a card per template; choosing one asks for the cohort,
 * creates the notebook in the file browser's folder with the cohort cell filled in, opens it in the
 * template's kernel, and it runs to a table and a chart against the test hub.
 */
import { expect, test } from '@jupyterlab/galata';
import { saveScreenshot } from './helpers';

test.use({ autoGoto: true, viewport: { width: 1280, height: 1200 } });

test('a template from the launcher becomes a notebook that runs to its table and chart', async ({ page, tmpPath }, testInfo) => {
  const section = page.locator('.jp-Launcher-section', { hasText: 'fedomop templates' });
  await expect(section).toBeVisible();
  const cards = section.locator('.jp-LauncherCard');
  await expect(cards).toHaveCount(8);
  await saveScreenshot(section, testInfo, 'launcher-templates');

  await cards.filter({ hasText: 'Cohort entries by index year' }).first().click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.getByRole('combobox', { name: 'Cohort' })).toHaveValue('0');
  await expect(dialog).toContainText('sample cohort');
  await dialog.getByRole('button', { name: 'Create' }).click();

  const notebook = page.locator('.jp-NotebookPanel:visible');
  await expect(page.locator('.jp-mod-current[role="tab"]')).toContainText('entries-by-year.ipynb');
  await expect(notebook.locator('.jp-Cell .jp-InputArea').first()).toBeVisible();
  await expect(notebook).toContainText('cohort_from_file("prostate.cohort.json")');
  expect(await page.filebrowser.contents.fileExists(`${tmpPath}/prostate.cohort.json`)).toBe(true);

  await page.notebook.run();
  await expect(notebook.locator('.jp-OutputArea-output .fedomop-result table').first()).toBeVisible({ timeout: 120_000 });
  await expect(notebook.locator('.vega-embed, .jp-RenderedVegaCommon5').first()).toBeVisible({ timeout: 60_000 });
  await expect(notebook.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')).toHaveCount(0);
  await expect(
    notebook.locator('.jp-OutputArea-output .jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]'),
  ).toHaveCount(0);
  await saveScreenshot(notebook, testInfo, 'template-entries-by-year');
});
