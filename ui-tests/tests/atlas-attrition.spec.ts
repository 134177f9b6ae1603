/**
 * A researcher's ATLAS cohort in the panel, against the real sites and hub (playwright.config.js):
 * paste ATLAS's export of a cohort with two inclusion rules, pick Attrition, run, and read a row per
 * step with the hub's own numbers; a broken paste names the path of its problem and Run stays off;
 * "Open in notebook" carries the pasted cohort and the attrition into a fedomop-deno cell.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { DEAD_SITE, LIVE_SITES, hubAnswer, openPanel, panelPlan, saveScreenshot, shown, type IReleased } from './helpers';

/**
 * ATLAS's whole cohort definition (name, description, expression ...): first prostate cancer
 * (4163261 and descendants) with a year of prior observation; rule 1 a PSA measurement (3013603)
 * from 180 days before to 30 days after; rule 2 aged 60 or more.
 */
const ATLAS_TEXT = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'prostate-psa-60.atlas.json'), 'utf8');
const ATLAS = JSON.parse(ATLAS_TEXT);
const STEPS: string[] = ['qualifying events', ...ATLAS.expression.InclusionRules.map((r: { name: string }) => r.name)];
const MEASURES = ['persons', 'events'] as const;

test.use({ autoGoto: true, viewport: { width: 1280, height: 1400 } });

async function pasteCohort(panel: Locator, text: string): Promise<void> {
  await panel.locator('.jp-fedomop-switch label', { hasText: 'Paste ATLAS JSON' }).click();
  await expect(panel.getByRole('radio', { name: 'Paste ATLAS JSON' })).toBeChecked();
  await panel.getByLabel('ATLAS cohort JSON').fill(text);
}

/** The share of step 0 as the panel writes it (attrition-table.ts), for exact values. */
function percent(part: IReleased, whole: IReleased): string | null {
  if (part.suppressed || whole.suppressed || part.value === null || whole.value === null || whole.value === 0) return null;
  return `${Number(((100 * part.value) / whole.value).toFixed(1))}%`;
}

