import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, showErrorMessage } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions, type NotebookPanel } from '@jupyterlab/notebook';
import { CATEGORY, CommandIDs } from '../commands.js';
import { IFedomopConnection, IQueryPanels } from '../tokens.js';
import { KERNEL_NAME, notebookCellSource } from './cell-source.js';
import { pythonCellSource } from './python-cell-source.js';

/**
 * "Open in notebook": the current panel's query as a cell in the active notebook — TypeScript for a
 * fedomop-deno notebook, Python (fedomop.connect, pandas) for a Python one — or else in a new
 * fedomop-deno notebook, and runs it.
 */
export const notebookBridgePlugin: JupyterFrontEndPlugin<void> = {
  id: 'fedomop:notebook-bridge',
  description: 'Turns the federated query panel’s query into a notebook cell for the fedomop-deno kernel.',
  autoStart: true,
  requires: [IQueryPanels, IFedomopConnection],
  optional: [INotebookTracker, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    panels: IQueryPanels,
    connection: IFedomopConnection,
    notebooks: INotebookTracker | null,
    palette: ICommandPalette | null,
  ): void => {
    app.commands.addCommand(CommandIDs.openInNotebook, {
      label: 'Open Federated Query in Notebook',
      caption: 'Insert a cell that runs the current federated query with the fedomop kernel library',
      isEnabled: () => panels.current() !== null,
      execute: async () => {
        const query = panels.current();
        if (!query) return undefined;
        const specs = app.serviceManager.kernelspecs;
        await specs.ready;
        const current = notebooks?.currentWidget ?? null;
        let panel: NotebookPanel;
        let source: string;
        if (current && kernelLanguage(current, specs.specs?.kernelspecs ?? {}) === 'python') {
          // A Python notebook gets the query in Python, in place.
          [panel, source] = [current, pythonCellSource(query, connection.kernelHubUrl)];
        } else {
          if (!specs.specs?.kernelspecs[KERNEL_NAME]) {
            await showErrorMessage(
              'TypeScript kernel missing',
              `The "${KERNEL_NAME}" kernel is not installed for this Jupyter server. Run scripts/install-kernel.sh in the fedomop checkout, or open a Python notebook, then try again.`,
            );
            return undefined;
          }
          source = notebookCellSource(query, connection.kernelHubUrl);
          panel =
            current && kernelName(current) === KERNEL_NAME
              ? current
              : ((await app.commands.execute('notebook:create-new', { kernelName: KERNEL_NAME })) as NotebookPanel);
        }
        await panel.context.ready;
        await panel.sessionContext.ready;
        app.shell.activateById(panel.id);
        const notebook = panel.content;
        const active = notebook.activeCell;
        // A fresh notebook's single empty cell is reused rather than left above the query.
        if (!active || active.model.sharedModel.getSource().trim() !== '' || active.model.type !== 'code') {
          NotebookActions.insertBelow(notebook);
        }
        notebook.activeCell!.model.sharedModel.setSource(source);
        await NotebookActions.run(notebook, panel.sessionContext);
        return panel;
      },
    });
    panels.currentChanged.connect(() => app.commands.notifyCommandChanged(CommandIDs.openInNotebook));
    palette?.addItem({ command: CommandIDs.openInNotebook, category: CATEGORY });
  },
};

function kernelName(panel: NotebookPanel): string | undefined {
  return panel.sessionContext.session?.kernel?.name ?? panel.sessionContext.kernelPreference.name;
}

/** The active notebook's kernel language ("python", "typescript", ...), from its kernelspec. */
function kernelLanguage(
  panel: NotebookPanel,
  kernelspecs: Record<string, { language?: string } | undefined>,
): string | undefined {
  const name = kernelName(panel);
  return name ? kernelspecs[name]?.language?.toLowerCase() : undefined;
}
