/**
 * Statistics in the panel and in notebooks (issue 12): the panel runs a Kaplan–Meier by gender and a
 * logistic GLM on a lung cancer cohort and draws both charts with JupyterLab's own Vega-Lite renderer;
 * then a TypeScript (Deno) and a Python notebook run the same two analyses through the hub. Every
 * chart is checked in the page (SVG: the KM step lines and their CI bands, the forest plot's points
 * and intervals, the log-rank p in the subtitle), every table for its pooled rows, and the numbers
 * against the panel's. Screenshots light and dark; in dark the charts' text must be light on dark.
 *
 * How numbers are compared. Both kernels decode the hub's float64 columns, so their full-precision
 * figures (printed by a last cell) must be identical — the hub sums the sites' contributions in a
 * fixed site order, so a rerun of the same plan gives the same bits. The panel shows 4 significant
 * digits (src/charts/columns.ts), so its text must equal the notebooks' values written the same way,
 * and the TypeScript table (same formatter) must equal the panel's text exactly. pandas' table shows
 * 6 decimals, so it must lie within that display rounding of the full value.
 */
import { expect, test, type IJupyterLabPageFixture } from '@jupyterlab/galata';
import type { Locator, TestInfo } from '@playwright/test';
import { DEAD_SITE, LIVE_SITES, addConcept, openPanel, panelPlan, saveScreenshot } from './helpers';

// Tall enough for a notebook's KM table (20 rows) and its chart in one screenshot.
test.use({ autoGoto: true, viewport: { width: 1280, height: 1800 } });
// Two panel runs, two kernels with two analyses each (the first Deno start compiles the library),
// three theme switches.
test.setTimeout(300_000);

// Vega's own SVG (class marks), not the icon of its actions menu.
const SVG = '.jp-RenderedVegaCommon5 svg.marks';

type Row = Record<string, string>;
interface Figures {
  km: [string, number, number | null, number | null, number | null][];
  logrank: { statistic: number; df: number; p_value: number } | null;
  glm: [string, number, number][];
}

/** A table's body rows as {column: text}: pandas' and the panel's alike (thead th, tbody td). */
async function tableRows(table: Locator): Promise<Row[]> {
  return table.evaluate((t) => {
    const columns = [...t.querySelectorAll('thead tr:last-child th')].map((c) => (c.textContent ?? '').trim());
    return [...t.querySelectorAll('tbody tr')].map((tr) => {
      const cells = [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim());
      return Object.fromEntries(columns.map((c, i) => [c, cells[i]]));
    });
  });
}

const pooled = (rows: Row[]) => rows.filter((r) => r.site === 'pooled');
const kmKey = (r: { stratum: string; time: string | number }) => `${r.stratum} @ ${Number(r.time)}`;

/** What the panel (and the TypeScript table) shows for a number: src/charts/columns.ts formatNumber. */
function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** The chart subtitle's p (src/charts/km.ts formatP). */
function formatP(p: number): string {
  return p < 1e-4 ? '< 0.0001' : Number(p.toPrecision(3)).toString();
}

/** pandas' table shows 6 decimals (or 6 significant digits in e-notation): within that rounding. */
function withinPandasRounding(text: string, value: number): boolean {
  const shown = Number(text);
  return Number.isFinite(shown) && Math.abs(shown - value) <= 5e-7 + 5e-6 * Math.abs(value);
}

interface ChartFacts {
  marks: Record<string, string[]>;
  texts: { text: string; luminance: number }[];
  background: number | null;
  /** The SVG's opening, for a failure message. */
  head: string;
}

