/**
 * What the UI tests share: the back end's addresses (playwright.config.js, start-backend.mjs), the
 * hub's own answer to a plan (asked directly, not through the browser or the relay), how the panel
 * writes a released value, and opening the panel.
 */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator, TestInfo } from '@playwright/test';

export const HUB = `http://127.0.0.1:${process.env.FEDOMOP_UI_PORT_BASE ?? 8300}`;
export const LIVE_SITES = ['central', 'north', 'south'];
export const DEAD_SITE = 'offline';

/** The authenticated back end and its JupyterLab (start-secure-backend.mjs, playwright.config.js). */
const SECURE_LAB_PORT = Number(process.env.FEDOMOP_UI_LAB_PORT ?? 8898) + 1;
export const SECURE_LAB = `http://127.0.0.1:${SECURE_LAB_PORT}`;
export const SECURE_SITES = ['north', 'south'];
/** Where that JupyterLab keeps the signed-in user's token for its kernels (FEDOMOP_TOKEN_FILE). */
export const SECURE_TOKEN_FILE = path.join(os.tmpdir(), `fedomop-ui-${SECURE_LAB_PORT}`, 'token');

export interface IReleased {
  value: number | null;
  lower: number;
  upper: number;
  suppressed: boolean;
}
export interface IRow {
  site: string;
  dims: Record<string, string | number | null>;
  measures: Record<'persons' | 'events', IReleased>;
}

/** The hub's answer to the same plan, asked directly (not through the browser or the relay). */
export function hubAnswer(plan: unknown, sites: string[]): { perSite: Record<string, IRow[]>; pooled: IRow[] } {
  const out = execFileSync('node', [path.join(__dirname, '..', 'hub-answer.mjs')], {
    input: JSON.stringify({ hub: HUB, plan, sites }),
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

/** What the panel shows for a released value (src/lab/query-panel/format.ts). */
export function shown(v: IReleased): string {
  if (v.suppressed || v.value === null) return v.lower === v.upper ? `${v.lower}` : `${v.lower}–${v.upper}`;
  return `${v.value}`;
}

/** The plan the panel shows ("Plan (JSON), as the sites receive it"). */
export async function panelPlan(panel: Locator): Promise<unknown> {
  return JSON.parse((await panel.locator('.jp-fedomop-plan-json').textContent()) ?? 'null');
}

export async function openPanel(page: IJupyterLabPageFixture, from: 'launcher' | 'menu' = 'launcher'): Promise<Locator> {
  if (from === 'launcher') await page.locator('.jp-LauncherCard', { hasText: 'Federated Query' }).click();
  else await page.menu.clickMenuItem('Federated>New Federated Query Panel');
  const panel = page.locator('.jp-fedomop-panel');
  await expect(panel).toBeVisible();
  await expect(panel.locator('.jp-fedomop-sites li')).toHaveCount(LIVE_SITES.length + 1);
  return panel;
}

export async function addConcept(panel: Locator, term: string, name: string): Promise<void> {
  await panel.getByLabel('Search concepts').fill(term);
  await panel.locator('.jp-fedomop-suggestion', { hasText: name }).first().click();
  await expect(panel.locator('.jp-fedomop-chip', { hasText: name })).toBeVisible();
}

export async function saveScreenshot(target: Locator, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await target.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}
