/**
 * The hub's own work on site answers (decoding, checking, pooling, encoding, the audit line), shared
 * fairly between callers and never in one long stretch. Site answers used to be handled the moment
 * they arrived, in arrival order and all at once: under one caller's flood of crosstabs the event
 * loop spent seconds on that caller's answers before it even read another caller's submission
 * (issue 11: a second caller's count took ×14–62 its quiet time).
 *
 * Here each answer is a task queued under its caller; tasks run round-robin across callers (one
 * task, then the next caller's) in slices of at most `sliceMs`, and between slices the event loop
 * is given back (setImmediate), so requests, other answers' bytes and timers are served in between.
 * A second caller's answer waits for at most one slice, not for the flood's backlog.
 */

export interface FairWorkStats {
  /** Tasks waiting, all callers. */
  waiting: number;
  /** Callers with tasks waiting. */
  callers: number;
}

export class FairWork {
  /** Waiting tasks per caller; a Map keeps insertion order, which is the round-robin order. */
  private readonly queues = new Map<string, Array<() => void>>();
  private waiting = 0;
  private scheduled = false;

  constructor(private readonly sliceMs = 5) {}

  /** Queues `task` behind the caller's earlier tasks. A task that throws is reported, not rethrown. */
  run(caller: string, task: () => void): void {
    let queue = this.queues.get(caller);
    if (!queue) this.queues.set(caller, (queue = []));
    queue.push(task);
    this.waiting++;
    this.schedule();
  }

  stats(): FairWorkStats {
    return { waiting: this.waiting, callers: this.queues.size };
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.slice());
  }

  private slice(): void {
    this.scheduled = false;
    const until = performance.now() + this.sliceMs;
    do {
      const [caller, queue] = this.queues.entries().next().value as [string, Array<() => void>];
      const task = queue.shift()!;
      this.waiting--;
      // The caller goes to the back of the round.
      this.queues.delete(caller);
      if (queue.length > 0) this.queues.set(caller, queue);
      try {
        task();
      } catch (err) {
        process.stderr.write(`fedomop hub: internal error in a queued task: ${(err as Error).stack ?? String(err)}\n`);
      }
    } while (this.waiting > 0 && performance.now() < until);
    if (this.waiting > 0) this.schedule();
  }
}