test('an ATLAS cohort pasted whole, attrition: a row per rule, per site and pooled, with the hub’s numbers', async ({
  page,
}, testInfo) => {
  const panel = await openPanel(page);
  await panel.locator(`li[data-site="${DEAD_SITE}"] input[type="checkbox"]`).uncheck();
  await pasteCohort(panel, ATLAS_TEXT);

  await expect(panel.locator('.jp-fedomop-cohort-name')).toHaveText(ATLAS.name);
  await expect(panel.locator('.jp-fedomop-cohort-summary')).toHaveText('2 concept sets, 1 entry criterion, 2 inclusion rules');
  await expect(panel.locator('ol[aria-label="Inclusion rules"] li')).toHaveText(STEPS.slice(1));
  await expect(panel.locator('.jp-fedomop-valid')).toBeVisible();
  await expect(panel.locator('.jp-fedomop-problems')).toHaveCount(0);

  await panel.getByRole('radio', { name: 'Attrition', exact: true }).check();
  await expect(panel.locator('.jp-fedomop-hint')).toHaveCount(0);
  const run = panel.getByRole('button', { name: 'Run', exact: true });
  await expect(run).toBeEnabled();

  const started = Date.now();
  await run.click();
  await expect(panel.locator('.jp-fedomop-results')).toHaveAttribute('data-phase', 'done');
  const table = panel.locator('table[aria-label="Attrition"]');
  await expect(table.locator('td.jp-fedomop-pooled-col[data-measure="persons"]').first()).toBeVisible();
  const runMs = Date.now() - started;
  testInfo.annotations.push({ type: 'run-to-attrition-ms', description: String(runMs) });
  console.log(`fedomop UI: Run → attrition table with pooled column in ${runMs} ms`);

  await expect(table.locator('td.jp-fedomop-rule-name')).toHaveText(STEPS);
  const groups = await table
    .locator('thead th.jp-fedomop-group')
    .evaluateAll((ths) => ths.map((th) => th.getAttribute('data-site')));
  expect(groups).toEqual([...LIVE_SITES, 'pooled']);

  // The plan the panel sent, asked of the hub directly: every number shown is the hub's.
  const plan = (await panelPlan(panel)) as { cohort: Record<string, unknown>; analysis: unknown };
  expect(plan.analysis).toEqual({ kind: 'attrition' });
  expect(plan.cohort.Title).toBe(ATLAS.name);
  expect(plan.cohort.InclusionRules).toEqual(ATLAS.expression.InclusionRules);
  const answer = hubAnswer(plan, LIVE_SITES);
  const columns: Record<string, typeof answer.pooled> = { ...answer.perSite, pooled: answer.pooled };
  let compared = 0;
  for (const [site, rows] of Object.entries(columns)) {
    const byStep = [...rows].sort((a, b) => Number(a.dims.rule_index) - Number(b.dims.rule_index));
    expect(
      byStep.map((r) => r.dims.rule_name),
      site,
    ).toEqual(STEPS);
    for (const [i, row] of byStep.entries()) {
      for (const m of MEASURES) {
        const cell = table.locator(`tr[data-step="${i}"] td[data-site="${site}"][data-measure="${m}"]`);
        await expect(cell.locator('.jp-fedomop-value'), `${site} step ${i} ${m}`).toHaveText(shown(row.measures[m]));
        const pct = i === 0 ? null : percent(row.measures[m], byStep[0].measures[m]);
        if (pct) await expect(cell.locator('.jp-fedomop-pct')).toHaveText(pct);
        else await expect(cell.locator('.jp-fedomop-pct')).toHaveCount(0);
        compared++;
      }
    }
  }
  expect(compared).toBe((LIVE_SITES.length + 1) * STEPS.length * MEASURES.length);
  // The rules remove people: the pooled persons fall from step to step (the hub's numbers, as shown).
  const pooledPersons = [...answer.pooled].sort((a, b) => Number(a.dims.rule_index) - Number(b.dims.rule_index));
  expect(pooledPersons[0].measures.persons.lower).toBeGreaterThan(pooledPersons[2].measures.persons.upper);

  const widget = page.locator('.jp-fedomop-QueryPanelWidget');
  await saveScreenshot(widget, testInfo, 'attrition-light');
  await page.theme.setDarkTheme();
  await saveScreenshot(widget, testInfo, 'attrition-dark');
  await page.theme.setLightTheme();
});

test('a broken ATLAS paste names each problem by its path, Run stays disabled; nothing typed is lost', async ({
  page,
}, testInfo) => {
  const panel = await openPanel(page);
  const broken = JSON.parse(ATLAS_TEXT);
  broken.expression.InclusionRules[0].expression.CriteriaList[0].Occurrence.Type = 7;
  const brokenText = JSON.stringify(broken, null, 2);
  await pasteCohort(panel, brokenText);

  const problems = panel.locator('.jp-fedomop-problems');
  await expect(problems).toBeVisible();
  await expect(problems.locator('li').first()).toHaveText(
    /^cohort\.InclusionRules\[0\]\.expression\.CriteriaList\[0\]\.Occurrence\.Type: .*0 \(exactly\), 1 \(at most\) or 2 \(at least\)/,
  );
  // Name and summary still help to find the cohort; Run is off, and says why.
  await expect(panel.locator('.jp-fedomop-cohort-name')).toHaveText(ATLAS.name);
  const run = panel.getByRole('button', { name: 'Run', exact: true });
  await expect(run).toBeDisabled();
  await expect(panel.locator('.jp-fedomop-blocker')).toHaveText('The pasted cohort has a problem (listed under it).');
  await expect(panel.getByLabel('ATLAS cohort JSON')).toHaveAttribute('aria-invalid', 'true');
  await expect(panel.getByRole('button', { name: 'Open in notebook' })).toBeDisabled();
  await saveScreenshot(page.locator('.jp-fedomop-QueryPanelWidget'), testInfo, 'atlas-paste-error');

  // To the concept form and back: the text is as it was, and so is the verdict.
  await panel.locator('.jp-fedomop-switch label', { hasText: 'Build' }).click();
  await expect(panel.getByLabel('Search concepts')).toBeVisible();
  await panel.locator('.jp-fedomop-switch label', { hasText: 'Paste ATLAS JSON' }).click();
  await expect(panel.getByLabel('ATLAS cohort JSON')).toHaveValue(brokenText);
  await expect(run).toBeDisabled();

  // A paste cut short says so; the fixed text clears every problem and enables Run.
  await panel.getByLabel('ATLAS cohort JSON').fill(ATLAS_TEXT.slice(0, 300));
  await expect(problems).toContainText('is not JSON');
  await expect(run).toBeDisabled();
  await panel.getByLabel('ATLAS cohort JSON').fill(ATLAS_TEXT);
  await expect(problems).toHaveCount(0);
  await expect(run).toBeEnabled();

  // A warning (Circe would run it, but it is surely not meant) is shown by path and does not block Run.
  const emptyRule = JSON.parse(ATLAS_TEXT);
  emptyRule.expression.InclusionRules[1].expression.DemographicCriteriaList = [];
  await panel.getByLabel('ATLAS cohort JSON').fill(JSON.stringify(emptyRule, null, 2));
  await expect(panel.locator('.jp-fedomop-warnings li')).toHaveText([/^cohort\.InclusionRules\[1\]\.expression: .*no criteria/]);
  await expect(run).toBeEnabled();
});

