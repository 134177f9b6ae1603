/** The per-case report: one line per case and engine, failing ones followed by their first differing rows. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../harness/processes.js';
import type { CaseOutcome } from './run-case.js';

export const REPORT_FILE = path.join(REPO, 'test-results', 'conformance.txt');

export function formatReport(outcomes: readonly CaseOutcome[], notes: readonly string[] = []): string {
  const width = Math.max(4, ...outcomes.map((o) => o.name.length));
  const lines = ['circe conformance (shared/conformance/circe)', ...notes, ''];
  for (const o of outcomes) {
    lines.push(
      `${o.passed ? 'PASS' : 'FAIL'}  ${o.engine.padEnd(8)}  ${o.name.padEnd(width)}  ${o.kind.padEnd(6)}  ${o.seconds.toFixed(2)} s`,
    );
    // Error cases also say what refused them, which is worth seeing when they pass.
    if (!o.passed || o.kind === 'error') for (const d of o.detail) lines.push(`        ${d}`);
  }
  lines.push('');
  for (const engine of [...new Set(outcomes.map((o) => o.engine))]) {
    const mine = outcomes.filter((o) => o.engine === engine);
    lines.push(
      `${engine}: ${mine.filter((o) => o.passed).length} passed, ${mine.filter((o) => !o.passed).length} failed of ${mine.length}`,
    );
  }
  return lines.join('\n') + '\n';
}

export function writeReport(text: string, file = REPORT_FILE): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}
