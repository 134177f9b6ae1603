/**
 * `fedomop synth --vocabulary-size N`: grows the vocabulary to N concepts around the real slice of
 * vocabulary.ts, set-based inside DuckDB like the rest of the generator (every draw is the seeded
 * hash macro `rnd`, so the output depends only on seed and size).
 *
 * Shape, per block of generated concepts (ids from GENERATED_ID_BASE up, clear of real ids):
 * - SNOMED conditions, procedures, observations, LOINC measurements and an ATC classification ('C')
 *   as 8-ary trees: node j's parent is floor((j-1)/8), so depth grows with size (7 levels at 1M) and
 *   every ancestor is arithmetic; about 1 in 10 nodes gets a second parent (the parent's next sibling,
 *   so both paths have one length and min = max levels of separation).
 * - RxNorm ingredients → clinical drugs ("zorabaxin 25 MG Oral Tablet") → branded drugs ("… [Brand]").
 * - Non-standard source concepts (ICD10CM, ICD9CM, NDC) with 'Maps to' a standard concept of their
 *   domain and that concept's name, as in Athena.
 * - About 3 % of leaves invalid: 'D' (deprecated) or 'U' (upgraded, 'Maps to' and 'Concept replaced
 *   by' its parent); invalid concepts are out of concept_ancestor and the hierarchy relationships.
 * - A quarter of concepts get a synonym in lay words ("tumour of prostate"); real ones get theirs.
 * - concept_ancestor holds the closure with self rows for standard and classification concepts;
 *   concept_relationship holds both directions of every relationship and self 'Maps to' rows.
 */
import { lit } from './sql-util.js';
import * as W from './vocabulary-words.js';

export const GENERATED_ID_BASE = 100_000_000;
const BRANCH = 8;

/** Extra vocabulary tables (CDM 5.4 DDL), created unless another part of synth made them already. */
export const EXTRA_VOCABULARY_DDL = [
  `CREATE TABLE IF NOT EXISTS concept_synonym (
    concept_id integer NOT NULL, concept_synonym_name varchar(1000) NOT NULL, language_concept_id integer NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS domain (
    domain_id varchar(20) NOT NULL, domain_name varchar(255) NOT NULL, domain_concept_id integer NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS concept_class (
    concept_class_id varchar(20) NOT NULL, concept_class_name varchar(255) NOT NULL, concept_class_concept_id integer NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS relationship (
    relationship_id varchar(20) NOT NULL, relationship_name varchar(255) NOT NULL, is_hierarchical varchar(1) NOT NULL,
    defines_ancestry varchar(1) NOT NULL, reverse_relationship_id varchar(20) NOT NULL, relationship_concept_id integer NOT NULL)`,
];

const ENGLISH = 4180186;

/** Synonyms of real concepts: the words researchers type for them. */
export const REAL_SYNONYMS: readonly (readonly [number, string])[] = [
  [443392, 'Cancer'],
  [4163261, 'Prostate cancer'],
  [200962, 'Primary prostate cancer'],
  [4116087, 'Prostatic carcinoma'],
  [4112853, 'Breast cancer'],
  [443388, 'Lung cancer'],
  [4115276, 'NSCLC'],
  [320128, 'High blood pressure'],
  [201826, 'Type II diabetes mellitus'],
  [255573, 'COPD'],
  [1127433, 'paracetamol'],
  [3013603, 'PSA [Mass/volume] in Serum or Plasma'],
  [4272032, 'PSA measurement'],
];

const list = (words: readonly string[]) => `[${words.map(lit).join(', ')}]`;
/** One word of `words`, drawn for global index `i` with `salt`. */
const pick = (words: readonly string[], i: string, salt: number) =>
  `${list(words)}[1 + floor(rnd(${i}, ${salt}, 0) * ${words.length})::INTEGER]`;

interface Block {
  key: string;
  share: number;
  domain: string;
  vocabulary: string;
  conceptClass: string;
  standard: 'S' | 'C' | null;
  /** Name of the concept at global index `i` (SQL, pure in i). */
  name: (i: string) => string;
  /** Lay synonym of the concept at global index `i`, or null for none. */
  synonym?: (i: string) => string;
  code: (j: string) => string;
  /** 'tree': 8-ary hierarchy; 'drug': ingredient → clinical → branded; 'source': maps to `mapsTo`. */
  shape: 'tree' | 'drug' | 'source';
  mapsTo?: string;
}

