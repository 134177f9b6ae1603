/**
 * "One edit through the UI changes exactly that part of the JSON", in chromium against a real
 * JupyterLab: ATLAS exports from circe-be's conformance suite (../shared/conformance/circe, copied
 * into the test's folder at run time) are opened in the cohort builder, edited once each the way a
 * researcher would (typing in a number, clicking a checkbox, choosing from a list, removing a part,
 * adding an attribute), saved, read back from disk, and diffed against the export: exactly the
 * intended path changed, nothing else (so every ATLAS-only field survives). Then an attribute added
 * from the "+ attribute" menu changes the live count, and the concept browser and builder are
 * driven from the keyboard. Skipped with a message when shared/ is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { saveScreenshot } from './helpers';

test.use({ autoGoto: true, viewport: { width: 1400, height: 1100 } });

const CIRCE =
  process.env.FEDOMOP_CIRCE_CONFORMANCE ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'conformance', 'circe');
const available = existsSync(path.join(CIRCE, 'manifest.json'));
// Set FEDOMOP_UI_EDIT_CONTROL=1 to aim one edit at the wrong path: the test must then fail.
const CONTROL = process.env.FEDOMOP_UI_EDIT_CONTROL === '1';

/** Every path where a and b differ (written here, apart from the builder's own diff, on purpose). */
function diff(a: unknown, b: unknown, at = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const objects = (x: unknown) => typeof x === 'object' && x !== null;
  if (!objects(a) || !objects(b) || Array.isArray(a) !== Array.isArray(b)) return [at];
  if (Array.isArray(a) && a.length !== (b as unknown[]).length) return [at];
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  return [...keys].flatMap((k) => {
    const sub = Array.isArray(a) ? `${at}[${k}]` : at ? `${at}.${k}` : k;
    return diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], sub);
  });
}

function get(o: unknown, p: string): unknown {
  return p
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .reduce<unknown>((v, k) => (v === null || v === undefined ? v : (v as Record<string, unknown>)[k]), o);
}

interface IEditCase {
  kind: string;
  file: string;
  /** The edit, as a researcher makes it, inside the builder. */
  edit: (builder: Locator) => Promise<void>;
  /** The only paths the saved file may differ in, and what the first now holds. */
  paths: string[];
  value?: unknown;
  /** For a removal (the diff then names the whole list): what the list must hold now. */
  rest?: (original: any) => unknown;
}

const ALL = 'cohortgeneration/allCriteria/allCriteriaExpression.json';

