/**
 * Concept and concept-set counts on the shared person-keyed seam (issue 9): a concept's person count
 * is the count of the persons with a record of it, and its cell key is the sum of those persons'
 * record keys — the same cell key as any cohort cell of exactly those persons, so "persons with
 * concept X" in the browser and a cohort count of the same persons are the same release (same
 * value, nothing to average or difference). Records use the event key word, weighted by each
 * person's records, as a cohort's events are.
 *
 * Differencing: concept counts are the same for every user and every request, so they are treated
 * as **published** — as if every user had seen all of them — instead of being recorded per search
 * page (which would flood a user's bounded history). The site keeps each released concept set's
 * signature (person-set.ts) in memory, and every cohort release to any user is checked against
 * them (execute.ts `published`): a cell whose persons differ from a concept's by 1 … k−1 is
 * widened or refused by the user's policy, whichever was asked first. Among themselves, a concept
 * whose persons differ from a concept of lower id by 1 … k−1 is released widened.
 *
 * Built by one pass over the counted clinical columns, a page of person ids at a time, per k (the
 * signatures' size depends on k); person ids and keys stay in this process. Exact policies (no
 * perturbation, no history) use the index's aggregate counts and need no pass.
 */
import { CellAccumulator, type PersonSet } from '../disclosure/person-set.js';
import { personId, type RecordKeys } from '../disclosure/record-keys.js';
import { SetIndex, signed, type Conflict } from '../disclosure/set-index.js';
import { and, bin, col, countStar, fn, gte, inList, lit, param, sel, select, setOp, subquery, table } from '../sql/build.js';
import { COUNTED_COLUMNS } from './concept-index/load.js';
import { cacheKeyOf } from './concept-index/cache.js';
import { cachePath, readPublishedCache, secretFingerprint, writePublishedCache } from './concept-releases-cache.js';
import type { Expr, QueryNode } from '../sql/nodes.js';
import { compile, dialectByName } from '../sql/index.js';
import { toNumber, type SiteDatabase, type SqlColumns, type SqlRow } from './database.js';

/** Person ids per page of the pass: bounds the rows held at once (≈ 30 records per person). */
const PERSON_PAGE = 20_000;

/** What a concept's counts are released from: true values and their cell keys. */
export interface ConceptTruth {
  persons: number;
  personKey: number;
  records: number;
  recordKey: number;
  /** Its persons differ from a concept of lower id by 1 … k−1 (released widened when the policy remembers). */
  widened: boolean;
}

/** The plan hash a conflict with a published concept set names. */
export const PUBLISHED = 'concept-counts';

export class PublishedConcepts {
  readonly sets = new SetIndex();

  constructor(
    readonly k: number,
    private readonly truths: Map<number, ConceptTruth>,
  ) {}

  truth(conceptId: number): ConceptTruth | undefined {
    return this.truths.get(conceptId);
  }

  get size(): number {
    return this.truths.size;
  }

  entries(): IterableIterator<[number, ConceptTruth]> {
    return this.truths.entries();
  }

  /** A released concept set whose persons differ from `set` by 1 … k−1, if any. */
  conflict(set: PersonSet): Conflict | undefined {
    return this.sets.conflict(set, this.k);
  }
}

type Run = (q: QueryNode) => Promise<SqlRow[] | SqlColumns>;

function column(rows: SqlRow[] | SqlColumns, name: string): ArrayLike<unknown> {
  return Array.isArray(rows) ? rows.map((r) => r[name]) : (rows.columns[name] ?? []);
}

