/**
 * Cohorts as documents: the `.cohort.json` file type (own icon in the file browser), the builder as
 * its default widget, "New Cohort" in the launcher and palette, undo / redo, "Use in notebook" and
 * "Send to query panel", and the builder's settings.
 */
import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, showErrorMessage, WidgetTracker } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Signal, type ISignal } from '@lumino/signaling';
import { CATEGORY, CommandIDs } from '../commands.js';
import { ConceptApi } from '../concept-browser/concept-api.js';
import { cohortIcon } from '../icons.js';
import type { QueryPanelWidget } from '../query-panel/widget.js';
import { IFedomopConnection, ICohortDocuments, type ICohortDocument } from '../tokens.js';
import { pythonCohortCell, typescriptCohortCell } from './cohort-cells.js';
import { insertCellAndRun } from './insert-cell.js';
import { CohortDocumentFactory, CohortDocumentWidget, type IBuilderSettings } from './widget.js';

export const FILE_TYPE = 'fedomop-cohort';
export const FACTORY = 'Cohort Builder';
const PLUGIN_ID = 'fedomop:cohort-builder';

export const cohortDocumentPlugin: JupyterFrontEndPlugin<ICohortDocuments> = {
  id: PLUGIN_ID,
  description: 'Cohorts as .cohort.json documents, opened in the cohort builder with live counts.',
  autoStart: true,
  requires: [IFedomopConnection],
  optional: [ICommandPalette, ILauncher, ILayoutRestorer, ISettingRegistry, INotebookTracker, IDefaultFileBrowser],
  provides: ICohortDocuments,
  activate: (
    app: JupyterFrontEnd,
    connection: IFedomopConnection,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null,
    notebooks: INotebookTracker | null,
    fileBrowser: IDefaultFileBrowser | null,
  ): ICohortDocuments => {
    let settings: IBuilderSettings = { debounceMs: 600, liveCounts: true, sites: [] };
    if (settingRegistry) {
      void settingRegistry
        .load(PLUGIN_ID)
        .then((s) => {
          const read = () => {
            const c = s.composite as Partial<IBuilderSettings>;
            settings = {
              debounceMs: typeof c.debounceMs === 'number' ? c.debounceMs : 600,
              liveCounts: c.liveCounts !== false,
              sites: Array.isArray(c.sites) ? c.sites.filter((x) => typeof x === 'string') : [],
            };
          };
          s.changed.connect(read);
          read();
        })
        .catch((err) => console.warn('fedomop: cohort builder settings not loaded', err));
    }

    app.docRegistry.addFileType({
      name: FILE_TYPE,
      displayName: 'Cohort',
      extensions: ['.cohort.json'],
      mimeTypes: ['application/json'],
      contentType: 'file',
      fileFormat: 'text',
      icon: cohortIcon,
    });

    const tracker = new WidgetTracker<CohortDocumentWidget>({ namespace: 'fedomop-cohort' });
    const api = new ConceptApi(connection);

    const useInNotebook = async (widget: CohortDocumentWidget) => {
      if (!widget.editor.valid) return;
      const path = widget.context.path;
      const sites = settings.sites.length ? settings.sites : [...connection.defaultSites];
      const cell = (notebookPath: string) => ({
        relativePath: PathExt.relative(PathExt.dirname(notebookPath), path) || PathExt.basename(path),
        sites,
        kernelHubUrl: connection.kernelHubUrl,
        name: widget.editor.name,
      });
      try {
        await insertCellAndRun(app, notebooks, {
          typescript: (nb) => typescriptCohortCell(cell(nb)),
          python: (nb) => pythonCohortCell(cell(nb)),
          newNotebookDir: PathExt.dirname(path),
        });
      } catch (err) {
        await showErrorMessage('Use in notebook', (err as Error).message);
      }
    };

    const sendToPanel = async (widget: CohortDocumentWidget) => {
      const e = widget.editor.expression;
      if (!e) return;
      const panel = (await app.commands.execute(CommandIDs.openQueryPanel)) as { content: QueryPanelWidget } | undefined;
      if (!panel) return;
      panel.content.model.setCohortMode('paste');
      panel.content.model.setPasteText(JSON.stringify(e, null, 2));
    };

    const factory = new CohortDocumentFactory({
      name: FACTORY,
      label: 'Cohort Builder',
      fileTypes: [FILE_TYPE],
      defaultFor: [FILE_TYPE],
      modelName: 'text',
      connection,
      api,
      settings: () => settings,
      onUseInNotebook: (w) => void useInNotebook(w),
      onSendToPanel: (w) => void sendToPanel(w),
    });
    factory.widgetCreated.connect((_, widget) => {
      widget.title.icon = cohortIcon;
      widget.context.pathChanged.connect(() => void tracker.save(widget));
      widget.editor.changed.connect(() => app.commands.notifyCommandChanged());
      void tracker.add(widget);
    });
    app.docRegistry.addWidgetFactory(factory);

    void restorer?.restore(tracker, {
      command: 'docmanager:open',
      args: (w) => ({ path: w.context.path, factory: FACTORY }),
      name: (w) => w.context.path,
    });

    const current = () => tracker.currentWidget;
    const create = async (): Promise<ICohortDocument> => {
      const cwd = fileBrowser?.model.path ?? '';
      const model = (await app.commands.execute('docmanager:new-untitled', { path: cwd, type: 'file', ext: '.cohort.json' })) as {
        path: string;
      };
      const widget = (await app.commands.execute('docmanager:open', {
        path: model.path,
        factory: FACTORY,
      })) as CohortDocumentWidget;
      await widget.context.ready;
      return asDocument(widget);
    };

    app.commands.addCommand(CommandIDs.newCohort, {
      label: (args) => (args.isLauncher ? 'Cohort' : 'New Cohort'),
      caption: 'A new .cohort.json (Circe JSON, as ATLAS exports it), opened in the cohort builder',
      icon: (args) => (args.isPalette ? undefined : cohortIcon),
      execute: () => create(),
    });
    app.commands.addCommand(CommandIDs.cohortUndo, {
      label: 'Undo Cohort Edit',
      isEnabled: () => !!current()?.editor.canUndo,
      execute: () => current()?.editor.undo(),
    });
    app.commands.addCommand(CommandIDs.cohortRedo, {
      label: 'Redo Cohort Edit',
      isEnabled: () => !!current()?.editor.canRedo,
      execute: () => current()?.editor.redo(),
    });
    app.commands.addCommand(CommandIDs.cohortUseInNotebook, {
      label: 'Use Cohort in Notebook',
      caption: 'Insert a cell that loads this .cohort.json with the kernel library and counts it',
      isEnabled: () => !!current()?.editor.valid,
      execute: () => {
        const w = current();
        return w ? useInNotebook(w) : undefined;
      },
    });
    app.commands.addCommand(CommandIDs.cohortSendToPanel, {
      label: 'Send Cohort to Query Panel',
      isEnabled: () => !!current()?.editor.valid,
      execute: () => {
        const w = current();
        return w ? sendToPanel(w) : undefined;
      },
    });
    // Inside the builder, the usual keys undo the cohort's edits (not a text field's).
    app.commands.addKeyBinding({ command: CommandIDs.cohortUndo, keys: ['Accel Z'], selector: '.jp-fedomop-cb' });
    app.commands.addKeyBinding({ command: CommandIDs.cohortRedo, keys: ['Accel Shift Z'], selector: '.jp-fedomop-cb' });

    for (const command of [
      CommandIDs.newCohort,
      CommandIDs.cohortUndo,
      CommandIDs.cohortRedo,
      CommandIDs.cohortUseInNotebook,
      CommandIDs.cohortSendToPanel,
    ])
      palette?.addItem({ command, category: CATEGORY });
    launcher?.add({ command: CommandIDs.newCohort, category: CATEGORY, rank: 2 });

    return new CohortDocuments(tracker, create);
  },
};

function asDocument(widget: CohortDocumentWidget): ICohortDocument {
  return {
    get path() {
      return widget.context.path;
    },
    conceptSets: () =>
      (widget.editor.expression?.ConceptSets ?? []).map((s) => ({ id: s.id, name: s.name ?? `concept set ${s.id}` })),
    addConcept: (concept, toggles, setId, newName) => widget.editor.addConcept(concept, toggles, setId, newName),
  };
}

class CohortDocuments implements ICohortDocuments {
  private readonly _currentChanged = new Signal<this, void>(this);

  constructor(
    private readonly tracker: WidgetTracker<CohortDocumentWidget>,
    readonly create: () => Promise<ICohortDocument>,
  ) {
    tracker.currentChanged.connect(() => this._currentChanged.emit());
    // A document that stops being valid JSON (or becomes valid again) changes what the browser offers.
    tracker.widgetAdded.connect((_, w) => w.editor.changed.connect(() => this._currentChanged.emit()));
  }

  get current(): ICohortDocument | null {
    const w = this.tracker.currentWidget;
    return w && !w.isDisposed ? asDocument(w) : null;
  }

  get currentChanged(): ISignal<this, void> {
    return this._currentChanged;
  }
}
