/**
 * The few most recently used entries, by key: the site's compiled plans, plans read and answers
 * encoded, and the hub's checked plans, decoded answers and encoded batches all keep a bounded
 * memory of recent work this way (issue 11). A Map iterates in insertion order, so an entry is
 * re-inserted when used and the first key is always the least recently used, the one dropped.
 */
export class Recent<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: V): V {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  get size(): number {
    return this.entries.size;
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
