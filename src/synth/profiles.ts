/**
 * Site profiles. Federated results are only interesting when sites really differ, so each profile
 * shifts the age mix, the gender mix and cancer prevalence; pooled and per-site numbers then
 * disagree the way they do between a university hospital and a small district hospital.
 */

/** An age band for age on 2024-12-31, inclusive bounds, with its share of persons. */
export interface AgeBand {
  from: number;
  to: number;
  weight: number;
}

export interface SynthProfile {
  description: string;
  /** Used by the CLI when `--persons` is not given. */
  defaultPersons: number;
  /** Share of persons with gender 8507 (male); nearly all others are 8532. */
  maleShare: number;
  /** Share of persons whose gender is not recorded (gender_concept_id 0). Kept tiny on purpose. */
  unknownGenderShare: number;
  ageBands: readonly AgeBand[];
  /**
   * Baseline lifetime probability per cancer, before the age factor scales it (older persons are
   * diagnosed more often). Prostate applies to males, breast mostly to females, lung to everyone.
   */
  cancer: { prostate: number; breast: number; lung: number };
  /** Multiplies the death probability: referral centres see sicker patients. */
  mortality: number;
}

export const SYNTH_PROFILES = {
  central: {
    description: 'university hospital: large, older patients, many cancer referrals',
    defaultPersons: 200_000,
    maleShare: 0.5,
    unknownGenderShare: 0.001,
    ageBands: [
      { from: 22, to: 44, weight: 0.14 },
      { from: 45, to: 64, weight: 0.34 },
      { from: 65, to: 79, weight: 0.36 },
      { from: 80, to: 99, weight: 0.16 },
    ],
    cancer: { prostate: 0.1, breast: 0.08, lung: 0.045 },
    mortality: 1.3,
  },
  regional: {
    description: 'regional hospital: mid-sized, mixed ages, moderate cancer share',
    defaultPersons: 60_000,
    maleShare: 0.49,
    unknownGenderShare: 0.001,
    ageBands: [
      { from: 22, to: 44, weight: 0.26 },
      { from: 45, to: 64, weight: 0.34 },
      { from: 65, to: 79, weight: 0.28 },
      { from: 80, to: 99, weight: 0.12 },
    ],
    cancer: { prostate: 0.05, breast: 0.045, lung: 0.025 },
    mortality: 1,
  },
  small: {
    description: 'small district hospital: few, younger patients, little oncology',
    defaultPersons: 15_000,
    maleShare: 0.46,
    unknownGenderShare: 0.002,
    ageBands: [
      { from: 22, to: 44, weight: 0.44 },
      { from: 45, to: 64, weight: 0.33 },
      { from: 65, to: 79, weight: 0.17 },
      { from: 80, to: 99, weight: 0.06 },
    ],
    cancer: { prostate: 0.02, breast: 0.02, lung: 0.01 },
    mortality: 0.8,
  },
} as const satisfies Record<string, SynthProfile>;

export type SynthProfileName = keyof typeof SYNTH_PROFILES;

export function isSynthProfileName(name: string): name is SynthProfileName {
  return Object.prototype.hasOwnProperty.call(SYNTH_PROFILES, name);
}