/** person_id and concept_id of every record of the counted columns, for persons in [lo, hi). */
function recordsOfPage(columns: readonly (readonly [string, string])[], lo: number, hi: number): QueryNode {
  const parts = columns.map(([tbl, c], i) =>
    select({
      select: [sel(col(`t${i}.${c}`), 'concept_id'), sel(col(`t${i}.person_id`), 'person_id')],
      from: table(tbl, `t${i}`),
      where: and(
        bin('<>', col(`t${i}.${c}`), lit(0)),
        gte(col(`t${i}.person_id`), param(lo, 'bigint')),
        bin('<', col(`t${i}.person_id`), param(hi, 'bigint')),
      ) as Expr,
    }),
  );
  return select({
    select: [sel(col('u.concept_id'), 'concept_id'), sel(col('u.person_id'), 'person_id'), sel(countStar(), 'records')],
    from: subquery(parts.length === 1 ? parts[0] : setOp('union all', parts), 'u'),
    groupBy: [col('u.concept_id'), col('u.person_id')],
  });
}

/**
 * One pass: per concept, its persons' accumulated keys and signature (for `k`). A concept in two
 * columns (standard and source) counts each person once and adds the records of both.
 */
export async function buildPublishedConcepts(
  db: SiteDatabase,
  columns: readonly (readonly [string, string])[],
  keys: RecordKeys,
  k: number,
  stop: () => boolean = () => false,
): Promise<PublishedConcepts> {
  const dialect = dialectByName(db.dialect);
  const run: Run = async (q) => {
    if (stop()) throw new Error('the concept count pass was abandoned: the site is closing');
    const compiled = compile(q, dialect);
    return db.queryColumns ? db.queryColumns(compiled) : db.query(compiled);
  };
  const accs = new Map<number, CellAccumulator>();
  if (columns.length > 0) {
    const range = await run(
      select({
        select: [sel(fn('min', [col('p.person_id')]), 'lo'), sel(fn('max', [col('p.person_id')]), 'hi')],
        from: table('person', 'p'),
      }),
    );
    const lo0 = column(range, 'lo')[0];
    const hi0 = column(range, 'hi')[0];
    if (lo0 !== null && lo0 !== undefined) {
      for (let lo = toNumber(lo0); lo <= toNumber(hi0); lo += PERSON_PAGE) {
        const rows = await run(recordsOfPage(columns, lo, lo + PERSON_PAGE));
        const concepts = column(rows, 'concept_id');
        const persons = column(rows, 'person_id');
        const records = column(rows, 'records');
        const ids = new BigInt64Array(persons.length);
        for (let i = 0; i < ids.length; i++) ids[i] = personId(persons[i]);
        const words = keys.derive(ids);
        for (let i = 0; i < ids.length; i++) {
          const concept = toNumber(concepts[i]);
          let acc = accs.get(concept);
          if (!acc) accs.set(concept, (acc = new CellAccumulator(k)));
          acc.add(words, i, true, toNumber(records[i]));
        }
      }
    }
  }
  const truths = new Map<number, ConceptTruth>();
  const published = new PublishedConcepts(k, truths);
  // Lower ids first: which of two near-equal concepts is widened does not depend on request order.
  for (const id of [...accs.keys()].sort((a, b) => a - b)) {
    const acc = accs.get(id)!;
    const set = acc.personSet();
    let widened = false;
    if (acc.persons >= k) {
      widened = published.conflict(set) !== undefined;
      if (!widened)
        published.sets.add({ n: set.size, ...signed(set.signature), planHash: PUBLISHED, cell: `concept ${id}`, time: 0 });
    }
    truths.set(id, { persons: acc.persons, personKey: acc.personKey, records: acc.events, recordKey: acc.eventKey, widened });
  }
  return published;
}

/**
 * The site's published concept sets per k, built on first use (or at start-up: `warm`) and dropped
 * when the database file is replaced. Concurrent callers share one pass.
 */
export class ConceptReleases {
  private readonly byK = new Map<number, Promise<PublishedConcepts>>();
  private columnsOnce?: Promise<readonly (readonly [string, string])[]>;
  private generation = 0;
  private closed = false;

  constructor(
    private readonly db: SiteDatabase,
    private readonly columns: () => Promise<readonly (readonly [string, string])[]>,
    private readonly keys: () => RecordKeys,
    private readonly log: (line: string) => void = (line) => process.stderr.write(line + '\n'),
    /** Where a pass is cached (the history directory) and the database file's identity; none: no cache. */
    private readonly cache?: { dir: () => string; fileKey: () => Promise<string | undefined> },
  ) {}

