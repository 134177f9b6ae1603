/**
 * The cohort document widget: a DocumentWidget over the file's text model whose content is the
 * builder. Each view of a file has its own CohortEditor over the same model, so views stay in sync
 * and undo / dirty / save / revert are the document's own.
 */
import * as React from 'react';
import { ReactWidget } from '@jupyterlab/apputils';
import { ABCWidgetFactory, DocumentWidget, type DocumentRegistry } from '@jupyterlab/docregistry';
import { CohortBuilder } from '../cohort-builder/CohortBuilder.js';
import { LiveCounts } from '../cohort-builder/live-counts.js';
import type { ConceptApi } from '../concept-browser/concept-api.js';
import type { IFedomopConnection } from '../tokens.js';
import { CohortEditor } from './editor-model.js';

export interface IBuilderSettings {
  debounceMs: number;
  liveCounts: boolean;
  /** Sites for live counts; empty: the connection's default sites, else every site. */
  sites: string[];
}

export interface ICohortFactoryOptions extends DocumentRegistry.IWidgetFactoryOptions<CohortDocumentWidget> {
  connection: IFedomopConnection;
  api: ConceptApi;
  settings: () => IBuilderSettings;
  onUseInNotebook: (widget: CohortDocumentWidget) => void;
  onSendToPanel: (widget: CohortDocumentWidget) => void;
}

export class CohortBuilderView extends ReactWidget {
  constructor(
    readonly editor: CohortEditor,
    readonly counts: LiveCounts,
    private readonly api: ConceptApi,
    private readonly actions: { useInNotebook: () => void; sendToPanel: () => void },
  ) {
    super();
    this.addClass('jp-fedomop-CohortBuilderView');
  }

  protected render(): React.ReactElement {
    return (
      <CohortBuilder
        editor={this.editor}
        counts={this.counts}
        api={this.api}
        onUseInNotebook={this.actions.useInNotebook}
        onSendToPanel={this.actions.sendToPanel}
      />
    );
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.counts.dispose();
    this.editor.dispose();
    super.dispose();
  }
}

export class CohortDocumentWidget extends DocumentWidget<CohortBuilderView, DocumentRegistry.ICodeModel> {
  get editor(): CohortEditor {
    return this.content.editor;
  }
}

export class CohortDocumentFactory extends ABCWidgetFactory<CohortDocumentWidget, DocumentRegistry.ICodeModel> {
  constructor(private readonly opts: ICohortFactoryOptions) {
    super(opts);
  }

  protected createNewWidget(context: DocumentRegistry.IContext<DocumentRegistry.ICodeModel>): CohortDocumentWidget {
    const { connection, api, settings } = this.opts;
    const editor = new CohortEditor(context.model);
    const counts = new LiveCounts({
      hub: () => connection.hub,
      sites: () => {
        const s = settings().sites;
        return s.length ? s : [...connection.defaultSites];
      },
      delayMs: settings().debounceMs,
      timeoutMs: () => connection.queryTimeoutMs,
    });
    counts.setEnabled(settings().liveCounts);
    let widget: CohortDocumentWidget | null = null;
    const content = new CohortBuilderView(editor, counts, api, {
      useInNotebook: () => widget && this.opts.onUseInNotebook(widget),
      sendToPanel: () => widget && this.opts.onSendToPanel(widget),
    });
    widget = new CohortDocumentWidget({ context, content });
    widget.addClass('jp-fedomop-CohortDocument');
    const schedule = () =>
      counts.schedule(
        editor.expression,
        editor.expression && !editor.valid ? 'Counts appear once the problems marked in the cohort are fixed.' : null,
      );
    editor.changed.connect(schedule);
    void context.ready.then(schedule);
    return widget;
  }
}
