/**
 * `fedomop site history --history-dir DIR | --config site.toml | --db FILE [--user U] [--json]`:
 * the steward's view of the release histories — one line per decision (released, refused), with
 * the plan hash, how many cells were perturbed / withheld / widened, and for a refusal the earlier
 * release it would have differenced. Never a value: the history holds none.
 */
import { parseArgs } from 'node:util';
import { FedomopError } from '../errors.js';
import { historyFileName, historyFiles, readLines, type HistoryLine } from '../disclosure/history.js';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const HISTORY_USAGE = `usage: fedomop site history (--history-dir DIR | --config site.toml | --db site.duckdb --id ID) [--user U] [--json]`;

export async function siteHistoryCommand(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        'history-dir': { type: 'string' },
        config: { type: 'string' },
        db: { type: 'string' },
        id: { type: 'string' },
        user: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`fedomop site history: ${(err as Error).message}\n${HISTORY_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HISTORY_USAGE + '\n');
    return 0;
  }
  let dir = values['history-dir'];
  if (!dir && (values.config || values.db)) {
    const { loadSiteConfig } = await import('../site/config.js');
    try {
      const args = [
        ...(values.config ? ['--config', values.config] : []),
        ...(values.db ? ['--db', values.db] : []),
        ...(values.id ? ['--id', values.id] : []),
      ];
      dir = (await loadSiteConfig(args)).historyDir;
    } catch (err) {
      process.stderr.write(`fedomop site history: ${(err as FedomopError).message}\n`);
      return 2;
    }
  }
  if (!dir) {
    process.stderr.write(`fedomop site history: say where the histories are\n${HISTORY_USAGE}\n`);
    return 2;
  }
  const files =
    values.user !== undefined ? [path.join(dir, historyFileName(values.user))].filter((f) => existsSync(f)) : historyFiles(dir);
  const lines = files.flatMap((f) => readLines(f)).sort((a, b) => a.time.localeCompare(b.time));
  if (values.json) {
    for (const l of lines)
      process.stdout.write(JSON.stringify({ ...l, sets: l.sets?.map((s) => ({ cell: s.cell, persons: s.n })) }) + '\n');
    return 0;
  }
  process.stdout.write(`${lines.length} decisions in ${files.length} history file(s) under ${dir}\n`);
  for (const l of lines) process.stdout.write(describe(l) + '\n');
  return 0;
}

function describe(l: HistoryLine): string {
  const head = `${l.time}  ${l.user.padEnd(16)}  ${l.decision.padEnd(8)}  ${l.analysis.padEnd(9)}  plan ${l.planHash.slice(0, 12)}`;
  if (l.decision === 'refused')
    return `${head}  reason ${l.reason ?? '?'}: would differ from ${l.earlier?.cell ?? '?'} of plan ${l.earlier?.planHash.slice(0, 12) ?? '?'} by ${l.earlier?.difference ?? '?'} person(s)`;
  return `${head}  perturbed ${l.perturbed ?? 0}, withheld ${l.withheld ?? 0}, widened ${l.widened ?? 0}, sets recorded ${l.sets?.length ?? 0}`;
}
