/**
 * The site's concept index, built once (at start-up, or on the first concept request) and rebuilt
 * after the database file is replaced. A build logs how long it took and what it holds, because on
 * a full Athena vocabulary it is the slowest thing a site does at start.
 */
import type { SiteDatabase } from './database.js';
import type { ConceptIndex } from './concept-index/concept-index.js';
import { loadConceptIndex, type LoadReport } from './concept-index/load.js';
import { cacheKeyOf, readIndexCache, writeIndexCache } from './concept-index/cache.js';

const MB = 1024 * 1024;

export class ConceptService {
  private building?: Promise<ConceptIndex>;
  private generation = 0;
  private closed = false;
  /** How the current index was built (none when it was read from the cache). */
  report?: LoadReport;
  /** Set when the current index was read from the cache file. */
  cached?: { ms: number; concepts: number; rssAfter: number };

  constructor(
    private readonly db: SiteDatabase,
    private readonly log: (line: string) => void = (line) => process.stderr.write(line + '\n'),
    /** A DuckDB site's file: the built index is cached next to it (`<file>.concept-index`). */
    private readonly dbPath?: string,
  ) {}

  /** From the cache file when it matches the database file, else built (and cached). */
  private async load(stop: () => boolean): Promise<ConceptIndex> {
    const started = performance.now();
    const cachePath = this.dbPath && `${this.dbPath}.concept-index`;
    const key = this.dbPath ? await cacheKeyOf(this.dbPath).catch(() => undefined) : undefined;
    if (cachePath && key) {
      const cached = await readIndexCache(cachePath, key).catch(() => undefined);
      if (cached) {
        const ms = Math.round(performance.now() - started);
        this.cached = { ms, concepts: cached.size, rssAfter: process.memoryUsage().rss };
        this.log(
          `fedomop site: concept index read from ${cachePath} in ${ms} ms (${cached.size} concepts, ` +
            `${Math.round(cached.bytes / MB)} MB, rss ${Math.round(process.memoryUsage().rss / MB)} MB)`,
        );
        return cached;
      }
    }
    const { index, report } = await loadConceptIndex(this.db, stop);
    this.report = report;
    this.log(
      `fedomop site: concept index built in ${report.ms.total} ms (${report.concepts} concepts, ` +
        `${report.synonyms} synonyms, ${report.mapsTo} 'Maps to', counts for ${report.countedConcepts}; ` +
        `read ${report.ms.concepts} ms, counts ${report.ms.counts} ms, index ${report.ms.index} ms); ` +
        `index ${Math.round(report.indexBytes / MB)} MB, heap ${Math.round(report.heapUsedBefore / MB)}→` +
        `${Math.round(report.heapUsedAfter / MB)} MB, rss ${Math.round(report.rssBefore / MB)}→${Math.round(report.rssAfter / MB)} MB`,
    );
    if (cachePath && key && !stop()) {
      const t = performance.now();
      await writeIndexCache(cachePath, key, index).then(
        () => this.log(`fedomop site: concept index cached in ${cachePath} (${Math.round(performance.now() - t)} ms)`),
        (err: unknown) =>
          this.log(`fedomop site: concept index not cached (${(err as Error).message}); it is built at each start`),
      );
    }
    return index;
  }

  /** The index, building it if needed; concurrent callers share one build. */
  index(): Promise<ConceptIndex> {
    if (!this.building) {
      const generation = this.generation;
      this.building = this.load(() => this.closed || generation !== this.generation).then(
        (index) => index,
        (err: unknown) => {
          // A failed build is retried by the next request rather than cached.
          if (generation === this.generation) this.building = undefined;
          throw err;
        },
      );
    }
    return this.building;
  }

  /** Counted clinical columns of the current index (for set person counts). */
  async countedColumns(): Promise<[string, string][]> {
    const index = await this.index();
    return index.parts.countedColumns.map((tc) => tc.split('.') as [string, string]);
  }

  /** The database changed: the next request builds afresh. */
  invalidate(): void {
    this.generation++;
    this.building = undefined;
    this.report = undefined;
    this.cached = undefined;
  }

  /** Stops a build in progress (between two of its queries) and waits for it: call before closing the database. */
  async close(): Promise<void> {
    this.closed = true;
    await this.building?.catch(() => undefined);
  }

  /** Starts building now (site start-up) without waiting; a failure is logged and retried on use. */
  warm(): void {
    this.index().catch((err: unknown) => {
      if (!this.closed) this.log(`fedomop site: concept index build failed: ${(err as Error).message}`);
    });
  }
}
