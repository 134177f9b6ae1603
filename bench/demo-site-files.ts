/**
 * The demo sites' DuckDB files for benchmarks that run a site's answer path in-process: synthesised once
 * under .data/bench/ with the demo's seeds, sizes and profiles (src/cli/demo-command.ts), then reused.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { DEMO_SITES } from '../src/cli/demo-command.js';
import { REPO, runCli } from '../test/harness/processes.js';

export async function demoSiteFiles(): Promise<Array<{ id: string; file: string }>> {
  const dir = path.join(REPO, '.data', 'bench');
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (const s of DEMO_SITES) {
    const file = path.join(dir, `demo-${s.id}-${s.persons}.duckdb`);
    if (!existsSync(file)) {
      console.log(`synthesising ${file} ...`);
      const r = await runCli([
        'synth',
        '--seed',
        String(s.seed),
        '--persons',
        String(s.persons),
        '--profile',
        s.profile,
        '--out',
        file,
      ]);
      if (r.code !== 0) throw new Error(r.stderr);
    }
    files.push({ id: s.id, file });
  }
  return files;
}