const CASES: IEditCase[] = [
  {
    kind: 'change an age bound',
    file: ALL,
    edit: async (b) => {
      await b.locator('.jp-fedomop-cb-rule').nth(0).getByLabel('age upper value').fill('80');
    },
    paths: ['InclusionRules[0].expression.DemographicCriteriaList[0].Age.Extent'],
    value: 80,
  },
  {
    kind: 'remove a rule',
    file: ALL,
    edit: async (b) => {
      await b.getByRole('button', { name: 'Remove rule 4', exact: true }).click();
    },
    paths: ['InclusionRules'],
    rest: (o) => o.InclusionRules.filter((_: unknown, i: number) => i !== 3),
  },
  {
    kind: 'change an attribute (observation period length)',
    file: ALL,
    edit: async (b) => {
      const entry = b.locator('.jp-fedomop-cb-entry').first();
      await entry.locator('[data-attribute="PeriodLength"]').getByLabel('period length upper value').fill('500');
    },
    paths: ['PrimaryCriteria.CriteriaList[0].ObservationPeriod.PeriodLength.Extent'],
    value: 500,
  },
  {
    kind: 'toggle "include descendants"',
    file: 'cohortgeneration/mixedConceptsets/mixedConceptsetsExpression.json',
    edit: async (b) => {
      const box = b.getByLabel('Descendants: Child 1 [Parent: 1]').first();
      await expect(box).toBeChecked();
      await box.click();
      // The checkbox shows the new state (a controlled input re-rendered from the file, not left as the click set it).
      await expect(box).not.toBeChecked();
    },
    paths: ['ConceptSets[0].expression.items[0].includeDescendants'],
  },
  {
    kind: "change a window's days",
    file: 'cohortgeneration/inclusionRules/simpleInclusionRule.json',
    edit: async (b) => {
      await b.locator('.jp-fedomop-cb-rule').first().getByLabel('Days before index').fill('365');
    },
    paths: ['InclusionRules[0].expression.CriteriaList[0].StartWindow.Start.Days'],
    value: 365,
  },
  {
    kind: 'switch a nested group ALL → ANY',
    file: 'cohortgeneration/correlatedCriteria/groupExpression.json',
    edit: async (b) => {
      const nested = b.locator('.jp-fedomop-cb-restrict .jp-fedomop-cb-group[data-depth="1"]');
      await nested.getByLabel('Group type').first().selectOption('ANY');
    },
    paths: ['AdditionalCriteria.Groups[0].Type'],
    value: 'ANY',
  },
  {
    kind: 'change occurrences (exactly → at least)',
    file: 'cohortgeneration/correlatedCriteria/countsExpression.json',
    edit: async (b) => {
      await b.locator('.jp-fedomop-cb-restrict').getByLabel('Occurrence', { exact: true }).selectOption('2');
    },
    paths: ['AdditionalCriteria.CriteriaList[0].Occurrence.Type'],
    value: 2,
  },
  {
    kind: 'change the exit offset',
    file: 'cohortgeneration/exits/fixedOffsetExpression.json',
    edit: async (b) => {
      await b.getByLabel('Exit offset days').fill('90');
    },
    paths: ['EndStrategy.DateOffset.Offset'],
    value: 90,
  },
  {
    kind: "change the exit era's gap days",
    file: 'cohortgeneration/exits/continuousExposureExpression.json',
    edit: async (b) => {
      await b.getByLabel('Exit gap days').fill('30');
    },
    paths: ['EndStrategy.CustomEra.GapDays'],
    value: 30,
  },
  {
    kind: 'remove a censoring event',
    file: 'cohortgeneration/exits/censorEventExpression.json',
    edit: async (b) => {
      await b.getByRole('button', { name: 'Remove censoring event' }).click();
    },
    paths: ['CensoringCriteria'],
    rest: () => [],
  },
  {
    kind: 'change the observation window',
    file: 'cohortgeneration/firstOccurrence/firstOccurrenceTestExpression.json',
    edit: async (b) => {
      await b.getByLabel('Observation days before').fill('180');
    },
    paths: ['PrimaryCriteria.ObservationWindow.PriorDays'],
    value: 180,
  },
  {
    kind: 'change the initial-event limit (all → earliest)',
    file: 'cohortgeneration/correlatedCriteria/visitExpression.json',
    edit: async (b) => {
      await b.getByLabel('Limit initial events to').selectOption('First');
    },
    paths: ['PrimaryCriteria.PrimaryCriteriaLimit.Type'],
    value: 'First',
  },
  {
    kind: 'add an attribute from the menu',
    file: 'authored/cohortgeneration/conditionOccurrence/conditionStatusExpression.json',
    edit: async (b) => {
      const entry = b.locator('.jp-fedomop-cb-entry').first();
      await entry.getByRole('button', { name: '+ attribute' }).click();
      await entry.getByRole('menuitem', { name: /for the first time/ }).click();
    },
    paths: ['PrimaryCriteria.CriteriaList[0].ConditionOccurrence.First'],
    value: true,
  },
];

async function openFile(page: IJupyterLabPageFixture, p: string): Promise<void> {
  await page.evaluate(async (file) => {
    await (window as any).jupyterapp.commands.execute('docmanager:open', { path: file });
  }, p);
}

async function savedJson(page: IJupyterLabPageFixture, p: string): Promise<unknown> {
  const response = await page.request.get(`/api/contents/${p}?content=1&type=file&format=text`);
  return JSON.parse((await response.json()).content as string);
}

async function save(page: IJupyterLabPageFixture): Promise<void> {
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute('docmanager:save');
  });
  await expect(page.locator('.jp-mod-current[role="tab"].jp-mod-dirty')).toHaveCount(0);
}

