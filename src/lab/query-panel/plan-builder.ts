/**
 * The panel's form → a plan v1 (a Circe cohort expression plus an analysis), checked by validatePlan,
 * the same gate the hub and every site apply. Concepts are grouped by domain: one concept set and one
 * primary criterion per domain, so "prostate cancer OR abiraterone" needs no extra logic. A cohort
 * pasted from ATLAS (pasted-cohort.ts) goes through the same gate with the same analysis.
 */
import type { Concept } from '../../client/index.js';
import {
  validatePlan,
  type Analysis,
  type ConceptSet,
  type Criterion,
  type CriterionDomain,
  type CrosstabDimension,
  type DomainCriteria,
  type NumericRange,
  type Plan,
} from '../../plan/index.js';
import type { PlanProblem } from '../../errors.js';
import type { PastedCohort } from './pasted-cohort.js';
import { defaultStatsForm, isStatsKind, statsAnalysis, type IStatsForm, type StatsKind } from './stats-form.js';

export type Gender = 'any' | 'female' | 'male';

/** OMOP standard gender concepts. */
export const GENDER_CONCEPTS: Record<
  Exclude<Gender, 'any'>,
  { CONCEPT_ID: number; CONCEPT_NAME: string; CONCEPT_CODE: string }
> = {
  female: { CONCEPT_ID: 8532, CONCEPT_NAME: 'FEMALE', CONCEPT_CODE: 'F' },
  male: { CONCEPT_ID: 8507, CONCEPT_NAME: 'MALE', CONCEPT_CODE: 'M' },
};

/** OMOP domain_id → the Circe criterion that reads that domain's table. */
const DOMAIN_CRITERIA: Record<string, CriterionDomain> = {
  Condition: 'ConditionOccurrence',
  Drug: 'DrugExposure',
  Measurement: 'Measurement',
  Procedure: 'ProcedureOccurrence',
};

export function criterionDomainOf(concept: Pick<Concept, 'domain'>): CriterionDomain | undefined {
  return DOMAIN_CRITERIA[concept.domain];
}

export interface ICohortForm {
  concepts: Concept[];
  /** Inclusive ages at the entry event; null: no bound. */
  ageMin: number | null;
  ageMax: number | null;
  gender: Gender;
}

export interface IAnalysisForm {
  kind: 'count' | 'attrition' | 'crosstab' | StatsKind;
  /** Crosstab dimensions, in the order the user picked them. */
  by: CrosstabDimension[];
  /** The statistics kinds' form (variables and each kind's parameters); defaultStatsForm() when absent. */
  stats?: IStatsForm;
}

/**
 * The form as a plan, or why it is none. Warnings (validatePlan's: what Circe would run but is
 * almost surely not meant) never block the plan; they are shown beside it.
 */
export type PlanResult =
  { ok: true; plan: Plan; warnings: PlanProblem[] } | { ok: false; problems: PlanProblem[]; warnings: PlanProblem[] };

export function buildPlan(cohort: ICohortForm, analysis: IAnalysisForm, title?: string): PlanResult {
  const problems = [...formProblems(cohort), ...analysisProblems(analysis)];
  if (problems.length > 0) return { ok: false, problems, warnings: [] };
  const byDomain = new Map<CriterionDomain, Concept[]>();
  for (const c of cohort.concepts) {
    const domain = criterionDomainOf(c)!;
    byDomain.set(domain, [...(byDomain.get(domain) ?? []), c]);
  }
  const conceptSets: ConceptSet[] = [];
  const criteria: Criterion[] = [];
  for (const [domain, concepts] of byDomain) {
    const id = conceptSets.length;
    conceptSets.push({
      id,
      name: concepts.map((c) => c.name).join(' or '),
      expression: { items: concepts.map(conceptItem) },
    });
    criteria.push({ [domain]: domainCriteria(id, cohort) } as Criterion);
  }
  const plan = {
    version: 1,
    cohort: {
      ...(title ? { Title: title } : {}),
      ConceptSets: conceptSets,
      PrimaryCriteria: {
        CriteriaList: criteria,
        ObservationWindow: { PriorDays: 0, PostDays: 0 },
        // A person enters once, at their first qualifying event: counts are of persons.
        PrimaryCriteriaLimit: { Type: 'First' },
      },
    },
    analysis: analysisOf(analysis),
  };
  return checkPlan(plan);
}

