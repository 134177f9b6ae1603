/**
 * Which attributes a criterion of each domain can carry, read from the compiler's own catalogue
 * (src/circe/domains.ts: the same table the validator and the SQL compiler use), so the builder
 * offers exactly the attributes that run and cannot drift from them. Each gets an editor kind, the
 * words the sentence shows, and the value a fresh one starts with. Pure: the spec pins it.
 */
import { DEMOGRAPHIC_ATTRIBUTES, DOMAINS, type Attribute, type AttributeKind } from '../../circe/domains.js';
import type { ConceptSet, CriterionDomain } from '../../circe/types.js';

/** Edited elsewhere in the criterion's sentence (domain phrase, concept set). */
const NOT_IN_MENU = new Set(['CodesetId']);

export interface IAttributeChoice {
  name: string;
  kind: AttributeKind;
  /** The words before the editor: "with value as number", "at age". */
  phrase: string;
  /** For concept lists with an exclusion flag (`ConditionTypeExclude`): that flag's name. */
  excludeFlag?: string;
}

/** Words for the attributes whose name alone does not read well; the rest come from the name. */
const PHRASES: Record<string, string> = {
  First: "for the first time in the person's history",
  Abnormal: 'with an abnormal result (outside the normal range)',
  Age: 'at age',
  AgeAtStart: 'aged at start',
  AgeAtEnd: 'aged at end',
  Gender: 'of gender',
  GenderCS: 'of a gender in',
  Race: 'of race',
  RaceCS: 'of a race in',
  Ethnicity: 'of ethnicity',
  EthnicityCS: 'of an ethnicity in',
  CorrelatedCriteria: 'where the event itself meets these criteria',
  DateAdjustment: 'with its dates moved',
  UserDefinedPeriod: 'with the period replaced by the dates',
  OccurrenceStartDate: 'starting',
  OccurrenceEndDate: 'ending',
  EraStartDate: 'with the era starting',
  EraEndDate: 'with the era ending',
  PeriodStartDate: 'with the period starting',
  PeriodEndDate: 'with the period ending',
  VisitDetailStartDate: 'with the visit detail starting',
  VisitDetailEndDate: 'with the visit detail ending',
  EraLength: 'lasting (days)',
  PeriodLength: 'lasting (days)',
  VisitLength: 'lasting (days)',
  VisitDetailLength: 'lasting (days)',
  OccurrenceCount: 'made of a number of occurrences',
  GapDays: 'with gap days',
  ProviderSpecialty: 'by a provider of specialty',
  ProviderSpecialtyCS: 'by a provider of a specialty in',
  VisitType: 'with visit type',
  PlaceOfService: 'at a place of service',
  RouteConcept: 'by route',
  RangeLowRatio: 'with value / range low',
  RangeHighRatio: 'with value / range high',
  StopReason: 'with stop reason text',
  LotNumber: 'with lot number',
  UniqueDeviceId: 'with unique device id',
  SourceId: 'with specimen source id',
  ValueAsString: 'with value as text',
};

/** `ValueAsNumber` → "value as number", `DrugSourceConcept` → "drug source concept". */
export function attributeWords(name: string): string {
  return name
    .replace(/CS$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

export function attributePhrase(name: string, attribute?: Attribute): string {
  if (PHRASES[name]) return PHRASES[name];
  const words = attributeWords(name);
  switch (attribute?.kind) {
    case 'codeset':
      return `with ${words} in`;
    case 'conceptSetSelection':
      return `with ${words} in`;
    default:
      return `with ${words}`;
  }
}

/** A demographic criterion's attributes are catalogued beside the domains'; the builder treats it as one more. */
export const DEMOGRAPHIC = 'Demographic';

function catalogue(domain: string): Readonly<Record<string, Attribute>> | undefined {
  return domain === DEMOGRAPHIC ? DEMOGRAPHIC_ATTRIBUTES : DOMAINS[domain as CriterionDomain]?.attributes;
}

/** The attributes a domain's criterion can carry, in the catalogue's order (flags of lists folded in). */
export function attributeChoices(domain: string): IAttributeChoice[] {
  const attributes = catalogue(domain);
  if (!attributes) return [];
  const flags = new Set(
    Object.values(attributes)
      .map((a) => a.excludeFlag)
      .filter((f): f is string => !!f),
  );
  const out: IAttributeChoice[] = [];
  for (const [name, attribute] of Object.entries(attributes)) {
    if (NOT_IN_MENU.has(name) || flags.has(name)) continue;
    out.push({ name, kind: attribute.kind, phrase: attributePhrase(name, attribute), excludeFlag: attribute.excludeFlag });
  }
  return out;
}

/** The choice for `name` in `domain`, or undefined when the compiler does not know it there. */
export function attributeChoice(domain: string, name: string): IAttributeChoice | undefined {
  return attributeChoices(domain).find((c) => c.name === name);
}

/** Attribute keys a criterion holds that the domain's catalogue knows nothing of: kept, read out, never edited. */
export function unknownAttributes(domain: string, attrs: Record<string, unknown>): string[] {
  const attributes = catalogue(domain);
  return Object.keys(attrs).filter((k) => !attributes || !(k in attributes));
}

/**
 * The value a newly added attribute starts with: valid and, where it can be, filtering nothing
 * surprising (an empty concept list, a range the researcher then narrows).
 */
export function defaultAttributeValue(choice: IAttributeChoice, sets: readonly ConceptSet[]): unknown {
  const firstSet = sets[0]?.id ?? 0;
  switch (choice.kind) {
    case 'numericRange':
      return /^Age/.test(choice.name) ? { Value: 18, Op: 'gte' } : { Value: 0, Op: 'gt' };
    case 'dateRange':
      return { Value: '2010-01-01', Op: 'gte' };
    case 'conceptList':
      return [];
    case 'conceptSetSelection':
      return { CodesetId: firstSet, IsExclusion: false };
    case 'codeset':
      return firstSet;
    case 'text':
      return { Text: '', Op: 'contains' };
    case 'flag':
      return true;
    case 'userDefinedPeriod':
      return { StartDate: '2010-01-01', EndDate: '2020-12-31' };
    case 'dateAdjustment':
      return { StartWith: 'START_DATE', StartOffset: 0, EndWith: 'END_DATE', EndOffset: 0 };
    case 'correlatedCriteria':
      return { Type: 'ALL', CriteriaList: [], DemographicCriteriaList: [], Groups: [] };
  }
}

/** Whether adding this attribute needs a concept set to exist first. */
export function needsConceptSet(choice: IAttributeChoice): boolean {
  return choice.kind === 'codeset' || choice.kind === 'conceptSetSelection';
}

/** Well-known concepts offered as one click in concept lists (the rest by concept id). */
export const KNOWN_CONCEPTS: Record<string, Array<{ CONCEPT_ID: number; CONCEPT_NAME: string }>> = {
  Gender: [
    { CONCEPT_ID: 8507, CONCEPT_NAME: 'MALE' },
    { CONCEPT_ID: 8532, CONCEPT_NAME: 'FEMALE' },
  ],
};
