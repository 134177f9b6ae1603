/**
 * useThemeLight: the panel's chart is drawn again when JupyterLab switches between light and dark,
 * because JupyterLab's Vega renderer picks its theme from `data-jp-theme-light` when it draws. The
 * Galata statistics test checks the redrawn chart's colours in chromium; this checks the hook alone.
 */
import { framePromise } from '@jupyterlab/testing';
import { ReactWidget } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import { useThemeLight } from './hooks.js';

let renders = 0;
function Probe(): React.ReactElement {
  const light = useThemeLight();
  renders++;
  return <span data-light={light ?? 'unset'} />;
}

async function until(read: () => string | undefined, want: string, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (read() === want) return;
    await framePromise();
  }
  throw new Error(`${what}: never became ${want} (is ${read()})`);
}

describe('useThemeLight', () => {
  afterEach(() => {
    delete document.body.dataset.jpThemeLight;
  });

  it('follows data-jp-theme-light as the theme manager sets it, and stops listening on unmount', async () => {
    document.body.dataset.jpThemeLight = 'true';
    const widget = ReactWidget.create(<Probe />);
    Widget.attach(widget, document.body);
    const shown = () => widget.node.querySelector('span')?.dataset.light;
    await until(shown, 'true', 'first render');

    document.body.dataset.jpThemeLight = 'false';
    await until(shown, 'false', 'after switching to dark');
    document.body.dataset.jpThemeLight = 'true';
    await until(shown, 'true', 'after switching back');

    widget.dispose();
    const before = renders;
    document.body.dataset.jpThemeLight = 'false';
    for (let i = 0; i < 5; i++) await framePromise();
    expect(renders).toBe(before);
  });

  it('an unrelated body attribute does not redraw', async () => {
    document.body.dataset.jpThemeLight = 'true';
    const widget = ReactWidget.create(<Probe />);
    Widget.attach(widget, document.body);
    await until(() => widget.node.querySelector('span')?.dataset.light, 'true', 'first render');
    const before = renders;
    document.body.dataset.jpThemeName = 'JupyterLab Light';
    for (let i = 0; i < 5; i++) await framePromise();
    expect(renders).toBe(before);
    widget.dispose();
    delete document.body.dataset.jpThemeName;
  });
});