/**
 * A pasted cohort (see pasted-cohort.ts) with the panel's analysis → a plan, checked by validatePlan
 * as a whole so problems are named by their path in the plan (`cohort.InclusionRules[1]...`).
 */
export function buildPastedPlan(pasted: PastedCohort, analysis: IAnalysisForm): PlanResult {
  // Problems of the text itself (not JSON, a broken ATLAS wrapper) keep their own paths: the plan has none yet.
  const problems = [...(pasted.ok ? [] : pasted.problems), ...analysisProblems(analysis)];
  if (!pasted.ok || problems.length > 0) return { ok: false, problems, warnings: [] };
  return checkPlan({ version: 1, cohort: pasted.expression, analysis: analysisOf(analysis) });
}

function checkPlan(plan: unknown): PlanResult {
  const checked = validatePlan(plan);
  const warnings = checked.warnings ?? [];
  return checked.ok ? { ok: true, plan: checked.plan, warnings } : { ok: false, problems: checked.problems, warnings };
}

function analysisOf(analysis: IAnalysisForm): Analysis {
  if (analysis.kind === 'crosstab') return { kind: 'crosstab', by: [...analysis.by] };
  if (isStatsKind(analysis.kind)) {
    const built = statsAnalysis(analysis.kind, analysis.stats ?? defaultStatsForm());
    // analysisProblems() has already refused a form that does not build.
    return built.ok ? built.analysis : { kind: 'count' };
  }
  return { kind: analysis.kind };
}

function analysisProblems(analysis: IAnalysisForm): PlanProblem[] {
  if (isStatsKind(analysis.kind)) {
    const built = statsAnalysis(analysis.kind, analysis.stats ?? defaultStatsForm());
    return built.ok ? [] : built.problems;
  }
  if (analysis.kind === 'crosstab' && analysis.by.length === 0) {
    return [{ path: 'analysis', message: 'Pick at least one crosstab dimension.' }];
  }
  return [];
}

/** What the cohort form itself can tell before validatePlan, worded for the panel. */
function formProblems(cohort: ICohortForm): PlanProblem[] {
  const problems: PlanProblem[] = [];
  if (cohort.concepts.length === 0) {
    problems.push({ path: 'concepts', message: 'Add at least one concept (a diagnosis, drug, measurement or procedure).' });
  }
  for (const c of cohort.concepts) {
    if (!criterionDomainOf(c)) {
      problems.push({ path: 'concepts', message: `${c.name} is in the ${c.domain} domain, which cohorts cannot use yet.` });
    }
  }
  const { ageMin, ageMax } = cohort;
  for (const [name, v] of [
    ['Minimum age', ageMin],
    ['Maximum age', ageMax],
  ] as const) {
    if (v !== null && (!Number.isInteger(v) || v < 0 || v > 130)) {
      problems.push({ path: 'age', message: `${name} must be a whole number of years between 0 and 130.` });
    }
  }
  if (ageMin !== null && ageMax !== null && ageMin > ageMax) {
    problems.push({ path: 'age', message: 'Minimum age is above maximum age.' });
  }
  return problems;
}

function conceptItem(c: Concept): ConceptSet['expression']['items'][number] {
  return {
    concept: {
      CONCEPT_ID: c.conceptId,
      CONCEPT_NAME: c.name,
      DOMAIN_ID: c.domain,
      VOCABULARY_ID: c.vocabulary,
      CONCEPT_CODE: c.code,
      STANDARD_CONCEPT: c.standard === true || c.standard === 'S' ? 'S' : c.standard === false ? '' : String(c.standard),
    },
    isExcluded: false,
    includeDescendants: true,
    includeMapped: false,
  };
}

function domainCriteria(codesetId: number, cohort: ICohortForm): DomainCriteria {
  const criteria: DomainCriteria = { CodesetId: codesetId };
  const age = ageRange(cohort.ageMin, cohort.ageMax);
  if (age) criteria.Age = age;
  if (cohort.gender !== 'any')
    criteria.Gender = [{ ...GENDER_CONCEPTS[cohort.gender], DOMAIN_ID: 'Gender', VOCABULARY_ID: 'Gender' }];
  return criteria;
}

function ageRange(min: number | null, max: number | null): NumericRange | undefined {
  if (min !== null && max !== null) return min === max ? { Value: min, Op: 'eq' } : { Value: min, Op: 'bt', Extent: max };
  if (min !== null) return { Value: min, Op: 'gte' };
  if (max !== null) return { Value: max, Op: 'lte' };
  return undefined;
}
