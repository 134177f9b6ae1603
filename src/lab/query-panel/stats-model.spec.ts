/**
 * The panel model with a statistics kind, against the stand-in hub over real HTTP: the form edits the
 * plan (a renamed variable stays picked), and a run keeps every column of the rows, the result's
 * metadata and the hub's latest iteration for the results view and its chart.
 */
import { startStandInHub } from '../../kernel/testing/stand-in-hub.js';
import { statsBatches } from '../../kernel/testing/stats-tables.js';
import { chartFor } from '../../charts/index.js';
import { expectOk } from '../expect-ok.spec-util.js';
import { QueryPanelModel } from './model.js';
import { connectionTo, prostate, until } from './stand-in.spec-util.js';
import { statsRows } from './query-run.js';

const term = (name: string, estimate: number) => ({
  site: 'pooled',
  term: name,
  estimate,
  std_error: 0.1,
  statistic: estimate / 0.1,
  p_value: 0.5,
  ci_lower: estimate - 0.196,
  ci_upper: estimate + 0.196,
});

describe('stats model', () => {
  it('a renamed variable stays picked; the GLM run keeps its rows, metadata and the hub iteration', async () => {
    const table = statsBatches([term('(Intercept)', -2), term('years', 0.03)], {
      'fedomop.glm': JSON.stringify({ family: 'binomial', n: 300, iterations: 5, converged: true }),
    });
    const hub = await startStandInHub({
      analysis: { kind: 'count' },
      sites: [{ id: 'north' }],
      pooled: [],
      table,
      iterations: [
        { round: 1, kind: 'glm', deviance: 410.5 },
        { round: 2, kind: 'glm', deviance: 400.25 },
      ],
    });
    const model = new QueryPanelModel({ connection: connectionTo(hub), suggestDelayMs: 0 });
    try {
      await until(model, (m) => m.sitesState.status === 'ready', 'sites');
      model.addConcept(prostate);
      model.setAnalysisKind('glm');
      model.updateVariable(0, { name: 'years' });
      const built = model.planResult;
      expectOk(built);
      expect(built.plan.analysis).toMatchObject({ kind: 'glm', outcome: 'death_1y', covariates: ['years', 'gender'] });
      expect(Object.keys((built.plan.analysis as { variables: object }).variables).sort()).toEqual([
        'death_1y',
        'gender',
        'years',
      ]);

      await model.runQuery();
      const view = model.run!.view;
      expect(view.phase).toBe('done');
      expect(view.iteration).toEqual({ round: 2, kind: 'glm', deviance: 400.25 });
      expect(JSON.parse(view.metadata['fedomop.glm']).n).toBe(300);
      const rows = statsRows(view);
      expect(rows.map((r) => r.term)).toEqual(['(Intercept)', 'years']);
      const spec = chartFor('glm', rows, view.metadata) as { data: { values: Array<{ term: string; estimate: number }> } };
      expect(spec.data.values).toEqual([expect.objectContaining({ term: 'years', estimate: Math.exp(0.03) })]);
    } finally {
      model.dispose();
      await hub.close();
    }
  });
});
