/**
 * Reads a site's vocabulary into a ConceptIndex: the concept table in concept_id pages, then
 * synonyms and 'Maps to' pairs in concept_id ranges, then per-concept record and person counts
 * (one GROUP BY per clinical table, as Achilles does). All SQL goes through the operation tree with
 * bound parameters. Nothing here is released: counts leave only through concept-counts.ts.
 */
import {
  and,
  col,
  countStar,
  eq,
  fn,
  gte,
  inList,
  isNull,
  lit,
  lte,
  param,
  select,
  sel,
  table,
  bin,
  cast,
  subquery,
} from '../../sql/build.js';
import { compile, dialectByName } from '../../sql/index.js';
import type { Expr, QueryNode } from '../../sql/nodes.js';
import type { SiteDatabase, SqlRow } from '../database.js';
import { toNumber } from '../database.js';
import { ConceptIndexBuilder } from './build.js';
import type { ConceptIndex } from './concept-index.js';

const PAGE = 200_000;

/** Clinical columns whose concepts get record and person counts: [table, concept column]. */
export const COUNTED_COLUMNS: readonly (readonly [string, string])[] = [
  ['condition_occurrence', 'condition_concept_id'],
  ['condition_occurrence', 'condition_source_concept_id'],
  ['drug_exposure', 'drug_concept_id'],
  ['drug_exposure', 'drug_source_concept_id'],
  ['procedure_occurrence', 'procedure_concept_id'],
  ['procedure_occurrence', 'procedure_source_concept_id'],
  ['measurement', 'measurement_concept_id'],
  ['measurement', 'measurement_source_concept_id'],
  ['observation', 'observation_concept_id'],
  ['observation', 'observation_source_concept_id'],
  ['visit_occurrence', 'visit_concept_id'],
  ['device_exposure', 'device_concept_id'],
  ['specimen', 'specimen_concept_id'],
];

const CONCEPT_FIELDS = [
  'concept_id',
  'concept_name',
  'domain_id',
  'vocabulary_id',
  'concept_class_id',
  'standard_concept',
  'concept_code',
  'invalid_reason',
];
/** Field and row separators of a packed page; vocabulary text holds neither. */
const FS = '\u0001';
const RS = '\u0002';

/** One row: the page's rows packed into a string (fields as text, NULL as ''). */
function packed(page: QueryNode, fields: string[]): QueryNode {
  const parts = fields.map((f) => fn('coalesce', [cast(col(`p.${f}`), 'text'), lit('')]));
  const row = parts.slice(1).reduce<Expr>((acc, part) => bin('||', bin('||', acc, lit(FS)), part), parts[0]);
  return select({
    select: [sel(fn('string_agg', [row, lit(RS)]), 'packed')],
    from: subquery(page, 'p'),
  });
}

function unpack(rows: SqlRow[], width: number): string[][] {
  const text = rows[0]?.packed;
  if (typeof text !== 'string' || text.length === 0) return [];
  return text.split(RS).map((line) => {
    const f = line.split(FS);
    if (f.length !== width) throw new Error(`a packed vocabulary row has ${f.length} fields, expected ${width}`);
    return f;
  });
}

const BUCKET = 100_000;

/** [lo, hi) id ranges of about PAGE concepts (a bucket of 100k ids is never split). */
async function conceptPages(run: (q: QueryNode) => Promise<SqlRow[]>): Promise<[number, number][]> {
  const bucket = fn('floor', [bin('/', col('c.concept_id'), lit(BUCKET))]);
  const rows = await run(
    select({ select: [sel(bucket, 'b'), sel(countStar(), 'n')], from: table('concept', 'c'), groupBy: [bucket] }),
  );
  const buckets = rows.map((r) => [toNumber(r.b), toNumber(r.n)] as const).sort((x, y) => x[0] - y[0]);
  const pages: [number, number][] = [];
  let start: number | undefined;
  let size = 0;
  for (const [b, n] of buckets) {
    if (start !== undefined && size + n > PAGE) {
      pages.push([start * BUCKET, b * BUCKET]);
      start = undefined;
      size = 0;
    }
    start ??= b;
    size += n;
  }
  if (start !== undefined) pages.push([start * BUCKET, (buckets[buckets.length - 1][0] + 1) * BUCKET]);
  return pages;
}

export interface LoadReport {
  concepts: number;
  synonyms: number;
  mapsTo: number;
  countedConcepts: number;
  /** The clinical [table, column] pairs present and counted. */
  countedColumns: [string, string][];
  ms: { concepts: number; synonyms: number; mapsTo: number; counts: number; index: number; total: number };
  heapUsedBefore: number;
  heapUsedAfter: number;
  rssBefore: number;
  rssAfter: number;
  indexBytes: number;
}

/** Tables (of those named) the database has, from information_schema (same in DuckDB and PostgreSQL). */
async function presentTables(run: (q: QueryNode) => Promise<SqlRow[]>, names: string[]): Promise<Set<string>> {
  const rows = await run(
    select({
      select: [sel(col('t.table_name'), 'table_name')],
      from: table('tables', 't', 'information_schema'),
      where: inList(
        col('t.table_name'),
        names.map((n) => param(n, 'text')),
      ),
    }),
  );
  return new Set(rows.map((r) => String(r.table_name)));
}

