/**
 * The panel model against a stand-in hub over real HTTP (src/kernel/testing/stand-in-hub.ts): sites,
 * suggestions, a run whose per-site rows appear one by one before the pooled row, failures, Cancel.
 * The real hub and sites are exercised through the panel by the UI tests (ui-tests/).
 */
import { startStandInHub, type StandInHub, type StandInHubOptions } from '../../kernel/testing/stand-in-hub.js';
import { validatePlan } from '../../plan/index.js';
import { PASTE_SYNC_CHARS, QueryPanelModel, type IQueryPanelModelOptions } from './model.js';
import type { ResultRow } from '../../arrow/result-schema.js';
import { connectionTo, exact, prostate, threeSites, until } from './stand-in.spec-util.js';

async function withModel(
  opts: StandInHubOptions,
  body: (model: QueryPanelModel, hub: StandInHub) => Promise<void>,
  connection?: Partial<IQueryPanelModelOptions['connection']>,
) {
  const hub = await startStandInHub(opts);
  const model = new QueryPanelModel({ connection: connectionTo(hub, connection), suggestDelayMs: 0 });
  try {
    await until(model, (m) => m.sitesState.status === 'ready', 'sites');
    await body(model, hub);
  } finally {
    model.dispose();
    await hub.close();
  }
}

