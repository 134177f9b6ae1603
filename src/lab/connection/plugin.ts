import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IFedomopAuth, IFedomopConnection } from '../tokens.js';
import { FedomopConnection } from './connection.js';

/** Owns the settings in schema/plugin.json, hence its id. */
export const connectionPlugin: JupyterFrontEndPlugin<IFedomopConnection> = {
  id: 'fedomop:plugin',
  description: 'Connects JupyterLab to the fedomop hub (through the Jupyter server or directly).',
  autoStart: true,
  provides: IFedomopConnection,
  optional: [ISettingRegistry, IFedomopAuth],
  activate: (app: JupyterFrontEnd, registry: ISettingRegistry | null, auth: IFedomopAuth | null): IFedomopConnection => {
    const connection = new FedomopConnection({
      serverSettings: app.serviceManager.serverSettings,
      // Every hub call carries the signed-in user's token (through the relay as X-Fedomop-Authorization).
      token: auth ? () => auth.getAccessToken() : undefined,
    });
    if (registry) {
      registry
        .load(connectionPlugin.id)
        .then((settings) => connection.useSettings(settings))
        .catch((err: unknown) => console.warn('fedomop: settings could not be loaded, using defaults', err));
    }
    return connection;
  },
};