  /** From the cache when it matches the file and the secret, else one pass (then cached). */
  private async load(k: number, stop: () => boolean): Promise<{ published: PublishedConcepts; cached: boolean }> {
    const fileKey = await this.cache?.fileKey().catch(() => undefined);
    const key = fileKey && `${fileKey}|${secretFingerprint(this.keys())}`;
    const file = this.cache && cachePath(this.cache.dir(), k);
    if (key && file) {
      const hit = await readPublishedCache(file, key, k);
      if (hit) return { published: hit, cached: true };
    }
    const published = await buildPublishedConcepts(this.db, await this.countedColumns(), this.keys(), k, stop);
    if (key && file && !stop())
      await writePublishedCache(file, key, published).catch((err: unknown) =>
        this.log(`fedomop site: concept count pass not cached (${(err as Error).message})`),
      );
    return { published, cached: false };
  }

  /** The counted clinical columns of the database (asked once per file). */
  countedColumns(): Promise<readonly (readonly [string, string])[]> {
    const p = (this.columnsOnce ??= this.columns());
    p.catch(() => {
      if (this.columnsOnce === p) this.columnsOnce = undefined;
    });
    return p;
  }

  forK(k: number): Promise<PublishedConcepts> {
    let p = this.byK.get(k);
    if (!p) {
      const generation = this.generation;
      const started = performance.now();
      p = this.load(k, () => this.closed || generation !== this.generation).then(({ published, cached }) => {
        this.log(
          `fedomop site: concept counts keyed by persons for k = ${k} ${cached ? 'read from the cache' : 'built'} in ` +
            `${Math.round(performance.now() - started)} ms (${published.size} concepts, ${published.sets.count} published sets)`,
        );
        return published;
      });
      p.catch(() => {
        if (this.byK.get(k) === p) this.byK.delete(k); // a failed pass is retried by the next request
      });
      this.byK.set(k, p);
    }
    return p;
  }

  /** Starts the pass for `k` now without waiting; a failure is logged and retried on use. */
  warm(k: number): void {
    this.forK(k).catch((err: unknown) => {
      if (!this.closed) this.log(`fedomop site: concept count pass failed: ${(err as Error).message}`);
    });
  }

  invalidate(): void {
    this.generation++;
    this.byK.clear();
    this.columnsOnce = undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.byK.values()].map((p) => p.catch(() => undefined)));
  }
}

/** The counted clinical columns this database has (the concept index counts the same ones). */
export async function countedColumnsOf(db: SiteDatabase): Promise<[string, string][]> {
  const wanted = COUNTED_COLUMNS.map(([t, c]) => `${t}.${c}`);
  const rows = await db.query(
    compile(
      select({
        select: [sel(col('c.table_name'), 'table_name'), sel(col('c.column_name'), 'column_name')],
        from: table('columns', 'c', 'information_schema'),
        where: inList(
          col('c.table_name'),
          [...new Set(COUNTED_COLUMNS.map(([t]) => t))].map((t) => param(t, 'text')),
        ),
      }),
      dialectByName(db.dialect),
    ),
  );
  const present = new Set(rows.map((r) => `${String(r.table_name)}.${String(r.column_name)}`));
  return wanted.filter((w) => present.has(w)).map((w) => w.split('.') as [string, string]);
}

/** A site's ConceptReleases over the columns its database has; a DuckDB file's pass is cached in `cacheDir`. */
export function siteConceptReleases(
  db: SiteDatabase,
  keys: () => RecordKeys,
  cache?: { dir: () => string; dbPath?: string },
): ConceptReleases {
  const dbPath = cache?.dbPath;
  return new ConceptReleases(
    db,
    () => countedColumnsOf(db),
    keys,
    undefined,
    cache && dbPath ? { dir: cache.dir, fileKey: () => cacheKeyOf(dbPath) } : undefined,
  );
}
