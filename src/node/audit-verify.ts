/**
 * Checks an audit log's hash chain (src/node/audit-log.ts) and names the first line that breaks it:
 * a line whose text no longer matches its own hash (edited), or whose `prev`/`seq` do not follow the
 * line before it (a line deleted, inserted or moved).
 */
import { createHash } from 'node:crypto';
import { GENESIS } from './audit-log.js';

export type AuditVerdict = { ok: true; lines: number; last: string } | { ok: false; line: number; reason: string };

const TAIL = /,"hash":"([0-9a-f]{64})"\}$/;

export function verifyAuditText(text: string): AuditVerdict {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let prev = GENESIS;
  let seq = 0;
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const line = lines[i];
    const m = TAIL.exec(line);
    if (!m) return { ok: false, line: n, reason: 'no hash at the end of the line' };
    const body = `${line.slice(0, m.index)}}`;
    if (createHash('sha256').update(body).digest('hex') !== m[1]) {
      return { ok: false, line: n, reason: 'the line was changed after it was written (its hash does not match)' };
    }
    let parsed: { seq?: unknown; prev?: unknown };
    try {
      parsed = JSON.parse(body);
    } catch {
      return { ok: false, line: n, reason: 'not JSON' };
    }
    if (parsed.prev !== prev || parsed.seq !== seq + 1) {
      return {
        ok: false,
        line: n,
        reason:
          i === 0 && parsed.seq !== 1
            ? `the log starts at entry ${String(parsed.seq)}: earlier lines are missing`
            : `does not follow line ${n - 1} (entry ${String(parsed.seq)} after entry ${seq}): a line was deleted, inserted or moved`,
      };
    }
    prev = m[1];
    seq += 1;
  }
  return { ok: true, lines: lines.length, last: prev };
}