/** `stop` is asked between queries: a site shutting down abandons the build instead of racing its database's close. */
export async function loadConceptIndex(
  db: SiteDatabase,
  stop: () => boolean = () => false,
): Promise<{ index: ConceptIndex; report: LoadReport }> {
  const run = async (q: QueryNode) => {
    if (stop()) throw new Error('the concept index build was abandoned: the site is closing');
    return db.query(compile(q, dialectByName(db.dialect)));
  };
  const t0 = performance.now();
  const before = process.memoryUsage();
  const builder = new ConceptIndexBuilder();
  const tables = await presentTables(run, ['concept_synonym', 'concept_relationship', ...COUNTED_COLUMNS.map(([t]) => t)]);

  // Concepts, a page of ids at a time. Pages are ranges of ids, cut from a histogram of ids per
  // million: sorting inside the database (ORDER BY … LIMIT) made each page six times slower. Each
  // page comes back packed into one string: per-value conversion in the database driver cost ~5 µs,
  // minutes on a full vocabulary; one string per page is split here in a fraction of that.
  for (const [lo, hi] of await conceptPages(run)) {
    const page = select({
      select: CONCEPT_FIELDS.map((c) => sel(col(`c.${c}`), c)),
      from: table('concept', 'c'),
      where: and(gte(col('c.concept_id'), param(lo, 'bigint')), bin('<', col('c.concept_id'), param(hi, 'bigint'))),
    });
    const rows = unpack(await run(packed(page, CONCEPT_FIELDS)), CONCEPT_FIELDS.length);
    // The builder needs ascending ids; a page comes in no particular order.
    rows.sort((a, b) => Number(a[0]) - Number(b[0]));
    for (const r of rows) {
      builder.addConcept({
        conceptId: Number(r[0]),
        name: r[1],
        domain: r[2],
        vocabulary: r[3],
        conceptClass: r[4],
        standardConcept: r[5] === 'S' || r[5] === 'C' ? r[5] : null,
        code: r[6],
        invalidReason: r[7] === '' ? null : r[7],
      });
    }
  }
  const tConcepts = performance.now();

  // Id ranges of about PAGE concepts each, for the tables keyed by concept id but not unique in it.
  const ranges = builder.idRanges(PAGE);

  let synonyms = 0;
  if (tables.has('concept_synonym')) {
    for (const [lo, hi] of ranges) {
      const fields = ['concept_id', 'concept_synonym_name'];
      const page = select({
        select: fields.map((c) => sel(col(`s.${c}`), c)),
        from: table('concept_synonym', 's'),
        where: and(gte(col('s.concept_id'), param(lo, 'bigint')), lte(col('s.concept_id'), param(hi, 'bigint'))),
      });
      for (const r of unpack(await run(packed(page, fields)), 2)) {
        if (r[1] === '') continue;
        builder.addSynonym(Number(r[0]), r[1]);
        synonyms++;
      }
    }
  }
  const tSynonyms = performance.now();

  let mapsTo = 0;
  if (tables.has('concept_relationship')) {
    for (const [lo, hi] of ranges) {
      const fields = ['concept_id_1', 'concept_id_2'];
      const page = select({
        select: fields.map((c) => sel(col(`r.${c}`), c)),
        from: table('concept_relationship', 'r'),
        where: and(
          gte(col('r.concept_id_1'), param(lo, 'bigint')),
          lte(col('r.concept_id_1'), param(hi, 'bigint')),
          eq(col('r.relationship_id'), lit('Maps to')),
          isNull(col('r.invalid_reason')),
          bin('<>', col('r.concept_id_1'), col('r.concept_id_2')),
        ),
      });
      for (const r of unpack(await run(packed(page, fields)), 2)) {
        builder.addMapsTo(Number(r[0]), Number(r[1]));
        mapsTo++;
      }
    }
  }
  const tMaps = performance.now();

  // Per-concept counts. A concept counted in two columns adds records and keeps the larger person
  // count (a lower bound of the true union; concepts rarely sit in two tables).
  const counted = new Set<number>();
  const countedColumns: [string, string][] = [];
  for (const [tbl, column] of COUNTED_COLUMNS) {
    if (!tables.has(tbl)) continue;
    let rows;
    try {
      rows = await run(
        select({
          select: [
            sel(col(`x.${column}`), 'concept_id'),
            sel(countStar(), 'records'),
            sel(fn('count', [col('x.person_id')], { distinct: true }), 'persons'),
          ],
          from: table(tbl, 'x'),
          where: bin('<>', col(`x.${column}`), lit(0)),
          groupBy: [col(`x.${column}`)],
        }),
      );
    } catch {
      continue; // a table without that column (an older CDM): no counts from it
    }
    countedColumns.push([tbl, column]);
    for (const r of rows) {
      const id = toNumber(r.concept_id);
      builder.setCounts(id, toNumber(r.records), toNumber(r.persons));
      counted.add(id);
    }
  }
  const tCounts = performance.now();

  builder.countedColumns = countedColumns.map(([t, c]) => `${t}.${c}`);
  const index = builder.finish();
  const tIndex = performance.now();
  const after = process.memoryUsage();
  const round = (x: number) => Math.round(x);
  return {
    index,
    report: {
      concepts: index.size,
      synonyms,
      mapsTo,
      countedConcepts: counted.size,
      countedColumns,
      ms: {
        concepts: round(tConcepts - t0),
        synonyms: round(tSynonyms - tConcepts),
        mapsTo: round(tMaps - tSynonyms),
        counts: round(tCounts - tMaps),
        index: round(tIndex - tCounts),
        total: round(tIndex - t0),
      },
      heapUsedBefore: before.heapUsed,
      heapUsedAfter: after.heapUsed,
      rssBefore: before.rss,
      rssAfter: after.rss,
      indexBytes: index.bytes,
    },
  };
}
