/**
 * The notebook cell that reproduces a panel query through the kernel library (src/kernel) in the
 * fedomop-deno kernel. The plan travels as source text, not through a comm (Deno closes
 * frontend-opened comms): the cell asks the hub again, so its numbers are the hub's for the same plan.
 */
import type { IQuerySnapshot } from '../tokens.js';

/** The kernelspec scripts/install-kernel.sh installs. */
export const KERNEL_NAME = 'fedomop-deno';

export function notebookCellSource(query: IQuerySnapshot, kernelHubUrl: string): string {
  const options: Record<string, unknown> = { sites: query.sites };
  if (query.timeoutMs !== undefined) options.timeoutMs = query.timeoutMs;
  return [
    `// ${cellTitle(query)}: federated ${query.plan.analysis.kind} from the fedomop query panel.`,
    '// Run again to ask the sites again; only disclosure-controlled aggregates come back.',
    'import { connect, display, showFrame } from "fedomop";',
    '',
    // Without a URL, connect() falls back to FEDOMOP_HUB_URL or ~/.fedomop/config.json.
    kernelHubUrl ? `const fed = await connect({ hub: ${JSON.stringify(kernelHubUrl)} });` : 'const fed = await connect();',
    `const plan = ${JSON.stringify(query.plan, null, 2)};`,
    `const result = await fed.run(plan, ${JSON.stringify(options)});`,
    '// Each site, then "pooled"; withheld counts show as their interval.',
    'await display(result);',
    '// The same rows as a danfojs DataFrame, for further analysis (withheld counts are NaN).',
    'const df = await result.toDanfo();',
    'showFrame(df)',
  ].join('\n');
}

/** The query's name for a one-line comment: a pasted ATLAS name, else its concept sets. */
export function cellTitle(query: IQuerySnapshot): string {
  const given = typeof query.plan.cohort.Title === 'string' ? query.plan.cohort.Title.trim() : '';
  // A pasted ATLAS name may hold line breaks; in a comment line they would turn the rest into code.
  return (given || describe(query)).replace(/[\r\n\u2028\u2029]+/g, ' ');
}

function describe(query: IQuerySnapshot): string {
  const sets = query.plan.cohort.ConceptSets.map((s) => s.name).filter(Boolean);
  return sets.length ? `Cohort: ${sets.join('; ')}` : 'Federated query';
}
