/**
 * A cell into the active notebook, in its kernel's language (Python, or TypeScript for the
 * fedomop-deno kernel), run at once; without a suitable notebook, a new fedomop-deno notebook next
 * to the cohort file. The same placement the query panel's "Open in notebook" uses.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { NotebookActions, type INotebookTracker, type NotebookPanel } from '@jupyterlab/notebook';
import { KERNEL_NAME } from '../notebook-bridge/cell-source.js';

export interface ICellChoice {
  /** Source for a TypeScript (fedomop-deno) notebook at that path. */
  typescript: (notebookPath: string) => string;
  python: (notebookPath: string) => string;
  /** Where a new notebook goes when none is open. */
  newNotebookDir: string;
}

export async function insertCellAndRun(
  app: JupyterFrontEnd,
  notebooks: INotebookTracker | null,
  choice: ICellChoice,
): Promise<NotebookPanel> {
  const specs = app.serviceManager.kernelspecs;
  await specs.ready;
  const kernelspecs = (specs.specs?.kernelspecs ?? {}) as Record<string, { language?: string } | undefined>;
  const current = notebooks?.currentWidget ?? null;
  const name = current
    ? (current.sessionContext.session?.kernel?.name ?? current.sessionContext.kernelPreference.name)
    : undefined;
  const language = name ? kernelspecs[name]?.language?.toLowerCase() : undefined;
  let panel: NotebookPanel;
  let source: (path: string) => string;
  if (current && language === 'python') {
    [panel, source] = [current, choice.python];
  } else if (current && name === KERNEL_NAME) {
    [panel, source] = [current, choice.typescript];
  } else {
    if (!kernelspecs[KERNEL_NAME]) {
      throw new Error(`The "${KERNEL_NAME}" kernel is not installed; open a Python notebook, then try again.`);
    }
    panel = (await app.commands.execute('notebook:create-new', {
      kernelName: KERNEL_NAME,
      cwd: choice.newNotebookDir,
    })) as NotebookPanel;
    source = choice.typescript;
  }
  await panel.context.ready;
  await panel.sessionContext.ready;
  app.shell.activateById(panel.id);
  const notebook = panel.content;
  const active = notebook.activeCell;
  if (!active || active.model.sharedModel.getSource().trim() !== '' || active.model.type !== 'code') {
    NotebookActions.insertBelow(notebook);
  }
  notebook.activeCell!.model.sharedModel.setSource(source(panel.context.path));
  await NotebookActions.run(notebook, panel.sessionContext);
  return panel;
}
