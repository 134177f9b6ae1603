import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { chartFor, glmChart, histogramChart, kmChart, summaryChart, type ChartRow, type VegaLiteSpec } from './index.js';

/**
 * test/fixtures/charts/*.json hold a result's rows + metadata and the spec the chart must be. The
 * Python client (fedomop/charts.py) is checked against the same files (fedomop/tests/test_charts.py),
 * which keeps the two languages' charts equal. UPDATE_CHART_FIXTURES=1 rewrites the expected specs.
 */
const DIR = new URL('../../test/fixtures/charts/', import.meta.url);

interface Fixture {
  kind: string;
  rows: ChartRow[];
  metadata: Record<string, string>;
  spec?: VegaLiteSpec;
}

const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((name) => ({ name, url: new URL(name, DIR), fixture: JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as Fixture }));

for (const { name, url, fixture } of fixtures) {
  test(`chart fixture ${name}: the ${fixture.kind} chart is the pinned spec`, () => {
    const spec = chartFor(fixture.kind, fixture.rows, fixture.metadata);
    if (process.env.UPDATE_CHART_FIXTURES === '1') {
      writeFileSync(url, JSON.stringify({ ...fixture, spec }, null, 1) + '\n');
      return;
    }
    // Through JSON, as the spec travels: undefined members vanish there too.
    assert.deepEqual(JSON.parse(JSON.stringify(spec)), fixture.spec);
  });
}

const fixture = (name: string) => fixtures.find((f) => f.name === name)!.fixture;
type Layer = { mark: { type: string }; encoding: Record<string, Record<string, unknown>>; data?: { values: ChartRow[] } };
const layers = (spec: VegaLiteSpec) => (spec.layer ?? (spec.spec as VegaLiteSpec).layer) as Layer[];
const values = (spec: VegaLiteSpec) => (spec.data as { values: ChartRow[] }).values;

test('histogram: the pooled bins as bars from bin_lower to bin_upper (drawn as x_lower to x_upper), height persons', () => {
  const spec = histogramChart(fixture('histogram.json').rows);
  assert.ok(values(spec).every((v) => v.site === 'pooled'));
  assert.equal(values(spec).length, 8);
  const [bars] = layers(spec);
  assert.equal(bars.mark.type, 'bar');
  assert.equal(bars.encoding.x.field, 'x_lower');
  assert.equal(bars.encoding.x2.field, 'x_upper');
  assert.ok(values(spec).every((v) => v.x_lower === v.bin_lower && v.x_upper === v.bin_upper && v.open === null));
  assert.equal(bars.encoding.y.field, 'persons');
});

test('histogram per site: one panel per site; a withheld bin is an interval rule, not a zero bar', () => {
  const spec = histogramChart(fixture('histogram.json').rows, { show: 'sites' });
  assert.deepEqual((spec.facet as { row: { field: string } }).row.field, 'site');
  const withheld = values(spec).filter((v) => v.withheld === true);
  assert.ok(withheld.length >= 2, 'the fixture has withheld bins');
  assert.ok(withheld.every((v) => v.persons === null && v.persons_lower === 0 && v.persons_upper === 4));
  const [bars, rule] = layers(spec);
  assert.deepEqual((bars as unknown as { transform: unknown }).transform, [{ filter: 'datum.withheld === false' }]);
  assert.equal(rule.mark.type, 'rule');
  assert.equal(rule.encoding.y.field, 'persons_lower');
  assert.equal(rule.encoding.y2.field, 'persons_upper');
});

