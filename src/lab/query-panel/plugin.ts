import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Signal, type ISignal } from '@lumino/signaling';
import { CATEGORY, CommandIDs } from '../commands.js';
import { federatedIcon } from '../icons.js';
import { IFedomopAuth, IFedomopConnection, IQueryPanels, type IQuerySnapshot } from '../tokens.js';
import { QueryPanelModel } from './model.js';
import { QueryPanelWidget } from './widget.js';

type PanelWidget = MainAreaWidget<QueryPanelWidget>;

/** The federated query panel in the main area, opened from the launcher, the palette or the menu. */
export const queryPanelPlugin: JupyterFrontEndPlugin<IQueryPanels> = {
  id: 'fedomop:query-panel',
  description:
    'The federated query panel: choose sites, build a cohort or paste one from ATLAS, run a count, attrition, crosstab or a statistics analysis (summary, histogram, GLM, Kaplan–Meier) with its chart.',
  autoStart: true,
  requires: [IFedomopConnection],
  optional: [ICommandPalette, ILauncher, ILayoutRestorer, IFedomopAuth, IRenderMimeRegistry],
  provides: IQueryPanels,
  activate: (
    app: JupyterFrontEnd,
    connection: IFedomopConnection,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    restorer: ILayoutRestorer | null,
    auth: IFedomopAuth | null,
    rendermime: IRenderMimeRegistry | null,
  ): IQueryPanels => {
    const tracker = new WidgetTracker<PanelWidget>({ namespace: 'fedomop-query-panel' });
    const current = () => tracker.currentWidget?.content.model ?? null;
    let opened = 0;

    app.commands.addCommand(CommandIDs.openQueryPanel, {
      label: (args) => (args.isLauncher ? 'Federated Query' : 'New Federated Query Panel'),
      caption: 'Query OMOP CDM sites through the fedomop hub; only aggregates leave each site',
      icon: (args) => (args.isPalette ? undefined : federatedIcon),
      execute: async () => {
        const model = new QueryPanelModel({ connection, auth });
        const content = new QueryPanelWidget(model, () => void app.commands.execute(CommandIDs.openInNotebook), rendermime);
        const widget: PanelWidget = new MainAreaWidget({ content });
        opened += 1;
        widget.id = `fedomop-query-panel-${opened}-${Date.now()}`;
        widget.title.label = opened === 1 ? 'Federated Query' : `Federated Query ${opened}`;
        widget.title.icon = federatedIcon;
        widget.title.closable = true;
        model.changed.connect(() => app.commands.notifyCommandChanged());
        await tracker.add(widget);
        app.shell.add(widget, 'main');
        app.shell.activateById(widget.id);
        return widget;
      },
    });

    app.commands.addCommand(CommandIDs.runQuery, {
      label: 'Run Federated Query',
      caption: 'Run the query of the current federated query panel',
      isEnabled: () => !!current() && !current()!.runBlocker,
      execute: () => current()?.runQuery(),
    });

    app.commands.addCommand(CommandIDs.cancelQuery, {
      label: 'Cancel Federated Query',
      isEnabled: () => !!current()?.run?.active,
      execute: () => current()?.cancel(),
    });

    palette?.addItem({ command: CommandIDs.openQueryPanel, category: CATEGORY });
    palette?.addItem({ command: CommandIDs.runQuery, category: CATEGORY });
    palette?.addItem({ command: CommandIDs.cancelQuery, category: CATEGORY });
    launcher?.add({ command: CommandIDs.openQueryPanel, category: CATEGORY, rank: 1 });

    // Reopens panels after a reload (empty: queries are not stored in the workspace).
    void restorer?.restore(tracker, { command: CommandIDs.openQueryPanel, name: (w) => w.id });

    return new QueryPanels(tracker);
  },
};

class QueryPanels implements IQueryPanels {
  private readonly _currentChanged = new Signal<this, void>(this);

  constructor(private readonly tracker: WidgetTracker<PanelWidget>) {
    tracker.currentChanged.connect(() => this._currentChanged.emit());
  }

  get currentChanged(): ISignal<this, void> {
    return this._currentChanged;
  }

  current(): IQuerySnapshot | null {
    return this.tracker.currentWidget?.content.model.snapshot() ?? null;
  }
}