test('open in notebook: the pasted cohort’s attrition in a fedomop-deno cell, with the panel’s numbers', async ({
  page,
}, testInfo) => {
  const panel = await openPanel(page);
  await panel.locator(`li[data-site="${DEAD_SITE}"] input[type="checkbox"]`).uncheck();
  await pasteCohort(panel, ATLAS_TEXT);
  await panel.getByRole('radio', { name: 'Attrition', exact: true }).check();
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.locator('.jp-fedomop-results')).toHaveAttribute('data-phase', 'done');

  const table = panel.locator('table[aria-label="Attrition"]');
  const inPanel = new Map<string, string>();
  for (const site of [...LIVE_SITES, 'pooled']) {
    for (const [i] of STEPS.entries()) {
      const text = await table
        .locator(`tr[data-step="${i}"] td[data-site="${site}"][data-measure="persons"] .jp-fedomop-value`)
        .textContent();
      inPanel.set(`${site} ${i}`, text!.trim());
    }
  }

  const started = Date.now();
  await panel.getByRole('button', { name: 'Open in notebook' }).click();
  const notebook = page.locator('.jp-NotebookPanel:visible');
  await expect(notebook.locator('.jp-Cell .jp-InputArea')).toContainText(`// ${ATLAS.name}: federated attrition`);
  const output = notebook.locator('.jp-OutputArea-output .fedomop-result table');
  await expect(output).toBeVisible({ timeout: 120_000 });
  console.log(`fedomop UI: Open in notebook (attrition) → result table in ${Date.now() - started} ms`);

  const columns = (await output.locator('thead th').allTextContents()).map((c) => c.trim());
  expect(columns).toEqual(['site', 'rule_index', 'rule_name', 'persons', 'events']);
  const inNotebook = new Map<string, string>();
  for (const tr of await output.locator('tbody tr').all()) {
    const [site, index, name, persons] = (await tr.locator('td').allTextContents()).map((c) => c.trim());
    expect(name).toBe(STEPS[Number(index)]);
    // The kernel marks a withheld value "lower–upper*"; the panel writes "n" when both bounds agree.
    const interval = /^(\d+)–(\d+)\*$/.exec(persons);
    inNotebook.set(
      `${site} ${index}`,
      interval ? (interval[1] === interval[2] ? interval[1] : `${interval[1]}–${interval[2]}`) : persons,
    );
  }
  expect(Object.fromEntries(inNotebook)).toEqual(Object.fromEntries(inPanel));
  await output.scrollIntoViewIfNeeded();
  await saveScreenshot(notebook.locator('.jp-Cell .jp-OutputArea').first(), testInfo, 'notebook-attrition-output');
});
