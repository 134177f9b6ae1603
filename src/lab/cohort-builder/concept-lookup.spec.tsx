/**
 * Concept-list attributes picked by name, as a researcher does it: the builder rendered in jsdom
 * (a Lumino ReactWidget over a real @jupyter/ydoc text model) with the hub's vocabulary API pointed
 * over real HTTP at a small vocabulary server written here, which records each search's query. A
 * word typed into "condition type concept name" searches the Type Concept domain; ↓ to the hits,
 * ↓ / ↑ through them, Enter picks; the file gains the concept as Circe writes it and the chip shows
 * its name. Route searches the Route domain; Escape closes the list; nothing is searched under two letters.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HubHttp } from '../../client/http.js';
import { ConceptApi } from '../concept-browser/concept-api.js';
import { Builder, cohortWith, rendered, type } from './builder-dom.spec-util.js';

const hit = (conceptId: number, name: string, domain: string, vocabulary: string) => ({
  conceptId,
  name,
  domain,
  vocabulary,
  code: `c${conceptId}`,
  conceptClass: domain,
  standard: true,
});

const VOCABULARY = [
  hit(32020, 'EHR encounter diagnosis', 'Type Concept', 'Type Concept'),
  hit(32817, 'EHR', 'Type Concept', 'Type Concept'),
  hit(32818, 'EHR administration record', 'Type Concept', 'Type Concept'),
  hit(4132161, 'Oral', 'Route', 'SNOMED'),
  hit(4171047, 'Intravenous', 'Route', 'SNOMED'),
];

function vocabularyServer(searches: URLSearchParams[]): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const one = VOCABULARY.find((c) => url.pathname === `/v1/concepts/${c.conceptId}`);
    if (one) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ concept: one, ancestors: [], descendants: [], relationships: [] }));
    }
    if (url.pathname !== '/v1/concepts/search') {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { code: 'ERR_NOT_FOUND', message: 'no such concept' } }));
    }
    searches.push(url.searchParams);
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const domain = url.searchParams.get('domain');
    const concepts = VOCABULARY.filter((c) => c.name.toLowerCase().includes(q) && (!domain || c.domain === domain));
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ concepts, total: concepts.length }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const key = (k: string) =>
  document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));

const A = 'PrimaryCriteria.CriteriaList[0]';

describe('concept-list attributes by name', () => {
  let server: Server;
  let api: ConceptApi;
  let b: Builder;
  const searches: URLSearchParams[] = [];

  beforeEach(async () => {
    searches.length = 0;
    server = await vocabularyServer(searches);
    const http = new HubHttp(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, undefined, undefined);
    api = new ConceptApi({ hubJson: (p, o) => http.json(p, o) });
  });

  afterEach(async () => {
    b.dispose();
    await new Promise((resolve) => server.close(resolve));
  });

  it('condition type: a word searched in Type Concept, picked from the keyboard, written as Circe writes it', async () => {
    b = new Builder(cohortWith({ ConditionOccurrence: { CodesetId: 0 } }), api);
    await b.add('ConditionType');
    b.changed();
    const box = await b.byLabel<HTMLInputElement>('condition type concept name');
    type(box, 'e'); // one letter: not searched
    type(box, 'ehr');
    const options = () => [
      ...b.widget.node.querySelectorAll<HTMLElement>('[aria-label="condition type concepts found"] [role="option"]'),
    ];
    await rendered(() => options().length === 3, 'three EHR hits');
    expect(searches.map((s) => [s.get('q'), s.get('domain')])).toEqual([['ehr', 'Type Concept']]);
    expect(box.getAttribute('aria-expanded')).toBe('true');

    box.focus();
    key('ArrowDown');
    expect(document.activeElement).toBe(options()[0]);
    key('ArrowDown');
    key('ArrowDown');
    key('ArrowDown'); // stays on the last
    expect(document.activeElement).toBe(options()[2]);
    key('ArrowUp');
    expect(document.activeElement?.getAttribute('data-concept-id')).toBe('32817');
    key('Enter');
    await rendered(() => b.widget.node.querySelector('.jp-fedomop-cb-chip[data-concept-id="32817"]'), 'the EHR chip');
    expect(b.changed()).toEqual([`${A}.ConditionOccurrence.ConditionType`]);
    expect((b.json.PrimaryCriteria.CriteriaList[0] as never as { ConditionOccurrence: unknown }).ConditionOccurrence).toEqual({
      CodesetId: 0,
      ConditionType: [
        {
          CONCEPT_ID: 32817,
          CONCEPT_NAME: 'EHR',
          STANDARD_CONCEPT: 'S',
          STANDARD_CONCEPT_CAPTION: 'Standard',
          INVALID_REASON: null,
          INVALID_REASON_CAPTION: 'Valid',
          CONCEPT_CODE: 'c32817',
          DOMAIN_ID: 'Type Concept',
          VOCABULARY_ID: 'Type Concept',
          CONCEPT_CLASS_ID: 'Type Concept',
        },
      ],
    });
    // The sentence reads the name; the list closes, the box is empty and focused for the next one.
    const chip = b.widget.node.querySelector('.jp-fedomop-cb-chip[data-concept-id="32817"]')!;
    expect(chip.textContent).toContain('EHR');
    expect(chip.textContent).not.toContain('32817');
    expect(options()).toHaveLength(0);
    expect(document.activeElement).toBe(box);
    expect(box.value).toBe('');
  });

  it('route: searched in the Route domain, picked by click; Escape closes the list without a pick', async () => {
    b = new Builder(cohortWith({ DrugExposure: { CodesetId: 0 } }), api);
    await b.add('RouteConcept');
    b.changed();
    const box = await b.byLabel<HTMLInputElement>('route concept concept name');
    type(box, 'ora');
    const options = () => [...b.widget.node.querySelectorAll<HTMLElement>('[role="listbox"] [role="option"]')];
    await rendered(() => options().length === 1, 'Oral');
    expect(searches.at(-1)?.get('domain')).toBe('Route');
    box.focus();
    key('Escape');
    await rendered(() => options().length === 0 || null, 'list closed');
    expect(b.changed()).toEqual([]);

    type(box, 'intra');
    await rendered(() => options().length === 1, 'Intravenous');
    options()[0].click();
    await rendered(() => b.widget.node.querySelector('.jp-fedomop-cb-chip[data-concept-id="4171047"]'), 'the chip');
    expect(b.changed()).toEqual([`${A}.DrugExposure.RouteConcept`]);
    const route = (
      b.json.PrimaryCriteria.CriteriaList[0] as never as { DrugExposure: { RouteConcept: Array<Record<string, unknown>> } }
    ).DrugExposure.RouteConcept;
    expect(route.map((c) => [c.CONCEPT_ID, c.CONCEPT_NAME, c.DOMAIN_ID])).toEqual([[4171047, 'Intravenous', 'Route']]);
  });

  it('added by id: named from the vocabulary when the hub knows the concept, kept bare when not', async () => {
    b = new Builder(cohortWith({ ConditionOccurrence: { CodesetId: 0 } }), api);
    await b.add('ConditionType');
    b.changed();
    const idBox = await b.byLabel<HTMLInputElement>('condition type concept id');
    for (const id of ['32020', '999']) {
      type(idBox, id);
      idBox.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      await rendered(() => b.widget.node.querySelector(`.jp-fedomop-cb-chip[data-concept-id="${id}"]`), `chip ${id}`);
    }
    const chips = [...b.widget.node.querySelectorAll('.jp-fedomop-cb-chip')].map((c) => c.firstChild?.textContent);
    expect(chips).toEqual(['EHR encounter diagnosis', 'concept 999']);
    const list = (
      b.json.PrimaryCriteria.CriteriaList[0] as never as {
        ConditionOccurrence: { ConditionType: Array<Record<string, unknown>> };
      }
    ).ConditionOccurrence.ConditionType;
    expect(list.map((c) => [c.CONCEPT_ID, c.CONCEPT_NAME, c.DOMAIN_ID])).toEqual([
      [32020, 'EHR encounter diagnosis', 'Type Concept'],
      [999, undefined, undefined],
    ]);
  });

  it('two ids added while their names are still being looked up: neither is lost', async () => {
    b = new Builder(cohortWith({ ConditionOccurrence: { CodesetId: 0 } }), api);
    await b.add('ConditionType');
    b.changed();
    const idBox = await b.byLabel<HTMLInputElement>('condition type concept id');
    for (const id of ['32020', '999']) {
      type(idBox, id);
      idBox.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    }
    await rendered(() => b.widget.node.querySelectorAll('.jp-fedomop-cb-chip').length === 2 || undefined, 'both chips');
    const list = (
      b.json.PrimaryCriteria.CriteriaList[0] as never as {
        ConditionOccurrence: { ConditionType: Array<Record<string, unknown>> };
      }
    ).ConditionOccurrence.ConditionType;
    expect(list.map((c) => c.CONCEPT_ID).sort()).toEqual([32020, 999]);
  });

  it('no hub connection: no lookup box, the concept id field still there', async () => {
    b = new Builder(cohortWith({ ConditionOccurrence: { CodesetId: 0 } }));
    await b.add('ConditionType');
    await b.byLabel('condition type concept id');
    expect(b.widget.node.querySelector('[aria-label="condition type concept name"]')).toBeNull();
  });
});
