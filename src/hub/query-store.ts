/**
 * Queries live in this process's memory only: a hub restart forgets them (clients holding an id get
 * 404 ERR_NOT_FOUND and must resubmit; sites keep nothing either). The store is bounded two ways:
 * finished queries expire `ttlMs` after they finish, and when `maxQueries` are held the one that
 * finished first makes room. Running queries are never evicted; if all `maxQueries` are running a new
 * one is refused with ERR_RATE_LIMITED rather than cancelling someone's work.
 */
import { FedomopError } from '../errors.js';
import type { Query } from './query.js';

export class QueryStore {
  private readonly queries = new Map<string, Query>();
  // Finished queries in the order they finished (a Set keeps insertion order), so both expiry and
  // eviction look only at the front instead of scanning every query on every submission.
  private readonly finished = new Set<Query>();

  constructor(
    private readonly maxQueries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.queries.size;
  }

  add(query: Query): void {
    this.expire();
    if (this.queries.size >= this.maxQueries) {
      const oldest = this.finished.values().next();
      if (oldest.done) {
        throw new FedomopError(
          'ERR_RATE_LIMITED',
          `the hub is already running ${this.maxQueries} queries; try again when one finishes`,
        );
      }
      this.remove(oldest.value);
    }
    this.queries.set(query.id, query);
    query.onFinished(() => {
      if (this.queries.get(query.id) === query) this.finished.add(query);
    });
  }

  /** The query, or ERR_NOT_FOUND (unknown, expired, evicted or from before a restart). */
  get(id: string): Query {
    this.expire();
    const query = this.queries.get(id);
    if (!query) {
      throw new FedomopError(
        'ERR_NOT_FOUND',
        `no query ${id} (queries are kept in memory for a limited time and not across hub restarts)`,
      );
    }
    return query;
  }

  /**
   * The query if it belongs to `owner` (the caller's user key); anyone else gets the very same
   * ERR_NOT_FOUND as for an unknown id, so a query id reveals nothing about other users' queries.
   */
  getOwned(id: string, owner: string | undefined): Query {
    const query = this.get(id);
    if (query.owner !== owner) {
      throw new FedomopError(
        'ERR_NOT_FOUND',
        `no query ${id} (queries are kept in memory for a limited time and not across hub restarts)`,
      );
    }
    return query;
  }

  /** Cancels everything still running, e.g. on shutdown. */
  cancelAll(message: string): void {
    for (const q of this.queries.values()) q.cancel(message);
  }

  private expire(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const q of this.finished) {
      if ((q.finishedAtMs ?? Infinity) >= cutoff) break;
      this.remove(q);
    }
  }

  private remove(q: Query): void {
    this.finished.delete(q);
    this.queries.delete(q.id);
  }
}
