/**
 * Bounds how many plans run at once on the site's database, fairly across callers. A burst waits in
 * a short queue; past that the site says 429 at once, rather than letting a queue grow without end.
 *
 * Waiting plans are kept per caller (the verified user, or under --dev-insecure a digest of the
 * Authorization header) and a freed slot goes to the next caller in turn, round-robin: one user's
 * burst, from a hub or sent straight to the site, costs another user at most one plan's wait, not
 * the whole backlog. The hub schedules the same way (src/hub/scheduler.ts); this is the site's own
 * guarantee when several hubs, or direct callers, share it.
 */
import { availableParallelism } from 'node:os';
import { FedomopError } from '../errors.js';

/**
 * Plans run at once when the operator does not say: one per core, at least 2 (so a hub's reserved
 * slot leaves room for a second caller beside a flood) and at most 4. More plans than cores only share
 * the cores: a small count behind three crosstabs on two cores got a fifth of the CPU it had alone
 * (issue 11), and a DuckDB file opened with its default threads already spreads one plan over them.
 */
export function defaultConcurrency(cores = availableParallelism()): number {
  return Math.max(2, Math.min(4, cores));
}

/** Callers without a key (the shared anonymous history under --dev-insecure) wait in one queue. */
const ANONYMOUS = '';

export class QueryLimiter {
  private running = 0;
  private waitingCount = 0;
  /** Waiting starts per caller. */
  private readonly waiting = new Map<string, Array<() => void>>();
  /** When each caller with plans running or waiting last started one (a count of starts). */
  private readonly lastStart = new Map<string, number>();
  /** Plans running per caller, so a caller's turn is remembered while any of its plans runs. */
  private readonly runningBy = new Map<string, number>();
  private starts = 0;

  constructor(
    private readonly maxRunning: number,
    private readonly maxWaiting: number,
  ) {}

  /** Runs `task` when a slot is free and it is `caller`'s turn. */
  async run<T>(task: () => Promise<T>, caller: string | null = null): Promise<T> {
    const key = caller ?? ANONYMOUS;
    if (this.running >= this.maxRunning) {
      if (this.waitingCount >= this.maxWaiting) {
        throw new FedomopError(
          'ERR_RATE_LIMITED',
          `the site is busy (${this.running} queries running, ${this.waitingCount} waiting); try again shortly`,
        );
      }
      let queue = this.waiting.get(key);
      if (!queue) this.waiting.set(key, (queue = []));
      this.waitingCount++;
      // The slot is handed over by the finishing task (running stays counted), so nothing overtakes.
      await new Promise<void>((resolve) => queue.push(resolve));
    } else {
      this.running++;
      this.started(key);
    }
    try {
      return await task();
    } finally {
      this.finished(key);
      this.next();
    }
  }

  /** What waits, per caller (specs, diagnostics). */
  stats(): { running: number; waiting: Record<string, number> } {
    return { running: this.running, waiting: Object.fromEntries([...this.waiting].map(([k, q]) => [k, q.length])) };
  }

  /**
   * Hands the finishing task's slot to the waiting caller served least recently (round-robin: a caller
   * who just started a plan, queued or not, is behind everyone who waits).
   */
  private next(): void {
    let caller: string | undefined;
    let oldest = Infinity;
    for (const key of this.waiting.keys()) {
      const at = this.lastStart.get(key) ?? -1;
      if (at < oldest) [caller, oldest] = [key, at];
    }
    if (caller === undefined) {
      this.running--;
      return;
    }
    const queue = this.waiting.get(caller)!;
    const start = queue.shift()!;
    this.waitingCount--;
    if (queue.length === 0) this.waiting.delete(caller);
    this.started(caller);
    start();
  }

  private started(caller: string): void {
    this.lastStart.set(caller, ++this.starts);
    this.runningBy.set(caller, (this.runningBy.get(caller) ?? 0) + 1);
  }

  /** A caller with nothing running or waiting is forgotten: the maps hold only callers in play. */
  private finished(caller: string): void {
    const left = (this.runningBy.get(caller) ?? 1) - 1;
    if (left > 0) this.runningBy.set(caller, left);
    else {
      this.runningBy.delete(caller);
      if (!this.waiting.has(caller)) this.lastStart.delete(caller);
    }
  }
}
