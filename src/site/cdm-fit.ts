/**
 * Can this site's CDM run this plan? A plan naming a domain whose table the CDM lacks (or an attribute
 * whose column it lacks) would otherwise fail deep in the SQL engine with "table does not exist";
 * instead the site says, before running anything, which part of the plan needs which table or column.
 */
import { DOMAINS } from '../circe/domains.js';
import type { CirceExpression } from '../circe/types.js';
import { walkExpression } from '../circe/walk.js';
import { FedomopError } from '../errors.js';
import type { CdmReport } from './cdm-check.js';

const present = (v: unknown) => v !== undefined && v !== null;

/** What the plan needs that the CDM lacks, one sentence each; empty when the plan can run. */
export function missingForPlan(expression: CirceExpression, report: CdmReport): string[] {
  const gaps = new Set<string>();
  if (!report.usable) gaps.add(`the CDM lacks what every plan reads (${report.problems.join('; ')})`);
  const coreTable = (table: string) => report.core.find((t) => t.table === table);
  const needDomain = (domain: keyof typeof DOMAINS, why: string) => {
    const check = report.domains.find((d) => d.domain === domain);
    if (!check || check.usable) return;
    gaps.add(
      check.present
        ? `${why} read ${check.table}.${check.missingColumns.join(', ')}, which this CDM lacks`
        : `${why} read the ${check.table} table, which this CDM does not have`,
    );
  };
  walkExpression(expression, {
    criterion(domain, attrs) {
      needDomain(domain, `${domain} criteria`);
      const check = report.domains.find((d) => d.domain === domain);
      for (const name of check?.usable ? check.unusableAttributes : []) {
        if (present(attrs[name]))
          gaps.add(`${domain}.${name} reads a column of ${check!.table} this CDM lacks (${check!.missingColumns.join(', ')})`);
      }
      for (const [name, value] of Object.entries(attrs)) {
        const subject = DOMAINS[domain]?.attributes[name]?.subject;
        if (!present(value) || subject?.kind !== 'joined') continue;
        const table = subject.join === 'provider' ? 'provider' : subject.join === 'careSite' ? 'care_site' : undefined;
        const t = table ? coreTable(table) : undefined;
        if (t && (!t.present || t.missingColumns.length > 0))
          gaps.add(`${domain}.${name} reads the ${table} table, which this CDM does not have whole`);
      }
    },
  });
  const strategy = expression.EndStrategy;
  if (strategy && 'CustomEra' in strategy && strategy.CustomEra)
    needDomain('DrugExposure', 'A CustomEra end strategy and its drug exposures');
  const mapped = expression.ConceptSets.some((s) => s.expression.items.some((i) => i.includeMapped === true));
  const relationship = coreTable('concept_relationship');
  if (mapped && relationship && (!relationship.present || relationship.missingColumns.length > 0))
    gaps.add('concept sets with mapped concepts read concept_relationship, which this CDM does not have whole');
  return [...gaps];
}

export function assertPlanFitsCdm(expression: CirceExpression, report: CdmReport | undefined, site: string): void {
  if (!report) return;
  const gaps = missingForPlan(expression, report);
  if (gaps.length === 0) return;
  throw new FedomopError('ERR_PLAN_UNSUPPORTED', `site ${site} cannot run this plan on its CDM: ${gaps.join('; ')}`, {
    problems: gaps.map((message) => ({ path: 'cohort', message })),
  });
}
