/**
 * `fedomop synth`: writes one synthetic OMOP site to a DuckDB file. Exit codes: 0 done, 1 the
 * generator failed, 2 the command line was wrong (nothing is written then).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_EVENTS_PER_PERSON, SYNTH_PROFILES, generateSite, isSynthProfileName } from '../synth/index.js';

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

const processIo: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const DEFAULT_SEED = 1;
const DEFAULT_PROFILE = 'regional';

export const SYNTH_USAGE = `Usage: fedomop synth --out FILE [options]

Writes a deterministic synthetic OMOP CDM 5.4 database (DuckDB file). FILE is replaced.

Options:
  --out FILE                 DuckDB file to write (required)
  --seed N                   random seed; the same seed gives the same data (default ${DEFAULT_SEED})
  --persons N                number of persons (default: the profile's size)
  --profile NAME             ${Object.entries(SYNTH_PROFILES)
    .map(([name, p]) => `${name} (${p.defaultPersons} persons: ${p.description})`)
    .join('\n                             ')}
                             (default ${DEFAULT_PROFILE})
  --events-per-person N      mean rows per person in each clinical table (default ${DEFAULT_EVENTS_PER_PERSON})
  --site-name NAME           name recorded in cdm_source
  --vocabulary-size N        grow the vocabulary to N concepts: the real ones plus generated ones
                             around them (hierarchy, synonyms, source codes; default: real ones only)
  --writable                 store every column so the clinical tables accept inserts later
                             (slower; by default columns left empty are virtual, always NULL)
  -h, --help                 show this help`;

class UsageError extends Error {}

function count(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} needs a whole number, got "${text}"`);
  return Number(text);
}

export async function synthCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  let options;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        seed: { type: 'string' },
        persons: { type: 'string' },
        profile: { type: 'string' },
        'events-per-person': { type: 'string' },
        'site-name': { type: 'string' },
        'vocabulary-size': { type: 'string' },
        writable: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(SYNTH_USAGE);
      return 0;
    }
    const profile = values.profile ?? DEFAULT_PROFILE;
    if (!isSynthProfileName(profile)) {
      throw new UsageError(`unknown profile "${profile}"; choose one of ${Object.keys(SYNTH_PROFILES).join(', ')}`);
    }
    if (!values.out) throw new UsageError('--out FILE is required');
    options = {
      out: values.out,
      seed: count('--seed', values.seed, DEFAULT_SEED),
      persons: count('--persons', values.persons, SYNTH_PROFILES[profile].defaultPersons),
      profile,
      eventsPerPerson: count('--events-per-person', values['events-per-person'], DEFAULT_EVENTS_PER_PERSON),
      siteName: values['site-name'],
      writable: values.writable === true,
      ...(values['vocabulary-size'] !== undefined && {
        vocabularySize: count('--vocabulary-size', values['vocabulary-size'], 0),
      }),
    };
    if (options.persons < 1) throw new UsageError('--persons must be at least 1');
    if (!Number.isSafeInteger(options.seed)) throw new UsageError('--seed is too large');
  } catch (error) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown flags and missing values.
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!usage) throw error;
    io.err(`fedomop synth: ${(error as Error).message}`);
    io.err('Run "fedomop synth --help" for usage.');
    return 2;
  }

  try {
    const report = await generateSite(options);
    const rows = Object.entries(report.rowCounts)
      .map(([table, n]) => `${table}=${n}`)
      .join(' ');
    io.out(
      `fedomop synth: wrote ${report.out} (profile ${report.profile}, seed ${report.seed}) ` +
        `in ${(report.elapsedMs / 1000).toFixed(1)} s: ${rows}`,
    );
    return 0;
  } catch (error) {
    const code = (error as { code?: string }).code;
    io.err(`fedomop synth: ${(error as Error).message}`);
    return code === 'ERR_BAD_REQUEST' ? 2 : 1;
  }
}
