/**
 * The concept browser's model over real HTTP (the stand-in hub's concept search): search waits for
 * the pause in typing, a newer query aborts the older one, short queries ask nothing, filters go to
 * the hub as the contract names them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { HubHttp } from '../../client/http.js';
import { startStandInHub } from '../../kernel/testing/stand-in-hub.js';
import { ConceptApi, formatCount, siteCounts } from './concept-api.js';
import { ConceptBrowserModel } from './model.js';

async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await sleep(5);
}

test('search as you type: one request per pause, filters passed, older answers never shown', async () => {
  const hub = await startStandInHub({ analysis: { kind: 'count' }, sites: [], pooled: [] });
  const http = new HubHttp(hub.url, undefined, undefined);
  const model = new ConceptBrowserModel(new ConceptApi({ hubJson: (p, o) => http.json(p, o) }), () => 20);
  const searches = () => hub.requests.filter((r) => r.path.startsWith('/v1/concepts/search'));
  try {
    model.setQuery('p');
    assert.equal(model.searching, false, 'one letter asks nothing');
    model.setQuery('pr');
    model.setQuery('pro');
    model.setQuery('prostate');
    assert.equal(model.searching, true);
    await until(() => !model.searching);
    assert.equal(searches().length, 1, 'typing "pr", "pro", "prostate" quickly is one search');
    assert.deepEqual(
      model.hits.map((h) => h.name),
      ['Malignant tumor of prostate'],
    );
    model.setFilter('domain', 'Condition');
    model.setFilter('standard', 'S');
    await until(() => !model.searching);
    const last = new URL(searches().at(-1)!.path, 'http://x').searchParams;
    assert.equal(last.get('domain'), 'Condition');
    assert.equal(last.get('standard'), 'S');
    assert.equal(last.get('q'), 'prostate');
    model.setQuery('lung');
    await until(() => !model.searching);
    assert.deepEqual(model.hits, [], 'the stand-in knows no lung concept');
  } finally {
    model.dispose();
    await hub.close();
  }
});

test('released counts read as intervals when withheld', () => {
  assert.equal(formatCount({ value: null, lower: 0, upper: 4 }), '0–4');
  assert.equal(formatCount({ value: 120, lower: 118, upper: 122 }), '120');
  assert.equal(formatCount(undefined), '—');
  assert.deepEqual(
    siteCounts({ north: { persons: { value: 5, lower: 5, upper: 5 } }, south: { error: 'down' } }).map(([s, c]) => [s, c === null]),
    [
      ['north', false],
      ['south', true],
    ],
  );
});
