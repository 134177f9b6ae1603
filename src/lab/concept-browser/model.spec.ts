/**
 * The concept browser's model over real HTTP (the stand-in hub's concept search): search waits for
 * the pause in typing, a newer query aborts the older one, short queries ask nothing, filters go to
 * the hub as the contract names them.
 */
import { HubHttp } from '../../client/http.js';
import { startStandInHub } from '../../kernel/testing/stand-in-hub.js';
import { ConceptApi, formatCount, siteCounts } from './concept-api.js';
import { ConceptBrowserModel } from './model.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await sleep(5);
}

describe('ConceptBrowserModel', () => {
  it('searches as you type: one request per pause, filters passed, older answers never shown', async () => {
    const hub = await startStandInHub({ analysis: { kind: 'count' }, sites: [], pooled: [] });
    const http = new HubHttp(hub.url, undefined, undefined);
    const model = new ConceptBrowserModel(new ConceptApi({ hubJson: (p, o) => http.json(p, o) }), () => 20);
    const searches = () => hub.requests.filter((r) => r.path.startsWith('/v1/concepts/search'));
    try {
      model.setQuery('p');
      expect(model.searching).toBe(false); // one letter asks nothing
      model.setQuery('pr');
      model.setQuery('pro');
      model.setQuery('prostate');
      expect(model.searching).toBe(true);
      await until(() => !model.searching);
      expect(searches()).toHaveLength(1); // "pr", "pro", "prostate" typed quickly: one search
      expect(model.hits.map((h) => h.name)).toEqual(['Malignant tumor of prostate']);
      model.setFilter('domain', 'Condition');
      model.setFilter('standard', 'S');
      await until(() => !model.searching);
      const last = new URL(searches().at(-1)!.path, 'http://x').searchParams;
      expect([last.get('q'), last.get('domain'), last.get('standard')]).toEqual(['prostate', 'Condition', 'S']);
      model.setQuery('lung');
      await until(() => !model.searching);
      expect(model.hits).toEqual([]); // the stand-in knows no lung concept
    } finally {
      model.dispose();
      await hub.close();
    }
  });

  it('writes released counts as intervals when withheld', () => {
    expect(formatCount({ value: null, lower: 0, upper: 4 })).toBe('0–4');
    expect(formatCount({ value: 120, lower: 118, upper: 122 })).toBe('120');
    expect(formatCount(undefined)).toBe('—');
    expect(
      siteCounts({ north: { persons: { value: 5, lower: 5, upper: 5 } }, south: { error: 'down' } }).map(([s, c]) => [
        s,
        c === null,
      ]),
    ).toEqual([
      ['north', false],
      ['south', true],
    ]);
  });
});
