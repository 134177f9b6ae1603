import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderFrame, showFrame } from './frame-view.js';
import { JUPYTER_DISPLAY } from './jupyter.js';

const df = {
  columns: ['site', 'persons', 'persons_lower', 'persons_upper'],
  values: [
    ['north', 12, 12, 12],
    ['south', NaN, 1, 4],
    ['<b>x</b>', 3, 3, 3],
  ],
};

test('a DataFrame renders as an HTML table, missing values as NaN, text escaped', () => {
  const bundle = renderFrame(df);
  const html = bundle['text/html'] as string;
  assert.match(html, /3 rows × 4 columns/);
  assert.match(html, /<tr><td>north<\/td><td class="num">12<\/td>/);
  assert.match(html, /<td>south<\/td><td class="num">NaN<\/td><td class="num">1<\/td><td class="num">4<\/td>/);
  assert.ok(!html.includes('<b>x'), 'site text is escaped');
  assert.match(bundle['text/plain'] as string, /^site\s+persons/);
});

test('showFrame gives the object Deno renders through Symbol.for("Jupyter.display")', () => {
  const shown = showFrame(df) as unknown as Record<symbol, () => Record<string, unknown>>;
  assert.equal(typeof shown[JUPYTER_DISPLAY], 'function');
  assert.ok(String(shown[JUPYTER_DISPLAY]()['text/html']).includes('fedomop-frame'));
});
