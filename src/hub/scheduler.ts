/**
 * Fair scheduling of site calls. Each site advertises how many plans it runs at once
 * (`maxConcurrentQueries` in its /v1/info); the hub never has more than that many calls open to it,
 * so a burst from the hub waits here, in the hub, instead of overrunning the site's short queue and
 * coming back as ERR_RATE_LIMITED. A site's waiting calls are kept per caller and served round-robin:
 * when a slot frees, the next caller in turn gets it, so one caller's burst of 200 queries costs a
 * second caller at most one slot's wait at each site, not 200.
 *
 * Backlogs give way to one-off calls. A call with more of its caller's calls waiting behind it at
 * the site (a backlog: a flood, a batch) starts only while fewer than the site's share (capacity
 * less the reserve) run there, counting every caller's calls; and when a one-off call starts (its
 * caller has nothing else waiting there) while more than the share run, running backlog calls that
 * offered themselves (`Slot.preemptible`) are stopped, the most recently started first, and queued
 * again at the head of their caller's queue — calls younger than `maxStopAgeMs` only, so a stop
 * wastes little and a long call is not restarted for every short one. Slots are not CPU: on a site of 2 cores and 2 slots, a
 * count beside a flood's crosstab got half the CPU it had alone (issue 11: ×2–×4 its quiet latency
 * whatever the queue order), so the one-off call runs beside no backlog call at all. Every call the
 * hub makes is read-only, so a stopped call only costs the work it had done. Two callers of one
 * query each are no backlog and share a site as before. So that a steady stream of one-off calls
 * cannot starve a backlog, it is passed over (held back or stopped) at most `maxPassOver` times in a
 * row; then it starts as before, within its caller's share.
 *
 * The scheduler knows nothing of HTTP: a job is a function that gets a slot and must call `release`
 * exactly once when its site call has ended (answered, failed, timed out, aborted or stopped).
 */

/** Used until a site's /v1/info says otherwise: the site service's own default. */
export const DEFAULT_SITE_CAPACITY = 4;

export type Release = () => void;

/** Handed to a started job with its release. */
export interface Slot {
  /**
   * Offers the job's call to be stopped for a one-off call. `stop` ends the call and returns true
   * (the job then calls release as for any end, and is started again when its turn comes back), or
   * returns false when the call is over already (then it is left alone).
   */
  preemptible(stop: () => boolean): void;
}

export type Start = (release: Release, slot: Slot) => void;

interface Job {
  started?: boolean;
  caller: string;
  start: Start;
  signal: AbortSignal;
  onAbort: () => void;
}

interface Running {
  job: Job;
  /** Start order: the most recently started backlog call is stopped first (the least work lost). */
  seq: number;
  startedAt: number;
  stop?: () => boolean;
  stopping: boolean;
}

class Lane {
  running = 0;
  /** Running jobs per caller (for the per-caller share). */
  readonly runningBy = new Map<string, number>();
  readonly active = new Set<Running>();
  /** Running jobs told to stop that have not released yet. */
  stopping = 0;
  /** Waiting jobs per caller; a Map keeps insertion order, which is the round-robin order. */
  readonly queues = new Map<string, Job[]>();
  waiting = 0;
  /** Times in a row a backlog was held back or stopped for a one-off call (see maxPassOver). */
  passedOver = 0;
  /** Calls stopped so far (diagnostics: the work preemption cost). */
  preempted = 0;

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
  /**
   * How many times in a row a backlog may be held back or stopped for one-off calls before its next
   * call starts anyway (within its caller's share). Default 8; 0 turns giving way off.
   */
  maxPassOver?: number;
  /**
   * A running call older than this (ms) is never stopped: what a stop may waste is bounded, and a long
   * call is not restarted for every short one. Default 2000.
   */
  maxStopAgeMs?: number;
  /** Clock for call ages (specs). */
  now?: () => number;
}

export class SiteScheduler {
  private readonly lanes = new Map<string, Lane>();
  private readonly known = new Set<string>();
  private readonly reserve: number;
  private readonly maxPassOver: number;
  private readonly maxStopAgeMs: number;
  private readonly now: () => number;
  private seq = 0;

