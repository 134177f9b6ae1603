/**
 * The site's concept index, built once (at start-up, or on the first concept request) and rebuilt
 * after the database file is replaced. A build logs how long it took and what it holds, because on
 * a full Athena vocabulary it is the slowest thing a site does at start.
 */
import type { SiteDatabase } from './database.js';
import type { ConceptIndex } from './concept-index/concept-index.js';
import { loadConceptIndex, type LoadReport } from './concept-index/load.js';

const MB = 1024 * 1024;

export class ConceptService {
  private building?: Promise<ConceptIndex>;
  private generation = 0;
  private closed = false;
  report?: LoadReport;

  constructor(
    private readonly db: SiteDatabase,
    private readonly log: (line: string) => void = (line) => process.stderr.write(line + '\n'),
  ) {}

  /** The index, building it if needed; concurrent callers share one build. */
  index(): Promise<ConceptIndex> {
    if (!this.building) {
      const generation = this.generation;
      this.building = loadConceptIndex(this.db, () => this.closed).then(
        ({ index, report }) => {
          if (generation === this.generation) this.report = report;
          this.log(
            `fedomop site: concept index built in ${report.ms.total} ms (${report.concepts} concepts, ` +
              `${report.synonyms} synonyms, ${report.mapsTo} 'Maps to', counts for ${report.countedConcepts}; ` +
              `read ${report.ms.concepts} ms, counts ${report.ms.counts} ms, index ${report.ms.index} ms); ` +
              `index ${Math.round(report.indexBytes / MB)} MB, heap ${Math.round(report.heapUsedBefore / MB)}→` +
              `${Math.round(report.heapUsedAfter / MB)} MB, rss ${Math.round(report.rssBefore / MB)}→${Math.round(report.rssAfter / MB)} MB`,
          );
          return index;
        },
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
    await this.index();
    return this.report?.countedColumns ?? [];
  }

  /** The database changed: the next request builds afresh. */
  invalidate(): void {
    this.generation++;
    this.building = undefined;
    this.report = undefined;
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