const condName = (i: string) =>
  `${pick(W.CONDITION_MODIFIERS, i, 101)} || ' ' || ${pick(W.MORPHOLOGIES, i, 102)} || ' of ' || ` +
  `${pick(W.LATERALITY, i, 103)} || ${pick(W.BODY_SITES, i, 104)} || ${pick(W.CAUSES, i, 105)}`;
const condSynonym = (i: string) =>
  `${pick(W.LAY_MORPHOLOGIES, i, 102)} || ' of ' || ${pick(W.LATERALITY, i, 103)} || ${pick(W.BODY_SITES, i, 104)}`;
const procName = (i: string) =>
  `${pick(W.PROCEDURE_ACTIONS, i, 111)} || ' ' || ${pick(W.LATERALITY, i, 112)} || ${pick(W.BODY_SITES, i, 113)} || ${pick(W.APPROACHES, i, 114)}`;
const ingredient = (i: string) =>
  `${pick(W.DRUG_START, i, 121)} || ${pick(W.DRUG_MIDDLE, i, 122)} || ${pick(W.DRUG_END, i, 123)}`;
const measName = (i: string) =>
  `${pick(W.ANALYTES, i, 131)} || ' [' || ${pick(W.PROPERTIES, i, 132)} || '] in ' || ${pick(W.SPECIMENS, i, 133)} || ${pick(W.METHODS, i, 134)}`;
const obsName = (i: string) => `${pick(W.OBSERVABLES, i, 141)} || ${pick(W.OBSERVABLE_QUALIFIERS, i, 142)}`;
const atcName = (i: string) => `upper(${ingredient(i)}) || ' AND RELATED AGENTS'`;

const BLOCKS: Block[] = [
  {
    key: 'cond',
    share: 0.3,
    domain: 'Condition',
    vocabulary: 'SNOMED',
    conceptClass: 'Clinical Finding',
    standard: 'S',
    name: condName,
    synonym: condSynonym,
    code: (j) => `(200000000 + ${j} * 7)::VARCHAR`,
    shape: 'tree',
  },
  {
    key: 'proc',
    share: 0.12,
    domain: 'Procedure',
    vocabulary: 'SNOMED',
    conceptClass: 'Procedure',
    standard: 'S',
    name: procName,
    synonym: (i: string) =>
      `${pick(W.BODY_SITES, i, 113)} || ' ' || lower(split_part(${pick(W.PROCEDURE_ACTIONS, i, 111)}, ' ', 1))`,
    code: (j) => `(600000000 + ${j} * 7)::VARCHAR`,
    shape: 'tree',
  },
  {
    key: 'drug',
    share: 0.22,
    domain: 'Drug',
    vocabulary: 'RxNorm',
    conceptClass: 'Clinical Drug',
    standard: 'S',
    name: () => 'NULL',
    code: (j) => `(3000000 + ${j})::VARCHAR`,
    shape: 'drug',
  },
  {
    key: 'meas',
    share: 0.12,
    domain: 'Measurement',
    vocabulary: 'LOINC',
    conceptClass: 'Lab Test',
    standard: 'S',
    name: measName,
    code: (j) => `(50000 + ${j})::VARCHAR || '-' || (${j} % 10)::VARCHAR`,
    shape: 'tree',
  },
  {
    key: 'obs',
    share: 0.05,
    domain: 'Observation',
    vocabulary: 'SNOMED',
    conceptClass: 'Observable Entity',
    standard: 'S',
    name: obsName,
    code: (j) => `(800000000 + ${j} * 7)::VARCHAR`,
    shape: 'tree',
  },
  {
    key: 'atc',
    share: 0.02,
    domain: 'Drug',
    vocabulary: 'ATC',
    conceptClass: 'ATC 4th',
    standard: 'C',
    name: atcName,
    code: (j) => `'L' || lpad((${j} % 100)::VARCHAR, 2, '0') || chr(65 + (${j} // 100 % 26)::INTEGER) || (${j} // 2600)::VARCHAR`,
    shape: 'tree',
  },
  {
    key: 'icd10cm',
    share: 0.1,
    domain: 'Condition',
    vocabulary: 'ICD10CM',
    conceptClass: '4-char billing code',
    standard: null,
    name: () => 'NULL',
    code: (j) => `chr(65 + (${j} % 26)::INTEGER) || lpad((${j} // 26 % 100)::VARCHAR, 2, '0') || '.' || (${j} // 2600)::VARCHAR`,
    shape: 'source',
    mapsTo: 'cond',
  },
  {
    key: 'icd9',
    share: 0.04,
    domain: 'Condition',
    vocabulary: 'ICD9CM',
    conceptClass: '4-dig billing code',
    standard: null,
    name: () => 'NULL',
    code: (j) => `lpad((${j} % 1000)::VARCHAR, 3, '0') || '.' || (${j} // 1000)::VARCHAR`,
    shape: 'source',
    mapsTo: 'cond',
  },
  {
    key: 'ndc',
    share: 0.03,
    domain: 'Drug',
    vocabulary: 'NDC',
    conceptClass: '11-digit NDC',
    standard: null,
    name: () => 'NULL',
    code: (j) => `lpad((${j} * 13 % 100000000000)::VARCHAR, 11, '0')`,
    shape: 'source',
    mapsTo: 'drug',
  },
];

