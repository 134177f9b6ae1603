/**
 * Plans answered per user and window, in memory (a restart forgives, the release history does not).
 * Beyond the limit: 429 ERR_RATE_LIMITED with the seconds until the oldest counted plan leaves the
 * window, which the site sends as Retry-After.
 */
import { FedomopError } from '../errors.js';

export class UserRateLimit {
  private readonly seen = new Map<string, number[]>();

  constructor(private readonly what = 'plans') {}

  /** Counts one plan for `user`, or throws when the user is at the policy's limit. */
  take(user: string | null, limit: { queries: number; windowSeconds: number } | undefined, now = Date.now()): void {
    if (!limit) return;
    const key = user ?? '';
    const windowMs = limit.windowSeconds * 1000;
    const times = (this.seen.get(key) ?? []).filter((t) => t > now - windowMs);
    if (times.length >= limit.queries) {
      const retryAfter = Math.max(1, Math.ceil((times[0] + windowMs - now) / 1000));
      this.seen.set(key, times);
      throw new FedomopError(
        'ERR_RATE_LIMITED',
        `at most ${limit.queries} ${this.what} per ${limit.windowSeconds} s per user at this site; try again in ${retryAfter} s`,
        { retryAfterSeconds: retryAfter },
      );
    }
    times.push(now);
    this.seen.set(key, times);
  }
}
