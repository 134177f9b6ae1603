import type { Plan } from '../../plan/index.js';
import { notebookCellSource } from './cell-source.js';

const plan: Plan = {
  version: 1,
  cohort: {
    ConceptSets: [{ id: 0, name: 'Malignant tumor of prostate', expression: { items: [{ concept: { CONCEPT_ID: 4163261 } }] } }],
    PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }] },
  },
  analysis: { kind: 'count' },
};

describe('cell-source', () => {
  it('the cell carries the exact plan and sites, displays the result and ends with the DataFrame', () => {
    const source = notebookCellSource({ plan, sites: ['central', 'north'], timeoutMs: 5000 }, 'http://127.0.0.1:8100');
    const planText = /const plan = (\{[\s\S]*?\n\});/.exec(source)?.[1];
    if (planText === undefined) throw new Error(`no plan in the cell:\n${source}`);
    expect(JSON.parse(planText)).toStrictEqual(plan);
    expect(source).toMatch(/import \{ connect, display, showFrame \} from "fedomop";/);
    expect(source).toMatch(/connect\(\{ hub: "http:\/\/127\.0\.0\.1:8100" \}\)/);
    expect(source).toMatch(/fed\.run\(plan, \{"sites":\["central","north"\],"timeoutMs":5000\}\)/);
    expect(source).toMatch(/await display\(result\);/);
    expect(source).toMatch(/const df = await result\.toDanfo\(\);/);
    expect(source.trim().split('\n').at(-1)).toBe('showFrame(df)');
  });

  it('without a server-side hub URL the kernel finds its own (FEDOMOP_HUB_URL or config file)', () => {
    expect(notebookCellSource({ plan, sites: ['central'] }, '')).toMatch(/const fed = await connect\(\);/);
  });

  it('a pasted ATLAS cohort with inclusion rules and attrition: the plan verbatim, its name on one comment line', () => {
    const pasted: Plan = {
      version: 1,
      cohort: {
        Title: 'Prostate cancer,\nPSA tested',
        ConceptSets: plan.cohort.ConceptSets,
        PrimaryCriteria: plan.cohort.PrimaryCriteria,
        InclusionRules: [
          { name: 'aged 60 or more', expression: { Type: 'ALL', DemographicCriteriaList: [{ Age: { Value: 60, Op: 'gte' } }] } },
        ],
      },
      analysis: { kind: 'attrition' },
    };
    const source = notebookCellSource({ plan: pasted, sites: ['central'] }, '');
    const lines = source.split('\n');
    expect(lines[0]).toBe('// Prostate cancer, PSA tested: federated attrition from the fedomop query panel.');
    expect(lines[1].startsWith('//')).toBeTruthy();
    const planText = /const plan = (\{[\s\S]*?\n\});/.exec(source)?.[1];
    expect(JSON.parse(planText!)).toStrictEqual(pasted);
  });
});