test('histogram with open bins: (−∞, e₀) and (e_m, ∞) drawn as wide as their closed neighbour, faded, labelled', () => {
  const spec = histogramChart(fixture('histogram-open.json').rows);
  const v = values(spec);
  assert.equal(v.length, 6);
  // Every bin has a drawn extent, the open ones included (a null bound is never drawn by Vega-Lite).
  assert.ok(v.every((r) => typeof r.x_lower === 'number' && typeof r.x_upper === 'number'));
  const below = v.find((r) => r.bin_lower === null)!;
  assert.deepEqual([below.x_lower, below.x_upper, below.open, below.open_label, below.persons], [40, 50, 'below', '< 50', 13]);
  const above = v.find((r) => r.bin_upper === null)!;
  // The edge carries float dust (90.00000000000001): the label does not.
  assert.deepEqual([above.x_lower, above.open, above.open_label, above.withheld], [90.00000000000001, 'above', '> 90', true]);
  assert.equal(above.x_upper, 90.00000000000001 + (90.00000000000001 - 80));
  assert.ok(v.filter((r) => r.bin_lower !== null && r.bin_upper !== null).every((r) => r.open === null && r.open_label === null));
  const [bars, rule, marker] = layers(spec);
  assert.deepEqual([bars.encoding.x.field, bars.encoding.x2.field], ['x_lower', 'x_upper']);
  assert.deepEqual(bars.encoding.opacity, { condition: { test: 'datum.open !== null', value: 0.45 }, value: 1 });
  // A withheld open bin: its interval rule sits mid-bin, on the drawn extent, not on a null bound.
  assert.equal(rule.encoding.x.field, 'x_mid');
  assert.equal(marker.mark.type, 'text');
  assert.equal(marker.encoding.text.field, 'open_label');
  assert.deepEqual((marker as unknown as { transform: unknown[] }).transform[0], { filter: 'datum.open !== null' });
});

test('histogram open bins per site: every site’s open bins drawn; without a closed bin the width is 1', () => {
  const spec = histogramChart(fixture('histogram-open.json').rows, { show: 'sites' });
  const open = values(spec).filter((r) => r.open !== null);
  assert.deepEqual(
    open.map((r) => [r.site, r.open_label, r.x_lower]),
    [
      ['north', '< 50', 40],
      ['north', '> 90', 90.00000000000001],
      ['south', '< 50', 40],
      ['south', '> 90', 90.00000000000001],
    ],
  );
  const lone: ChartRow[] = [
    { site: 'pooled', variable: 'x', bin_lower: null, bin_upper: 2.5, persons: 7 },
    { site: 'pooled', variable: 'x', bin_lower: 2.5, bin_upper: null, persons: 9 },
  ];
  assert.deepEqual(
    values(histogramChart(lone)).map((r) => [r.x_lower, r.x_upper, r.open_label]),
    [
      [1.5, 2.5, '< 2.5'],
      [2.5, 3.5, '> 2.5'],
    ],
  );
});

test('km: a step line per stratum starting at (0, 1), a CI band, the median marked, log-rank p shown', () => {
  const { rows, metadata } = fixture('km.json');
  const spec = kmChart(rows, metadata);
  const points = values(spec);
  for (const stratum of ['FEMALE', 'MALE']) {
    const curve = points.filter((p) => p.stratum === stratum);
    assert.deepEqual([curve[0].time, curve[0].survival], [0, 1]);
    assert.equal(curve.length, 7);
  }
  const [band, line, median] = layers(spec);
  assert.equal(band.mark.type, 'area');
  assert.equal((band.mark as unknown as { interpolate: string }).interpolate, 'step-after');
  assert.deepEqual([band.encoding.y.field, band.encoding.y2.field], ['ci_lower', 'ci_upper']);
  assert.equal(line.encoding.y.field, 'survival');
  assert.equal(line.encoding.color.field, 'stratum');
  // FEMALE's median was not reached: only MALE's is marked.
  assert.deepEqual(median.data?.values, [{ stratum: 'MALE', median: 120, half: 0.5 }]);
  assert.equal((spec.title as { subtitle: string }).subtitle, 'log-rank p = 0.0128 (df 1)');
});

