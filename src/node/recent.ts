/**
 * The few most recently used entries, by key: the site's compiled plans, plans read and answers
 * encoded, and the hub's checked plans, decoded answers and encoded batches all keep a bounded
 * memory of recent work this way (issue 11). A Map iterates in insertion order, so an entry is
 * re-inserted when used and the first key is always the least recently used, the one dropped.
 *
 * Bounded by count and, optionally, by bytes: `set` takes the entry's weight (an estimate of the
 * memory it holds) and the least recently used go until the total is within `maxBytes`. A count
 * alone let the hub's plan and answer memos hold ~27 and ~33 MiB at their bound of 128 entries of up
 * to 64 KiB (measured; docs/hardening.md, "Memory under a soak").
 */
export class Recent<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>();
  private totalBytes = 0;

  constructor(
    private readonly max: number,
    private readonly maxBytes = Infinity,
  ) {}

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit?.value;
  }

  /** Keeps `value` as the most recently used; `bytes` is what it weighs against `maxBytes`. */
  set(key: string, value: V, bytes = 0): V {
    this.drop(key);
    this.entries.set(key, { value, bytes });
    this.totalBytes += bytes;
    while (this.entries.size > this.max || (this.totalBytes > this.maxBytes && this.entries.size > 1)) {
      this.drop(this.entries.keys().next().value!);
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The weight of the entries kept. */
  get bytes(): number {
    return this.totalBytes;
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }
}

/** Freezes an object and everything reachable from it (plans and their parts shared between requests). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
