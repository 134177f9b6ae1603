/**
 * An audit log of JSON lines, shared by the site (what it was asked, what it released) and the hub
 * (who asked which sites what, and how each answered). One entry per line, written synchronously —
 * as Node writes a file or a pipe on standard output anyway — so a line is in the log before the
 * caller hears back, and a crash loses none.
 *
 * The lines form a hash chain, so editing, deleting or reordering a line shows: each line carries
 * `seq` (one more than the line before), `prev` (the hash of the line before; 64 zeros for the first)
 * and, last, its own `hash` — the SHA-256 of the line's text up to that field. A restarted service
 * reads the last line of its file and continues the chain. `fedomop audit verify FILE` checks it
 * (src/node/audit-verify.ts). What a chain cannot show on its own is a cut-off tail or a log
 * rewritten wholesale from some line on: ship the lines elsewhere as they are written (a container's
 * log collector) and compare the last hash, which is the whole log's fingerprint.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { FedomopError } from '../errors.js';

/** First 16 hex digits of the SHA-256 of the Authorization header (never the token); null without one. */
export function callerDigest(authorization: string | undefined): string | null {
  return authorization ? createHash('sha256').update(authorization).digest('hex').slice(0, 16) : null;
}

export const GENESIS = '0'.repeat(64);

/** `{"seq":…,"prev":…,<entry>}` → the line with `,"hash":"…"}` appended inside the object. */
export function chainLine(seq: number, prev: string, entry: object): { line: string; hash: string } {
  const { seq: _s, prev: _p, hash: _h, ...fields } = entry as Record<string, unknown>;
  const body = JSON.stringify({ seq, prev, ...fields });
  const hash = createHash('sha256').update(body).digest('hex');
  return { line: `${body.slice(0, -1)},"hash":"${hash}"}`, hash };
}

/** The last complete line of a file (read backwards from the end, so a large log costs little). */
function lastLine(fd: number): string | undefined {
  const size = fstatSync(fd).size;
  if (size === 0) return undefined;
  let tail = '';
  let pos = size;
  while (pos > 0) {
    const n = Math.min(64 * 1024, pos);
    pos -= n;
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, pos);
    tail = buf.toString('utf8') + tail;
    const lines = tail.replace(/\n+$/, '').split('\n');
    if (lines.length > 1 || pos === 0) return lines[lines.length - 1];
  }
  return undefined;
}

export class AuditLog {
  private closed = false;

  private constructor(
    private readonly fd: number | undefined,
    private seq: number,
    private prev: string,
  ) {}

  /** `-` is standard output (where a container's logs are collected); anything else a file, appended to. */
  static open(target: string): AuditLog {
    if (target === '-') return new AuditLog(undefined, 0, GENESIS);
    let fd: number;
    try {
      // Opened now, so a path the service cannot write stops it at start, not at its first request.
      fd = openSync(target, 'a+', 0o640);
    } catch (err) {
      throw new FedomopError('ERR_CONFIG_INVALID', `cannot open the audit log ${target}: ${(err as Error).message}`);
    }
    const last = lastLine(fd);
    if (last === undefined) return new AuditLog(fd, 0, GENESIS);
    let parsed: { seq?: unknown; hash?: unknown };
    try {
      parsed = JSON.parse(last);
    } catch {
      parsed = {};
    }
    if (typeof parsed.seq !== 'number' || typeof parsed.hash !== 'string') {
      closeSync(fd);
      throw new FedomopError(
        'ERR_CONFIG_INVALID',
        `the audit log ${target} does not end in a chained line, so it cannot be continued: check it with ` +
          '`fedomop audit verify` and start a new file',
      );
    }
    return new AuditLog(fd, parsed.seq, parsed.hash);
  }

  record(entry: object): void {
    if (this.closed) return;
    const { line, hash } = chainLine(this.seq + 1, this.prev, entry);
    if (this.fd === undefined) process.stdout.write(`${line}\n`);
    else writeSync(this.fd, `${line}\n`);
    // Advanced only once written: a failed write leaves the chain where the file is.
    this.seq += 1;
    this.prev = hash;
  }

  close(): Promise<void> {
    if (this.fd !== undefined && !this.closed) closeSync(this.fd);
    this.closed = true;
    return Promise.resolve();
  }
}
