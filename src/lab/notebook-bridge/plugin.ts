import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, showErrorMessage } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions, type NotebookPanel } from '@jupyterlab/notebook';
import { CATEGORY, CommandIDs } from '../commands.js';
import { IFedomopConnection, IQueryPanels } from '../tokens.js';
import { KERNEL_NAME, notebookCellSource } from './cell-source.js';

/**
 * "Open in notebook": the current panel's query as a cell in the active TypeScript (fedomop-deno)
 * notebook, or in a new one, and runs it.
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
        if (!specs.specs?.kernelspecs[KERNEL_NAME]) {
          await showErrorMessage(
            'TypeScript kernel missing',
            `The "${KERNEL_NAME}" kernel is not installed for this Jupyter server. Run scripts/install-kernel.sh in the fedomop checkout, then try again.`,
          );
          return undefined;
        }
        const source = notebookCellSource(query, connection.kernelHubUrl);
        let panel = notebooks?.currentWidget ?? null;
        if (!panel || !usesFedomopKernel(panel)) {
          panel = (await app.commands.execute('notebook:create-new', { kernelName: KERNEL_NAME })) as NotebookPanel;
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

function usesFedomopKernel(panel: NotebookPanel): boolean {
  const name = panel.sessionContext.session?.kernel?.name ?? panel.sessionContext.kernelPreference.name;
  return name === KERNEL_NAME;
}
