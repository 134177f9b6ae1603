/**
 * The slice of the OMOP standardized vocabularies the generator uses, as data. Ids are real, so a
 * plan written against this synthetic data runs unchanged against a site with a full vocabulary.
 *
 * Provenance notes, per id: "seen" means found in public OHDSI material while building this
 * (OHDSI/Athena test data, Eunomia-based package code, DQD thresholds, OHDSI study code);
 * "check" means from memory or a single indirect source: keep it, but build no test on its name
 * or code. Names follow the vocabulary release the id was seen in; newer releases renamed a few.
 */

export interface ConceptDef {
  id: number;
  name: string;
  domain: string;
  vocabulary: string;
  conceptClass: string;
  /** True for standard concepts ('S'); source concepts (ICD codes) are false. */
  standard: boolean;
  code: string;
}

const snomedCondition = (id: number, name: string, code: string): ConceptDef => ({
  id,
  name,
  domain: 'Condition',
  vocabulary: 'SNOMED',
  conceptClass: 'Clinical Finding',
  standard: true,
  code,
});
const snomedProcedure = (id: number, name: string, code: string): ConceptDef => ({
  id,
  name,
  domain: 'Procedure',
  vocabulary: 'SNOMED',
  conceptClass: 'Procedure',
  standard: true,
  code,
});
const ingredient = (id: number, name: string, code: string): ConceptDef => ({
  id,
  name,
  domain: 'Drug',
  vocabulary: 'RxNorm',
  conceptClass: 'Ingredient',
  standard: true,
  code,
});
const labTest = (id: number, name: string, code: string): ConceptDef => ({
  id,
  name,
  domain: 'Measurement',
  vocabulary: 'LOINC',
  conceptClass: 'Lab Test',
  standard: true,
  code,
});
const unit = (id: number, name: string, code: string): ConceptDef => ({
  id,
  name,
  domain: 'Unit',
  vocabulary: 'UCUM',
  conceptClass: 'Unit',
  standard: true,
  code,
});
const simple = (id: number, name: string, vocabulary: string, code: string): ConceptDef => ({
  id,
  name,
  domain: vocabulary,
  vocabulary,
  conceptClass: vocabulary,
  standard: true,
  code,
});

/** Ids the clinical SQL refers to by meaning. */
export const CONCEPT = {
  male: 8507,
  female: 8532,
  white: 8527,
  black: 8516,
  asian: 8515,
  hispanic: 38003563,
  notHispanic: 38003564,
  inpatient: 9201,
  outpatient: 9202,
  emergency: 9203,
  ehr: 32817,
  malignantNeoplasm: 443392,
  prostateTumor: 4163261,
  prostatePrimary: 200962,
  prostateCarcinoma: 4116087,
  breastTumor: 4112853,
  lungTumor: 443388,
  nsclc: 4115276,
  abiraterone: 40239056,
  enzalutamide: 42900250,
  celecoxib: 1118084,
  diclofenac: 1124300,
  acetaminophen: 1127433,
  metformin: 1503297,
  psa: 3013603,
  hemoglobin: 3000963,
  creatinine: 3016723,
  ngPerMl: 8842,
  gPerDl: 8713,
  mgPerDl: 8840,
  prostateBiopsy: 4278515,
  breastBiopsy: 4047494,
  bronchoscopy: 4032404,
  colonoscopy: 4249893,
  sigmoidoscopy: 4087381,
  abdominalUltrasound: 4261497,
  mammography: 4324693,
  screeningMammography: 4077697,
  sutureWound: 4125906,
  icd10Prostate: 45547509,
} as const;

