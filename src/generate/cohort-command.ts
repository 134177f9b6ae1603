/**
 * `fedomop cohort generate`: materialise a Circe cohort into a CDM database's OHDSI results tables.
 * Exit codes: 0 written; 2 the command line or the expression file is wrong (nothing was opened);
 * 1 the database could not be used or the generation failed (nothing was written: one transaction).
 */
import { parseArgs } from 'node:util';
import { FedomopError } from '../errors.js';
import { generateCohort } from './generate-cohort.js';
import { readExpressionFile } from './read-expression.js';

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

const processIo: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export const COHORT_USAGE = `Usage: fedomop cohort generate --db DB --expression FILE --cohort-id N [options]

Generates an OHDSI Circe cohort (the JSON ATLAS exports) into the database, as OHDSI tools do:
rows in cohort, statistics in cohort_inclusion_result, cohort_inclusion_stats, cohort_summary_stats
and cohort_censor_stats, rule names in cohort_inclusion. Earlier rows of cohort N are replaced;
everything happens in one transaction. Results tables are created when missing.

Options:
  --db DB                 DuckDB file (opened read-write) or postgres://user@host:port/database
  --expression FILE       Circe expression JSON, or an ATLAS cohort definition {name, expression}
  --cohort-id N           cohort_definition_id to write (a whole number from 1)
  --results-schema S      schema of the results tables (default: the CDM schema); created if missing
  --cdm-schema S          schema holding the CDM and vocabulary tables (default: the database's default)
  -q, --quiet             no progress lines on stderr
  -h, --help              show this help

Docs: docs/cohort-generate.md`;

class UsageError extends Error {}

function parseCohortId(text: string | undefined): number {
  if (text === undefined) throw new UsageError('--cohort-id N is required');
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 2 ** 31 - 1)
    throw new UsageError(`--cohort-id must be a positive whole number (at most ${2 ** 31 - 1}), got "${text}"`);
  return Number(text);
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      expression: { type: 'string' },
      'cohort-id': { type: 'string' },
      'results-schema': { type: 'string' },
      'cdm-schema': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const [action, ...extra] = positionals;
  if (action !== 'generate') throw new UsageError(action ? `unknown action "${action}"` : 'say what to do: generate');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (!values.db) throw new UsageError('--db is required');
  if (!values.expression) throw new UsageError('--expression FILE is required');
  return {
    db: values.db,
    expressionFile: values.expression,
    cohortId: parseCohortId(values['cohort-id']),
    resultsSchema: values['results-schema'],
    cdmSchema: values['cdm-schema'],
    quiet: values.quiet === true,
  };
}

/** An error as lines: a refused expression lists each problem with its path. */
export function errorLines(err: unknown): string[] {
  if (err instanceof FedomopError && err.details.problems?.length) {
    return [err.message, ...err.details.problems.map((p) => `  ${p.path ? `${p.path}: ` : ''}${p.message}`)];
  }
  return String((err as Error)?.message ?? err).split('\n');
}

export async function cohortCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  let args;
  try {
    args = parse(argv);
    if (!args) {
      io.out(COHORT_USAGE);
      return 0;
    }
  } catch (error) {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!usage) throw error;
    io.err(`fedomop cohort: ${(error as Error).message}`);
    io.err('Run "fedomop cohort --help" for usage.');
    return 2;
  }

  let expression: unknown;
  try {
    expression = await readExpressionFile(args.expressionFile);
  } catch (error) {
    for (const line of errorLines(error)) io.err(`fedomop cohort generate: ${line}`);
    return 2;
  }

  try {
    const result = await generateCohort({
      db: args.db,
      expression,
      cohortId: args.cohortId,
      resultsSchema: args.resultsSchema,
      cdmSchema: args.cdmSchema,
      onProgress: args.quiet ? undefined : (line) => io.err(`fedomop cohort generate: ${line}`),
    });
    io.out(
      `fedomop cohort generate: cohort ${result.cohortId}: ${result.persons} persons, ${result.rows} cohort rows ` +
        `(${result.statements} statements in ${result.seconds.toFixed(1)} s)`,
    );
    return 0;
  } catch (error) {
    const lines = errorLines(error);
    io.err(`fedomop cohort generate: ${lines[0]}`);
    for (const line of lines.slice(1)) io.err(line.startsWith('  ') ? line : `  ${line}`);
    // A refused expression or bad option is the caller's to fix (2); a database failure is 1.
    const code = (error as { code?: string }).code;
    const callerFault = code === 'ERR_PLAN_INVALID' || code === 'ERR_PLAN_UNSUPPORTED' || code === 'ERR_BAD_REQUEST';
    // A statement failing half-way is where a steward would worry about a half-written cohort.
    if (code === 'ERR_QUERY_FAILED') io.err('  nothing was written: the generation runs in one transaction, now rolled back');
    return callerFault ? 2 : 1;
  }
}
