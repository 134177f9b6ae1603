import type { SiteScheduler } from './scheduler.js';

/**
 * Jobs for scheduler specs that log their starts and stops and can be released by name. A job may be
 * stopped: stopping ends its call at once (it releases, as a real call does).
 */
export function stoppableJobs(s: SiteScheduler) {
  const log: string[] = [];
  const rel = new Map<string, () => void>();
  const call = (site: string, caller: string, name: string, signal = new AbortController().signal) =>
    s.submit(site, caller, signal, (release, slot) => {
      log.push(name);
      rel.set(name, release);
      slot.preemptible(() => {
        log.push(`stop ${name}`);
        release();
        return true;
      });
    });
  return { log, release: (name: string) => rel.get(name)!(), call };
}
