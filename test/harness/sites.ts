/**
 * Synthetic site files for tests, generated through `fedomop synth` and reused while the generator
 * and its inputs are unchanged: the file name carries the inputs and a hash of the generator's code.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { REPO, runCli } from './processes.js';

export interface SiteSpec {
  id: string;
  seed: number;
  persons: number;
  profile: 'central' | 'regional' | 'small';
}

export const THREE_SITES: SiteSpec[] = [
  { id: 'central', seed: 11, persons: 12000, profile: 'central' },
  { id: 'north', seed: 22, persons: 6000, profile: 'regional' },
  { id: 'south', seed: 33, persons: 3000, profile: 'small' },
];

export const DATA_DIR = path.join(REPO, '.data', 'test');

function generatorHash(): string {
  const dir = path.join(REPO, 'lib', 'synth');
  const h = createHash('sha256');
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.js') && !/\.spec(-util)?\./.test(n))
    .sort())
    h.update(readFileSync(path.join(dir, f)));
  return h.digest('hex').slice(0, 10);
}

export async function siteFile(spec: SiteSpec): Promise<string> {
  mkdirSync(DATA_DIR, { recursive: true });
  const file = path.join(DATA_DIR, `${spec.id}-${spec.profile}-${spec.seed}-${spec.persons}-${generatorHash()}.duckdb`);
  if (!existsSync(file)) {
    const tmp = file + '.partial';
    const r = await runCli([
      'synth',
      '--seed',
      String(spec.seed),
      '--persons',
      String(spec.persons),
      '--profile',
      spec.profile,
      '--out',
      tmp,
    ]);
    if (r.code !== 0) throw new Error(`synth failed for ${spec.id}: ${r.stderr}${r.stdout}`);
    renameSync(tmp, file);
  }
  return file;
}
