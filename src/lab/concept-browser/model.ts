/**
 * The concept browser's state: the search box and its filters, the hits, the concept opened (with
 * its tree and relationships), and the choices for "add to concept set". Search runs as you type,
 * after a short pause; each new search aborts the one before, so a slow answer to an old prefix
 * never overwrites the answer to what is in the box now.
 */
import { Signal, type ISignal } from '@lumino/signaling';
import type { ConceptApi, IConceptDetail, IConceptHit, ISearchFilters } from './concept-api.js';

export interface IAddChoice {
  includeDescendants: boolean;
  isExcluded: boolean;
  includeMapped: boolean;
  /** A set of the current cohort document, or a new set. */
  target: number | 'new';
}

type Api = Pick<ConceptApi, 'search' | 'concept'>;

export class ConceptBrowserModel {
  private readonly _changed = new Signal<this, void>(this);
  private _query = '';
  private _filters: ISearchFilters = { standard: 'any' };
  private _hits: IConceptHit[] = [];
  private _total: number | undefined;
  private _tookMs: number | undefined;
  private _searching = false;
  private _error: string | null = null;
  private _detail: IConceptDetail | null = null;
  private _detailLoading = false;
  private _detailError: string | null = null;
  private _add: IAddChoice = { includeDescendants: true, isExcluded: false, includeMapped: false, target: 'new' };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private searchAbort: AbortController | null = null;
  private detailAbort: AbortController | null = null;
  /** Searches aborted because the box changed first (the spec reads it). */
  aborted = 0;

  constructor(
    private readonly api: Api,
    private readonly delayMs: () => number = () => 250,
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get query(): string {
    return this._query;
  }
  get filters(): Readonly<ISearchFilters> {
    return this._filters;
  }
  get hits(): readonly IConceptHit[] {
    return this._hits;
  }
  get total(): number | undefined {
    return this._total;
  }
  get tookMs(): number | undefined {
    return this._tookMs;
  }
  get searching(): boolean {
    return this._searching;
  }
  get error(): string | null {
    return this._error;
  }
  get detail(): IConceptDetail | null {
    return this._detail;
  }
  get detailLoading(): boolean {
    return this._detailLoading;
  }
  get detailError(): string | null {
    return this._detailError;
  }
  get addChoice(): Readonly<IAddChoice> {
    return this._add;
  }

  setQuery(q: string): void {
    if (q === this._query) return;
    this._query = q;
    // Typing means looking for something else: back to the hits.
    if (this._detail || this._detailLoading || this._detailError) {
      this.detailAbort?.abort();
      this._detail = null;
      this._detailLoading = false;
      this._detailError = null;
    }
    this.scheduleSearch();
  }

  setFilter<K extends keyof ISearchFilters>(key: K, value: ISearchFilters[K]): void {
    this._filters = { ...this._filters, [key]: value };
    this.scheduleSearch(0);
  }

  setAddChoice(change: Partial<IAddChoice>): void {
    this._add = { ...this._add, ...change };
    this._changed.emit();
  }

  async open(conceptId: number): Promise<void> {
    this.detailAbort?.abort();
    const abort = new AbortController();
    this.detailAbort = abort;
    this._detailLoading = true;
    this._detailError = null;
    this._changed.emit();
    try {
      const detail = await this.api.concept(conceptId, { signal: abort.signal });
      if (abort.signal.aborted) return;
      this._detail = detail;
    } catch (err) {
      if (abort.signal.aborted) return;
      this._detailError = (err as Error).message;
    }
    this._detailLoading = false;
    this._changed.emit();
  }

  close(): void {
    this.detailAbort?.abort();
    this._detail = null;
    this._detailLoading = false;
    this._detailError = null;
    this._changed.emit();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.searchAbort?.abort();
    this.detailAbort?.abort();
    Signal.clearData(this);
  }

  private scheduleSearch(delay = this.delayMs()): void {
    clearTimeout(this.timer);
    if (this.searchAbort) {
      this.searchAbort.abort();
      this.searchAbort = null;
      this.aborted += 1;
    }
    const q = this._query.trim();
    if (q.length < 2) {
      this._hits = [];
      this._searching = false;
      this._error = null;
      this._total = undefined;
      this._changed.emit();
      return;
    }
    this._searching = true;
    this._changed.emit();
    this.timer = setTimeout(() => void this.search(q), delay);
  }

  private async search(q: string): Promise<void> {
    const abort = new AbortController();
    this.searchAbort = abort;
    const filters = { ...this._filters };
    if (filters.standard === 'any') delete filters.standard;
    try {
      const answer = await this.api.search(q, filters, { signal: abort.signal });
      if (abort.signal.aborted) return;
      this._hits = answer.concepts;
      this._total = answer.total;
      this._tookMs = answer.tookMs;
      this._error = null;
    } catch (err) {
      if (abort.signal.aborted) return;
      this._error = (err as Error).message;
      this._hits = [];
    }
    if (this.searchAbort === abort) this.searchAbort = null;
    this._searching = false;
    this._changed.emit();
  }
}
