/**
 * `vegaLite(spec)`: a chart a notebook cell can end with. JupyterLab renders
 * `application/vnd.vegalite.v5+json` natively, so no plotting library travels into the kernel or the
 * browser bundle; the plain-text part is what a console or a notebook without the renderer shows.
 */
import { JUPYTER_DISPLAY, type MediaBundle } from './jupyter.js';

export const VEGA_LITE_MIME = 'application/vnd.vegalite.v5+json';

export function vegaLite(spec: Record<string, unknown>, text = 'Vega-Lite chart'): { [JUPYTER_DISPLAY](): MediaBundle } {
  return { [JUPYTER_DISPLAY]: () => ({ [VEGA_LITE_MIME]: spec, 'text/plain': text }) };
}