describe('model', () => {
  it('lists the hub sites, all ticked unless defaults say otherwise; Run waits for a concept', async () => {
    await withModel(threeSites, async (model) => {
      expect(model.sites.map((s) => s.id)).toStrictEqual(['north', 'south', 'east']);
      expect(model.selectedSites).toStrictEqual(['north', 'south', 'east']);
      expect(model.runBlocker ?? '').toMatch(/at least one concept/);
      model.addConcept(prostate);
      expect(model.runBlocker).toBe(null);
      expect(validatePlan(model.snapshot()!.plan).ok).toBe(true);
      model.toggleSite('east', false);
      expect(model.snapshot()!.sites).toStrictEqual(['north', 'south']);
    });
    await withModel(threeSites, async (model) => expect(model.selectedSites).toStrictEqual(['south']), {
      defaultSites: ['south'],
    });
  });

  it('concept suggestions come from the hub as the user types', async () => {
    await withModel(threeSites, async (model) => {
      model.setConceptQuery('prost');
      expect(model.suggesting).toBe(true);
      await until(model, (m) => !m.suggesting, 'suggestions');
      expect(model.suggestions.map((c) => c.conceptId)).toStrictEqual([4163261]);
      model.addConcept(model.suggestions[0]);
      expect(model.conceptQuery).toBe('');
      expect(model.cohort.concepts.map((c) => c.conceptId)).toStrictEqual([4163261]);
    });
  });

  it('a run shows each site as it answers, the pooled row only after them, and a failed site by name', async () => {
    await withModel({ ...threeSites, manual: true }, async (model, hub) => {
      model.addConcept(prostate);
      const finished = model.runQuery();
      const view = () => model.run!.view;
      await until(model, (m) => m.run?.view.phase === 'running', 'running');

      hub.release(); // north answers
      await until(model, () => view().sites.find((s) => s.site === 'north')?.rows !== null, 'north rows');
      expect(view().sites.find((s) => s.site === 'north')!.rows![0].measures.persons.value).toBe(12);
      expect(view().sites.find((s) => s.site === 'south')!.rows).toBe(null);
      expect(view().pooled).toBe(null);

      hub.release(); // south answers (suppressed)
      await until(model, () => view().sites.find((s) => s.site === 'south')?.rows !== null, 'south rows');
      expect(view().sites.find((s) => s.site === 'south')!.rows![0].measures.persons.suppressed).toBe(true);

      hub.release(); // east fails
      await until(model, () => view().sites.find((s) => s.site === 'east')?.state === 'failed', 'east failed');
      expect(view().pooled).toBe(null);

      hub.release(); // pooled
      hub.release(); // end
      await finished;
      expect(view().phase).toBe('done');
      expect(view().pooled![0].measures.persons).toStrictEqual({ value: null, lower: 13, upper: 16, suppressed: true });
      expect(view().pooledAfterMs! >= 0).toBeTruthy();
      const east = view().sites.find((s) => s.site === 'east')!;
      expect(east.error?.code).toBe('ERR_SITE_UNREACHABLE');
      expect(east.error?.site).toBe('east');
      expect(model.snapshot()!.queryId).toBe(view().queryId);
    });
  });

  it('Cancel stops following the query and marks unfinished sites cancelled', async () => {
    await withModel({ ...threeSites, manual: true }, async (model, hub) => {
      model.addConcept(prostate);
      const finished = model.runQuery();
      await until(model, (m) => m.run?.view.phase === 'running', 'running');
      hub.release(); // north answers
      await until(model, (m) => m.run!.view.sites[0].rows !== null, 'north rows');
      await model.cancel();
      await finished;
      const v = model.run!.view;
      expect(v.phase).toBe('cancelled');
      // the hub was asked to cancel
      expect(hub.requests.some((r) => r.method === 'DELETE')).toBeTruthy();
      expect(v.sites.find((s) => s.site === 'north')!.rows![0].measures.persons.value).toBe(12);
      expect(model.run!.active).toBe(false);
    });
  });

  it('a refused submission is explained in words; no hub at all blocks Run with the reason', async () => {
    const refused = {
      ...threeSites,
      submitError: {
        status: 400,
        body: {
          error: {
            code: 'ERR_PLAN_UNSUPPORTED',
            message: 'nope',
            problems: [{ path: 'cohort.X', message: 'X is not supported' }],
          },
        },
      },
    };
    await withModel(refused, async (model) => {
      model.addConcept(prostate);
      await model.runQuery();
      expect(model.run!.view.phase).toBe('failed');
      expect(model.run!.view.error ?? '').toMatch(/The hub refused the query: cohort\.X: X is not supported/);
    });
    const model = new QueryPanelModel({ connection: connectionTo(null) });
    await until(model, (m) => m.sitesState.status === 'error', 'sites error');
    model.addConcept(prostate);
    expect(model.runBlocker ?? '').toMatch(/No fedomop hub is configured/);
    model.dispose();
  });

  /** An ATLAS definition export: prostate cancer entry, then two inclusion rules. */
  const atlasDefinition = {
    name: 'Prostate cancer, PSA tested, 60+',
    expression: {
      ConceptSets: [
        {
          id: 0,
          name: 'prostate cancer',
          expression: { items: [{ concept: { CONCEPT_ID: 4163261 }, includeDescendants: true }] },
        },
        { id: 1, name: 'PSA', expression: { items: [{ concept: { CONCEPT_ID: 3013603 } }] } },
      ],
      PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }], PrimaryCriteriaLimit: { Type: 'First' } },
      InclusionRules: [
        {
          name: 'PSA around diagnosis',
          expression: {
            Type: 'ALL',
            CriteriaList: [
              {
                Criteria: { Measurement: { CodesetId: 1 } },
                StartWindow: { Start: { Days: 180, Coeff: -1 }, End: { Days: 30, Coeff: 1 } },
                Occurrence: { Type: 2, Count: 1 },
              },
            ],
          },
        },
        { name: 'aged 60 or more', expression: { Type: 'ALL', DemographicCriteriaList: [{ Age: { Value: 60, Op: 'gte' } }] } },
      ],
    },
  };
  const attritionRows = (site: string, counts: number[]): ResultRow[] =>
    counts.map((n, i) => ({
      site,
      dims: { rule_index: i, rule_name: ['qualifying events', 'PSA around diagnosis', 'aged 60 or more'][i] },
      measures: { persons: exact(n), events: exact(n) },
    }));

  it('paste mode: an ATLAS definition becomes the cohort; switching back and forth loses nothing', async () => {
    await withModel(threeSites, async (model) => {
      model.addConcept(prostate);
      model.setAge(50, null);
      model.setConceptQuery('lu');
      model.setCohortMode('paste');
      expect(model.runBlocker ?? '').toMatch(/Paste a cohort definition/);
      expect(model.snapshot()).toBe(null);
      // the empty box is the one problem (shown as the blocker only)
      expect(model.cohortProblems.length).toBe(1);

      const text = JSON.stringify(atlasDefinition, null, 2);
      model.setPasteText(text);
      expect(model.runBlocker).toBe(null);
      expect(model.pasted).toStrictEqual({
        name: 'Prostate cancer, PSA tested, 60+',
        summary: '2 concept sets, 1 entry criterion, 2 inclusion rules',
        ruleNames: ['PSA around diagnosis', 'aged 60 or more'],
        source: 'definition',
      });
      model.setAnalysisKind('attrition');
      // a cohort with rules needs no hint
      expect(model.attritionHint).toBe(null);
      const plan = model.snapshot()!.plan;
      expect(plan.analysis).toStrictEqual({ kind: 'attrition' });
      expect(plan.cohort.Title).toBe('Prostate cancer, PSA tested, 60+');
      expect(plan.cohort.InclusionRules?.length).toBe(2);

      model.setCohortMode('build');
      expect(model.cohort.concepts.map((c) => c.conceptId)).toStrictEqual([4163261]);
      expect(model.cohort.ageMin).toBe(50);
      expect(model.conceptQuery).toBe('lu');
      // the built cohort again
      expect(model.snapshot()!.plan.cohort.InclusionRules).toBe(undefined);
      expect(model.attritionHint ?? '').toMatch(/no inclusion rules.*step 0/);
      model.setCohortMode('paste');
      expect(model.pasteText).toBe(text);
      expect(model.snapshot()!.plan.cohort.Title).toBe('Prostate cancer, PSA tested, 60+');
      // never over what was typed
      expect(model.pasteBuiltCohort()).toBe(false);
      expect(model.pasteText).toBe(text);
    });
  });

  it('paste mode: problems with their paths block Run; the built cohort can seed an empty box', async () => {
    await withModel(threeSites, async (model) => {
      model.setCohortMode('paste');
      const broken = structuredClone(atlasDefinition);
      broken.expression.InclusionRules[0].expression.CriteriaList![0].Occurrence.Type = 7;
      model.setPasteText(JSON.stringify(broken));
      expect(model.cohortProblems[0]?.path).toBe('cohort.InclusionRules[0].expression.CriteriaList[0].Occurrence.Type');
      expect(model.runBlocker ?? '').toMatch(/The pasted cohort has a problem/);
      expect(model.snapshot()).toBe(null);
      await model.runQuery();
      // Run does nothing while the cohort has problems
      expect(model.run).toBe(null);
      // name and summary still shown
      expect(model.pasted?.name).toBe(atlasDefinition.name);

      model.setPasteText('');
      expect(model.builtCohortReady).toBe(false);
      model.setCohortMode('build');
      model.addConcept(prostate);
      expect(model.builtCohortReady).toBe(true);
      expect(model.pasteBuiltCohort()).toBe(true);
      expect(model.cohortMode).toBe('paste');
      expect(model.pasted?.summary).toBe('1 concept set, 1 entry criterion, 0 inclusion rules');
      expect(model.runBlocker).toBe(null);
      model.setAnalysisKind('attrition');
      expect(model.attritionHint ?? '').toMatch(/^This cohort has no inclusion rules/);
    });
  });

  it('an attrition run keeps each site’s steps and the pooled steps', async () => {
    const opts: StandInHubOptions = {
      analysis: { kind: 'attrition' },
      sites: [
        { id: 'north', rows: attritionRows('north', [40, 30, 20]) },
        { id: 'south', rows: attritionRows('south', [10, 8, 6]) },
      ],
      pooled: attritionRows('pooled', [50, 38, 26]),
    };
    await withModel(opts, async (model) => {
      model.setCohortMode('paste');
      model.setPasteText(JSON.stringify(atlasDefinition));
      model.setAnalysisKind('attrition');
      await model.runQuery();
      const view = model.run!.view;
      expect(view.phase).toBe('done');
      expect(view.pooled!.map((r) => [r.dims.rule_index, r.dims.rule_name, r.measures.persons.value])).toStrictEqual([
        [0, 'qualifying events', 50],
        [1, 'PSA around diagnosis', 38],
        [2, 'aged 60 or more', 26],
      ]);
      expect(model.run!.request.plan.analysis.kind).toBe('attrition');
      expect(model.snapshot()!.queryId).toBe(view.queryId);
    });
  });

  it('a large pasted cohort is read once typing pauses, not on every keystroke; Run waits for it', async () => {
    const model = new QueryPanelModel({ connection: connectionTo(null), pasteDelayMs: 20 });
    const big = structuredClone(atlasDefinition) as any;
    big.expression.ConceptSets[0].expression.items = Array.from({ length: 3000 }, (_, i) => ({
      concept: { CONCEPT_ID: 4163261 + i, CONCEPT_NAME: `concept ${i}` },
      includeDescendants: true,
    }));
    const text = JSON.stringify(big, null, 2);
    expect(text.length > PASTE_SYNC_CHARS).toBeTruthy();
    model.setCohortMode('paste');
    // Keystrokes: each one only stores the text.
    for (let cut = 40; cut >= 0; cut -= 10) model.setPasteText(text.slice(0, text.length - cut));
    expect(model.pasteText).toBe(text);
    expect(model.pasteChecking).toBe(true);
    // not read yet
    expect(model.pasted).toBe(null);
    expect(model.runBlocker ?? '').toMatch(/Checking the pasted cohort|No fedomop hub/);
    await until(model, (m) => !m.pasteChecking, 'the pause');
    expect((model.pasted as { name?: string } | null)?.name).toBe(atlasDefinition.name);
    model.dispose();
  });
});
