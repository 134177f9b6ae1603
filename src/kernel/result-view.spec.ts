import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchFromRows } from '../arrow/encode.js';
import { resultSchema, type ResultRow } from '../arrow/result-schema.js';
import { buildFederatedResult } from '../client/federated-result.js';
import type { QueryStatus } from '../client/types.js';
import { KernelResult } from './kernel-result.js';
import { renderProgress } from './progress.js';

const exact = (n: number) => ({ value: n, lower: n, upper: n, suppressed: false });
const schema = resultSchema({ kind: 'count' });
const row = (site: string, persons: ResultRow['measures']['persons']): ResultRow => ({
  site,
  dims: {},
  measures: { persons, events: exact(50) },
});

function result(sites: Record<string, ResultRow[]>, pooled: ResultRow[], status: Partial<QueryStatus> = {}) {
  const received = [
    ...Object.entries(sites).map(([site, rows]) => ({ site, rows, batch: batchFromRows(schema, rows) })),
    { site: 'pooled', rows: pooled, batch: batchFromRows(schema, pooled) },
  ];
  const full: QueryStatus = { id: 'q7', planHash: 'abcdef0123456789', state: 'done', createdAt: '', sites: {}, ...status };
  return new KernelResult(buildFederatedResult({ id: 'q7', planHash: 'abcdef0123456789' }, schema, received, full));
}

test('result view: withheld cells as intervals with a title, pooled row last and marked', () => {
  const r = result({ north: [row('north', { value: null, lower: 1, upper: 4, suppressed: true })] }, [row('pooled', exact(40))]);
  const bundle = displayOf(r);
  const html = bundle['text/html'];
  assert.match(html, /<span class="fedomop-suppressed" title="withheld by disclosure control[^"]*">1–4\*<\/span>/);
  assert.ok(html.indexOf('fedomop-pooled') > html.indexOf('>north<'));
  assert.match(html, /query q7 · plan abcdef012345 · 1 site answered/);
  assert.match(bundle['text/plain'], /north\s+1–4\*\s+50/);
  assert.match(bundle['text/plain'], /pooled\s+40\s+50/);
});

test('result view: text from the hub is escaped (site ids, error messages)', () => {
  const evil = '<img src=x onerror=alert(1)>';
  const r = result({ [evil]: [row(evil, exact(9))] }, [row('pooled', exact(9))], {
    sites: {
      south: { state: 'failed', error: { code: 'ERR_SITE_ERROR', message: `<script>alert("x")</script>`, site: 'south' } },
    },
  });
  const html = renderHtml(r);
  assert.ok(!html.includes('<img'), 'no raw tag from a site id');
  assert.ok(!html.includes('<script>'), 'no raw tag from an error message');
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
  assert.match(html, /<b>south<\/b>: <code>ERR_SITE_ERROR<\/code>/);
});

test('progress view: one row per site with its state, and a finished headline', () => {
  const bundle = renderProgress(
    'count query',
    {
      queryId: 'q7',
      done: true,
      sites: { north: { state: 'done', rows: 1, elapsedMs: 12 }, south: { state: 'timeout' } },
    },
    1234,
  );
  assert.match(String(bundle['text/plain']), /count query: finished in 1\.2 s/);
  assert.match(String(bundle['text/plain']), /north\s+done · 1 row · 12 ms/);
  assert.match(String(bundle['text/html']), /<td>south<\/td><td>timeout<\/td>/);
});

/** Called the way Deno's kernel calls it: through the registered symbol, not an import. */
function displayOf(r: KernelResult): Record<string, string> {
  return (r as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for('Jupyter.display')]();
}

function renderHtml(r: KernelResult): string {
  return displayOf(r)['text/html'];
}

test('result view: several pooled rows (one per attrition step) are set off once, not each', () => {
  const r = result({ north: [row('north', exact(30)), row('north', exact(20))] }, [
    row('pooled', exact(30)),
    row('pooled', exact(20)),
  ]);
  const html = displayOf(r)['text/html'];
  assert.equal(html.match(/class="fedomop-pooled"/g)?.length, 2, 'both pooled rows are marked');
  assert.equal(html.match(/border-top/g)?.length, 1, 'only the first draws the rule');
});

test('result view: the hub warnings about the plan are shown, escaped, in both views', () => {
  const base = result({ north: [row('north', exact(30))] }, [row('pooled', exact(30))]);
  const r = new KernelResult({
    ...base,
    warnings: [{ path: 'cohort.ConceptSets[1]', message: 'is empty <b>' }],
    toRows: () => base.toRows(),
  });
  const bundle = displayOf(r);
  assert.match(bundle['text/html'], /<code>cohort\.ConceptSets\[1\]<\/code>: is empty &lt;b&gt;/);
  assert.match(bundle['text/plain'], /warning: cohort\.ConceptSets\[1\]: is empty <b>/);
});
