/**
 * Does this OMOP CDM have what fedomop reads? For the data steward setting a site up (`fedomop
 * check`) and for the site at start (a warning per gap): the vocabulary and person tables every plan
 * needs, and for each Circe criterion domain its table and the columns the compiler reads from it
 * (taken from the same catalogue the compiler uses, src/circe/domains.ts, so the two cannot drift).
 * A gap in a domain is not fatal — plans that use that domain fail, others run — a gap in the core is.
 *
 * Every SQL text here is fixed or built from the catalogue's table names (checked against a plain
 * identifier pattern); nothing from a caller becomes SQL.
 */
import { subjectColumns, subjectJoins } from '../circe/attribute-filters.js';
import { baseColumns, joinKeyColumns } from '../circe/criterion.js';
import { DEMOGRAPHIC_ATTRIBUTES, DOMAINS, type Attribute, type JoinName } from '../circe/domains.js';
import { CONCEPT_COLUMNS } from './concepts.js';
import type { SiteDatabase } from './database.js';

export interface TableCheck {
  table: string;
  present: boolean;
  rows?: number;
  missingColumns: string[];
}

export interface DomainCheck extends TableCheck {
  domain: string;
  /** False when the table or a column every criterion of the domain reads is missing. */
  usable: boolean;
  /** Attributes that cannot be used here, each because of a missing column. */
  unusableAttributes: string[];
}

export interface CdmReport {
  cdmVersion?: string;
  vocabularyVersion?: string;
  core: Array<TableCheck & { why: string; optional: boolean }>;
  domains: DomainCheck[];
  /** Persons with no observation period: Circe cohorts can never include them. */
  personsWithoutObservation?: number;
  /** Every core table present with its columns: the site can answer plans. */
  usable: boolean;
  /** One line per gap, for a log or a terminal. */
  problems: string[];
}

const JOINED_TABLES: Record<JoinName, string> = {
  person: 'person',
  provider: 'provider',
  visit: 'visit_occurrence',
  careSite: 'care_site',
};

/** Columns criteria read from joined tables (person's gender, a provider's specialty, ...), by table. */
function joinedColumns(): Map<string, Set<string>> {
  const attributes: Attribute[] = [
    ...Object.values(DEMOGRAPHIC_ATTRIBUTES),
    ...Object.values(DOMAINS).flatMap((t) => Object.values(t.attributes)),
  ];
  const out = new Map<string, Set<string>>();
  for (const a of attributes) {
    if (a.subject?.kind !== 'joined') continue;
    const table = JOINED_TABLES[a.subject.join];
    if (!out.has(table)) out.set(table, new Set());
    out.get(table)!.add(a.subject.column);
  }
  return out;
}

const JOINED = joinedColumns();

/** Tables every plan (or a common part of one) reads, with the columns read and why. */
const CORE: Array<{ table: string; columns: string[]; why: string; optional?: boolean }> = [
  {
    table: 'person',
    columns: ['person_id', 'year_of_birth', ...(JOINED.get('person') ?? [])],
    why: 'every plan: age, gender, demographic criteria',
  },
  {
    table: 'observation_period',
    columns: ['person_id', 'observation_period_start_date', 'observation_period_end_date'],
    why: 'every plan: Circe keeps only events inside an observation period',
  },
  {
    table: 'concept',
    columns: [...CONCEPT_COLUMNS, 'invalid_reason'],
    why: 'every concept set, and concept search',
  },
  {
    table: 'concept_ancestor',
    columns: ['ancestor_concept_id', 'descendant_concept_id'],
    why: 'concept sets with descendants',
  },
  {
    table: 'concept_relationship',
    columns: ['concept_id_1', 'concept_id_2', 'relationship_id', 'invalid_reason'],
    why: 'concept sets with mapped (source) concepts',
    optional: true,
  },
  {
    table: 'provider',
    columns: ['provider_id', ...(JOINED.get('provider') ?? [])],
    why: 'provider specialty criteria',
    optional: true,
  },
  {
    table: 'care_site',
    columns: ['care_site_id', ...(JOINED.get('care_site') ?? [])],
    why: 'place of service criteria',
    optional: true,
  },
];

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** The columns one attribute reads from the domain's own row (joined tables are checked as such). */
function attributeColumns(domain: keyof typeof DOMAINS, attribute: Attribute): string[] {
  const subject = attribute.subject;
  if (!subject) return [];
  return subject.kind === 'joined'
    ? subjectJoins(subject).flatMap((j) => joinKeyColumns(DOMAINS[domain], j))
    : subjectColumns(subject);
}

function domainColumns(domain: keyof typeof DOMAINS): string[] {
  const columns = new Set(baseColumns(DOMAINS[domain]));
  for (const attribute of Object.values(DOMAINS[domain].attributes))
    attributeColumns(domain, attribute).forEach((c) => columns.add(c));
  return [...columns];
}

