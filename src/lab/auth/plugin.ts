import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { Signal } from '@lumino/signaling';
import { CATEGORY, CommandIDs } from '../commands.js';
import { requestServer } from '../request.js';
import { IFedomopAuth, type IServerConfig } from '../tokens.js';
import { FedomopAuth } from './model.js';
import { callbackUrl, resolveIdp, type IUserIdpSettings } from './settings.js';
import { AuthStatusItem } from './status-item.js';
import { TokenRelay } from './token-relay.js';

/** The settings of schema/plugin.json, which the connection plugin owns. */
const SETTINGS_ID = 'fedomop:plugin';

/**
 * Sign-in: the provider from the server's config (or the user's settings), the model, the token relay
 * to kernels, sign-in/out commands and the status bar item.
 */
export const authPlugin: JupyterFrontEndPlugin<IFedomopAuth> = {
  id: 'fedomop:auth',
  description: 'Sign-in with the OpenID Connect provider (Helmholtz AAI) and the token every hub call carries.',
  autoStart: true,
  provides: IFedomopAuth,
  optional: [ISettingRegistry, IStatusBar, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    registry: ISettingRegistry | null,
    statusBar: IStatusBar | null,
    palette: ICommandPalette | null,
  ): IFedomopAuth => {
    const serverSettings = app.serviceManager.serverSettings;
    const relay = new TokenRelay();
    const auth = new FedomopAuth({
      redirectUri: callbackUrl(window.location.origin, serverSettings.baseUrl),
      onToken: (record) => void relay.push(record),
    });
    void configure(auth, registry, serverSettings);

    app.commands.addCommand(CommandIDs.signIn, {
      label: 'Sign In to Federated Analysis',
      caption: 'Sign in with your identity provider (a popup), so the hub and sites know who asks',
      isEnabled: () => auth.enabled && !auth.user,
      execute: () => auth.signIn(),
    });
    app.commands.addCommand(CommandIDs.signOut, {
      label: 'Sign Out of Federated Analysis',
      isEnabled: () => !!auth.user,
      execute: () => auth.signOut(),
    });
    auth.signedIn.connect(() => app.commands.notifyCommandChanged());
    palette?.addItem({ command: CommandIDs.signIn, category: CATEGORY });
    palette?.addItem({ command: CommandIDs.signOut, category: CATEGORY });

    if (statusBar) {
      const item = new AuthStatusItem(auth);
      const activeChanged = new Signal<FedomopAuth, void>(auth);
      auth.signedIn.connect(() => activeChanged.emit());
      statusBar.registerStatusItem(authPlugin.id, {
        item,
        align: 'left',
        rank: 100,
        // Hidden where sign-in is not configured (an insecure demo hub): nothing to sign in to.
        isActive: () => auth.enabled,
        activeStateChanged: activeChanged,
      });
    }
    return auth;
  },
};

async function configure(
  auth: FedomopAuth,
  registry: ISettingRegistry | null,
  serverSettings: JupyterFrontEnd['serviceManager']['serverSettings'],
): Promise<void> {
  let server: IServerConfig | null = null;
  try {
    server = await requestServer<IServerConfig>('config', {}, serverSettings);
  } catch (err) {
    console.warn('fedomop: no server config; sign-in uses the user settings only', err);
  }
  let settings: ISettingRegistry.ISettings | null = null;
  try {
    settings = registry ? await registry.load(SETTINGS_ID) : null;
  } catch (err) {
    console.warn('fedomop: settings could not be loaded', err);
  }
  if (server?.session) {
    // Signed in by JupyterHub: no sign-in of our own (see FedomopAuth.useServerSession).
    const reread = async () => (await requestServer<IServerConfig>('config', {}, serverSettings)).session ?? null;
    auth.useServerSession(server.session, reread);
    return;
  }
  const apply = () => {
    const user = (settings?.composite.identityProvider ?? {}) as IUserIdpSettings;
    auth.configure(resolveIdp(server?.identityProvider, user));
  };
  settings?.changed.connect(apply);
  apply();
}
