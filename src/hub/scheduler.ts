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
 * Sites on one machine share its cores (`setHost`): while a one-off call runs at one of them, a
 * backlog's calls at the others wait too and their young running calls are stopped, so the flood does
 * not restart at a site where the one-off query has finished while it still runs at the others. Sites
 * on machines of their own are unaffected.
 *
 * The scheduler knows nothing of HTTP: a job is a function that gets a slot and must call `release`
 * exactly once when its site call has ended (answered, failed, timed out, aborted or stopped).
 */

/**
 * The machine a site's URL points at, for `setHost`: its host name, with every loopback name as one
 * (127.0.0.1, localhost and ::1 are the hub's own machine). Sites behind one host name are taken to
 * share that machine's cores; a name that fronts several machines (a gateway) only makes backlogs give
 * way more widely than needed, it never makes a query fail.
 */
export function hostOfUrl(url: string): string {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return url;
  }
  if (host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host)) return 'loopback';
  return host;
}

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
  /**
   * A one-off call (its caller had nothing else waiting at the site) that holds backlogs at the host's
   * other sites; ends when the call does, or when its caller queues more at the site.
   */
  holds: boolean;
  /** Start order: the most recently started backlog call is stopped first (the least work lost). */
  seq: number;
  startedAt: number;
  stop?: () => boolean;
  stopping: boolean;
}

/**
 * The machine a group of sites runs on (`setHost`): sites of one host share its cores, so a one-off
 * call at one of them is held back by a backlog's calls at the others as much as by those beside it.
 */
class Host {
  /** One-off calls running at the host's sites that hold its backlogs (Running.holds). */
  holding = 0;
  /** One-off calls started in a row while a backlog at another of the host's sites was held or stopped. */
  passedOver = 0;
  readonly lanes = new Set<Lane>();
}

class Lane {
  running = 0;
  /** One-off calls running here that hold backlogs at the host's other sites. */
  holding = 0;
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

  constructor(
    public capacity: number,
    public host: Host,
  ) {
    host.lanes.add(this);
  }
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
  private readonly hosts = new Map<string, Host>();
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

  /**
   * Says which machine the site runs on (e.g. its URL's host name). Sites of one host share its cores:
   * while a one-off call runs at one of them, a backlog's calls at the others wait too, and their young
   * running calls are stopped (see giveWayOnHost). A site not told has a host of its own.
   */
  setHost(site: string, host: string): void {
    const lane = this.lane(site);
    let next = this.hosts.get(host);
    if (!next) this.hosts.set(host, (next = new Host()));
    if (lane.host === next) return;
    lane.host.lanes.delete(lane);
    lane.host.holding -= lane.holding;
    lane.host = next;
    next.lanes.add(lane);
    next.holding += lane.holding;
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
    if (!lane) this.lanes.set(site, (lane = new Lane(this.defaultCapacity, new Host())));
    return lane;
  }

  /** A caller may take a slot while it holds fewer than the site's capacity less the reserve. */
  private mayStart(lane: Lane, caller: string): boolean {
    return (lane.runningBy.get(caller) ?? 0) < this.share(lane);
  }

  private share(lane: Lane): number {
    return Math.max(1, lane.capacity - this.reserve);
  }

  /**
   * A backlog's call waits while the site runs its share or more, unless it has been passed over
   * enough; and while a one-off call runs at another site of its host (heldByHost).
   */
  private backlogWaits(lane: Lane): boolean {
    return (lane.running >= this.share(lane) && lane.passedOver < this.maxPassOver) || this.heldByHost(lane);
  }

  /** A one-off call that holds the host's backlogs (one of at most maxPassOver in a row) runs at another of its sites. */
  private heldByHost(lane: Lane): boolean {
    return lane.host.holding > lane.holding;
  }

  private enqueue(lane: Lane, job: Job, end: 'front' | 'back'): void {
    let queue = lane.queues.get(job.caller);
    const first = !queue;
    if (!queue) lane.queues.set(job.caller, (queue = []));
    if (end === 'front') queue.unshift(job);
    else queue.push(job);
    lane.waiting++;
    job.signal.addEventListener('abort', job.onAbort, { once: true });
    // The caller now has calls waiting here: its running calls are a backlog's, no longer one-off.
    let ended = false;
    if (first)
      for (const r of lane.active)
        if (r.holds && r.job.caller === job.caller) {
          r.holds = false;
          lane.holding--;
          lane.host.holding--;
          ended = true;
        }
    // Backlogs they held at the host's other sites may go on.
    if (ended) this.pumpHost(lane);
  }

  private run(lane: Lane, job: Job): void {
    const caller = job.caller;
    // A call of a caller with nothing else waiting here is a one-off call: backlogs give way to it,
    // at the host's other sites too unless they have been passed over maxPassOver times in a row.
    const holds = !lane.queues.has(caller) && lane.host.lanes.size > 1 && lane.host.passedOver < this.maxPassOver;
    lane.running++;
    lane.runningBy.set(caller, (lane.runningBy.get(caller) ?? 0) + 1);
    if (holds) {
      lane.holding++;
      lane.host.holding++;
    }
    const entry: Running = { job, holds, seq: ++this.seq, startedAt: this.now(), stopping: false };
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
      const held = entry.holds;
      if (held) {
        entry.holds = false;
        lane.holding--;
        lane.host.holding--;
      }
      if (entry.stopping) {
        lane.stopping--;
        // Stopped for a one-off call: first in its caller's line again (unless cancelled meanwhile).
        if (!job.signal.aborted) this.enqueue(lane, job, 'front');
      }
      this.pump(lane);
      // Backlogs held at the host's other sites for this one-off call may go on.
      if (held) this.pumpHost(lane);
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
    if (!released && !lane.queues.has(caller)) this.giveWay(lane);
    if (!released && entry.holds) this.giveWayOnHost(lane);
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
      // A backlog's call started: the host's one-off calls start counting their pass-overs anew.
      if (queue.length > 1) lane.host.passedOver = 0;
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

  /**
   * A one-off call started at `lane`: at the host's other sites, running backlog calls younger than
   * maxStopAgeMs are stopped (queued again first in their caller's line) and waiting ones are held
   * (heldByHost) until no one-off call runs on the host. Counted as one pass-over of the host's
   * backlogs when anything was held or stopped; after maxPassOver in a row, one-off calls stop holding
   * them until a backlog call has started somewhere on the host.
   */
  private giveWayOnHost(lane: Lane): void {
    const host = lane.host;
    const oldest = this.now() - this.maxStopAgeMs;
    let passed = false;
    for (const other of host.lanes) {
      if (other === lane) continue;
      for (const queue of other.queues.values()) if (queue.length > 1) passed = true;
      for (const r of [...other.active]) {
        if (!r.stop || r.stopping || !other.queues.has(r.job.caller) || r.startedAt < oldest) continue;
        r.stopping = true;
        other.stopping++;
        const stop = r.stop;
        r.stop = undefined;
        if (stop()) {
          other.preempted++;
          passed = true;
        } else if (other.active.has(r)) {
          r.stopping = false;
          other.stopping--;
        }
      }
    }
    if (passed) host.passedOver++;
  }

  /** Fills free slots at the host's other sites (after a one-off call there ended). */
  private pumpHost(lane: Lane): void {
    for (const other of lane.host.lanes) if (other !== lane) this.pump(other);
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
