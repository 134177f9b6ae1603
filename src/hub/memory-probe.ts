/**
 * For benchmarks only (bench/soak.ts): with FEDOMOP_HUB_MEMORY_LOG=<file> set, the hub appends one
 * JSON line of its memory every FEDOMOP_HUB_MEMORY_EVERY_MS (default 5000) — after a full garbage
 * collection when it runs with `node --expose-gc`, so a growing `heapUsed` is live objects (a leak),
 * not collector slack — together with what the hub holds: queries, their bytes, waiting work, and
 * how late the event loop ran in the interval (p99 and max, ms): whether the hub itself kept
 * requests waiting (bench/flood.ts).
 *
 * RSS is split so that a growing RSS says which memory grows (issue 11, the soak's memory line):
 * - per V8 heap space, the committed size and the live part (`space.<name>` = [size, used] MiB;
 *   new = the young generation's two semi-spaces, old, large_object, code, …);
 * - `external` (memory V8 is told about: Buffers' and other ArrayBuffers' backing stores, counted
 *   again in `arrayBuffers`), `malloced` (V8's own malloc'd memory) and `physical` (heap pages
 *   actually touched, of heapTotal);
 * - `native` = RSS − heapTotal − external: everything else the process holds (Node's and OpenSSL's
 *   malloc, libuv, thread stacks, the code of node itself, and malloc arenas' free but unreturned
 *   memory). It is an estimate: heapTotal counts committed pages that may not be resident.
 * And the collector's own pauses in the interval, the probe's forced collections left out: `gcMinor` /
 * `gcMajor` = [count, ms] (scavenges of the young generation; mark-compacts and their incremental
 * steps), what a V8 heap setting would trade memory against.
 * Values are MiB with one decimal; the keys of earlier lines are unchanged (bench/soak.ts reads them).
 * Without the variable nothing runs.
 */
import { appendFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import v8 from 'node:v8';

export type MemoryFacts = () => Record<string, number>;

const mib = (n: number): number => Math.round((n / 1048576) * 10) / 10;

/** One line of the probe (without the hub's facts): the split of RSS described above. */
export function memorySplit(): Record<string, unknown> {
  const m = process.memoryUsage();
  const heap = v8.getHeapStatistics();
  const spaces: Record<string, [number, number]> = {};
  for (const s of v8.getHeapSpaceStatistics()) {
    // new_space, old_space, code_space, large_object_space, new_large_object_space, … → new, old, …
    spaces[s.space_name.replace(/_space$/, '')] = [mib(s.space_size), mib(s.space_used_size)];
  }
  return {
    rss: mib(m.rss),
    heapUsed: mib(m.heapUsed),
    heapTotal: mib(m.heapTotal),
    external: mib(m.external),
    arrayBuffers: mib(m.arrayBuffers),
    physical: mib(heap.total_physical_size),
    malloced: mib(heap.malloced_memory),
    native: mib(m.rss - m.heapTotal - m.external),
    space: spaces,
  };
}

export function startMemoryProbe(facts: MemoryFacts, env = process.env): (() => void) | undefined {
  const file = env.FEDOMOP_HUB_MEMORY_LOG;
  if (!file) return undefined;
  const everyMs = Number(env.FEDOMOP_HUB_MEMORY_EVERY_MS ?? 5000);
  const started = Date.now();
  const gc = (globalThis as { gc?: () => void }).gc;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const pauses = { minor: [0, 0], major: [0, 0] };
  const gcs = new PerformanceObserver((list) => {
    for (const e of list.getEntries() as Array<PerformanceEntry & { detail?: { kind: number; flags: number } }>) {
      if (!e.detail || e.detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) continue;
      const p = e.detail.kind === constants.NODE_PERFORMANCE_GC_MINOR ? pauses.minor : pauses.major;
      p[0]++;
      p[1] += e.duration;
    }
  });
  gcs.observe({ entryTypes: ['gc'] });
  const timer = setInterval(() => {
    const loopP99Ms = Math.round(loop.percentile(99) / 1e6);
    const loopMaxMs = Math.round(loop.max / 1e6);
    loop.reset();
    gc?.();
    const line = {
      s: Math.round((Date.now() - started) / 1000),
      at: Date.now(),
      gc: gc !== undefined,
      ...memorySplit(),
      loopP99Ms,
      loopMaxMs,
      gcMinor: [pauses.minor[0], Math.round(pauses.minor[1] * 10) / 10],
      gcMajor: [pauses.major[0], Math.round(pauses.major[1] * 10) / 10],
      ...facts(),
    };
    pauses.minor = [0, 0];
    pauses.major = [0, 0];
    appendFileSync(file, JSON.stringify(line) + '\n');
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    loop.disable();
    gcs.disconnect();
  };
}