  constructor(
    private readonly defaultCapacity = DEFAULT_SITE_CAPACITY,
    opts: SchedulerOptions = {},
  ) {
    this.reserve = opts.reserve ?? 0;
    this.maxPassOver = opts.maxPassOver ?? 8;
    this.maxStopAgeMs = opts.maxStopAgeMs ?? 2000;
    this.now = opts.now ?? (() => performance.now());
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
  submit(site: string, caller: string, signal: AbortSignal, start: Start): boolean {
    const lane = this.lane(site);
    const job: Job = { caller, start, signal, onAbort: () => this.drop(lane, job) };
    if (lane.running < lane.capacity && lane.waiting === 0 && this.mayStart(lane, caller)) {
      this.run(lane, job);
      return true;
    }
    this.enqueue(lane, job, 'back');
    this.pump(lane);
    return job.started === true;
  }

  stats(site: string): SchedulerStats {
    const lane = this.lane(site);
    const callers: Record<string, number> = {};
    for (const [caller, q] of lane.queues) callers[caller] = q.length;
    return { running: lane.running, waiting: lane.waiting, capacity: lane.capacity, callers };
  }

  /** Calls stopped for one-off calls at this site so far. */
  preemptions(site: string): number {
    return this.lane(site).preempted;
  }

  private lane(site: string): Lane {
    let lane = this.lanes.get(site);
    if (!lane) this.lanes.set(site, (lane = new Lane(this.defaultCapacity)));
    return lane;
  }

  /** A caller may take a slot while it holds fewer than the site's capacity less the reserve. */
  private mayStart(lane: Lane, caller: string): boolean {
    return (lane.runningBy.get(caller) ?? 0) < this.share(lane);
  }

  private share(lane: Lane): number {
    return Math.max(1, lane.capacity - this.reserve);
  }

  /** A backlog's call waits while the site runs its share or more, unless it has been passed over enough. */
  private backlogWaits(lane: Lane): boolean {
    return lane.running >= this.share(lane) && lane.passedOver < this.maxPassOver;
  }

  private enqueue(lane: Lane, job: Job, end: 'front' | 'back'): void {
    let queue = lane.queues.get(job.caller);
    if (!queue) lane.queues.set(job.caller, (queue = []));
    if (end === 'front') queue.unshift(job);
    else queue.push(job);
    lane.waiting++;
    job.signal.addEventListener('abort', job.onAbort, { once: true });
  }

  private run(lane: Lane, job: Job): void {
    const caller = job.caller;
    lane.running++;
    lane.runningBy.set(caller, (lane.runningBy.get(caller) ?? 0) + 1);
    const entry: Running = { job, seq: ++this.seq, startedAt: this.now(), stopping: false };
    lane.active.add(entry);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      lane.running--;
      lane.active.delete(entry);
      const left = (lane.runningBy.get(caller) ?? 1) - 1;
      if (left <= 0) lane.runningBy.delete(caller);
      else lane.runningBy.set(caller, left);
      if (entry.stopping) {
        lane.stopping--;
        // Stopped for a one-off call: first in its caller's line again (unless cancelled meanwhile).
        if (!job.signal.aborted) this.enqueue(lane, job, 'front');
      }
      this.pump(lane);
    };
    const slot: Slot = {
      preemptible: (stop) => {
        if (!released) entry.stop = stop;
      },
    };
    try {
      job.start(release, slot);
    } catch (err) {
      release();
      throw err;
    }
    // A call of a caller with nothing else waiting here is a one-off call: backlogs give way to it.
    if (!released && !lane.queues.has(caller)) this.giveWay(lane);
  }

  /**
   * Fills free slots, one job per caller in turn, passing over callers that hold their share and
   * backlogs while the site runs its share (counted in `passedOver` when a one-off call goes first).
   */
  private pump(lane: Lane): void {
    while (lane.running < lane.capacity && lane.waiting > 0) {
      let next: [string, Job[]] | undefined;
      let heldBack = false;
      for (const entry of lane.queues) {
        if (!this.mayStart(lane, entry[0])) continue;
        if (entry[1].length > 1 && this.backlogWaits(lane)) {
          heldBack = true;
          continue;
        }
        next = entry;
        break;
      }
      if (!next) return;
      const [caller, queue] = next;
      lane.passedOver = queue.length > 1 ? 0 : heldBack ? lane.passedOver + 1 : lane.passedOver;
      const job = queue.shift()!;
      lane.waiting--;
      // The caller goes to the back of the round: others are served before its next job.
      lane.queues.delete(caller);
      if (queue.length > 0) lane.queues.set(caller, queue);
      job.signal.removeEventListener('abort', job.onAbort);
      if (job.signal.aborted) continue;
      job.started = true;
      this.run(lane, job);
    }
  }

  /**
   * While more than the share run, stops running backlog calls (their caller has calls waiting
   * here) younger than maxStopAgeMs, the most recently started first, each counted as a pass-over.
   */
  private giveWay(lane: Lane): void {
    const oldest = this.now() - this.maxStopAgeMs;
    while (lane.running - lane.stopping > this.share(lane) && lane.passedOver < this.maxPassOver) {
      let victim: Running | undefined;
      for (const r of lane.active) {
        if (!r.stop || r.stopping || !lane.queues.has(r.job.caller) || r.startedAt < oldest) continue;
        if (!victim || r.seq > victim.seq) victim = r;
      }
      if (!victim) return;
      victim.stopping = true;
      lane.stopping++;
      const stop = victim.stop!;
      victim.stop = undefined;
      if (stop()) {
        lane.passedOver++;
        lane.preempted++;
      } else if (lane.active.has(victim)) {
        victim.stopping = false;
        lane.stopping--;
      }
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