test.describe('cohort builder edits through the UI', () => {
  test.skip(!available, `circe conformance data not found at ${CIRCE}`);

  test('one edit through the UI changes exactly that part of the JSON', async ({ page, tmpPath }) => {
    test.setTimeout(240_000);
    const kinds = new Set<string>();
    for (const [i, c] of CASES.entries()) {
      const text = readFileSync(path.join(CIRCE, c.file), 'utf8');
      const original = JSON.parse(text);
      const name = `${tmpPath}/edit-${i}-${path.basename(c.file, '.json')}.cohort.json`;
      await page.contents.uploadContent(text, 'text', name);
      await openFile(page, name);
      const builder = page.locator('.jp-fedomop-cb');
      await expect(builder).toBeVisible();
      await c.edit(builder);
      await expect(page.locator('.jp-mod-current[role="tab"].jp-mod-dirty')).toHaveCount(1);
      await save(page);
      const saved = await savedJson(page, name);
      const expected = CONTROL && i === 0 ? [c.paths[0].replace('Extent', 'Value')] : c.paths;
      expect(diff(original, saved), `${c.kind} (${c.file})`).toEqual(expected);
      if (c.value !== undefined) expect(get(saved, c.paths[0]), c.kind).toEqual(c.value);
      if (c.rest) expect(get(saved, c.paths[0]), c.kind).toEqual(c.rest(original));
      kinds.add(c.kind);
      console.log(`fedomop UI edit: ${c.kind} → ${diff(original, saved).join(', ')} (${c.file})`);
      await page.activity.closeAll();
    }
    expect(kinds.size).toBeGreaterThanOrEqual(8);
  });
});

/** The first step's pooled persons once the live counts are done. */
async function pooledEntry(builder: Locator): Promise<string> {
  const counts = builder.locator('.jp-fedomop-cb-counts');
  await expect(counts).toHaveAttribute('data-phase', 'done', { timeout: 60_000 });
  return ((await counts.locator('td[data-site="pooled"]').first().textContent()) ?? '').trim().split(' ')[0];
}

const PROSTATE = {
  ConceptSets: [
    {
      id: 0,
      name: 'Prostate cancer',
      expression: {
        items: [
          {
            concept: {
              CONCEPT_ID: 4163261,
              CONCEPT_NAME: 'Malignant tumor of prostate',
              DOMAIN_ID: 'Condition',
              VOCABULARY_ID: 'SNOMED',
            },
            includeDescendants: true,
            isExcluded: false,
            includeMapped: false,
          },
        ],
      },
    },
  ],
  PrimaryCriteria: {
    CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }],
    ObservationWindow: { PriorDays: 0, PostDays: 0 },
    PrimaryCriteriaLimit: { Type: 'First' },
  },
  QualifiedLimit: { Type: 'First' },
  ExpressionLimit: { Type: 'First' },
  InclusionRules: [],
  CensoringCriteria: [],
  CollapseSettings: { CollapseType: 'ERA', EraPad: 0 },
  CensorWindow: {},
};

