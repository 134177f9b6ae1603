/**
 * "Check disclosure" in the query panel: the sites say, per cell, what they would perturb or
 * withhold for the plan in the form — without a value and without running it.
 */
import { expect, test } from '@jupyterlab/galata';
import { DEAD_SITE, addConcept, openPanel, saveScreenshot } from './helpers';

test.use({ autoGoto: true, viewport: { width: 1280, height: 1200 } });

test('Check disclosure lists per site what would be perturbed and withheld, and runs nothing', async ({ page }, testInfo) => {
  const panel = await openPanel(page);
  await addConcept(panel, 'lung', 'Malignant tumor of lung');
  await panel.locator(`li[data-site="${DEAD_SITE}"] input[type="checkbox"]`).uncheck();
  await panel.getByText('Crosstab by').click();
  await panel.getByRole('button', { name: 'Check disclosure' }).click();
  const preview = panel.locator('.jp-fedomop-disclosure');
  await expect(preview.locator('.jp-fedomop-disclosure-site')).toHaveCount(3);
  await expect(preview).toContainText(/would be released/);
  await expect(preview).toContainText(/perturbed/);
  await expect(preview).toContainText(/noise ≤ ±2, variance 1; k = 5/);
  await expect(preview).not.toContainText('The form changed');
  // A preview runs no query: no result rows appear.
  await expect(panel.locator('tr.jp-fedomop-site-row')).toHaveCount(0);
  await saveScreenshot(page.locator('.jp-fedomop-QueryPanelWidget'), testInfo, 'check-disclosure');
  // Changing the form marks the check as stale.
  await panel.getByText('age group').click();
  await expect(preview).toContainText('The form changed');
});
