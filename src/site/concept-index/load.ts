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
  asc,
} from '../../sql/build.js';
import { compile, dialectByName } from '../../sql/index.js';
import type { QueryNode } from '../../sql/nodes.js';
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

  // Concepts, in concept_id order, a page at a time (keyset paging: no OFFSET scans).
  let last = -1;
  for (;;) {
    const rows = await run(
      select({
        select: [
          'concept_id',
          'concept_name',
          'domain_id',
          'vocabulary_id',
          'concept_class_id',
          'standard_concept',
          'concept_code',
          'invalid_reason',
        ].map((c) => sel(col(`c.${c}`), c)),
        from: table('concept', 'c'),
        where: bin('>', col('c.concept_id'), param(last, 'bigint')),
        orderBy: [asc(col('c.concept_id'))],
        limit: PAGE,
      }),
    );
    for (const r of rows) {
      const std = r.standard_concept === 'S' || r.standard_concept === 'C' ? r.standard_concept : null;
      builder.addConcept({
        conceptId: toNumber(r.concept_id),
        name: String(r.concept_name ?? ''),
        domain: String(r.domain_id ?? ''),
        vocabulary: String(r.vocabulary_id ?? ''),
        conceptClass: String(r.concept_class_id ?? ''),
        standardConcept: std,
        code: String(r.concept_code ?? ''),
        invalidReason: r.invalid_reason === null || r.invalid_reason === undefined ? null : String(r.invalid_reason),
      });
    }
    if (rows.length < PAGE) break;
    last = toNumber(rows[rows.length - 1].concept_id);
  }
  const tConcepts = performance.now();

  // Id ranges of about PAGE concepts each, for the tables keyed by concept id but not unique in it.
  const ranges = builder.idRanges(PAGE);

  let synonyms = 0;
  if (tables.has('concept_synonym')) {
    for (const [lo, hi] of ranges) {
      const rows = await run(
        select({
          select: [sel(col('s.concept_id'), 'concept_id'), sel(col('s.concept_synonym_name'), 'name')],
          from: table('concept_synonym', 's'),
          where: and(gte(col('s.concept_id'), param(lo, 'bigint')), lte(col('s.concept_id'), param(hi, 'bigint'))),
        }),
      );
      for (const r of rows) {
        if (r.name === null || r.name === undefined) continue;
        builder.addSynonym(toNumber(r.concept_id), String(r.name));
        synonyms++;
      }
    }
  }
  const tSynonyms = performance.now();

  let mapsTo = 0;
  if (tables.has('concept_relationship')) {
    for (const [lo, hi] of ranges) {
      const rows = await run(
        select({
          select: [sel(col('r.concept_id_1'), 'a'), sel(col('r.concept_id_2'), 'b')],
          from: table('concept_relationship', 'r'),
          where: and(
            gte(col('r.concept_id_1'), param(lo, 'bigint')),
            lte(col('r.concept_id_1'), param(hi, 'bigint')),
            eq(col('r.relationship_id'), lit('Maps to')),
            isNull(col('r.invalid_reason')),
            bin('<>', col('r.concept_id_1'), col('r.concept_id_2')),
          ),
        }),
      );
      for (const r of rows) {
        builder.addMapsTo(toNumber(r.a), toNumber(r.b));
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
