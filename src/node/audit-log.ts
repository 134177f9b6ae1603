/**
 * An audit log of JSON lines, shared by the site (what it was asked, what it released) and the hub
 * (who asked which sites what, and how each answered). One entry per line, written synchronously —
 * as Node writes a file or a pipe on standard output anyway — so a line is in the log before the
 * caller hears back, and a crash loses none.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { FedomopError } from '../errors.js';

/** First 16 hex digits of the SHA-256 of the Authorization header (never the token); null without one. */
export function callerDigest(authorization: string | undefined): string | null {
  return authorization ? createHash('sha256').update(authorization).digest('hex').slice(0, 16) : null;
}

export class AuditLog {
  private closed = false;

  private constructor(private readonly fd: number | undefined) {}

  /** `-` is standard output (where a container's logs are collected); anything else a file, appended to. */
  static open(target: string): AuditLog {
    if (target === '-') return new AuditLog(undefined);
    try {
      // Opened now, so a path the service cannot write stops it at start, not at its first request.
      return new AuditLog(openSync(target, 'a', 0o640));
    } catch (err) {
      throw new FedomopError('ERR_CONFIG_INVALID', `cannot open the audit log ${target}: ${(err as Error).message}`);
    }
  }

  record(entry: object): void {
    if (this.closed) return;
    const line = `${JSON.stringify(entry)}\n`;
    if (this.fd === undefined) process.stdout.write(line);
    else writeSync(this.fd, line);
  }

  close(): Promise<void> {
    if (this.fd !== undefined && !this.closed) closeSync(this.fd);
    this.closed = true;
    return Promise.resolve();
  }
}
