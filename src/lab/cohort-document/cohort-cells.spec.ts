import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pythonCohortCell, typescriptCohortCell } from './cohort-cells.js';

const options = {
  relativePath: 'cohorts/prostate.cohort.json',
  sites: ['north', 'south'],
  kernelHubUrl: 'http://127.0.0.1:8100',
  name: 'Prostate\ncancer',
};

test('the TypeScript cell loads the file with cohortFromFile and runs a count', () => {
  const src = typescriptCohortCell(options);
  assert.match(src, /^\/\/ Prostate cancer:/, 'a name with a line break stays one comment line');
  assert.match(src, /import \{ cohortFromFile, connect, display \} from "fedomop";/);
  assert.match(src, /cohortFromFile\("cohorts\/prostate\.cohort\.json"\)/);
  assert.match(src, /analysis: \{ kind: "count" \} \}, \{"sites":\["north","south"\]\}\)/);
});

test('the Python cell loads the file with cohort_from_file', () => {
  const src = pythonCohortCell({ ...options, sites: [] });
  assert.match(src, /fedomop\.cohort_from_file\("cohorts\/prostate\.cohort\.json"\)/);
  assert.match(src, /hub\.run\(\{"version": 1, "cohort": cohort, "analysis": \{"kind": "count"\}\}\)/);
  assert.match(src, /connect\(hub="http:\/\/127\.0\.0\.1:8100"\)/);
});
