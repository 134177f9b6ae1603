import * as React from 'react';
import { ReactWidget } from '@jupyterlab/apputils';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { QueryPanelModel } from './model.js';
import { QueryPanel } from './QueryPanel.js';

/** The Lumino host of the React panel; the model outlives renders and is disposed with the widget. */
export class QueryPanelWidget extends ReactWidget {
  constructor(
    readonly model: QueryPanelModel,
    private readonly openInNotebook?: () => void,
    private readonly rendermime?: IRenderMimeRegistry | null,
  ) {
    super();
    this.addClass('jp-fedomop-QueryPanelWidget');
  }

  protected render(): React.ReactElement {
    return <QueryPanel model={this.model} onOpenInNotebook={this.openInNotebook} rendermime={this.rendermime} />;
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.model.dispose();
    super.dispose();
  }
}
