/**
 * The query panel as JupyterLab hosts it: the Lumino widget attached to a jsdom document, its React
 * tree rendering the model, and the model (talking to a stand-in hub over real HTTP) changing what
 * the widget shows. Clicks go through the DOM, as a researcher's would.
 */
import { framePromise, simulate } from '@jupyterlab/testing';
import { Widget } from '@lumino/widgets';
import { startStandInHub, type StandInHub } from '../../kernel/testing/stand-in-hub.js';
import { QueryPanelModel } from './model.js';
import { connectionTo, threeSites, until } from './stand-in.spec-util.js';
import { QueryPanelWidget } from './widget.js';

/** Waits (frame by frame, React and Lumino render asynchronously) until `find` returns something. */
async function rendered<T>(find: () => T | null | undefined, what: string, frames = 200): Promise<T> {
  for (let i = 0; i < frames; i++) {
    const found = find();
    if (found) return found;
    await framePromise();
  }
  throw new Error(`never rendered: ${what}`);
}

describe('QueryPanelWidget', () => {
  let hub: StandInHub;
  let widget: QueryPanelWidget;

  beforeEach(async () => {
    hub = await startStandInHub(threeSites);
    widget = new QueryPanelWidget(new QueryPanelModel({ connection: connectionTo(hub), suggestDelayMs: 0 }));
    Widget.attach(widget, document.body);
    await until(widget.model, (m) => m.sitesState.status === 'ready', 'sites');
  });

  afterEach(async () => {
    widget.dispose();
    await hub.close();
  });

  it('renders the hub’s sites, each ticked, and a Run button that waits for a concept', async () => {
    const items = await rendered(() => {
      const li = widget.node.querySelectorAll<HTMLLIElement>('ul.jp-fedomop-sites li');
      return li.length === 3 ? li : null;
    }, 'three sites');
    expect([...items].map((li) => li.dataset.site)).toStrictEqual(['north', 'south', 'east']);
    expect([...items].map((li) => li.querySelector('input')!.checked)).toStrictEqual([true, true, true]);
    const run = widget.node.querySelector<HTMLButtonElement>('button.jp-fedomop-run')!;
    expect(run.disabled).toBe(true);
    expect(run.title).toBe(widget.model.runBlocker);
    expect(widget.hasClass('jp-fedomop-QueryPanelWidget')).toBe(true);
  });

  it('unticking a site in the DOM changes the model, and a model change re-renders the widget', async () => {
    const south = await rendered(
      () => widget.node.querySelector<HTMLInputElement>('li[data-site="south"] input[type="checkbox"]'),
      'south’s checkbox',
    );
    simulate(south, 'click');
    expect(widget.model.isSelected('south')).toBe(false);
    await rendered(() => (south.checked ? null : true), 'south unticked');

    // From the model's side: switching to paste mode shows the paste box and marks the switch.
    widget.model.setCohortMode('paste');
    const box = await rendered(() => widget.node.querySelector('textarea'), 'the paste box');
    expect(box).toBeTruthy();
    const selected = widget.node.querySelector('.jp-fedomop-switch label.jp-mod-selected');
    expect(selected?.textContent).toMatch(/Paste ATLAS JSON/);
  });

  it('disposing the widget disposes its model', () => {
    const model = widget.model;
    widget.dispose();
    expect(model.isDisposed).toBe(true);
  });
});

describe('QueryPanelWidget without a hub', () => {
  it('says why there is no hub, as an alert', async () => {
    const widget = new QueryPanelWidget(new QueryPanelModel({ connection: connectionTo(null) }));
    Widget.attach(widget, document.body);
    try {
      const alert = await rendered(() => widget.node.querySelector('[role="alert"]'), 'the alert');
      expect(alert.textContent).toBe('No fedomop hub is configured.');
    } finally {
      widget.dispose();
    }
  });
});
