/**
 * AARC-G002 entitlements as Helmholtz AAI issues them in `eduperson_entitlement`:
 * `urn:geant:helmholtz.de:group:<VO>[:<sub>...][:role=<role>][#<authority>]`.
 * Groups are compared as exact paths (namespace + group segments), never by substring or prefix, so
 * `...:group:fedomop:north` does not admit a member of `...:group:fedomop:north-fans` or of `...:group:fedomop`.
 */

export interface Entitlement {
  /** As issued. */
  raw: string;
  /** The namespace before `:group:`, e.g. `urn:geant:helmholtz.de`. */
  namespace: string;
  /** Group path segments, e.g. `['fedomop', 'north']`. */
  path: string[];
  /** `namespace:group:path` — what policies match on. */
  group: string;
  role?: string;
  /** After `#`, e.g. `login.helmholtz.de`; not part of the match. */
  authority?: string;
}

/** Parses one AARC-G002 group entitlement; undefined for anything else (other URNs, junk). */
export function parseEntitlement(raw: string): Entitlement | undefined {
  if (typeof raw !== 'string' || raw.length > 1024) return undefined;
  const hash = raw.indexOf('#');
  const body = hash >= 0 ? raw.slice(0, hash) : raw;
  const authority = hash >= 0 ? raw.slice(hash + 1) : undefined;
  const at = body.indexOf(':group:');
  if (at <= 0 || !body.startsWith('urn:')) return undefined;
  const namespace = body.slice(0, at);
  const segments = body.slice(at + ':group:'.length).split(':');
  let role: string | undefined;
  if (segments.length > 0 && segments[segments.length - 1].startsWith('role=')) {
    role = segments.pop()!.slice('role='.length);
    if (!role) return undefined;
  }
  if (segments.length === 0 || segments.some((s) => s === '' || s.startsWith('role='))) return undefined;
  const entitlement: Entitlement = { raw, namespace, path: segments, group: `${namespace}:group:${segments.join(':')}` };
  if (role !== undefined) entitlement.role = role;
  if (authority) entitlement.authority = authority;
  return entitlement;
}

/** The parsable group entitlements among a token's `eduperson_entitlement` values. */
export function parseEntitlements(values: readonly string[]): Entitlement[] {
  return values.map(parseEntitlement).filter((e): e is Entitlement => e !== undefined);
}

/** A policy's group requirement: a group path, and optionally a role the user must hold in it. */
export interface GroupRequirement {
  group: string;
  role?: string;
}

/** Reads a requirement written as an entitlement (`#authority` ignored): `urn:...:group:vo:sub[:role=r]`. */
export function parseRequirement(text: string): GroupRequirement | undefined {
  const e = parseEntitlement(text);
  if (!e) return undefined;
  return e.role === undefined ? { group: e.group } : { group: e.group, role: e.role };
}

/** Exact group path match; with a role asked for, the user must hold that role in that group. */
export function holds(entitlements: readonly Entitlement[], need: GroupRequirement): boolean {
  return entitlements.some((e) => e.group === need.group && (need.role === undefined || e.role === need.role));
}

export function requirementText(need: GroupRequirement): string {
  return need.role === undefined ? need.group : `${need.group}:role=${need.role}`;
}
