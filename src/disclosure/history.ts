/**
 * Each user's release history at this site, against differencing: every person set released to the
 * user (as a fixed-size signature, see person-set.ts — never a person id), kept in one JSON-lines
 * file per user under the history directory, so it survives restarts and a steward can read it
 * (`fedomop site history`). Decisions that released nothing (refusals) are written too, for the
 * steward; only released sets are checked against.
 *
 * A new set is compared with the earlier sets whose size is within k-1 of its own (a size index,
 * so 2k-1 lookups whatever the history's length); a symmetric difference of 1..k-1 persons is a
 * conflict. Identical sets are stored once. Entries older than the retention are dropped when the
 * file is read; a user at the policy's maximum of sets waits until the oldest expire.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FedomopError } from '../errors.js';
import { decodeSignature, encodeSignature, type PersonSet } from './person-set.js';
import { SetIndex, signed, type Conflict } from './set-index.js';

export type { Conflict } from './set-index.js';

export const ANONYMOUS = 'anonymous';

export interface HistoryCell {
  cell: string;
  n: number;
  sig: string;
}

export interface HistoryLine {
  time: string;
  user: string;
  planHash: string;
  analysis: string;
  decision: 'released' | 'refused' | 'preview';
  reason?: string;
  /** For a refusal: the earlier release it would have differenced. */
  earlier?: { planHash: string; cell: string; difference: number };
  perturbed?: number;
  withheld?: number;
  widened?: number;
  /** Released person sets (only on `released` lines). */
  sets?: HistoryCell[];
}

/** File name for a user key: readable for digests and "anonymous", hashed for anything else. */
export function historyFileName(user: string | null): string {
  const key = user ?? ANONYMOUS;
  if (/^[A-Za-z0-9_-]{1,64}$/.test(key)) return `${key}.jsonl`;
  return `u-${createHash('sha256').update(key).digest('hex').slice(0, 32)}.jsonl`;
}

export class ReleaseHistory {
  private readonly users = new Map<string, SetIndex>();

  constructor(
    readonly dir: string,
    private readonly retentionDays = 365,
    private readonly maxSets = 200_000,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private file(user: string | null): string {
    return path.join(this.dir, historyFileName(user));
  }

  private load(user: string | null): SetIndex {
    const key = user ?? ANONYMOUS;
    let h = this.users.get(key);
    if (h) return h;
    h = new SetIndex();
    const file = this.file(user);
    if (existsSync(file)) {
      const cutoff = Date.now() - this.retentionDays * 86_400_000;
      const lines = readLines(file);
      const kept = lines.filter((l) => Date.parse(l.time) >= cutoff);
      if (kept.length < lines.length) writeFileSync(file, kept.map((l) => JSON.stringify(l) + '\n').join(''), { mode: 0o600 });
      for (const line of kept)
        for (const s of line.sets ?? [])
          h.add({
            n: s.n,
            ...signed(decodeSignature(s.sig)),
            planHash: line.planHash,
            cell: s.cell,
            time: Date.parse(line.time),
          });
    }
    this.users.set(key, h);
    return h;
  }

  /** The earliest-found earlier release whose set differs from `set` by 1..k-1 persons. */
  conflict(user: string | null, set: PersonSet, k: number): Conflict | undefined {
    return this.load(user).conflict(set, k);
  }

  /** Refuses (429) when the user's history is full, naming when the oldest entry expires. */
  assertRoom(user: string | null, maxSets = this.maxSets): void {
    const h = this.load(user);
    if (h.count < maxSets) return;
    const retryAfter = Math.max(1, Math.ceil((h.oldest + this.retentionDays * 86_400_000 - Date.now()) / 1000));
    throw new FedomopError(
      'ERR_RATE_LIMITED',
      `your release history at this site holds its maximum of ${maxSets} person sets; older releases expire after ${this.retentionDays} days`,
      { retryAfterSeconds: retryAfter },
    );
  }

  record(line: Omit<HistoryLine, 'user'>, user: string | null, sets: Array<{ cell: string; set: PersonSet }> = []): void {
    const h = this.load(user);
    const time = Date.parse(line.time);
    // Only sets not stored yet are written: a repeated question adds a decision line, not its sets again.
    const fresh = sets.filter(({ cell, set }) =>
      h.add({ n: set.size, ...signed(set.signature), planHash: line.planHash, cell, time }),
    );
    const cells = fresh.map(({ cell, set }) => ({ cell, n: set.size, sig: encodeSignature(set.signature) }));
    const full: HistoryLine = { ...line, user: user ?? ANONYMOUS, ...(cells.length ? { sets: cells } : {}) };
    appendFileSync(this.file(user), JSON.stringify(full) + '\n', { mode: 0o600 });
  }

  /** Stored person sets of a user (for benchmarks and the steward's summary). */
  size(user: string | null): number {
    return this.load(user).count;
  }
}

export function readLines(file: string): HistoryLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as HistoryLine);
}

/** Every history file in a directory (for `fedomop site history`). */
export function historyFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => path.join(dir, f));
}