/** What the SVG of the first Vega chart in `scope` holds: mark paths by role, texts with their colour. */
async function chartFacts(scope: Locator): Promise<ChartFacts> {
  const svg = scope.locator(SVG).first();
  await expect(svg).toBeVisible({ timeout: 60_000 });
  return svg.evaluate((el) => {
    /** Relative luminance (0 black … 1 white) of a CSS colour; null when it is transparent. */
    const luminance = (color: string): number | null => {
      const probe = document.createElement('span');
      probe.style.color = color;
      document.body.appendChild(probe);
      const rgba = getComputedStyle(probe)
        .color.match(/[\d.]+/g)!
        .map(Number);
      probe.remove();
      if (rgba.length === 4 && rgba[3] === 0) return null;
      return (0.2126 * rgba[0] + 0.7152 * rgba[1] + 0.0722 * rgba[2]) / 255;
    };
    const marks: Record<string, string[]> = {};
    for (const kind of ['line', 'area', 'symbol', 'rule']) {
      marks[kind] = [...el.querySelectorAll(`g.mark-${kind}.role-mark path, g.mark-${kind}.role-mark line`)].map(
        (p) => p.getAttribute('d') ?? `${p.getAttribute('x2')},${p.getAttribute('y2')}`,
      );
    }
    const texts = [...el.querySelectorAll('text')]
      .filter((t) => (t.textContent ?? '').trim() !== '')
      .map((t) => ({ text: (t.textContent ?? '').trim(), luminance: luminance(getComputedStyle(t).fill) ?? 0 }));
    // Vega paints its background on the SVG element itself or on a background rect, by theme and version.
    const rect = el.querySelector('rect.background, :scope > rect');
    const painted = [getComputedStyle(el).backgroundColor, rect ? getComputedStyle(rect).fill : 'transparent'];
    const background = painted.map((c) => (c && c !== 'none' ? luminance(c) : null)).find((l) => l !== null) ?? null;
    return { marks, texts, background, head: el.outerHTML.slice(0, 600) };
  });
}

/** The points of an SVG path (absolute M/L/H/V/Z, as Vega writes them). */
function pathPoints(d: string): [number, number][] {
  const points: [number, number][] = [];
  let [x, y] = [0, 0];
  for (const [, cmd, args] of d.matchAll(/([MLHVZ])([^MLHVZ]*)/gi)) {
    const n = (args.match(/-?[\d.]+(?:e-?\d+)?/gi) ?? []).map(Number);
    const c = cmd.toUpperCase();
    if (c === 'H') for (const v of n) points.push([(x = v), y]);
    else if (c === 'V') for (const v of n) points.push([x, (y = v)]);
    else if (c === 'M' || c === 'L') for (let i = 0; i + 1 < n.length; i += 2) points.push([(x = n[i]), (y = n[i + 1])]);
  }
  return points;
}

/** A Kaplan–Meier chart: one step line and one CI band per stratum, strata in the legend, log-rank p. */
function expectKmChart(facts: ChartFacts, strata: string[], logrank: string): void {
  expect(facts.marks.line, 'one survival line per stratum').toHaveLength(strata.length);
  for (const d of facts.marks.line) {
    const pts = pathPoints(d);
    expect(pts.length, `a line with steps: ${d}`).toBeGreaterThanOrEqual(3);
    // A step line: every segment is horizontal or vertical.
    for (let i = 1; i < pts.length; i++)
      expect(pts[i][0] === pts[i - 1][0] || pts[i][1] === pts[i - 1][1], `segment ${i} of ${d} is a step`).toBe(true);
  }
  expect(facts.marks.area, 'one CI band per stratum').toHaveLength(strata.length);
  for (const d of facts.marks.area) expect(pathPoints(d).length).toBeGreaterThanOrEqual(4);
  const texts = facts.texts.map((t) => t.text);
  for (const s of strata) expect(texts).toContain(s);
  expect(texts).toContain(logrank);
}

/** A forest plot: one point and one CI rule per term (no intercept), the reference rule, term labels. */
function expectForestPlot(facts: ChartFacts, terms: string[]): void {
  expect(facts.marks.symbol, 'one point per term').toHaveLength(terms.length);
  expect(facts.marks.rule.length, 'a CI rule per term and the reference at 1').toBe(terms.length + 1);
  const texts = facts.texts.map((t) => t.text);
  for (const t of terms) expect(texts).toContain(t);
  expect(texts.some((t) => t.startsWith('odds ratio'))).toBe(true);
}

