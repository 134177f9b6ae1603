/**
 * CPU a process has used and waited for, all its threads summed, from Linux's /proc/<pid>/task/<tid>/schedstat
 * (ns on a core, ns runnable but waiting for one). The flood benchmark reads it around each of the
 * second caller's queries to say which process had the cores meanwhile: on a machine whose cores the
 * hub, the sites and the clients share, a site's handler time says little without it. Threads that
 * ended between two readings drop out of the sum, so a difference can undercount (never overcount by
 * more than an ended thread's total); the services' threads live as long as the process here.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcCpu {
  runMs: number;
  waitMs: number;
}

/** Undefined when /proc has no schedstat (not Linux, or the process is gone). */
export function procCpu(pid: number): ProcCpu | undefined {
  let run = 0;
  let wait = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const [r, w] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
        run += Number(r);
        wait += Number(w);
      } catch {
        // the thread ended meanwhile
      }
    }
  } catch {
    return undefined;
  }
  return { runMs: run / 1e6, waitMs: wait / 1e6 };
}

/** Readings of several processes at once, by name. */
export function snapshot(pids: Record<string, number | undefined>): Record<string, ProcCpu> {
  const out: Record<string, ProcCpu> = {};
  for (const [name, pid] of Object.entries(pids)) {
    const c = pid === undefined ? undefined : procCpu(pid);
    if (c) out[name] = c;
  }
  return out;
}

/** after − before, per name present in both. */
export function diff(before: Record<string, ProcCpu>, after: Record<string, ProcCpu>): Record<string, ProcCpu> {
  const out: Record<string, ProcCpu> = {};
  for (const [name, a] of Object.entries(after)) {
    const b = before[name];
    if (b) out[name] = { runMs: a.runMs - b.runMs, waitMs: a.waitMs - b.waitMs };
  }
  return out;
}

/** Sums of several differences, per name. */
export function add(into: Record<string, ProcCpu>, d: Record<string, ProcCpu>): Record<string, ProcCpu> {
  for (const [name, x] of Object.entries(d)) {
    const t = (into[name] ??= { runMs: 0, waitMs: 0 });
    t.runMs += x.runMs;
    t.waitMs += x.waitMs;
  }
  return into;
}
