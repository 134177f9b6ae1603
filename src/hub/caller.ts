/**
 * Who is asking, as far as the hub's fairness is concerned: the key that the scheduler's round-robin,
 * the per-caller quota and the health cache are kept by. It is computed here and nowhere else: the
 * verified user (issuer and subject, src/auth/user.ts), so a fresh token per request is still the
 * same caller; under --dev-insecure a digest of the Authorization header.
 */
import type { FastifyRequest } from 'fastify';
import { FedomopError } from '../errors.js';
import { userKeyOf } from '../auth/index.js';
import { callerDigest } from '../node/audit-log.js';

/** Requests without a token (--dev-insecure) share one key. */
export const ANONYMOUS = 'anonymous';

export function callerKey(req: FastifyRequest): string {
  return userKeyOf(req) ?? callerDigest(req.headers.authorization) ?? ANONYMOUS;
}

/** Seconds a refused caller is told to wait (Retry-After): about one small query's time at a busy site. */
export const RETRY_AFTER_S = 1;

/**
 * How many queries each caller may have in flight (accepted and not yet finished) at the hub. One
 * beyond gets 429 ERR_RATE_LIMITED with Retry-After; queued work counts, so a caller cannot park an
 * unbounded backlog in the hub's memory.
 */
export class CallerQuota {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly maxPerCaller: number) {}

  /** Takes one of the caller's slots, or throws ERR_RATE_LIMITED; the returned function gives it back once. */
  acquire(caller: string): () => void {
    const n = this.inFlight.get(caller) ?? 0;
    if (n >= this.maxPerCaller) {
      throw new FedomopError(
        'ERR_RATE_LIMITED',
        `you already have ${n} queries in flight at this hub (the limit per caller is ${this.maxPerCaller}); retry when one finishes`,
        { retryAfterS: RETRY_AFTER_S },
      );
    }
    this.inFlight.set(caller, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(caller) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(caller);
      else this.inFlight.set(caller, left);
    };
  }

  count(caller: string): number {
    return this.inFlight.get(caller) ?? 0;
  }
}