async function columnsByTable(db: SiteDatabase): Promise<Map<string, Set<string>>> {
  const rows = await db.query({
    sql:
      'SELECT lower(table_name) AS table_name, lower(column_name) AS column_name FROM information_schema.columns ' +
      'WHERE table_schema = current_schema()',
    parameters: [],
    parameterTypes: [],
  });
  const byTable = new Map<string, Set<string>>();
  for (const r of rows) {
    const table = String(r.table_name);
    if (!byTable.has(table)) byTable.set(table, new Set());
    byTable.get(table)!.add(String(r.column_name));
  }
  return byTable;
}

async function rowCount(db: SiteDatabase, table: string): Promise<number> {
  if (!IDENTIFIER.test(table)) throw new Error(`not a plain table name: ${table}`);
  const [row] = await db.query({ sql: `SELECT count(*) AS n FROM ${table}`, parameters: [], parameterTypes: [] });
  return Number(row?.n ?? 0);
}

export interface CheckOptions {
  /** Count rows and persons without an observation period (full scans on PostgreSQL: the command does, a starting site does not). */
  counts?: boolean;
}

async function checkTable(
  db: SiteDatabase,
  present: Map<string, Set<string>>,
  table: string,
  columns: string[],
  opts: CheckOptions,
): Promise<TableCheck> {
  const have = present.get(table);
  if (!have) return { table, present: false, missingColumns: columns };
  const check: TableCheck = { table, present: true, missingColumns: columns.filter((c) => !have.has(c)) };
  if (opts.counts) check.rows = await rowCount(db, table);
  return check;
}

async function sourceVersions(db: SiteDatabase): Promise<Pick<CdmReport, 'cdmVersion' | 'vocabularyVersion'>> {
  try {
    const [row] = await db.query({
      sql: 'SELECT cdm_version, vocabulary_version FROM cdm_source',
      parameters: [],
      parameterTypes: [],
    });
    const text = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
    return { cdmVersion: text(row?.cdm_version), vocabularyVersion: text(row?.vocabulary_version) };
  } catch {
    // A CDM without cdm_source still works, unnamed.
    return {};
  }
}

export async function checkCdm(db: SiteDatabase, opts: CheckOptions = { counts: true }): Promise<CdmReport> {
  const present = await columnsByTable(db);
  const problems: string[] = [];
  const core: CdmReport['core'] = [];
  let usable = true;
  for (const c of CORE) {
    const check = await checkTable(db, present, c.table, c.columns, opts);
    core.push({ ...check, why: c.why, optional: c.optional === true });
    if (!check.present) {
      problems.push(`${c.optional ? 'optional' : 'required'} table ${c.table} is missing (${c.why})`);
      if (!c.optional) usable = false;
    } else if (check.missingColumns.length > 0) {
      problems.push(`table ${c.table} lacks ${check.missingColumns.join(', ')} (${c.why})`);
      if (!c.optional) usable = false;
    }
  }
  const domains: DomainCheck[] = [];
  for (const domain of Object.keys(DOMAINS) as Array<keyof typeof DOMAINS>) {
    const t = DOMAINS[domain];
    const check = await checkTable(db, present, t.table, domainColumns(domain), opts);
    const missing = new Set(check.missingColumns);
    const usable = check.present && !baseColumns(t).some((c) => missing.has(c));
    const unusableAttributes = usable
      ? Object.entries(t.attributes)
          .filter(([, a]) => attributeColumns(domain, a).some((c) => missing.has(c)))
          .map(([name]) => name)
      : [];
    domains.push({ domain, ...check, usable, unusableAttributes });
    if (!check.present) problems.push(`table ${t.table} is missing: plans with ${domain} criteria will fail`);
    else if (!usable)
      problems.push(`table ${t.table} lacks ${check.missingColumns.join(', ')}: plans with ${domain} criteria will fail`);
    else if (unusableAttributes.length > 0)
      problems.push(
        `table ${t.table} lacks ${check.missingColumns.join(', ')}: ${domain} criteria using ${unusableAttributes.join(', ')} will fail`,
      );
  }
  let personsWithoutObservation: number | undefined;
  const personsReadable = [core[0], core[1]].every((t) => t.present && t.missingColumns.length === 0);
  if (opts.counts && personsReadable) {
    const [row] = await db.query({
      sql:
        'SELECT count(*) AS n FROM person p WHERE NOT EXISTS ' +
        '(SELECT 1 FROM observation_period op WHERE op.person_id = p.person_id)',
      parameters: [],
      parameterTypes: [],
    });
    personsWithoutObservation = Number(row?.n ?? 0);
    if (personsWithoutObservation > 0)
      problems.push(`${personsWithoutObservation} persons have no observation period: no cohort can include them`);
  }
  return { ...(await sourceVersions(db)), core, domains, personsWithoutObservation, usable, problems };
}