interface Layout {
  block: Block;
  start: number;
  count: number;
}

function layout(generated: number): Layout[] {
  let start = 0;
  return BLOCKS.map((block, k) => {
    const count = k === BLOCKS.length - 1 ? generated - start : Math.floor(generated * block.share);
    const l = { block, start, count };
    start += count;
    return l;
  });
}

/** Drug block: ingredients, clinical drugs, branded drugs (by position j). */
function drugParts(count: number) {
  const ingredients = Math.max(1, Math.floor(count * 0.05));
  const clinical = Math.max(1, Math.floor(count * 0.55));
  return { ingredients, clinical };
}

/**
 * Statements that add `generated` concepts (and their hierarchy, relationships and synonyms) to a
 * database that already holds the real slice. Also the synonym rows of real concepts and the
 * domain / concept_class / relationship tables, generated or not.
 */
export function largeVocabularyStatements(generated: number): string[] {
  const out: string[] = [...EXTRA_VOCABULARY_DDL];
  out.push(
    `INSERT INTO concept_synonym VALUES ${REAL_SYNONYMS.map(([id, name]) => `(${id}, ${lit(name)}, ${ENGLISH})`).join(', ')}`,
  );
  if (generated > 0) out.push(...generatedStatements(generated));
  out.push(...referenceStatements());
  return out;
}

