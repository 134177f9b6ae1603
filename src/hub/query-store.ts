/**
 * Queries live in this process's memory only: a hub restart forgets them (clients holding an id get
 * 404 ERR_NOT_FOUND and must resubmit; sites keep nothing either). The store is bounded three ways:
 * finished queries expire `ttlMs` after they finish; when `maxQueries` are held the one that finished
 * first makes room; and when finished queries hold more than `maxBytes` of results and events (a few
 * large crosstabs weigh more than thousands of counts), the ones that finished first are dropped until
 * they fit. Running queries are never evicted; if all `maxQueries` are running a new one is refused
 * with ERR_RATE_LIMITED rather than cancelling someone's work.
 */
import { FedomopError } from '../errors.js';
import type { Query } from './query.js';

export class QueryStore {
  private readonly queries = new Map<string, Query>();
  // Finished queries in the order they finished (a Set keeps insertion order), so both expiry and
  // eviction look only at the front instead of scanning every query on every submission.
  private readonly finished = new Set<Query>();
  private finishedBytes = 0;

  constructor(
    private readonly maxQueries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxBytes = Infinity,
  ) {}

  get size(): number {
    return this.queries.size;
  }

  /** Bytes held by finished queries (what maxBytes bounds). */
  get bytes(): number {
    return this.finishedBytes;
  }

  /** Queries not yet finished. */
  get running(): number {
    return this.queries.size - this.finished.size;
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
      if (this.queries.get(query.id) !== query) return;
      this.finished.add(query);
      this.finishedBytes += query.bytes;
      // The query just finished stays even if it alone is over the bound: its reader is waiting for it.
      for (const q of this.finished) {
        if (this.finishedBytes <= this.maxBytes || q === query) break;
        this.remove(q);
      }
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
    if (this.finished.delete(q)) this.finishedBytes -= q.bytes;
    this.queries.delete(q.id);
  }
}
