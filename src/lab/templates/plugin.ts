/**
 * Shared notebook templates: one launcher card each (category "fedomop templates") and a "New from
 * Template" submenu in the File menu. Choosing one asks which cohort the notebook should load (a
 * selected `.cohort.json`, the query panel's cohort, or the sample), has the server extension copy
 * the template into the file browser's folder, and opens the new notebook in the template's kernel.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { IMainMenu } from '@jupyterlab/mainmenu';
import { Menu } from '@lumino/widgets';
import { CommandIDs, TEMPLATES_CATEGORY } from '../commands.js';
import { federatedIcon } from '../icons.js';
import { IQueryPanels } from '../tokens.js';
import { NewFromTemplateBody } from './NewFromTemplate.js';
import { cohortChoices, createFromTemplate, listTemplates, type NotebookTemplate } from './templates-api.js';

export const templatesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'fedomop:templates',
  description: 'Shared notebook templates in the launcher and the File menu, with the chosen cohort filled in.',
  autoStart: true,
  optional: [ILauncher, IMainMenu, ICommandPalette, IDefaultFileBrowser, IQueryPanels],
  activate: async (
    app: JupyterFrontEnd,
    launcher: ILauncher | null,
    mainMenu: IMainMenu | null,
    palette: ICommandPalette | null,
    browser: IDefaultFileBrowser | null,
    panels: IQueryPanels | null,
  ): Promise<void> => {
    let templates: NotebookTemplate[] = [];
    const byId = (id: unknown) => templates.find((t) => t.id === id);

    app.commands.addCommand(CommandIDs.newFromTemplate, {
      label: (args) => byId(args.template)?.title ?? 'New Notebook from Template…',
      caption: (args) => byId(args.template)?.description ?? 'A notebook from a shared fedomop template',
      icon: (args) => (args.isPalette ? undefined : federatedIcon),
      execute: async (args) => {
        const template = byId(args.template);
        if (!template) return;
        const directory = typeof args.cwd === 'string' ? args.cwd : (browser?.model.path ?? '');
        const selected = browser ? [...browser.selectedItems()].map((item) => item.path) : [];
        const choices = cohortChoices(selected, panels?.current()?.plan.cohort ?? null);
        const body = new NewFromTemplateBody(template, choices, directory);
        const answer = await showDialog({
          title: `New notebook: ${template.title}`,
          body,
          buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Create' })],
        });
        if (!answer.button.accept || !answer.value) return;
        try {
          const made = await createFromTemplate(template.id, directory, answer.value);
          await app.commands.execute('docmanager:open', { path: made.path, factory: 'Notebook', kernel: { name: made.kernel } });
        } catch (err) {
          await showErrorMessage('Cannot create the notebook', err as Error);
        }
      },
    });

    try {
      templates = await listTemplates();
    } catch (err) {
      // No templates (an older server extension, or an unreadable folder): the rest of fedomop works.
      console.warn('fedomop: no notebook templates', err);
      return;
    }
    const submenu = new Menu({ commands: app.commands });
    submenu.title.label = 'New from Template';
    templates.forEach((t, rank) => {
      const args = { template: t.id };
      launcher?.add({ command: CommandIDs.newFromTemplate, args, category: TEMPLATES_CATEGORY, rank });
      palette?.addItem({ command: CommandIDs.newFromTemplate, args, category: TEMPLATES_CATEGORY });
      submenu.addItem({ command: CommandIDs.newFromTemplate, args });
    });
    mainMenu?.fileMenu.addGroup([{ type: 'submenu', submenu }], 31);
  },
};
