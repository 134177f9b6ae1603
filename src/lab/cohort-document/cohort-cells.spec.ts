import { pythonCohortCell, typescriptCohortCell } from './cohort-cells.js';

const options = {
  relativePath: 'cohorts/prostate.cohort.json',
  sites: ['north', 'south'],
  kernelHubUrl: 'http://127.0.0.1:8100',
  name: 'Prostate\ncancer',
};

describe('Use in notebook cells', () => {
  it('TypeScript: loads the file with cohortFromFile and runs a count', () => {
    const src = typescriptCohortCell(options);
    expect(src).toMatch(/^\/\/ Prostate cancer:/); // a name with a line break stays one comment line
    expect(src).toMatch(/import \{ cohortFromFile, connect, display \} from "fedomop";/);
    expect(src).toMatch(/cohortFromFile\("cohorts\/prostate\.cohort\.json"\)/);
    expect(src).toMatch(/analysis: \{ kind: "count" \} \}, \{"sites":\["north","south"\]\}\)/);
  });

  it('Python: loads the file with cohort_from_file', () => {
    const src = pythonCohortCell({ ...options, sites: [] });
    expect(src).toMatch(/fedomop\.cohort_from_file\("cohorts\/prostate\.cohort\.json"\)/);
    expect(src).toMatch(/hub\.run\(\{"version": 1, "cohort": cohort, "analysis": \{"kind": "count"\}\}\)/);
    expect(src).toMatch(/connect\(hub="http:\/\/127\.0\.0\.1:8100"\)/);
  });
});
