/**
 * The concept browser from the keyboard, rendered as JupyterLab hosts it (a ReactWidget in jsdom)
 * over real HTTP to a small vocabulary server written here (search, concept with ancestors): ↓ from
 * the search box to the hits, ↑ / ↓ through hits and back to the box, Enter opens and focus follows,
 * ↑ / ↓ through the ancestor tree, Enter there opens that concept, Escape back to the results.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReactWidget } from '@jupyterlab/apputils';
import { framePromise } from '@jupyterlab/testing';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import { HubHttp } from '../../client/http.js';
import { ConceptApi } from './concept-api.js';
import { ConceptBrowser } from './ConceptBrowser.js';
import { ConceptBrowserModel } from './model.js';

const concept = (conceptId: number, name: string, level?: number) => ({
  conceptId,
  name,
  domain: 'Condition',
  vocabulary: 'SNOMED',
  code: String(conceptId),
  standard: true,
  ...(level === undefined ? {} : { minLevelsOfSeparation: level }),
});

const HITS = [
  concept(4163261, 'Malignant tumor of prostate'),
  concept(200962, 'Primary malignant neoplasm of prostate'),
  concept(4314337, 'Benign prostatic hyperplasia'),
];
const ANCESTORS = [concept(4112752, 'Neoplasm of prostate', 1), concept(443392, 'Malignant neoplastic disease', 2)];

function vocabularyServer(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/v1/concepts/search') return send({ concepts: HITS, total: HITS.length });
    const id = Number(url.pathname.split('/').pop());
    const c = [...HITS, ...ANCESTORS].find((x) => x.conceptId === id);
    if (!c) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { code: 'ERR_NOT_FOUND', message: 'no such concept' } }));
    }
    return send({ concept: c, ancestors: id === HITS[1].conceptId ? ANCESTORS : [], descendants: [], relationships: [] });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function until<T>(find: () => T | null | undefined | false, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const found = find();
    if (found) return found;
    await framePromise();
  }
  throw new Error(`never happened: ${what}`);
}

const key = (k: string) =>
  document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));

describe('concept browser keyboard', () => {
  let server: Server;
  let widget: Widget;
  let model: ConceptBrowserModel;

  beforeEach(async () => {
    server = await vocabularyServer();
    const http = new HubHttp(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, undefined, undefined);
    model = new ConceptBrowserModel(new ConceptApi({ hubJson: (p, o) => http.json(p, o) }), () => 0);
    widget = ReactWidget.create(<ConceptBrowser model={model} cohorts={null} />);
    Widget.attach(widget, document.body);
  });

  afterEach(async () => {
    widget.dispose();
    model.dispose();
    await new Promise((resolve) => server.close(resolve));
  });

  it('arrows through hits and tree nodes, Enter opens, Escape goes back', async () => {
    const search = await until(
      () => widget.node.querySelector<HTMLInputElement>('input[aria-label="Search the vocabulary"]'),
      'search box',
    );
    model.setQuery('prostate');
    const hits = () => [...widget.node.querySelectorAll<HTMLButtonElement>('.jp-fedomop-cbr-hit')];
    await until(() => hits().length === 3, 'three hits');

    search.focus();
    key('ArrowDown');
    expect(document.activeElement).toBe(hits()[0]);
    key('ArrowDown');
    key('ArrowDown');
    expect(document.activeElement).toBe(hits()[2]);
    key('ArrowDown'); // stays on the last
    expect(document.activeElement).toBe(hits()[2]);
    key('ArrowUp');
    expect(document.activeElement).toBe(hits()[1]);
    key('Home');
    expect(document.activeElement).toBe(hits()[0]);
    key('ArrowUp'); // from the first hit back to the box
    expect(document.activeElement).toBe(search);

    // Enter on a focused hit is the button's click: it opens the concept, and focus follows.
    key('ArrowDown');
    key('ArrowDown');
    (document.activeElement as HTMLButtonElement).click();
    const title = await until(() => widget.node.querySelector<HTMLElement>('.jp-fedomop-cbr-title'), 'the opened concept');
    expect(title.textContent).toBe('Primary malignant neoplasm of prostate');
    await until(() => document.activeElement === title, 'focus on the title');

    const nodes = () => [
      ...widget.node.querySelectorAll<HTMLButtonElement>('[role="tree"][aria-label="Ancestors"] [role="treeitem"] > button'),
    ];
    await until(() => nodes().length === 2, 'two ancestors');
    nodes()[0].focus();
    key('ArrowDown');
    expect(document.activeElement).toBe(nodes()[1]);
    key('ArrowUp');
    expect(document.activeElement).toBe(nodes()[0]);
    const name = nodes()[0].textContent;
    (document.activeElement as HTMLButtonElement).click();
    await until(() => widget.node.querySelector('.jp-fedomop-cbr-title')?.textContent === name, `${name} opened`);

    await until(() => document.activeElement === widget.node.querySelector('.jp-fedomop-cbr-title'), 'focus on the new title');
    key('Escape');
    await until(() => !widget.node.querySelector('.jp-fedomop-cbr-title'), 'back to the results');
    expect(document.activeElement).toBe(search);
    expect(hits()).toHaveLength(3);
  });
});
