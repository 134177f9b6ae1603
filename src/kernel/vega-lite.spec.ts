import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JUPYTER_DISPLAY } from './jupyter.js';
import { VEGA_LITE_MIME, vegaLite } from './vega-lite.js';

test('a Vega-Lite chart displays as the v5 MIME bundle JupyterLab renders, with a text fallback', () => {
  const spec = { mark: 'bar', data: { values: [{ year: 2020, persons: 12 }] } };
  const bundle = vegaLite(spec, 'persons by year')[JUPYTER_DISPLAY]();
  assert.deepEqual(bundle[VEGA_LITE_MIME], spec);
  assert.equal(bundle['text/plain'], 'persons by year');
  assert.equal(VEGA_LITE_MIME, 'application/vnd.vegalite.v5+json');
});
