import { test } from 'node:test';
import assert from 'node:assert/strict';
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

test('the cell carries the exact plan and sites, displays the result and ends with the DataFrame', () => {
  const source = notebookCellSource({ plan, sites: ['central', 'north'], timeoutMs: 5000 }, 'http://127.0.0.1:8100');
  const planText = /const plan = (\{[\s\S]*?\n\});/.exec(source)?.[1];
  assert.ok(planText, source);
  assert.deepEqual(JSON.parse(planText), plan);
  assert.match(source, /import \{ connect, display, showFrame \} from "fedomop";/);
  assert.match(source, /connect\(\{ hub: "http:\/\/127\.0\.0\.1:8100" \}\)/);
  assert.match(source, /fed\.run\(plan, \{"sites":\["central","north"\],"timeoutMs":5000\}\)/);
  assert.match(source, /await display\(result\);/);
  assert.match(source, /const df = await result\.toDanfo\(\);/);
  assert.equal(source.trim().split('\n').at(-1), 'showFrame(df)');
});

test('without a server-side hub URL the kernel finds its own (FEDOMOP_HUB_URL or config file)', () => {
  assert.match(notebookCellSource({ plan, sites: ['central'] }, ''), /const fed = await connect\(\);/);
});

test('a pasted ATLAS cohort with inclusion rules and attrition: the plan verbatim, its name on one comment line', () => {
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
  assert.equal(lines[0], '// Prostate cancer, PSA tested: federated attrition from the fedomop query panel.');
  assert.ok(lines[1].startsWith('//'));
  const planText = /const plan = (\{[\s\S]*?\n\});/.exec(source)?.[1];
  assert.deepEqual(JSON.parse(planText!), pasted);
});
