/**
 * The site's audit log: one JSON line per plan the site was asked to answer, for the data steward —
 * when, which plan (its hash), which analysis, who asked (a digest of the token, never the token),
 * what happened (released / refused / failed / cancelled, with the error code) and how much was
 * released (rows, and how many cells were suppressed). No count, no value, no plan text: the log
 * says what was asked and whether an answer left, not what the answer was.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { FedomopError } from '../errors.js';

export type AuditOutcome = 'released' | 'refused' | 'failed' | 'cancelled';

export interface AuditEntry {
  time: string;
  site: string;
  event: 'execute';
  outcome: AuditOutcome;
  status: number;
  code?: string;
  planHash?: string;
  analysis?: string;
  rows?: number;
  suppressedCells?: number;
  elapsedMs: number;
  /** First 16 hex digits of the SHA-256 of the Authorization header; null when there was none. */
  caller: string | null;
  remote?: string;
}

export function callerDigest(authorization: string | undefined): string | null {
  return authorization ? createHash('sha256').update(authorization).digest('hex').slice(0, 16) : null;
}

/** Which outcome an error code means: the site said no (4xx), could not (5xx), or was told to stop. */
export function outcomeOf(err: FedomopError): AuditOutcome {
  if (err.code === 'ERR_QUERY_CANCELLED') return 'cancelled';
  return err.status < 500 ? 'refused' : 'failed';
}

/**
 * Lines are written synchronously, as Node writes to a file or a pipe on standard output anyway: the
 * site records an answer before sending it, so none leaves unlogged, and a crash loses no line.
 */
export class AuditLog {
  private closed = false;

  private constructor(private readonly fd: number | undefined) {}

  /** `-` is standard output (where a container's logs are collected); anything else a file, appended to. */
  static open(target: string): AuditLog {
    if (target === '-') return new AuditLog(undefined);
    try {
      // Opened now, so a path the site cannot write stops it at start, not at its first query.
      return new AuditLog(openSync(target, 'a', 0o640));
    } catch (err) {
      throw new FedomopError('ERR_CONFIG_INVALID', `cannot open the audit log ${target}: ${(err as Error).message}`);
    }
  }

  record(entry: AuditEntry): void {
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
