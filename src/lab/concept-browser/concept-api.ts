/**
 * The hub's vocabulary API as the lab calls it (docs/http-api.md, "Concepts"): search with filters,
 * one concept with its hierarchy and relationships, concept-set resolution. Answers from an older
 * hub (no filters, no tree, no counts) are read as far as they go, so the browser still searches.
 */
import type { IFedomopConnection } from '../tokens.js';

/** A released count: exact, or an interval when disclosure control withheld the exact value. */
export type CountValue = number | { lower: number; upper: number } | null;

export interface IConceptCounts {
  records?: CountValue;
  persons?: CountValue;
}

export interface IConceptHit {
  conceptId: number;
  name: string;
  domain: string;
  vocabulary: string;
  code: string;
  conceptClass?: string;
  standard?: boolean | string;
  standardConcept?: string | null;
  invalidReason?: string | null;
  synonyms?: string[];
  matched?: string;
  mapsTo?: Array<{ conceptId: number; name: string; vocabulary?: string }>;
  /** One site's counts, or (through the hub) per site. */
  counts?: IConceptCounts | Record<string, IConceptCounts | { error: unknown }>;
}

export interface IRelatedConcept extends IConceptHit {
  /** Levels of separation from the concept opened. */
  minLevels?: number;
  maxLevels?: number;
  /** Direct parents (for ancestors) / children (for descendants), when the site gives them. */
  parentIds?: number[];
}

export interface IConceptDetail extends IConceptHit {
  ancestors: IRelatedConcept[];
  descendants: IRelatedConcept[];
  relationships: Array<{ relationshipId: string; concept: IConceptHit }>;
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

/** "12", "1–4" or "—": how the lab writes a released count. */
export function formatCount(v: CountValue | undefined): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') return String(v);
  return v.lower === v.upper ? String(v.lower) : `${v.lower}–${v.upper}`;
}

/** The per-site counts of a hit as `[site, counts]` pairs (one unnamed pair for a single site's answer). */
export function siteCounts(counts: IConceptHit['counts']): Array<[string, IConceptCounts | null]> {
  if (!counts) return [];
  if ('records' in counts || 'persons' in counts) return [['', counts as IConceptCounts]];
  return Object.entries(counts).map(([site, c]) => [site, c && 'error' in c ? null : (c as IConceptCounts)]);
}
