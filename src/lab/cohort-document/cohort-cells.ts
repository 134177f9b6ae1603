/**
 * "Use in notebook": a cell that loads the `.cohort.json` file with the kernel library and counts it
 * (persons and entry events per site, and pooled) — TypeScript for the fedomop-deno
 * kernel, Python for a Python one. The file is read by the kernel, not pasted into the cell, so the
 * notebook follows later edits of the cohort.
 */
export interface ICohortCellOptions {
  /** The cohort file relative to the notebook's directory (the kernel's working directory). */
  relativePath: string;
  sites: string[];
  kernelHubUrl: string;
  name?: string | null;
}

const lineSafe = (s: string) => s.replace(/[\r\n\u2028\u2029]+/g, ' ');

export function typescriptCohortCell(o: ICohortCellOptions): string {
  const options: Record<string, unknown> = o.sites.length ? { sites: o.sites } : {};
  return [
    `// ${lineSafe(o.name ?? o.relativePath)}: the cohort file, counted at every site.`,
    'import { cohortFromFile, connect, display } from "fedomop";',
    '',
    o.kernelHubUrl ? `const fed = await connect({ hub: ${JSON.stringify(o.kernelHubUrl)} });` : 'const fed = await connect();',
    `const cohort = await cohortFromFile(${JSON.stringify(o.relativePath)});`,
    `const result = await fed.run({ version: 1, cohort, analysis: { kind: "count" } }, ${JSON.stringify(options)});`,
    'await display(result);',
  ].join('\n');
}

export function pythonCohortCell(o: ICohortCellOptions): string {
  const options = o.sites.length ? `, sites=${JSON.stringify(o.sites)}` : '';
  return [
    `# ${lineSafe(o.name ?? o.relativePath)}: the cohort file, counted at every site.`,
    'import fedomop',
    '',
    o.kernelHubUrl ? `hub = fedomop.connect(hub=${JSON.stringify(o.kernelHubUrl)})` : 'hub = fedomop.connect()',
    `cohort = fedomop.cohort_from_file(${JSON.stringify(o.relativePath)})`,
    `result = hub.run({"version": 1, "cohort": cohort, "analysis": {"kind": "count"}}${options})`,
    'display(result)',
  ].join('\n');
}
