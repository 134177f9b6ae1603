/**
 * Where each Circe criterion domain lives in the CDM, and which end date circe-be assumes when a
 * record has none (see shared/conformance/circe/README.md, "Event dates per domain").
 */
import type { CriterionDomain } from '../plan/types.js';

export interface DomainTable {
  table: string;
  idColumn: string;
  conceptColumn: string;
  startColumn: string;
  /** End column, if the table has one; missing ends default as in endFallback. */
  endColumn?: string;
  /** Extra fallback between the end column and start + 1 day (drug exposures use days_supply). */
  daysSupplyColumn?: string;
  valueColumn?: string;
}

export const DOMAIN_TABLES: Record<CriterionDomain, DomainTable> = {
  ConditionOccurrence: {
    table: 'condition_occurrence',
    idColumn: 'condition_occurrence_id',
    conceptColumn: 'condition_concept_id',
    startColumn: 'condition_start_date',
    endColumn: 'condition_end_date',
  },
  DrugExposure: {
    table: 'drug_exposure',
    idColumn: 'drug_exposure_id',
    conceptColumn: 'drug_concept_id',
    startColumn: 'drug_exposure_start_date',
    endColumn: 'drug_exposure_end_date',
    daysSupplyColumn: 'days_supply',
  },
  Measurement: {
    table: 'measurement',
    idColumn: 'measurement_id',
    conceptColumn: 'measurement_concept_id',
    startColumn: 'measurement_date',
    valueColumn: 'value_as_number',
  },
  ProcedureOccurrence: {
    table: 'procedure_occurrence',
    idColumn: 'procedure_occurrence_id',
    conceptColumn: 'procedure_concept_id',
    startColumn: 'procedure_date',
  },
};