export const CONCEPTS: readonly ConceptDef[] = [
  simple(CONCEPT.male, 'MALE', 'Gender', 'M'), // seen
  simple(CONCEPT.female, 'FEMALE', 'Gender', 'F'), // seen
  simple(CONCEPT.white, 'White', 'Race', '5'), // id seen; code check
  simple(CONCEPT.black, 'Black or African American', 'Race', '3'), // id seen; code check
  simple(CONCEPT.asian, 'Asian', 'Race', '2'), // id seen; code check
  simple(CONCEPT.hispanic, 'Hispanic or Latino', 'Ethnicity', 'Hispanic'), // id seen; code check
  simple(CONCEPT.notHispanic, 'Not Hispanic or Latino', 'Ethnicity', 'Not Hispanic'), // id seen; code check
  simple(CONCEPT.inpatient, 'Inpatient Visit', 'Visit', 'IP'), // seen
  simple(CONCEPT.outpatient, 'Outpatient Visit', 'Visit', 'OP'), // seen
  simple(CONCEPT.emergency, 'Emergency Room Visit', 'Visit', 'ER'), // seen
  simple(CONCEPT.ehr, 'EHR', 'Type Concept', 'OMOP4976890'), // id seen; code check

  // Cancers: the hierarchy below mirrors the real one closely enough for descendant queries.
  snomedCondition(CONCEPT.malignantNeoplasm, 'Malignant neoplastic disease', '363346000'), // seen
  snomedCondition(CONCEPT.prostateTumor, 'Malignant tumor of prostate', '399068003'), // seen
  snomedCondition(CONCEPT.prostatePrimary, 'Primary malignant neoplasm of prostate', '93974005'), // seen
  snomedCondition(CONCEPT.prostateCarcinoma, 'Carcinoma of prostate', '254900004'), // seen
  snomedCondition(CONCEPT.breastTumor, 'Malignant tumor of breast', '254837009'), // seen
  snomedCondition(CONCEPT.lungTumor, 'Malignant tumor of lung', '363358000'), // check
  snomedCondition(CONCEPT.nsclc, 'Non-small cell lung cancer', '254637007'), // check

  // Common conditions, so that most condition rows are not cancer.
  snomedCondition(320128, 'Essential hypertension', '59621000'), // seen
  snomedCondition(201826, 'Type 2 diabetes mellitus', '44054006'), // seen
  snomedCondition(432867, 'Hyperlipidemia', '55822004'), // id seen (Eunomia); code check
  snomedCondition(255573, 'Chronic obstructive lung disease', '13645005'), // seen
  snomedCondition(317576, 'Coronary arteriosclerosis', '53741008'), // check
  snomedCondition(80180, 'Osteoarthritis', '396275006'), // id seen (Eunomia); code check
  snomedCondition(40481087, 'Viral sinusitis', '444814009'), // id seen (Eunomia); code check
  snomedCondition(260139, 'Acute bronchitis', '10509002'), // id seen (Eunomia); code check
  snomedCondition(4112343, 'Acute viral pharyngitis', '195662009'), // id seen (Eunomia); code check
  snomedCondition(372328, 'Otitis media', '65363002'), // id seen (Eunomia); code check
  snomedCondition(192671, 'Gastrointestinal hemorrhage', '74474003'), // seen
  snomedCondition(81151, 'Sprain of ankle', '44465007'), // id seen (Eunomia); code check

  ingredient(CONCEPT.abiraterone, 'abiraterone', '1100072'), // id seen; code check
  ingredient(CONCEPT.enzalutamide, 'enzalutamide', '1307298'), // id seen; code check
  ingredient(CONCEPT.celecoxib, 'celecoxib', '140587'), // id seen; code check
  ingredient(CONCEPT.diclofenac, 'diclofenac', '3355'), // id seen; code check
  ingredient(CONCEPT.acetaminophen, 'acetaminophen', '161'), // id seen; code check
  ingredient(CONCEPT.metformin, 'metformin', '6809'), // id seen; code check

  labTest(CONCEPT.psa, 'Prostate specific Ag [Mass/volume] in Serum or Plasma', '2857-1'), // check (per omop-concepts.md)
  labTest(CONCEPT.hemoglobin, 'Hemoglobin [Mass/volume] in Blood', '718-7'), // seen (DQD plausible units 8713)
  labTest(CONCEPT.creatinine, 'Creatinine [Mass/volume] in Serum or Plasma', '2160-0'), // seen
  {
    // Studies select PSA results as descendants of this SNOMED concept; check.
    id: 4272032,
    name: 'Prostate specific antigen measurement',
    domain: 'Measurement',
    vocabulary: 'SNOMED',
    conceptClass: 'Procedure',
    standard: true,
    code: '63476009',
  },
  unit(CONCEPT.ngPerMl, 'nanogram per milliliter', 'ng/mL'), // seen
  unit(CONCEPT.gPerDl, 'gram per deciliter', 'g/dL'), // seen
  unit(CONCEPT.mgPerDl, 'milligram per deciliter', 'mg/dL'), // seen

  // Procedure ids seen in an OHDSI cancer-diagnostics study; SNOMED codes are check.
  snomedProcedure(CONCEPT.prostateBiopsy, 'Biopsy of prostate', '65575008'),
  snomedProcedure(CONCEPT.breastBiopsy, 'Biopsy of breast', '122548005'),
  snomedProcedure(CONCEPT.bronchoscopy, 'Bronchoscopy', '10847001'),
  snomedProcedure(CONCEPT.colonoscopy, 'Colonoscopy', '73761001'),
  snomedProcedure(CONCEPT.sigmoidoscopy, 'Sigmoidoscopy', '24420007'),
  snomedProcedure(CONCEPT.abdominalUltrasound, 'Ultrasonography of abdomen', '45036003'),
  snomedProcedure(CONCEPT.mammography, 'Mammography', '71651007'),
  snomedProcedure(CONCEPT.screeningMammography, 'Screening mammography', '24623002'),
  snomedProcedure(CONCEPT.sutureWound, 'Suture open wound', '288086009'), // id seen (Eunomia)

  // Source concepts (not standard): what a hospital's ICD coding looks like before mapping. All seen
  // in OHDSI/Athena test data, with their 'Maps to' 200962.
  {
    id: CONCEPT.icd10Prostate,
    name: 'Malignant neoplasm of prostate',
    domain: 'Condition',
    vocabulary: 'ICD10',
    conceptClass: 'ICD10 Hierarchy',
    standard: false,
    code: 'C61',
  },
  {
    id: 35206266,
    name: 'Malignant neoplasm of prostate',
    domain: 'Condition',
    vocabulary: 'ICD10CM',
    conceptClass: '3-char billing code',
    standard: false,
    code: 'C61',
  },
  {
    id: 44822887,
    name: 'Malignant neoplasm of prostate',
    domain: 'Condition',
    vocabulary: 'ICD9CM',
    conceptClass: '3-dig billing code',
    standard: false,
    code: '185',
  },
];