function generatedStatements(generated: number): string[] {
  const blocks = layout(generated);
  const byKey = new Map(blocks.map((l) => [l.block.key, l]));
  const gid = (l: Layout, j: string) => `(${GENERATED_ID_BASE + l.start} + ${j})`;
  const selects = blocks
    .filter((l) => l.count > 0)
    .map((l) => {
      const b = l.block;
      const i = `(${l.start} + j)`;
      const leaf = `(${BRANCH} * j + 1 >= ${l.count})`;
      // Leaves may be invalid; 2 in 3 deprecated, 1 in 3 upgraded.
      const invalid =
        b.shape === 'tree' || b.shape === 'drug'
          ? `CASE WHEN ${b.shape === 'tree' ? leaf : 'j >= ' + (drugParts(l.count).ingredients + drugParts(l.count).clinical)} AND rnd(${i}, 150, 0) < 0.03
               THEN CASE WHEN rnd(${i}, 151, 0) < 0.667 THEN 'D' ELSE 'U' END END`
          : 'NULL';
      let name = b.name(i);
      let cls = lit(b.conceptClass);
      let parent = 'NULL::BIGINT';
      let parent2 = 'NULL::BIGINT';
      let target = 'NULL::BIGINT';
      if (b.shape === 'tree') {
        parent = `CASE WHEN j > 0 THEN ${gid(l, `((j - 1) // ${BRANCH})`)} END`;
        const p1 = `((j - 1) // ${BRANCH})`;
        parent2 = `CASE WHEN j > 0 AND ${p1} % ${BRANCH} <> 0 AND ${BRANCH} * (${p1} + 1) + 1 < ${l.count} AND rnd(${i}, 152, 0) < 0.1
                     THEN ${gid(l, `${p1} + 1`)} END`;
      } else if (b.shape === 'drug') {
        const { ingredients: A, clinical: C } = drugParts(l.count);
        const ingOfClinical = (c: string) => `((${c}) % ${A})`;
        const clinicalOf = `((j - ${A - 0} - ${C}) % ${C} + ${A})`;
        const ing = `CASE WHEN j < ${A} THEN j WHEN j < ${A + C} THEN ${ingOfClinical(`j - ${A}`)} ELSE ${ingOfClinical(`${clinicalOf} - ${A}`)} END`;
        const clin = `CASE WHEN j < ${A + C} THEN j ELSE ${clinicalOf} END`;
        const ingName = ingredient(`(${l.start} + ${ing})`);
        const strength = (k: string) =>
          `${pick(W.STRENGTHS, `(${l.start} + ${k})`, 124)} || ' ' || ${pick(W.STRENGTH_UNITS, `(${l.start} + ${k})`, 125)} || ' ' || ${pick(W.DOSE_FORMS, `(${l.start} + ${k})`, 126)}`;
        const brand = `upper(${pick(W.DRUG_START, i, 127)}[1]) || ${pick(W.DRUG_START, i, 127)}[2:] || ${pick(W.DRUG_MIDDLE, i, 128)} || ${pick(['x', 'n', 'l', 'ra', 'va', 'to'], i, 129)}`;
        name = `CASE WHEN j < ${A} THEN ${ingName} ELSE ${ingName} || ' ' || ${strength(clin)} || CASE WHEN j >= ${A + C} THEN ' [' || ${brand} || ']' ELSE '' END END`;
        cls = `CASE WHEN j < ${A} THEN 'Ingredient' WHEN j < ${A + C} THEN 'Clinical Drug' ELSE 'Branded Drug' END`;
        parent = `CASE WHEN j < ${A} THEN NULL WHEN j < ${A + C} THEN ${gid(l, ingOfClinical(`j - ${A}`))} ELSE ${gid(l, clinicalOf)} END`;
        parent2 = `CASE WHEN j >= ${A + C} THEN ${gid(l, ingOfClinical(`${clinicalOf} - ${A}`))} END`;
      } else {
        const t = byKey.get(b.mapsTo!)!;
        const tj = `floor(rnd(${i}, 153, 0) * ${t.count})::BIGINT`;
        target = gid(t, tj);
        // A source code reads like the standard concept it maps to (the target's name, by its own index).
        name =
          t.block.shape === 'drug'
            ? `'NDC ' || ${ingredient(`(${t.start} + ${tj} % ${drugParts(t.count).ingredients})`)}`
            : t.block.name(`(${t.start} + ${tj})`);
      }
      return `SELECT ${gid(l, 'j')} AS concept_id, j, ${lit(b.key)} AS block, ${name} AS concept_name,
        ${lit(b.domain)} AS domain_id, ${lit(b.vocabulary)} AS vocabulary_id, ${cls} AS concept_class_id,
        ${b.code('j')} AS concept_code, ${invalid} AS invalid_reason, ${lit(b.standard)} AS std,
        ${parent} AS parent1, ${parent2} AS parent2, ${target} AS maps_target,
        ${b.synonym ? `CASE WHEN rnd(${i}, 154, 0) < 0.25 THEN ${b.synonym(i)} END` : 'NULL'} AS synonym
        FROM range(${l.count}) r(j)`;
    });
  const treeDepth = blocks
    .filter((l) => l.block.shape === 'tree')
    .map((l) => `WHEN block = ${lit(l.block.key)} THEN floor(ln(7 * j + 1) / ln(${BRANCH}) + 1e-9)::INTEGER`)
    .join(' ');
  const treeBase = (key: string) => GENERATED_ID_BASE + byKey.get(key)!.start;
  const baseCase = blocks
    .filter((l) => l.block.shape === 'tree')
    .map((l) => `WHEN ${lit(l.block.key)} THEN ${treeBase(l.block.key)}`)
    .join(' ');
  const valid = `invalid_reason IS NULL`;
  return [
    `CREATE TEMP TABLE vgen AS ${selects.join('\nUNION ALL\n')}`,
    `UPDATE vgen SET std = NULL WHERE invalid_reason IS NOT NULL`,
    `INSERT INTO concept SELECT concept_id, concept_name, domain_id, vocabulary_id, concept_class_id, std, concept_code,
       DATE '1970-01-01', CASE WHEN invalid_reason IS NULL THEN DATE '2099-12-31' ELSE DATE '2020-01-01' END, invalid_reason
       FROM vgen ORDER BY concept_id`,
    // Closure: self rows, the chain of tree ancestors (arithmetic: the ancestor L levels up of j is
    // (j - (8^L - 1)/7) // 8^L), the second parent, and the drug levels.
    `INSERT INTO concept_ancestor
       SELECT concept_id, concept_id, 0, 0 FROM vgen WHERE ${valid} AND std IS NOT NULL
       UNION ALL
       SELECT CASE block ${baseCase} END + ((j - (pow(${BRANCH}, L)::BIGINT - 1) // 7) // pow(${BRANCH}, L)::BIGINT), concept_id, L, L
       FROM (SELECT *, unnest(range(1, (CASE ${treeDepth} END) + 1)) AS L FROM vgen WHERE ${valid} AND std IS NOT NULL AND j > 0
             AND block IN (${blocks
               .filter((l) => l.block.shape === 'tree')
               .map((l) => lit(l.block.key))
               .join(', ')}))
       UNION ALL
       SELECT parent2, concept_id, 1, 1 FROM vgen WHERE ${valid} AND parent2 IS NOT NULL AND block <> 'drug'
       UNION ALL
       SELECT parent1, concept_id, 1, 1 FROM vgen WHERE ${valid} AND block = 'drug' AND parent1 IS NOT NULL
       UNION ALL
       SELECT parent2, concept_id, 2, 2 FROM vgen WHERE ${valid} AND block = 'drug' AND parent2 IS NOT NULL`,
    `INSERT INTO concept_relationship
       SELECT a, b, rel, DATE '1970-01-01', DATE '2099-12-31', NULL FROM (
         SELECT concept_id AS a, parent1 AS b, 'Is a' AS rel FROM vgen WHERE ${valid} AND parent1 IS NOT NULL
         UNION ALL SELECT parent1, concept_id, 'Subsumes' FROM vgen WHERE ${valid} AND parent1 IS NOT NULL
         UNION ALL SELECT concept_id, parent2, 'Is a' FROM vgen WHERE ${valid} AND parent2 IS NOT NULL AND block <> 'drug'
         UNION ALL SELECT parent2, concept_id, 'Subsumes' FROM vgen WHERE ${valid} AND parent2 IS NOT NULL AND block <> 'drug'
         UNION ALL SELECT concept_id, concept_id, 'Maps to' FROM vgen WHERE std = 'S'
         UNION ALL SELECT concept_id, concept_id, 'Mapped from' FROM vgen WHERE std = 'S'
         UNION ALL SELECT concept_id, maps_target, 'Maps to' FROM vgen WHERE maps_target IS NOT NULL
         UNION ALL SELECT maps_target, concept_id, 'Mapped from' FROM vgen WHERE maps_target IS NOT NULL
         UNION ALL SELECT concept_id, parent1, 'Maps to' FROM vgen WHERE invalid_reason = 'U' AND parent1 IS NOT NULL
         UNION ALL SELECT parent1, concept_id, 'Mapped from' FROM vgen WHERE invalid_reason = 'U' AND parent1 IS NOT NULL
         UNION ALL SELECT concept_id, parent1, 'Concept replaced by' FROM vgen WHERE invalid_reason = 'U' AND parent1 IS NOT NULL
         UNION ALL SELECT parent1, concept_id, 'Concept replaces' FROM vgen WHERE invalid_reason = 'U' AND parent1 IS NOT NULL)`,
    `INSERT INTO concept_synonym SELECT concept_id, synonym, ${ENGLISH} FROM vgen WHERE synonym IS NOT NULL`,
    `DROP TABLE vgen`,
  ];
}

function referenceStatements(): string[] {
  const domains = [
    'Condition',
    'Procedure',
    'Drug',
    'Measurement',
    'Observation',
    'Unit',
    'Gender',
    'Race',
    'Ethnicity',
    'Visit',
    'Type Concept',
  ];
  const relationships: [string, string, string, string, string][] = [
    ['Is a', 'Is a', '1', '1', 'Subsumes'],
    ['Subsumes', 'Subsumes', '1', '1', 'Is a'],
    ['Maps to', 'Non-standard to Standard map (OMOP)', '0', '0', 'Mapped from'],
    ['Mapped from', 'Standard to Non-standard map (OMOP)', '0', '0', 'Maps to'],
    ['Concept replaced by', 'Concept replaced by (OMOP)', '0', '0', 'Concept replaces'],
    ['Concept replaces', 'Concept replaces (OMOP)', '0', '0', 'Concept replaced by'],
  ];
  return [
    `INSERT INTO domain SELECT DISTINCT domain_id, domain_id, 0 FROM concept WHERE domain_id IN (${domains.map(lit).join(', ')})`,
    `INSERT INTO concept_class SELECT DISTINCT concept_class_id, concept_class_id, 0 FROM concept`,
    `INSERT INTO relationship VALUES ${relationships.map((r) => `(${r.map(lit).join(', ')}, 0)`).join(', ')}`,
    `INSERT INTO vocabulary SELECT v, v, NULL, 'fedomop-synth v1', 0 FROM (VALUES ('ATC'), ('NDC')) t(v)
       WHERE EXISTS (SELECT 1 FROM concept WHERE vocabulary_id = t.v) AND NOT EXISTS (SELECT 1 FROM vocabulary WHERE vocabulary_id = t.v)`,
  ];
}
