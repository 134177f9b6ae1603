/** fedomop's JupyterLab plugins. */
import type { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { authPlugin } from './auth/plugin.js';
import { cohortDocumentPlugin } from './cohort-document/plugin.js';
import { conceptBrowserPlugin } from './concept-browser/plugin.js';
import { connectionPlugin } from './connection/plugin.js';
import { notebookBridgePlugin } from './notebook-bridge/plugin.js';
import { queryPanelPlugin } from './query-panel/plugin.js';
import { templatesPlugin } from './templates/plugin.js';

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  authPlugin,
  connectionPlugin,
  queryPanelPlugin,
  notebookBridgePlugin,
  templatesPlugin,
  cohortDocumentPlugin,
  conceptBrowserPlugin,
];

export default plugins;
