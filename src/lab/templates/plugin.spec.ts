/**
 * The templates plugin against a real Jupyter server (@jupyterlab/testing's JupyterServer: `jupyter-lab`
 * from .venv with fedomop's server extension, a fresh root folder): the launcher lists every shipped
 * template by its title, and choosing one asks for the cohort in a real Dialog, has the server write
 * the notebook, and opens it. The app is a Lumino CommandRegistry with the launcher and
 * `docmanager:open` recorded: only the JupyterLab shell is stood in for.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ILauncher } from '@jupyterlab/launcher';
import { ServerConnection } from '@jupyterlab/services';
import { acceptDialog, JupyterServer } from '@jupyterlab/testing';
import { CommandRegistry } from '@lumino/commands';
import { CommandIDs, TEMPLATES_CATEGORY } from '../commands.js';
import { templatesPlugin } from './plugin.js';

const ROOT = resolve(__dirname, '../../..');
const SHIPPED = join(ROOT, 'fedomop', 'templates');
// The server runs the venv's jupyter-lab (with fedomop's server extension installed by scripts/setup.sh).
process.env.PATH = `${join(ROOT, '.venv', 'bin')}:${process.env.PATH}`;

/** id -> title of each template fedomop ships, read from the notebooks themselves. */
function shippedTemplates(): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of readdirSync(SHIPPED).filter((f) => f.endsWith('.ipynb'))) {
    const nb = JSON.parse(readFileSync(join(SHIPPED, file), 'utf8'));
    out.set(file.replace(/\.ipynb$/, ''), nb.metadata.fedomop.template.title);
  }
  return out;
}

const server = new JupyterServer();

beforeAll(async () => {
  await server.start({
    configData: {
      // port 0: a free port (colleagues' servers run beside this one); root: CI containers run as root.
      // INFO, not less: JupyterServer finds the server's URL in its INFO lines.
      ServerApp: { port: 0, allow_root: true, jpserver_extensions: { fedomop: true }, log_level: 'INFO' },
      LabApp: { log_level: 'WARN' },
      Fedomop: { templates_dir: SHIPPED },
    },
  });
}, 120_000);

afterAll(async () => {
  await server.shutdown();
}, 30_000);

describe('templatesPlugin with a real Jupyter server', () => {
  const commands = new CommandRegistry();
  const launched: ILauncher.IItemOptions[] = [];
  const opened: unknown[] = [];
  const launcher = { add: (item: ILauncher.IItemOptions) => launched.push(item) } as unknown as ILauncher;

  beforeAll(async () => {
    commands.addCommand('docmanager:open', { execute: (args) => void opened.push(args) });
    const app = { commands } as unknown as JupyterFrontEnd;
    await templatesPlugin.activate(app, launcher, null, null, null, null);
  });

  it('puts one launcher card per shipped template in the fedomop category, labelled with its title', () => {
    const shipped = shippedTemplates();
    expect(shipped.size).toBeGreaterThan(0);
    expect(launched.map((i) => i.category)).toStrictEqual([...shipped.keys()].map(() => TEMPLATES_CATEGORY));
    const listed = new Map(launched.map((i) => [String(i.args?.template), commands.label(i.command, i.args)]));
    expect(listed).toStrictEqual(shipped);
  });

  it('choosing a template asks for the cohort, the server writes the notebook, and it opens', async () => {
    const template = String(launched[0].args?.template);
    const done = commands.execute(CommandIDs.newFromTemplate, { template });
    await acceptDialog(document.body, 5000); // "Create", with the only choice: the sample cohort
    await done;
    expect(opened).toHaveLength(1);
    const open = opened[0] as { path: string; factory: string; kernel: { name: string } };
    expect(open.factory).toBe('Notebook');
    expect(open.path).toMatch(/\.ipynb$/);
    // The notebook is really there, on the server, with the template's kernel.
    const settings = ServerConnection.makeSettings();
    const response = await ServerConnection.makeRequest(`${settings.baseUrl}api/contents/${open.path}`, {}, settings);
    expect(response.status).toBe(200);
    const model = (await response.json()) as { content: { metadata: { kernelspec?: { name: string } } } };
    expect(model.content.metadata.kernelspec?.name).toBe(open.kernel.name);
  });
});
