/**
 * The same query as a cell for a Python kernel, through the Python package's client
 * (fedomop/client.py): pandas via pyarrow. The plan goes in as its JSON, read with json.loads from a
 * raw triple-quoted string — JSON text can never contain three quotes in a row, and a raw string
 * keeps its escapes for json.loads — so any plan, whatever its strings hold, arrives verbatim.
 */
import type { IQuerySnapshot } from '../tokens.js';
import { cellTitle } from './cell-source.js';

export function pythonCellSource(query: IQuerySnapshot, kernelHubUrl: string): string {
  // JSON string and array literals of strings and integers are valid Python literals too.
  const options = [`sites=${JSON.stringify(query.sites)}`];
  if (query.timeoutMs !== undefined) options.push(`timeout_ms=${query.timeoutMs}`);
  return [
    `# ${cellTitle(query)}: federated ${query.plan.analysis.kind} from the fedomop query panel.`,
    '# Run again to ask the sites again; only disclosure-controlled aggregates come back.',
    'import json',
    '',
    'import fedomop',
    '',
    // Without a URL, connect() falls back to FEDOMOP_HUB_URL or ~/.fedomop/config.json.
    kernelHubUrl ? `hub = fedomop.connect(hub=${JSON.stringify(kernelHubUrl)})` : 'hub = fedomop.connect()',
    `plan = json.loads(r"""\n${JSON.stringify(query.plan, null, 2)}\n""")`,
    `result = hub.run(plan, ${options.join(', ')})`,
    '# Each site, then "pooled"; withheld counts show as their interval.',
    'display(result)',
    '# The same rows as a pandas DataFrame (a withheld count is <NA>, its interval in _lower/_upper).',
    'df = result.frame',
    'df',
  ].join('\n');
}
