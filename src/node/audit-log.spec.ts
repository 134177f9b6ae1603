import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditLog } from './audit-log.js';
import { verifyAuditText } from './audit-verify.js';

function withLog(fn: (file: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-audit-spec-'));
  try {
    fn(path.join(dir, 'audit.jsonl'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the chain continues across restarts and verifies; each kind of tampering names its line', () => {
  withLog((file) => {
    let log = AuditLog.open(file);
    for (let i = 0; i < 3; i++) log.record({ event: 'execute', n: i });
    void log.close();
    log = AuditLog.open(file); // a restart: continues from the last line
    for (let i = 3; i < 6; i++) log.record({ event: 'execute', n: i });
    void log.close();
    const text = readFileSync(file, 'utf8');
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 6);
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).seq),
      [1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(verifyAuditText(text), { ok: true, lines: 6, last: JSON.parse(lines[5]).hash });

    const edited = [...lines];
    edited[3] = edited[3].replace('"n":3', '"n":30');
    assert.deepEqual(pick(verifyAuditText(edited.join('\n'))), { ok: false, line: 4 });
    const deleted = lines.filter((_, i) => i !== 2);
    assert.deepEqual(pick(verifyAuditText(deleted.join('\n'))), { ok: false, line: 3 });
    const swapped = [lines[0], lines[2], lines[1], ...lines.slice(3)];
    assert.deepEqual(pick(verifyAuditText(swapped.join('\n'))), { ok: false, line: 2 });
    assert.deepEqual(pick(verifyAuditText(lines.slice(1).join('\n'))), { ok: false, line: 1 });
  });
});

test('a log that does not end in a chained line is not continued', () => {
  withLog((file) => {
    writeFileSync(file, '{"old":"format"}\n');
    assert.throws(() => AuditLog.open(file), { code: 'ERR_CONFIG_INVALID' });
  });
});

const pick = (v: ReturnType<typeof verifyAuditText>) => (v.ok ? v : { ok: v.ok, line: v.line });