test('an attribute added from the menu changes the live count; keyboard through browser and builder', async ({
  page,
  tmpPath,
}, testInfo) => {
  test.setTimeout(240_000);
  const file = `${tmpPath}/attribute.cohort.json`;
  await page.contents.uploadContent(JSON.stringify(PROSTATE, null, 2), 'text', file);
  await openFile(page, file);
  const builder = page.locator('.jp-fedomop-cb');
  await expect(builder).toHaveAttribute('data-valid', 'true');
  const before = await pooledEntry(builder);
  const firstQuery = await builder.locator('.jp-fedomop-cb-counts').getAttribute('data-query-id');

  // "+ attribute" → "at age", from the keyboard: ↓ opens the menu, Escape closes it, Enter picks.
  const entry = builder.locator('.jp-fedomop-cb-entry').first();
  const add = entry.getByRole('button', { name: '+ attribute' });
  await add.focus();
  await page.keyboard.press('ArrowDown');
  await expect(entry.getByRole('menu')).toBeVisible();
  await expect(entry.getByRole('menuitem').first()).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(entry.getByRole('menu')).toHaveCount(0);
  await expect(add).toBeFocused();
  await add.click();
  await entry.getByRole('menuitem', { name: 'at age …' }).click();
  await expect(entry.locator('[data-attribute="Age"]')).toBeVisible();
  await entry.getByLabel('age at event value').fill('75');
  await expect(builder.locator('.jp-fedomop-cb-counts')).not.toHaveAttribute('data-query-id', firstQuery ?? '', {
    timeout: 30_000,
  });
  const after = await pooledEntry(builder);
  console.log(`fedomop UI attribute: prostate entry pooled ${before} → with age ≥ 75 at the event ${after}`);
  expect(after).not.toBe(before);
  // The menu open over the sentence, in both themes (figures for docs/cohort-builder.md).
  await add.click();
  await expect(entry.getByRole('menu')).toBeVisible();
  await saveScreenshot(builder, testInfo, 'attribute-menu-light');
  await page.theme.setDarkTheme();
  await saveScreenshot(builder, testInfo, 'attribute-menu-dark');
  await page.theme.setLightTheme();
  await add.click(); // the button toggles its menu
  await expect(entry.getByRole('menu')).toHaveCount(0);
  await save(page);
  const saved = (await savedJson(page, file)) as typeof PROSTATE;
  expect(saved.PrimaryCriteria.CriteriaList[0]).toEqual({ ConditionOccurrence: { CodesetId: 0, Age: { Value: 75, Op: 'gte' } } });

  // "with condition type …" picked by name: typed, searched in the sites' Type Concept domain, ↓ Enter.
  await add.click();
  await entry.getByRole('menuitem', { name: 'with condition type …' }).click();
  const lookup = entry.getByLabel('condition type concept name');
  await lookup.fill('EHR');
  const found = entry.getByRole('listbox', { name: 'condition type concepts found' }).getByRole('option');
  await expect(found.first()).toBeVisible({ timeout: 30_000 });
  await lookup.press('ArrowDown');
  await expect(found.first()).toBeFocused();
  const picked = Number(await found.first().getAttribute('data-concept-id'));
  await saveScreenshot(entry, testInfo, 'attribute-by-name-light'); // the hits open under the box
  await page.keyboard.press('Enter');
  const chip = entry.locator(`.jp-fedomop-cb-chip[data-concept-id="${picked}"]`);
  await expect(chip).toContainText('EHR');
  await expect(lookup).toBeFocused();
  await save(page);
  const typed = (await savedJson(page, file)) as any;
  const conditionType = typed.PrimaryCriteria.CriteriaList[0].ConditionOccurrence.ConditionType;
  expect(conditionType).toHaveLength(1);
  expect(conditionType[0]).toMatchObject({ CONCEPT_ID: picked, DOMAIN_ID: 'Type Concept' });
  expect(conditionType[0].CONCEPT_NAME).toContain('EHR');

  // Concept browser: ↓ from the search box to the hits, ↓ to the second, Enter opens it; Escape back.
  await page.evaluate(() => (window as any).jupyterapp.commands.execute('fedomop:open-concept-browser'));
  const browser = page.locator('.jp-fedomop-cbr');
  const search = browser.getByLabel('Search the vocabulary');
  await search.fill('prostate');
  const hits = browser.locator('.jp-fedomop-cbr-hit');
  await expect(hits.nth(1)).toBeVisible();
  await search.press('ArrowDown');
  await expect(hits.nth(0)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(hits.nth(1)).toBeFocused();
  const second = (await hits.nth(1).locator('.jp-fedomop-cbr-name').textContent())?.trim() ?? '';
  await page.keyboard.press('Enter');
  const title = browser.locator('.jp-fedomop-cbr-title');
  await expect(title).toBeFocused();
  expect(second.startsWith((await title.textContent())!.trim())).toBe(true);

  // Tab reaches "Add to concept set", and focus is visible there.
  const addButton = browser.getByRole('button', { name: 'Add to concept set' });
  for (let i = 0; i < 8 && !(await addButton.evaluate((el) => el === document.activeElement)); i++)
    await page.keyboard.press('Tab');
  await expect(addButton).toBeFocused();
  const outline = await addButton.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');

  // A tree node: focus it, ↓ moves to the next, Enter opens that concept.
  const tree = browser.getByRole('tree', { name: 'Ancestors' });
  const nodes = tree.locator('[role="treeitem"] > button');
  if ((await nodes.count()) >= 2) {
    await nodes.nth(0).focus();
    await page.keyboard.press('ArrowDown');
    await expect(nodes.nth(1)).toBeFocused();
    const name = (await nodes.nth(1).textContent())?.trim();
    await page.keyboard.press('Enter');
    await expect(title).toHaveText(name ?? '');
  }
  await page.keyboard.press('Escape');
  await expect(title).toHaveCount(0);
  await expect(search).toBeFocused();
  await expect(hits.first()).toBeVisible();
});
