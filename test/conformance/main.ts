/**
 * The conformance suite without node:test, for a quick look:
 *   node lib-test/test/conformance/main.js [--engine duckdb|postgres|all] [--case SUBSTRING]
 * Prints the report, writes it to test-results/conformance.txt, exits 1 when a case fails.
 */
import { parseArgs } from 'node:util';
import { POSTGRES_AVAILABLE, duckdbEngine, startPostgresEngine, type Engine } from './engines.js';
import { CONFORMANCE_ROOT, conformanceAvailable, readManifest } from './manifest.js';
import { formatReport, writeReport, REPORT_FILE } from './report.js';
import { runCase, type CaseOutcome } from './run-case.js';

const { values } = parseArgs({ options: { engine: { type: 'string', default: 'all' }, case: { type: 'string' } } });
if (!conformanceAvailable()) {
  console.error(`circe conformance data not found at ${CONFORMANCE_ROOT}`);
  process.exit(2);
}
const cases = readManifest()
  .map((c, i) => ({ c, i }))
  .filter(({ c }) => !values.case || c.name.includes(values.case));
const engines: Engine[] = [];
const notes: string[] = [];
if (values.engine !== 'postgres') engines.push(duckdbEngine);
if (values.engine !== 'duckdb') {
  if (POSTGRES_AVAILABLE) engines.push(await startPostgresEngine());
  else notes.push('postgres: skipped, PostgreSQL is not installed');
}
const outcomes: CaseOutcome[] = [];
try {
  for (const engine of engines) for (const { c, i } of cases) outcomes.push(await runCase(c, i, CONFORMANCE_ROOT, engine));
} finally {
  for (const engine of engines) await engine.stop();
}
const report = formatReport(outcomes, notes);
process.stdout.write(report);
writeReport(report);
console.error(`report written to ${REPORT_FILE}`);
process.exit(outcomes.every((o) => o.passed) ? 0 : 1);
