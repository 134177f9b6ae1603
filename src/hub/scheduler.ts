/**
 * Fair scheduling of site calls. Each site advertises how many plans it runs at once
 * (`maxConcurrentQueries` in its /v1/info); the hub never has more than that many calls open to it,
 * so a burst from the hub waits here, in the hub, instead of overrunning the site's short queue and
 * coming back as ERR_RATE_LIMITED. A site's waiting calls are kept per caller and served round-robin:
 * when a slot frees, the next caller in turn gets it, so one caller's burst of 200 queries costs a
 * second caller at most one slot's wait at each site, not 200.
 *
 * The scheduler knows nothing of HTTP: a job is a function that gets a slot and must call `release`
 * exactly once when its site call has ended (answered, failed, timed out or aborted).
 */

/** Used until a site's /v1/info says otherwise: the site service's own default. */
export const DEFAULT_SITE_CAPACITY = 4;

export type Release = () => void;

interface Job {
  started?: boolean;
  caller: string;
  start: (release: Release) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

class Lane {
  running = 0;
  /** Running jobs per caller (for the per-caller share). */
  readonly runningBy = new Map<string, number>();
  /** Waiting jobs per caller; a Map keeps insertion order, which is the round-robin order. */
  readonly queues = new Map<string, Job[]>();
  waiting = 0;

  constructor(public capacity: number) {}
}

export interface SchedulerStats {
  running: number;
  waiting: number;
  capacity: number;
  /** Waiting jobs per caller. */
  callers: Record<string, number>;
}

export interface SchedulerOptions {
  /**
   * Slots of each site no single caller may take (while the site has more than this many), so a
   * caller arriving during another's flood starts at once instead of waiting for a flood call to end.
   * 0 (the default here) lets one caller fill a site; the hub keeps 1.
   */
  reserve?: number;
}

export class SiteScheduler {
  private readonly lanes = new Map<string, Lane>();
  private readonly known = new Set<string>();
  private readonly reserve: number;

  constructor(
    private readonly defaultCapacity = DEFAULT_SITE_CAPACITY,
    opts: SchedulerOptions = {},
  ) {
    this.reserve = opts.reserve ?? 0;
  }

  /** What a site's /v1/info said; a larger capacity lets waiting jobs start at once. */
  setCapacity(site: string, capacity: number): void {
    if (!Number.isInteger(capacity) || capacity < 1) return;
    this.known.add(site);
    const lane = this.lane(site);
    if (lane.capacity === capacity) return;
    lane.capacity = capacity;
    this.pump(lane);
  }

  /** Whether the site's own capacity has been heard (else the default is assumed). */
  knowsCapacity(site: string): boolean {
    return this.known.has(site);
  }

  /**
   * Starts `start` now if the site has a free slot (returns true), otherwise queues it behind the
   * caller's earlier jobs (returns false). An aborted signal takes a waiting job out of the queue; it
   * is then never started. A job started with an already aborted signal is skipped and its slot freed.
   */
  submit(site: string, caller: string, signal: AbortSignal, start: (release: Release) => void): boolean {
    const lane = this.lane(site);
    if (lane.running < lane.capacity && lane.waiting === 0 && this.mayStart(lane, caller)) {
      this.run(lane, caller, start);
      return true;
    }
    const job: Job = { caller, start, signal, onAbort: () => this.drop(lane, job) };
    let queue = lane.queues.get(caller);
    if (!queue) lane.queues.set(caller, (queue = []));
    queue.push(job);
    lane.waiting++;
    signal.addEventListener('abort', job.onAbort, { once: true });
    this.pump(lane);
    return job.started === true;
  }

  stats(site: string): SchedulerStats {
    const lane = this.lane(site);
    const callers: Record<string, number> = {};
    for (const [caller, q] of lane.queues) callers[caller] = q.length;
    return { running: lane.running, waiting: lane.waiting, capacity: lane.capacity, callers };
  }

  private lane(site: string): Lane {
    let lane = this.lanes.get(site);
    if (!lane) this.lanes.set(site, (lane = new Lane(this.defaultCapacity)));
    return lane;
  }

  /** A caller may take a slot while it holds fewer than the site's capacity less the reserve. */
  private mayStart(lane: Lane, caller: string): boolean {
    const share = Math.max(1, lane.capacity - this.reserve);
    return (lane.runningBy.get(caller) ?? 0) < share;
  }

  private run(lane: Lane, caller: string, start: (release: Release) => void): void {
    lane.running++;
    lane.runningBy.set(caller, (lane.runningBy.get(caller) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      lane.running--;
      const left = (lane.runningBy.get(caller) ?? 1) - 1;
      if (left <= 0) lane.runningBy.delete(caller);
      else lane.runningBy.set(caller, left);
      this.pump(lane);
    };
    try {
      start(release);
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Fills free slots, one job per caller in turn, passing over callers that hold their share. */
  private pump(lane: Lane): void {
    while (lane.running < lane.capacity && lane.waiting > 0) {
      let next: [string, Job[]] | undefined;
      for (const entry of lane.queues) {
        if (this.mayStart(lane, entry[0])) {
          next = entry;
          break;
        }
      }
      if (!next) return;
      const [caller, queue] = next;
      const job = queue.shift()!;
      lane.waiting--;
      // The caller goes to the back of the round: others are served before its next job.
      lane.queues.delete(caller);
      if (queue.length > 0) lane.queues.set(caller, queue);
      job.signal.removeEventListener('abort', job.onAbort);
      if (job.signal.aborted) continue;
      job.started = true;
      this.run(lane, caller, job.start);
    }
  }

  private drop(lane: Lane, job: Job): void {
    const queue = lane.queues.get(job.caller);
    const i = queue?.indexOf(job) ?? -1;
    if (!queue || i < 0) return;
    queue.splice(i, 1);
    lane.waiting--;
    if (queue.length === 0) lane.queues.delete(job.caller);
  }
}
