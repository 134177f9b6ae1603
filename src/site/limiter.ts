/**
 * Bounds how many plans run at once on the site's database. A burst waits in a short queue;
 * past that the site says 429 at once, rather than letting a queue grow without end.
 */
import { FedomopError } from '../errors.js';

export class QueryLimiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly maxRunning: number,
    private readonly maxWaiting: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxRunning) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new FedomopError(
          'ERR_RATE_LIMITED',
          `the site is busy (${this.running} queries running, ${this.waiting.length} waiting); try again shortly`,
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
