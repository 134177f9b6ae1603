/** The concept browser in the left sidebar, and a command to open it. */
import { ILabShell, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, ReactWidget } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import * as React from 'react';
import { CATEGORY, CommandIDs } from '../commands.js';
import { conceptsIcon } from '../icons.js';
import { ICohortDocuments, IFedomopConnection } from '../tokens.js';
import { ConceptApi } from './concept-api.js';
import { ConceptBrowser } from './ConceptBrowser.js';
import { ConceptBrowserModel } from './model.js';

export const conceptBrowserPlugin: JupyterFrontEndPlugin<void> = {
  id: 'fedomop:concept-browser',
  description: 'Searches the sites’ vocabularies and adds concepts to the cohort open in the builder.',
  autoStart: true,
  requires: [IFedomopConnection],
  optional: [ICohortDocuments, ILabShell, ICommandPalette, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    connection: IFedomopConnection,
    cohorts: ICohortDocuments | null,
    labShell: ILabShell | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
  ): void => {
    let delay = 250;
    void settingRegistry
      ?.load('fedomop:cohort-builder')
      .then((s) => {
        const read = () => {
          const v = s.composite.searchDelayMs;
          delay = typeof v === 'number' ? v : 250;
        };
        s.changed.connect(read);
        read();
      })
      .catch(() => undefined);
    const model = new ConceptBrowserModel(new ConceptApi(connection), () => delay);
    const widget = ReactWidget.create(<ConceptBrowser model={model} cohorts={cohorts} />);
    widget.id = 'fedomop-concept-browser';
    widget.title.icon = conceptsIcon;
    widget.title.caption = 'Concepts (OMOP vocabulary)';
    widget.addClass('jp-fedomop-ConceptBrowserWidget');
    if (labShell) labShell.add(widget, 'left', { rank: 600 });
    else app.shell.add(widget, 'left');

    app.commands.addCommand(CommandIDs.openConceptBrowser, {
      label: 'Open Concept Browser',
      execute: () => app.shell.activateById(widget.id),
    });
    palette?.addItem({ command: CommandIDs.openConceptBrowser, category: CATEGORY });
  },
};
