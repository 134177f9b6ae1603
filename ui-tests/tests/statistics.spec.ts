/**
 * Statistics in the panel and in notebooks (issue 12): the panel runs a Kaplan–Meier by gender and a
 * logistic GLM on a lung cancer cohort and draws both charts with JupyterLab's own Vega-Lite renderer;
 * the same GLM from a TypeScript (Deno) and a Python notebook shows its table and chart, with the
 * panel's numbers. Screenshots (light theme) in the artifacts.
 */
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { DEAD_SITE, addConcept, openPanel, panelPlan, saveScreenshot } from './helpers';

test.use({ autoGoto: true, viewport: { width: 1280, height: 1400 } });
// Two panel runs and two kernels (the first Deno start compiles the library): more than the default 2 min.
test.setTimeout(240_000);

const CHART = '.jp-RenderedVegaCommon5 canvas, .jp-RenderedVegaCommon5 svg';

/** The pooled rows of the panel's statistics table: term (or stratum · time) → the column's text. */
async function pooledColumn(panel: Locator, key: string[], column: string): Promise<Record<string, string>> {
  const table = panel.locator('table.jp-fedomop-stats-table');
  const columns = (await table.locator('thead th').allTextContents()).map((c) => c.trim());
  const out: Record<string, string> = {};
  for (const tr of await table.locator('tbody tr[data-site="pooled"]').all()) {
    const cells = (await tr.locator('td').allTextContents()).map((c) => c.trim());
    out[key.map((k) => cells[columns.indexOf(k)]).join(' · ')] = cells[columns.indexOf(column)];
  }
  return out;
}

async function runPanel(panel: Locator, label: string, before?: () => Promise<void>): Promise<void> {
  await panel.getByLabel(label, { exact: true }).check();
  await before?.();
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.locator('.jp-fedomop-results[data-phase="done"]')).toBeVisible({ timeout: 120_000 });
  await expect(panel.locator(`.jp-fedomop-chart[data-ready="true"]`).locator(CHART).first()).toBeVisible({ timeout: 60_000 });
}

async function runCell(page: IJupyterLabPageFixture, source: string): Promise<Locator> {
  await page.notebook.setCell(0, 'code', source);
  await page.notebook.runCell(0);
  return page.locator('.jp-NotebookPanel:visible .jp-Cell').first();
}

function near(a: string, b: string): boolean {
  const [x, y] = [Number(a), Number(b)];
  return Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= 1e-3 * Math.max(Math.abs(y), 1e-9);
}

test('statistics: KM by gender and a logistic GLM in the panel, the GLM in TypeScript and Python notebooks', async ({
  page,
}, testInfo) => {
  const panel = await openPanel(page);
  await addConcept(panel, 'lung', 'Malignant tumor of lung');
  await panel.locator(`li[data-site="${DEAD_SITE}"] input[type="checkbox"]`).uncheck();

  // Kaplan–Meier by gender: the form's defaults (survival to death up to 5 years, strata gender, 30-day bins).
  await runPanel(panel, 'Survival (Kaplan–Meier)');
  const km = (await panelPlan(panel)) as { analysis: Record<string, unknown> };
  expect(km.analysis).toMatchObject({ kind: 'km', time: 'survival', strata: 'gender', binDays: 30 });
  const strata = new Set(Object.keys(await pooledColumn(panel, ['stratum'], 'time')));
  expect(strata).toEqual(new Set(['FEMALE', 'MALE']));
  await saveScreenshot(panel.locator('.jp-fedomop-results'), testInfo, 'panel-km-by-gender');

  // Logistic regression: death within a year on age and gender; fit on the sites that pass the rules.
  await runPanel(panel, 'Regression (GLM)', () => panel.getByLabel('fit on the other sites if one refuses').check());
  const estimates = await pooledColumn(panel, ['term'], 'estimate');
  expect(Object.keys(estimates)).toContain('age');
  await saveScreenshot(panel.locator('.jp-fedomop-results'), testInfo, 'panel-logistic-glm');
  const plan = JSON.stringify(await panelPlan(panel));

  // TypeScript (Deno): fed.glm with the panel's cohort and options; the table, then the forest plot.
  await page.notebook.createNew('stats-typescript.ipynb', { kernel: 'fedomop-deno' });
  const tsCell = await runCell(
    page,
    [
      'import { connect } from "fedomop";',
      'const fed = await connect();',
      `const plan = ${plan};`,
      'const { kind, ...options } = plan.analysis;',
      'const fit = await fed.glm(plan.cohort, options);',
      'fit',
    ].join('\n'),
  );
  const tsTable = tsCell.locator('.fedomop-result table');
  await expect(tsTable).toBeVisible({ timeout: 120_000 });
  await expect(tsCell.locator(CHART).first()).toBeVisible({ timeout: 60_000 });
  const tsColumns = (await tsTable.locator('thead th').allTextContents()).map((c) => c.trim());
  const inTs: Record<string, string> = {};
  for (const tr of await tsTable.locator('tbody tr').all()) {
    const cells = (await tr.locator('td').allTextContents()).map((c) => c.trim());
    if (cells[tsColumns.indexOf('site')] === 'pooled')
      inTs[cells[tsColumns.indexOf('term')]] = cells[tsColumns.indexOf('estimate')];
  }
  expect(inTs).toEqual(estimates);
  await saveScreenshot(tsCell.locator('.jp-OutputArea'), testInfo, 'notebook-typescript-glm');

  // Python: hub.glm, a pandas frame shown as its table and the same chart.
  await page.notebook.createNew('stats-python.ipynb', { kernel: 'python3' });
  const pyCell = await runCell(
    page,
    [
      'import json, fedomop',
      'hub = fedomop.connect()',
      `plan = json.loads(${JSON.stringify(plan)})`,
      'a = plan["analysis"]',
      'fit = hub.glm(plan["cohort"], a["variables"], family=a["family"], outcome=a["outcome"],',
      '              covariates=a["covariates"], on_refusal=a.get("onRefusal"))',
      'fit',
    ].join('\n'),
  );
  const pyTable = pyCell.locator('.fedomop-result table.dataframe');
  await expect(pyTable).toBeVisible({ timeout: 120_000 });
  await expect(pyCell.locator(CHART).first()).toBeVisible({ timeout: 60_000 });
  const pyColumns = (await pyTable.locator('thead th').allTextContents()).map((c) => c.trim());
  const inPy: Record<string, string> = {};
  for (const tr of await pyTable.locator('tbody tr').all()) {
    const cells = (await tr.locator('td').allTextContents()).map((c) => c.trim());
    if (cells[pyColumns.indexOf('site')] === 'pooled')
      inPy[cells[pyColumns.indexOf('term')]] = cells[pyColumns.indexOf('estimate')];
  }
  expect(Object.keys(inPy).sort()).toEqual(Object.keys(estimates).sort());
  for (const [term, value] of Object.entries(estimates))
    expect(near(inPy[term], value), `${term}: ${inPy[term]} vs ${value}`).toBe(true);
  await saveScreenshot(pyCell.locator('.jp-OutputArea'), testInfo, 'notebook-python-glm');
});
