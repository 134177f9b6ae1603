/**
 * Before writing anything: is this database a CDM with the tables this expression reads? Missing
 * tables are named all at once, instead of surfacing one by one as SQL errors mid-generation.
 */
import { DOMAINS } from '../circe/domains.js';
import type { CirceExpression, CriterionDomain } from '../circe/types.js';
import { FedomopError } from '../errors.js';
import type { WritableDatabase } from './database.js';

/** Read by every generation: events need a person and an observation period; codesets need the vocabulary. */
const ALWAYS = ['person', 'observation_period', 'concept', 'concept_ancestor'];

/** The CDM tables an expression reads: the core ones plus one per criterion domain it mentions. */
export function tablesRead(expression: CirceExpression): string[] {
  const tables = new Set(ALWAYS);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (Object.prototype.hasOwnProperty.call(DOMAINS, key)) tables.add(DOMAINS[key as CriterionDomain].table);
        walk(value);
      }
    }
  };
  walk(expression);
  // A CustomEra exit builds drug eras from exposures.
  if (expression.EndStrategy && 'CustomEra' in expression.EndStrategy) tables.add('drug_exposure');
  return [...tables].sort();
}

export async function assertCdmTables(db: WritableDatabase, expression: CirceExpression): Promise<void> {
  const present = await db.tableNames();
  const missing = tablesRead(expression).filter((t) => !present.has(t));
  if (missing.length === 0) return;
  const what = present.has('person') ? 'lacks tables this cohort reads' : 'is not an OMOP CDM database';
  throw new FedomopError('ERR_CONFIG_INVALID', `${db.description} ${what}: missing ${missing.join(', ')}`, { missing });
}
