/**
 * The hub's vocabulary API as the lab calls it (docs/http-api.md, "Concepts"): search with filters,
 * one concept with its hierarchy and relationships, concept-set resolution. Answers from an older
 * hub (no filters, no tree, no counts) are read as far as they go, so the browser still searches.
 */
import type { IConceptLike } from '../cohort-document/cohort-edits.js';
import type { IFedomopConnection } from '../tokens.js';

/**
 * A released count (docs/http-api.md, "Released count"): `value` null when disclosure control
 * withheld it (then only the interval is released); a plain number from an older site.
 */
export type CountValue = number | { value?: number | null; lower: number; upper: number } | null;

export interface IConceptCounts {
  records?: CountValue;
  persons?: CountValue;
}

export interface IConceptHit extends IConceptLike {
  synonyms?: string[];
  matched?: string;
  mapsTo?: Array<{ conceptId: number; name: string; vocabulary?: string }>;
  /** One site's counts, or (through the hub) per site. */
  counts?: IConceptCounts | Record<string, IConceptCounts | { error: unknown }>;
}

export interface IRelatedConcept extends IConceptHit {
  /** Levels of separation from the concept opened. */
  minLevelsOfSeparation?: number;
  maxLevelsOfSeparation?: number;
  /** Direct parents (for ancestors) / children (for descendants), when the site gives them. */
  parentIds?: number[];
}

export interface IConceptDetail extends IConceptHit {
  ancestors: IRelatedConcept[];
  descendants: IRelatedConcept[];
  relationships: Array<{ relationshipId: string; concept: IConceptHit }>;
  ancestorCount?: number;
  descendantCount?: number;
}

export interface ISearchFilters {
  domain?: string;
  vocabulary?: string;
  conceptClass?: string;
  /** S: standard, C: classification, N: non-standard, any. */
  standard?: 'S' | 'C' | 'N' | 'any';
  /** Include invalid (deprecated, replaced) concepts. */
  invalid?: boolean;
}

export interface ISearchAnswer {
  concepts: IConceptHit[];
  total?: number;
  tookMs?: number;
}

export interface IResolveAnswer {
  conceptIds: number[];
  count: number;
  concepts?: IConceptHit[];
  counts?: IConceptHit['counts'];
  /** Through the hub: how many concepts the set resolves to at each site. */
  countBySite?: Record<string, number>;
}

type Hub = Pick<IFedomopConnection, 'hubJson'>;

export class ConceptApi {
  constructor(private readonly connection: Hub) {}

  search(q: string, filters: ISearchFilters, opts: { limit?: number; signal?: AbortSignal } = {}): Promise<ISearchAnswer> {
    const params = new URLSearchParams({ q, limit: String(opts.limit ?? 50) });
    if (filters.domain) params.set('domain', filters.domain);
    if (filters.vocabulary) params.set('vocabulary', filters.vocabulary);
    if (filters.conceptClass) params.set('conceptClass', filters.conceptClass);
    if (filters.standard) params.set('standard', filters.standard);
    if (filters.invalid) params.set('invalid', '1');
    return this.connection.hubJson<ISearchAnswer>(`/v1/concepts/search?${params}`, { signal: opts.signal });
  }

  async concept(id: number, opts: { signal?: AbortSignal } = {}): Promise<IConceptDetail> {
    const raw = await this.connection.hubJson<Partial<IConceptDetail> & { concept?: IConceptHit }>(
      `/v1/concepts/${encodeURIComponent(String(id))}`,
      { signal: opts.signal },
    );
    const base = (raw.concept ?? raw) as IConceptHit;
    return {
      ...base,
      ancestors: raw.ancestors ?? [],
      descendants: raw.descendants ?? [],
      relationships: raw.relationships ?? [],
    };
  }

  resolve(expression: unknown, opts: { signal?: AbortSignal } = {}): Promise<IResolveAnswer> {
    return this.connection.hubJson<IResolveAnswer>('/v1/concept-sets/resolve', {
      method: 'POST',
      body: expression,
      signal: opts.signal,
    });
  }
}

/** "12", "0–4" (withheld: its interval) or "—": how the lab writes a released count. */
export function formatCount(v: CountValue | undefined): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return String(v);
  if (typeof v.value === 'number') return String(v.value);
  return v.lower === v.upper ? String(v.lower) : `${v.lower}–${v.upper}`;
}

/** A tooltip for a released count: perturbed values say their interval. */
export function countTitle(v: CountValue | undefined): string | undefined {
  if (!v || typeof v === 'number') return undefined;
  if (v.value === null || v.value === undefined) return `withheld by disclosure control: between ${v.lower} and ${v.upper}`;
  return v.lower === v.upper ? undefined : `released as ${v.value}; the true value lies between ${v.lower} and ${v.upper}`;
}

/** The per-site counts of a hit as `[site, counts]` pairs (one unnamed pair for a single site's answer). */
export function siteCounts(counts: IConceptHit['counts']): Array<[string, IConceptCounts | null]> {
  if (!counts) return [];
  if ('records' in counts || 'persons' in counts) return [['', counts as IConceptCounts]];
  return Object.entries(counts).map(([site, c]) => [site, c && 'error' in c ? null : (c as IConceptCounts)]);
}