/** Light theme: dark text; dark theme: light text on a dark background (JupyterLab passes theme 'dark'). */
function expectReadable(facts: ChartFacts, theme: 'light' | 'dark', what: string): void {
  const labels = facts.texts.map((t) => t.luminance);
  expect(labels.length, what).toBeGreaterThan(0);
  if (theme === 'dark') {
    expect(Math.min(...labels), `${what}: every text light in dark`).toBeGreaterThan(0.6);
    expect(facts.background, `${what}: a painted background in ${facts.head}`).not.toBeNull();
    expect(facts.background!, `${what}: dark background`).toBeLessThan(0.3);
  } else {
    expect(Math.max(...labels), `${what}: every text dark in light`).toBeLessThan(0.4);
  }
}

async function runPanel(panel: Locator, label: string, before?: () => Promise<void>): Promise<void> {
  await panel.getByLabel(label, { exact: true }).check();
  await before?.();
  await panel.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(panel.locator('.jp-fedomop-results[data-phase="done"]')).toBeVisible({ timeout: 120_000 });
  await expect(panel.locator('.jp-fedomop-chart[data-ready="true"]').locator(SVG)).toBeVisible({ timeout: 60_000 });
}

/** The panel's chart once it was drawn (again) under the given theme. */
async function panelChart(panel: Locator, theme: 'light' | 'dark'): Promise<Locator> {
  const chart = panel.locator(`.jp-fedomop-chart [data-theme-light="${theme === 'light'}"]`);
  await expect(chart.locator(SVG.split(' ').pop()!)).toBeVisible({ timeout: 30_000 });
  return chart.locator('..');
}

/** Opens a document through JupyterLab's own command (the file browser's listing may lag an upload). */
async function openByCommand(page: IJupyterLabPageFixture, path: string): Promise<void> {
  await page.evaluate(async (p) => {
    await (
      window as unknown as { jupyterapp: { commands: { execute(id: string, args: unknown): Promise<unknown> } } }
    ).jupyterapp.commands.execute('docmanager:open', { path: p });
  }, path);
  const name = path.split('/').pop()!;
  await expect(page.locator('.jp-mod-current[role="tab"]')).toContainText(name);
  await expect(page.locator('.jp-NotebookPanel:visible .jp-Cell').first()).toBeVisible();
}

const KERNELS = {
  typescript: { name: 'fedomop-deno', display_name: 'TypeScript (fedomop)', language: 'typescript' },
  python: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
};

/**
 * Writes a notebook of the given code cells into the test's folder and opens it (its kernel starts from
 * the kernelspec in its metadata). Uploaded rather than typed: galata types a cell key by key, and the
 * plans alone are thousands of characters.
 */
async function openNotebook(
  page: IJupyterLabPageFixture,
  tmpPath: string,
  name: string,
  kernel: keyof typeof KERNELS,
  sources: string[],
): Promise<Locator[]> {
  const cells = sources.map((source, i) => ({
    cell_type: 'code',
    id: `cell-${i}`,
    metadata: {},
    source,
    outputs: [],
    execution_count: null,
  }));
  const nb = { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: KERNELS[kernel] }, cells };
  await page.contents.uploadContent(JSON.stringify(nb), 'text', `${tmpPath}/${name}`);
  await openByCommand(page, `${tmpPath}/${name}`);
  const located = page.locator('.jp-NotebookPanel:visible .jp-Cell');
  await expect(located).toHaveCount(sources.length);
  return sources.map((_, i) => located.nth(i));
}

async function runAll(page: IJupyterLabPageFixture, cells: Locator[]): Promise<void> {
  for (let i = 0; i < cells.length; i++) {
    await page.notebook.runCell(i);
    await expect(cells[i].locator('.jp-OutputArea-output').first()).toBeVisible({ timeout: 120_000 });
  }
}

/** The figures a notebook printed as JSON text (the last cell). */
async function figuresOf(cell: Locator): Promise<Figures> {
  const out = cell.locator('.jp-OutputArea-output pre').first();
  await expect(out).toContainText('"logrank"', { timeout: 60_000 });
  return JSON.parse((await out.textContent())!.trim()) as Figures;
}

/** Saves, closes and reopens a notebook, so its outputs are drawn again under the current theme. */
async function redraw(page: IJupyterLabPageFixture, tmpPath: string, name: string): Promise<Locator> {
  await page.notebook.activate(name);
  await page.notebook.save();
  await page.notebook.close();
  await openByCommand(page, `${tmpPath}/${name}`);
  return page.locator('.jp-NotebookPanel:visible .jp-Cell');
}

