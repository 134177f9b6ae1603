/**
 * Live counts against a stand-in hub over real HTTP: nothing is sent until the pause is over, an edit
 * during a run cancels that run at the hub (DELETE /v1/queries/{id}), and the funnel shows the
 * newest run's steps, keeping the old ones on screen until new ones arrive.
 */
import type { ResultRow } from '../../arrow/result-schema.js';
import type { CirceExpression } from '../../circe/types.js';
import { HubClient } from '../../client/index.js';
import { startStandInHub } from '../../kernel/testing/stand-in-hub.js';
import { LiveCounts } from './live-counts.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Polls for an outcome (no time limit of its own: jest's timeout applies). */
async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await sleep(5);
}

const exact = (n: number) => ({ value: n, lower: n, upper: n, suppressed: false });
const hidden = { value: null, lower: 0, upper: 4, suppressed: true };
const steps = (site: string, counts: Array<number | null>): ResultRow[] =>
  counts.map((n, i) => ({
    site,
    dims: { rule_index: i, rule_name: ['qualifying events', 'Age', 'PSA'][i] },
    measures: { persons: n === null ? hidden : exact(n), events: n === null ? hidden : exact(n) },
  }));

const cohort = (age: number): CirceExpression => ({
  ConceptSets: [],
  PrimaryCriteria: { CriteriaList: [{ Death: {} }] },
  InclusionRules: [{ name: 'Age', expression: { Type: 'ALL', DemographicCriteriaList: [{ Age: { Value: age, Op: 'gte' } }] } }],
});

describe('LiveCounts', () => {
  it('counts after the pause; a newer edit cancels the run before it at the hub', async () => {
    const hub = await startStandInHub({
      analysis: { kind: 'attrition' },
      sites: [
        { id: 'north', rows: steps('north', [40, 30, null]) },
        { id: 'south', rows: steps('south', [10, 8, 6]) },
      ],
      pooled: steps('pooled', [50, 38, 9]),
      manual: true,
    });
    const counts = new LiveCounts({
      hub: () => new HubClient({ baseUrl: hub.url }),
      sites: () => ['north', 'south'],
      delayMs: 30,
    });
    const posts = () => hub.requests.filter((r) => r.method === 'POST').length;
    try {
      counts.schedule(cohort(50), null);
      expect(counts.phase).toBe('waiting');
      counts.schedule(cohort(55), null);
      await sleep(10);
      expect(posts()).toBe(0); // typing: nothing sent yet
      await until(() => posts() === 1 && counts.current?.view.phase === 'running');
      await sleep(100);
      expect(posts()).toBe(1); // one query for two quick edits
      expect(counts.phase).toBe('running');

      counts.schedule(cohort(60), null);
      await until(() => posts() === 2 && hub.requests.some((r) => r.method === 'DELETE'));
      expect(hub.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1); // the superseded run, cancelled
      expect(counts.cancelled).toBe(1);

      // The stand-in keeps stepping a cancelled query too, so release until the newest run is done.
      await until(() => {
        hub.release();
        return counts.phase === 'done';
      });
      expect(counts.stale).toBe(false);
      const table = counts.table;
      expect(table.columns.map((c) => c.key)).toEqual(['north', 'south', 'pooled']);
      // A withheld count stays an interval.
      expect(table.steps.map((s) => [s.name, s.cells.north.persons.text, s.cells.pooled.persons.text])).toEqual([
        ['qualifying events', '40', '50'],
        ['Age', '30', '38'],
        ['PSA', '0–4', '9'],
      ]);

      counts.schedule(cohort(61), null);
      expect(counts.stale).toBe(true); // the old counts stay on screen, marked stale
      counts.schedule(cohort(61), 'fix the problems first');
      expect(counts.phase).toBe('idle');
      expect(counts.hint).toBe('fix the problems first');
    } finally {
      counts.dispose();
      await hub.close();
    }
  });
});