/** Direct parent → child edges among standard concepts ('Subsumes' / 'Is a'). */
export const HIERARCHY: readonly (readonly [parent: number, child: number])[] = [
  [CONCEPT.malignantNeoplasm, CONCEPT.prostateTumor],
  [CONCEPT.prostateTumor, CONCEPT.prostatePrimary],
  [CONCEPT.prostatePrimary, CONCEPT.prostateCarcinoma],
  [CONCEPT.malignantNeoplasm, CONCEPT.breastTumor],
  [CONCEPT.malignantNeoplasm, CONCEPT.lungTumor],
  [CONCEPT.lungTumor, CONCEPT.nsclc],
  [4272032, CONCEPT.psa],
];

/** Non-standard source concept → standard concept ('Maps to'). */
export const MAPS_TO: readonly (readonly [source: number, standard: number])[] = [
  [CONCEPT.icd10Prostate, CONCEPT.prostatePrimary],
  [35206266, CONCEPT.prostatePrimary],
  [44822887, CONCEPT.prostatePrimary],
];

export interface VocabularyDef {
  id: string;
  name: string;
  reference: string | null;
  conceptId: number;
}

/** vocabulary_concept_id values seen in a published OMOP vocabulary table dump. */
export const VOCABULARIES: readonly VocabularyDef[] = [
  { id: 'None', name: 'OMOP Standardized Vocabularies', reference: 'OMOP generated', conceptId: 44819096 },
  { id: 'SNOMED', name: 'Systematic Nomenclature of Medicine - Clinical Terms (IHTSDO)', reference: null, conceptId: 44819097 },
  { id: 'RxNorm', name: 'RxNorm (NLM)', reference: null, conceptId: 44819104 },
  {
    id: 'LOINC',
    name: 'Logical Observation Identifiers Names and Codes (Regenstrief Institute)',
    reference: null,
    conceptId: 44819102,
  },
  { id: 'ICD10', name: 'International Classification of Diseases, Tenth Revision (WHO)', reference: null, conceptId: 44819124 },
  {
    id: 'ICD10CM',
    name: 'International Classification of Diseases, Tenth Revision, Clinical Modification (NCHS)',
    reference: null,
    conceptId: 44819098,
  },
  {
    id: 'ICD9CM',
    name: 'International Classification of Diseases, Ninth Revision, Clinical Modification, Volume 1 and 2 (NCHS)',
    reference: null,
    conceptId: 5046,
  },
  { id: 'Gender', name: 'OMOP Gender', reference: 'OMOP generated', conceptId: 44819108 },
  { id: 'Race', name: 'Race and Ethnicity Code Set (USBC)', reference: null, conceptId: 44819109 },
  { id: 'Ethnicity', name: 'OMOP Ethnicity', reference: 'OMOP generated', conceptId: 44819134 },
  { id: 'Visit', name: 'OMOP Visit', reference: 'OMOP generated', conceptId: 44819119 },
  { id: 'UCUM', name: 'Unified Code for Units of Measure (Regenstrief Institute)', reference: null, conceptId: 44819107 },
  { id: 'Type Concept', name: 'OMOP Type Concept', reference: 'OMOP generated', conceptId: 32808 },
];

export const VOCABULARY_VERSION = 'fedomop-synth v1';

export interface AncestorRow {
  ancestor: number;
  descendant: number;
  minLevels: number;
  maxLevels: number;
}

/** The transitive closure of HIERARCHY, self rows included, as concept_ancestor holds it. */
export function ancestorRows(): AncestorRow[] {
  const children = new Map<number, number[]>();
  for (const [parent, child] of HIERARCHY) {
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const rows = new Map<string, AncestorRow>();
  // The brief wants a self row for every concept, source concepts included (a real vocabulary
  // has them only for standard ones); they match nothing but themselves, so queries are unaffected.
  for (const concept of CONCEPTS) {
    const walk = (id: number, depth: number): void => {
      const key = `${concept.id}:${id}`;
      const seen = rows.get(key);
      if (seen) {
        seen.minLevels = Math.min(seen.minLevels, depth);
        seen.maxLevels = Math.max(seen.maxLevels, depth);
      } else {
        rows.set(key, { ancestor: concept.id, descendant: id, minLevels: depth, maxLevels: depth });
      }
      for (const child of children.get(id) ?? []) walk(child, depth + 1);
    };
    walk(concept.id, 0);
  }
  return [...rows.values()];
}