test('km without strata: one curve named "all", no log-rank line', () => {
  const rows: ChartRow[] = [
    { site: 'pooled', stratum: null, time: 0, survival: 0.99, ci_lower: 0.97, ci_upper: 1 },
    { site: 'pooled', stratum: null, time: 30, survival: 0.9, ci_lower: 0.85, ci_upper: 0.95 },
  ];
  const spec = kmChart(rows, { 'fedomop.km': JSON.stringify({ binDays: 30, logrank: null, median: {} }) });
  assert.deepEqual(
    values(spec).map((p) => [p.stratum, p.time, p.survival]),
    [
      ['all', 0, 0.99],
      ['all', 30, 0.9],
    ],
  );
  assert.equal(spec.title, 'Kaplan–Meier survival (pooled)');
  assert.equal(layers(spec).length, 2);
});

test('glm binomial: odds ratios (exp of estimate and CI) on a log axis, reference at 1, no intercept', () => {
  const { rows, metadata } = fixture('glm.json');
  const spec = glmChart(rows, metadata);
  const v = values(spec);
  assert.deepEqual(
    v.map((r) => r.term),
    ['age', 'genderMALE', 'psa'],
  );
  const age = rows.find((r) => r.term === 'age')!;
  assert.equal(v[0].estimate, Math.exp(age.estimate as number));
  assert.equal(v[0].ci_lower, Math.exp(age.ci_lower as number));
  const [ref, ci, point] = layers(spec);
  assert.deepEqual(ref.encoding.x, { datum: 1 });
  assert.deepEqual(point.encoding.x.scale, { type: 'log' });
  assert.deepEqual([ci.encoding.x.field, ci.encoding.x2.field], ['ci_lower', 'ci_upper']);
  assert.match(JSON.stringify(spec.title), /odds ratio/);
});

test('glm gaussian: coefficients as they are, linear axis, reference at 0', () => {
  const { rows, metadata } = fixture('glm-gaussian.json');
  const spec = glmChart(rows, metadata);
  const age = rows.find((r) => r.term === 'age')!;
  assert.equal(values(spec)[0].estimate, age.estimate);
  const [ref, , point] = layers(spec);
  assert.deepEqual(ref.encoding.x, { datum: 0 });
  assert.deepEqual(point.encoding.x.scale, { zero: false });
});

test('summary: p05–p95 rule, p25–p75 bar, median tick per variable and site — never min or max', () => {
  const spec = summaryChart(fixture('summary.json').rows);
  const v = values(spec);
  assert.deepEqual([...new Set(v.map((r) => r.variable))], ['age', 'psa']);
  assert.deepEqual([...new Set(v.map((r) => r.site))], ['north', 'south', 'pooled']);
  assert.ok(!/"(min|max)"/.test(JSON.stringify(spec)), 'no min or max anywhere in the spec');
  const [whisker, box, median] = layers(spec);
  assert.deepEqual([whisker.encoding.x.field, whisker.encoding.x2.field], ['p05', 'p95']);
  assert.deepEqual([box.encoding.x.field, box.encoding.x2.field], ['p25', 'p75']);
  assert.equal(median.encoding.x.field, 'median');
  assert.deepEqual(spec.resolve, { scale: { x: 'independent' } });
});

test('summary of categorical variables only: persons per level', () => {
  const rows = fixture('summary.json').rows.filter((r) => r.level !== null);
  const spec = summaryChart(rows);
  assert.deepEqual(
    values(spec).map((r) => [r.site, r.level, r.n]),
    [
      ['north', 'MALE', 400],
      ['south', 'MALE', 400],
      ['pooled', 'MALE', 400],
    ],
  );
});

test('count and attrition have no chart', () => {
  assert.equal(chartFor('count', []), undefined);
  assert.equal(chartFor('attrition', []), undefined);
});

test('summary by a group: rows read "site · level"; withheld quantiles stay null (no mark), the mean does not stand in', () => {
  const spec = summaryChart(fixture('summary-by.json').rows);
  const v = values(spec);
  assert.deepEqual(
    v.map((r) => r.site),
    ['north · FEMALE', 'north · MALE', 'pooled · FEMALE', 'pooled · MALE'],
  );
  assert.deepEqual(
    v.map((r) => r.median),
    [null, null, null, 63],
  );
  assert.equal(layers(spec)[2].encoding.x.field, 'median');
});
