/**
 * For benchmarks only (bench/soak.ts): with FEDOMOP_HUB_MEMORY_LOG=<file> set, the hub appends one
 * JSON line of its memory every FEDOMOP_HUB_MEMORY_EVERY_MS (default 5000) — after a full garbage
 * collection when it runs with `node --expose-gc`, so a growing `heapUsed` is live objects (a leak),
 * not collector slack — together with what the hub holds: queries, their bytes, waiting work, and
 * how late the event loop ran in the interval (p99 and max, ms): whether the hub itself kept
 * requests waiting (bench/flood.ts).
 * Without the variable nothing runs.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export type MemoryFacts = () => Record<string, number>;

export function startMemoryProbe(facts: MemoryFacts, env = process.env): (() => void) | undefined {
  const file = env.FEDOMOP_HUB_MEMORY_LOG;
  if (!file) return undefined;
  const everyMs = Number(env.FEDOMOP_HUB_MEMORY_EVERY_MS ?? 5000);
  const started = Date.now();
  const gc = (globalThis as { gc?: () => void }).gc;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const timer = setInterval(() => {
    const loopP99Ms = Math.round(loop.percentile(99) / 1e6);
    const loopMaxMs = Math.round(loop.max / 1e6);
    loop.reset();
    gc?.();
    const m = process.memoryUsage();
    const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
    const line = {
      s: Math.round((Date.now() - started) / 1000),
      at: Date.now(),
      gc: gc !== undefined,
      rss: mib(m.rss),
      heapUsed: mib(m.heapUsed),
      heapTotal: mib(m.heapTotal),
      external: mib(m.external),
      arrayBuffers: mib(m.arrayBuffers),
      loopP99Ms,
      loopMaxMs,
      ...facts(),
    };
    appendFileSync(file, JSON.stringify(line) + '\n');
  }, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    loop.disable();
  };
}
