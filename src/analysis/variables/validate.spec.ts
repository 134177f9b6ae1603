import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConceptSet } from '../../circe/types.js';
import { validateVariables } from './validate.js';

const SETS: ConceptSet[] = [{ id: 3, name: 'PSA', expression: { items: [{ concept: { CONCEPT_ID: 3013603 } }] } }];

test('a plan using every type validates cleanly', () => {
  assert.deepEqual(
    validateVariables(
      {
        age: { type: 'age_at_index' },
        year: { type: 'index_year' },
        sex: { type: 'gender', reference: 'FEMALE' },
        psa: { type: 'measurement', conceptSet: 3, window: { start: -365, end: 0 }, pick: 'latest' },
        hb: {
          type: 'measurement',
          conceptSet: { items: [{ concept: { CONCEPT_ID: 3000963 }, includeDescendants: true }] },
          window: { start: -30, end: 30 },
          pick: 'mean',
        },
        drug: { type: 'occurrence', domain: 'drug', conceptSet: 3, window: { start: 0, end: 0 } },
        visits: { type: 'count_occurrences', domain: 'visit', conceptSet: 3, window: { start: -365, end: -1 } },
        died: { type: 'death', window: { start: 0, end: 365 } },
        os: { type: 'time_to', event: { type: 'death' }, maxDays: 1825 },
        pfs: { type: 'time_to', event: { type: 'occurrence', domain: 'procedure', conceptSet: 3 }, maxDays: 0 },
      },
      SETS,
    ),
    [],
  );
});

test('each mistake is reported at its JSON path', () => {
  const problems = validateVariables(
    {
      '1bad': { type: 'age_at_index' },
      psa: { type: 'measurement', conceptSet: 9, window: { start: 10, end: -10 }, pick: 'median' },
      drug: {
        type: 'occurrence',
        domain: 'note',
        conceptSet: { items: [{ concept: { CONCEPT_ID: 'x' } }] },
        window: { start: 0.5, end: 99999 },
      },
      died: { type: 'death' },
      sex: { type: 'gender', reference: '', extra: 1 },
      os: {
        type: 'time_to',
        event: { type: 'occurrence', domain: 'drug', conceptSet: 3, window: { start: 0, end: 1 } },
        maxDays: -1,
      },
      what: { type: 'bmi' },
      nothing: 7,
    },
    SETS,
  );
  const paths = problems.map((p) => p.path);
  assert.deepEqual(paths, [
    'analysis.variables.1bad',
    'analysis.variables.psa.window.end',
    'analysis.variables.psa.conceptSet',
    'analysis.variables.psa.pick',
    'analysis.variables.drug.window.start',
    'analysis.variables.drug.window.end',
    'analysis.variables.drug.conceptSet.items[0].concept.CONCEPT_ID',
    'analysis.variables.drug.domain',
    'analysis.variables.died.window',
    'analysis.variables.sex.extra',
    'analysis.variables.sex.reference',
    'analysis.variables.os.event.window',
    'analysis.variables.os.maxDays',
    'analysis.variables.what.type',
    'analysis.variables.nothing',
  ]);
  assert.match(problems.find((p) => p.path.endsWith('psa.conceptSet'))!.message, /no concept set with id 9/);
});

test('the container itself: not an object, empty, too many', () => {
  assert.deepEqual(validateVariables([], SETS), [
    { path: 'analysis.variables', message: 'variables must be an object {name: spec}' },
  ]);
  assert.equal(validateVariables({}, SETS)[0].path, 'analysis.variables');
  const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`v${i}`, { type: 'index_year' }]));
  assert.match(validateVariables(many, SETS)[0].message, /at most 50/);
});
