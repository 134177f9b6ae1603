/**
 * `fedomop check --db <file | postgres://...> [--schema S] [--json]`: before a site joins a
 * federation, its data steward sees whether the CDM has what fedomop reads (src/site/cdm-check.ts).
 * Exit codes: 0 usable (gaps in some criterion domains are listed, not fatal); 1 a core table or
 * column is missing, or the database cannot be opened; 2 the command line is wrong.
 */
import { parseArgs } from 'node:util';
import { FedomopError } from '../errors.js';
import { checkCdm, type CdmReport } from '../site/cdm-check.js';
import type { SiteDatabase } from '../site/database.js';

export const CHECK_USAGE = `usage: fedomop check --db <site.duckdb | postgres://...> [--schema cdm] [--json]

Checks that an OMOP CDM has the tables and columns fedomop reads: person, observation_period and the
vocabulary for every plan; for each Circe criterion domain its table and the columns criteria read.
Opens the database read-only and changes nothing. Exit 0 when a site can answer plans on it.`;

async function openDatabase(db: string, schema: string | undefined): Promise<SiteDatabase> {
  if (/^postgres(ql)?:\/\//.test(db)) {
    const { PostgresDatabase } = await import('../site/postgres-database.js');
    return PostgresDatabase.open(db, { schema });
  }
  const { DuckDbDatabase } = await import('../site/duckdb-database.js');
  return DuckDbDatabase.open(db);
}

const count = (n: number | undefined) => (n === undefined ? '' : `${n.toLocaleString('en')} rows`);

export function formatReport(where: string, report: CdmReport): string {
  const out = [
    `fedomop check: ${where} — CDM ${report.cdmVersion ?? 'unknown'}, vocabulary ${report.vocabularyVersion ?? 'unknown'}`,
    'tables every plan (or a part of one) reads',
  ];
  for (const t of report.core) {
    const gap = !t.present ? 'missing' : t.missingColumns.length ? `lacks ${t.missingColumns.join(', ')}` : '';
    const mark = !gap ? '✓' : t.optional ? '!' : '✗';
    out.push(`  ${mark} ${t.table.padEnd(22)} ${gap ? `${gap}: ${t.why}` : count(t.rows)}`);
  }
  out.push('criterion domains');
  for (const d of report.domains) {
    const note = !d.present
      ? 'no table: criteria of this domain will fail'
      : !d.usable
        ? `lacks ${d.missingColumns.join(', ')}: criteria of this domain will fail`
        : d.unusableAttributes.length
          ? `${count(d.rows)}; lacks ${d.missingColumns.join(', ')}: ${d.unusableAttributes.join(', ')} will fail`
          : count(d.rows);
    const mark = !d.usable ? '✗' : d.unusableAttributes.length ? '!' : '✓';
    out.push(`  ${mark} ${d.domain.padEnd(20)} ${d.table.padEnd(22)} ${note}`);
  }
  if (report.personsWithoutObservation)
    out.push(`note: ${report.personsWithoutObservation} persons have no observation period; no cohort can include them`);
  out.push(report.usable ? 'usable: yes' : 'usable: no — a table or column every plan needs is missing (above)');
  return out.join('\n');
}

export async function checkCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        db: { type: 'string' },
        schema: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`fedomop check: ${(err as Error).message}\n${CHECK_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${CHECK_USAGE}\n`);
    return 0;
  }
  if (!values.db) {
    process.stderr.write(`fedomop check: --db is required\n${CHECK_USAGE}\n`);
    return 2;
  }
  let db: SiteDatabase;
  try {
    db = await openDatabase(values.db, values.schema);
  } catch (err) {
    process.stderr.write(`fedomop check: ${err instanceof FedomopError ? err.message : String(err)}\n`);
    return 1;
  }
  try {
    const report = await checkCdm(db);
    const where = values.db.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    process.stdout.write(`${values.json ? JSON.stringify(report, null, 2) : formatReport(where, report)}\n`);
    return report.usable ? 0 : 1;
  } finally {
    await db.close();
  }
}
