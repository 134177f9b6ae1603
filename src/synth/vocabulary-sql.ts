/**
 * Statements that write the vocabulary slice (vocabulary.ts) into the CDM's vocabulary tables, in
 * the shapes a real Athena download has: self 'Maps to' rows for standard concepts, both
 * directions of every relationship, and a closed concept_ancestor.
 */
import { lit } from './sql-util.js';
import { CONCEPTS, HIERARCHY, MAPS_TO, VOCABULARIES, VOCABULARY_VERSION, ancestorRows } from './vocabulary.js';

const VALID_FROM = "DATE '1970-01-01'";
const VALID_TO = "DATE '2099-12-31'";

function values(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `(${row.join(', ')})`).join(',\n  ');
}

export function vocabularyStatements(): string[] {
  const concepts = CONCEPTS.map((c) => [
    lit(c.id),
    lit(c.name),
    lit(c.domain),
    lit(c.vocabulary),
    lit(c.conceptClass),
    c.standard ? "'S'" : 'NULL',
    lit(c.code),
    VALID_FROM,
    VALID_TO,
    'NULL',
  ]);
  const ancestors = ancestorRows().map((a) => [a.ancestor, a.descendant, a.minLevels, a.maxLevels].map(lit));
  const relationship = (from: number, to: number, id: string) => [lit(from), lit(to), lit(id), VALID_FROM, VALID_TO, 'NULL'];
  const relationships = [
    ...CONCEPTS.filter((c) => c.standard).flatMap((c) => [
      relationship(c.id, c.id, 'Maps to'),
      relationship(c.id, c.id, 'Mapped from'),
    ]),
    ...MAPS_TO.flatMap(([source, standard]) => [
      relationship(source, standard, 'Maps to'),
      relationship(standard, source, 'Mapped from'),
    ]),
    ...HIERARCHY.flatMap(([parent, child]) => [relationship(child, parent, 'Is a'), relationship(parent, child, 'Subsumes')]),
  ];
  const vocabularies = VOCABULARIES.map((v) => [
    lit(v.id),
    lit(v.name),
    lit(v.reference),
    lit(VOCABULARY_VERSION),
    lit(v.conceptId),
  ]);
  return [
    `INSERT INTO concept VALUES\n  ${values(concepts)}`,
    `INSERT INTO concept_ancestor VALUES\n  ${values(ancestors)}`,
    `INSERT INTO concept_relationship VALUES\n  ${values(relationships)}`,
    `INSERT INTO vocabulary VALUES\n  ${values(vocabularies)}`,
  ];
}

export interface CdmSourceInfo {
  siteName: string;
  abbreviation: string;
  description: string;
}

/**
 * Parameterised: the site name comes from the command line. Dates are fixed so output is
 * reproducible. 756265 is the concept for CDM v5.4 (check).
 */
export function cdmSourceStatement(info: CdmSourceInfo): { sql: string; params: string[] } {
  return {
    sql: `INSERT INTO cdm_source VALUES (
      $1, $2, 'fedomop', $3, NULL, 'fedomop synth', DATE '2025-01-01', DATE '2025-01-01',
      '5.4', 756265, ${lit(VOCABULARY_VERSION)})`,
    params: [info.siteName, info.abbreviation.slice(0, 25), info.description],
  };
}
