/**
 * A site's access policy (`--policy FILE`, TOML): which entitlement groups may run which analysis
 * kinds and concept search, and under which disclosure profile. Rules are read in order; the first
 * rule the user's groups satisfy that covers the action decides. `{site}` in a group stands for the
 * site's id, so one policy file can serve several sites (the shipped demo policy does).
 *
 * ```toml
 * [[rules]]
 * group = "urn:geant:helmholtz.de:group:fedomop:{site}"   # exact group path; #authority ignored
 * analyses = ["*"]                                           # or ["count", "attrition", ...]
 * concept_search = true
 * disclosure = "standard"                                    # or "strict"
 * ```
 */
import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { FedomopError } from '../errors.js';
import { ANALYSIS_KINDS } from '../plan/index.js';
import { holds, parseEntitlements, parseRequirement, requirementText, type GroupRequirement } from './entitlements.js';

export const DISCLOSURE_PROFILES = ['standard', 'strict'] as const;
export type DisclosureProfile = (typeof DISCLOSURE_PROFILES)[number];

export interface PolicyRule {
  need: GroupRequirement;
  /** Analysis kinds, or '*' for every kind. */
  analyses: string[] | '*';
  conceptSearch: boolean;
  disclosure: DisclosureProfile;
}

export interface SitePolicy {
  source: string;
  rules: PolicyRule[];
}

export type Action = { kind: 'analysis'; analysis: string } | { kind: 'concepts' };

export interface Decision {
  disclosure: DisclosureProfile;
  /** The group (and role) that granted it. */
  group: string;
}

/** What a caller may do at a site, as /v1/info tells them. */
export interface Access {
  /** Analysis kind → the disclosure profile it runs under for this caller. */
  analyses: Record<string, DisclosureProfile>;
  conceptSearch: boolean;
  /** Every group this site's policy names, for the caller who has none of them. */
  groups: string[];
}

const KEYS = new Set(['group', 'analyses', 'concept_search', 'disclosure']);

export function parsePolicy(text: string, siteId: string, source = 'policy'): SitePolicy {
  const bad = (m: string) => new FedomopError('ERR_CONFIG_INVALID', `${source}: ${m}`);
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (err) {
    throw bad((err as Error).message.trim());
  }
  for (const key of Object.keys(doc)) if (key !== 'rules') throw bad(`unknown key "${key}" (expected [[rules]])`);
  if (!Array.isArray(doc.rules) || doc.rules.length === 0) throw bad('no [[rules]]: nobody could do anything at this site');
  const rules = doc.rules.map((raw: Record<string, unknown>, i: number): PolicyRule => {
    const where = `rules[${i}]`;
    for (const key of Object.keys(raw)) if (!KEYS.has(key)) throw bad(`${where}: unknown key "${key}"`);
    if (typeof raw.group !== 'string') throw bad(`${where}.group is required`);
    const need = parseRequirement(raw.group.replaceAll('{site}', siteId));
    if (!need) throw bad(`${where}.group is not an AARC-G002 group (urn:...:group:<vo>[:<sub>][:role=<r>])`);
    let analyses: string[] | '*' = [];
    if (raw.analyses !== undefined) {
      if (!Array.isArray(raw.analyses) || raw.analyses.some((a) => typeof a !== 'string')) {
        throw bad(`${where}.analyses must be a list of analysis kinds or ["*"]`);
      }
      const list = raw.analyses as string[];
      if (list.includes('*')) analyses = '*';
      else {
        const unknown = list.filter((a) => !(ANALYSIS_KINDS as readonly string[]).includes(a));
        if (unknown.length)
          throw bad(`${where}.analyses: unknown kind ${unknown.join(', ')} (known: ${ANALYSIS_KINDS.join(', ')})`);
        analyses = list;
      }
    }
    if (raw.concept_search !== undefined && typeof raw.concept_search !== 'boolean')
      throw bad(`${where}.concept_search is true or false`);
    const disclosure = raw.disclosure ?? 'standard';
    if (!(DISCLOSURE_PROFILES as readonly unknown[]).includes(disclosure)) {
      throw bad(`${where}.disclosure must be ${DISCLOSURE_PROFILES.join(' or ')}`);
    }
    return { need, analyses, conceptSearch: raw.concept_search === true, disclosure: disclosure as DisclosureProfile };
  });
  return { source, rules };
}

export function loadPolicy(file: string, siteId: string): SitePolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FedomopError('ERR_CONFIG_INVALID', `cannot read the policy file ${file}: ${(err as Error).message}`);
  }
  return parsePolicy(text, siteId, file);
}

const covers = (rule: PolicyRule, action: Action) =>
  action.kind === 'concepts' ? rule.conceptSearch : rule.analyses === '*' || rule.analyses.includes(action.analysis);

const describe = (action: Action) => (action.kind === 'concepts' ? 'search concepts' : `run ${action.analysis} analyses`);

/** Allows the action or throws 403 ERR_NOT_ENTITLED naming the group this site wants for it. */
export function decide(policy: SitePolicy, groups: readonly string[], action: Action, siteId: string): Decision {
  const mine = parseEntitlements(groups);
  const relevant = policy.rules.filter((r) => covers(r, action));
  const granted = relevant.find((r) => holds(mine, r.need));
  if (granted) return { disclosure: granted.disclosure, group: requirementText(granted.need) };
  const wanted = relevant[0] ? requirementText(relevant[0].need) : undefined;
  throw new FedomopError(
    'ERR_NOT_ENTITLED',
    wanted
      ? `site ${siteId}: to ${describe(action)} here you need the group ${wanted}`
      : `site ${siteId}: nobody may ${describe(action)} here`,
    wanted ? { group: wanted, site: siteId } : { site: siteId },
  );
}

export function accessOf(policy: SitePolicy, groups: readonly string[]): Access {
  const mine = parseEntitlements(groups);
  const analyses: Record<string, DisclosureProfile> = {};
  let conceptSearch = false;
  for (const rule of policy.rules) {
    if (!holds(mine, rule.need)) continue;
    for (const kind of rule.analyses === '*' ? ANALYSIS_KINDS : rule.analyses) analyses[kind] ??= rule.disclosure;
    conceptSearch ||= rule.conceptSearch;
  }
  return { analyses, conceptSearch, groups: [...new Set(policy.rules.map((r) => requirementText(r.need)))] };
}