async function shoot(target: Locator, testInfo: TestInfo, name: string): Promise<void> {
  await saveScreenshot(target, testInfo, name);
}

test('statistics: KM by gender and a logistic GLM in the panel, and the same in TypeScript and Python notebooks', async ({
  page,
  tmpPath,
}, testInfo) => {
  const panel = await openPanel(page);
  await addConcept(panel, 'lung', 'Malignant tumor of lung');
  await panel.locator(`li[data-site="${DEAD_SITE}"] input[type="checkbox"]`).uncheck();
  // The KM runs on central and north: south's strata hold 5–9 deaths each, and a grid on which every
  // site's bin holds 0 or >= k events can then only be one bin over the whole follow-up (a single
  // step). Without south the agreed grid has steps to check. The GLM runs on all three.
  const kmSites = ['central', 'north'];
  const southBox = panel.locator('li[data-site="south"] input[type="checkbox"]');
  await southBox.uncheck();
  const results = panel.locator('.jp-fedomop-results');
  const statsTable = panel.locator('table.jp-fedomop-stats-table');

  // Kaplan–Meier by gender: the form's defaults (survival to death up to 5 years, strata gender, 30-day bins).
  await runPanel(panel, 'Survival (Kaplan–Meier)');
  const kmPlan = (await panelPlan(panel)) as { cohort: unknown; analysis: Record<string, unknown> };
  expect(kmPlan.analysis).toMatchObject({ kind: 'km', time: 'survival', strata: 'gender', binDays: 30 });
  const panelKm = pooled(await tableRows(statsTable));
  const strata = [...new Set(panelKm.map((r) => r.stratum))].sort();
  expect(strata).toEqual(['FEMALE', 'MALE']);
  const kmFacts = await chartFacts(await panelChart(panel, 'light'));
  const logrankText = kmFacts.texts.map((t) => t.text).find((t) => t.startsWith('log-rank p = '));
  expect(logrankText, 'the panel chart names the log-rank p').toBeDefined();
  expectKmChart(kmFacts, strata, logrankText!);
  expectReadable(kmFacts, 'light', 'panel KM');
  await shoot(results, testInfo, 'panel-km-by-gender');
  // Dark: the panel draws its chart again under the dark theme.
  await page.theme.setDarkTheme();
  const kmDark = await chartFacts(await panelChart(panel, 'dark'));
  expectKmChart(kmDark, strata, logrankText!);
  expectReadable(kmDark, 'dark', 'panel KM (dark)');
  await shoot(results, testInfo, 'panel-km-by-gender-dark');

  // Logistic regression (still dark): death within a year on age and gender; fit on the sites that pass the rules.
  await southBox.check();
  await runPanel(panel, 'Regression (GLM)', () => panel.getByLabel('fit on the other sites if one refuses').check());
  const glmPlan = (await panelPlan(panel)) as { cohort: unknown; analysis: Record<string, unknown> };
  expect(glmPlan.analysis).toMatchObject({ kind: 'glm', family: 'binomial' });
  const panelGlm = Object.fromEntries(pooled(await tableRows(statsTable)).map((r) => [r.term, r.estimate]));
  expect(Object.keys(panelGlm)).toContain('age');
  const terms = Object.keys(panelGlm).filter((t) => !/intercept/i.test(t));
  const glmDark = await chartFacts(await panelChart(panel, 'dark'));
  expectForestPlot(glmDark, terms);
  expectReadable(glmDark, 'dark', 'panel GLM (dark)');
  await shoot(results, testInfo, 'panel-logistic-glm-dark');
  await page.theme.setLightTheme();
  const glmLight = await chartFacts(await panelChart(panel, 'light'));
  expectForestPlot(glmLight, terms);
  expectReadable(glmLight, 'light', 'panel GLM');
  await shoot(results, testInfo, 'panel-logistic-glm');

  const [kmSitesJson, glmSitesJson] = [JSON.stringify(kmSites), JSON.stringify(LIVE_SITES)];
  // TypeScript (Deno): fed.km and fed.glm with the panel's plans and sites; then the figures in full.
  const ts = await openNotebook(page, tmpPath, 'stats-typescript.ipynb', 'typescript', [
    [
      'import { connect } from "fedomop";',
      'const fed = await connect();',
      `const kmPlan = ${JSON.stringify(kmPlan)};`,
      `const glmPlan = ${JSON.stringify(glmPlan)};`,
      `const kmSites = ${kmSitesJson};`,
      `const glmSites = ${glmSitesJson};`,
      '"ready"',
    ].join('\n'),
    [
      'const { kind: _k, ...kmOptions } = kmPlan.analysis;',
      'const km = await fed.km(kmPlan.cohort, kmOptions, { sites: kmSites });',
      'km',
    ].join('\n'),
    [
      'const { kind: _g, ...glmOptions } = glmPlan.analysis;',
      'const fit = await fed.glm(glmPlan.cohort, glmOptions, { sites: glmSites });',
      'fit',
    ].join('\n'),
    [
      'const pooledOf = (r) => r.toRows().filter((row) => row.site === "pooled");',
      'const figures = JSON.stringify({',
      '  km: pooledOf(km).map((r) => [r.stratum, r.time, r.survival, r.ci_lower, r.ci_upper]),',
      '  logrank: km.meta().logrank,',
      '  glm: pooledOf(fit).map((r) => [r.term, r.estimate, r.std_error]),',
      '});',
      '({ [Symbol.for("Jupyter.display")]: () => ({ "text/plain": figures }) })',
    ].join('\n'),
  ]);
  await runAll(page, ts);
  const tsFigures = await figuresOf(ts[3]);

  // The TypeScript tables: the pooled curve and the pooled terms, as the panel shows them.
  const tsKm = pooled(await tableRows(ts[1].locator('.fedomop-result table')));
  expect(Object.fromEntries(tsKm.map((r) => [kmKey(r), r.survival]))).toEqual(
    Object.fromEntries(panelKm.map((r) => [kmKey(r), r.survival])),
  );
  const tsGlm = pooled(await tableRows(ts[2].locator('.fedomop-result table')));
  expect(Object.fromEntries(tsGlm.map((r) => [r.term, r.estimate]))).toEqual(panelGlm);
  expectKmChart(await chartFacts(ts[1]), strata, logrankText!);
  expectForestPlot(await chartFacts(ts[2]), terms);
  expectReadable(await chartFacts(ts[1]), 'light', 'TypeScript KM');
  // The panel's numbers are the kernel's, written to 4 significant digits.
  expect(
    Object.fromEntries(
      tsFigures.km.map(([s, t, surv]) => [kmKey({ stratum: s, time: t }), surv === null ? '' : formatNumber(surv)]),
    ),
  ).toEqual(Object.fromEntries(panelKm.map((r) => [kmKey(r), r.survival])));
  expect(`log-rank p = ${formatP(tsFigures.logrank!.p_value)} (df ${tsFigures.logrank!.df})`).toBe(logrankText);
  expect(Object.fromEntries(tsFigures.glm.map(([t, e]) => [t, formatNumber(e)]))).toEqual(panelGlm);
  await shoot(ts[1].locator('.jp-OutputArea'), testInfo, 'notebook-typescript-km');
  await shoot(ts[2].locator('.jp-OutputArea'), testInfo, 'notebook-typescript-glm');

  // Python: hub.km and hub.glm, pandas frames shown as their tables and the same charts.
  const py = await openNotebook(page, tmpPath, 'stats-python.ipynb', 'python', [
    [
      'import json, math, fedomop',
      'hub = fedomop.connect()',
      `km_plan = json.loads(${JSON.stringify(JSON.stringify(kmPlan))})`,
      `glm_plan = json.loads(${JSON.stringify(JSON.stringify(glmPlan))})`,
      `km_sites = ${kmSitesJson}`,
      `glm_sites = ${glmSitesJson}`,
      '"ready"',
    ].join('\n'),
    [
      'a = km_plan["analysis"]',
      'km = hub.km(km_plan["cohort"], a["variables"], time=a["time"], strata=a.get("strata"),',
      '            bin_days=a.get("binDays"), sites=km_sites)',
      'km',
    ].join('\n'),
    [
      'g = glm_plan["analysis"]',
      'fit = hub.glm(glm_plan["cohort"], g["variables"], family=g["family"], outcome=g["outcome"],',
      '              covariates=g["covariates"], on_refusal=g.get("onRefusal"), sites=glm_sites)',
      'fit',
    ].join('\n'),
    [
      'def plain(v):',
      '    return None if isinstance(v, float) and not math.isfinite(v) else v',
      'def pooled_of(r):',
      '    return [x for x in r.result.table.to_pylist() if x["site"] == "pooled"]',
      'print(json.dumps({',
      '    "km": [[r["stratum"], r["time"], plain(r["survival"]), plain(r["ci_lower"]), plain(r["ci_upper"])] for r in pooled_of(km)],',
      '    "logrank": km.meta["logrank"],',
      '    "glm": [[r["term"], r["estimate"], r["std_error"]] for r in pooled_of(fit)],',
      '}))',
    ].join('\n'),
  ]);
  await runAll(page, py);
  const pyFigures = await figuresOf(py[3]);
  // Both kernels decode the same float64 columns from the hub: the same numbers, bit for bit.
  expect(pyFigures).toEqual(tsFigures);
  // The figures in the test log, for the report (docs/statistics-clients.md).
  const last = (stratum: string) => tsFigures.km.filter((r) => r[0] === stratum).pop()!;
  console.log(
    `fedomop UI statistics: KM ${strata.map((st) => `${st} ${tsFigures.km.filter((r) => r[0] === st).length} bins, S(${last(st)[1]}) = ${last(st)[2]}`).join('; ')}; ` +
      `log-rank statistic ${tsFigures.logrank?.statistic} p ${tsFigures.logrank?.p_value}; GLM ${tsFigures.glm.map(([t, e, se]) => `${t} ${e} (se ${se})`).join(', ')}`,
  );

  const pyKm = pooled(await tableRows(py[1].locator('.fedomop-result table.dataframe')));
  expect(pyKm.map(kmKey).sort()).toEqual(panelKm.map(kmKey).sort());
  const fullKm = new Map(tsFigures.km.map(([s, t, surv]) => [kmKey({ stratum: s, time: t }), surv]));
  for (const r of pyKm) {
    const full = fullKm.get(kmKey(r));
    if (full === null || full === undefined) expect(r.survival, kmKey(r)).toBe('');
    else expect(withinPandasRounding(r.survival, full), `${kmKey(r)}: ${r.survival} vs ${full}`).toBe(true);
  }
  const pyGlm = pooled(await tableRows(py[2].locator('.fedomop-result table.dataframe')));
  expect(pyGlm.map((r) => r.term).sort()).toEqual(Object.keys(panelGlm).sort());
  const fullGlm = new Map(tsFigures.glm.map(([t, e]) => [t, e]));
  for (const r of pyGlm) expect(withinPandasRounding(r.estimate, fullGlm.get(r.term)!), `${r.term}: ${r.estimate}`).toBe(true);
  expectKmChart(await chartFacts(py[1]), strata, logrankText!);
  expectForestPlot(await chartFacts(py[2]), terms);
  await shoot(py[1].locator('.jp-OutputArea'), testInfo, 'notebook-python-km');
  await shoot(py[2].locator('.jp-OutputArea'), testInfo, 'notebook-python-glm');

  // Dark: both notebooks drawn again (closed and reopened) under the dark theme.
  await page.theme.setDarkTheme();
  for (const [name, label] of [
    ['stats-python.ipynb', 'python'],
    ['stats-typescript.ipynb', 'typescript'],
  ]) {
    const cells = await redraw(page, tmpPath, name);
    const kmFactsDark = await chartFacts(cells.nth(1));
    expectKmChart(kmFactsDark, strata, logrankText!);
    expectReadable(kmFactsDark, 'dark', `${label} KM (dark)`);
    const glmFactsDark = await chartFacts(cells.nth(2));
    expectForestPlot(glmFactsDark, terms);
    expectReadable(glmFactsDark, 'dark', `${label} GLM (dark)`);
    await shoot(cells.nth(1).locator('.jp-OutputArea'), testInfo, `notebook-${label}-km-dark`);
    await shoot(cells.nth(2).locator('.jp-OutputArea'), testInfo, `notebook-${label}-glm-dark`);
  }
});
