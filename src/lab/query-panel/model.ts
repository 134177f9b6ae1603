/**
 * The federated query panel's state: the hub's sites and which are chosen, the cohort (built from
 * concepts, or pasted from ATLAS; both kept while the user switches) and analysis form, concept
 * suggestions, and the current run. It emits `changed` on every change; QueryPanel only
 * renders it. Everything that talks to the hub goes through the IFedomopConnection's HubClient.
 */
import { Signal, type ISignal } from '@lumino/signaling';
import type { Concept, HubClient, HubSite } from '../../client/index.js';
import type { CrosstabDimension } from '../../plan/index.js';
import type { IAuthUser, IFedomopAuth, IFedomopConnection, IQuerySnapshot } from '../tokens.js';
import type { PlanProblem } from '../../errors.js';
import { describeError } from './format.js';
import { inclusionRuleNames, readPastedCohort, summarizeCohort, type PastedCohort, type PastedSource } from './pasted-cohort.js';
import {
  buildPastedPlan,
  buildPlan,
  criterionDomainOf,
  type Gender,
  type IAnalysisForm,
  type ICohortForm,
  type PlanResult,
} from './plan-builder.js';
import { QueryRun } from './query-run.js';
import { defaultStatsForm, variableForm, type IStatsForm, type IVariableForm } from './stats-form.js';
import { DisclosureCheck } from './disclosure-check.js';

export interface IQueryPanelModelOptions {
  connection: Pick<IFedomopConnection, 'hub' | 'ready' | 'changed' | 'defaultSites' | 'queryTimeoutMs' | 'problem'>;
  /** Sign-in, when the lab has an identity provider: the panel asks for it before querying. */
  auth?:
    (Pick<IFedomopAuth, 'enabled' | 'user' | 'problem' | 'signIn'> & { signedIn: ISignal<unknown, IAuthUser | null> }) | null;
  /** Delay between the last keystroke and the concept search. */
  suggestDelayMs?: number;
  /** Pause in typing before a large pasted cohort is read again (default 400 ms). */
  pasteDelayMs?: number;
}

export type SitesState = { status: 'loading' } | { status: 'ready' } | { status: 'error'; message: string };

/** Where the cohort comes from: the concept form, or a pasted ATLAS cohort definition. */
export type CohortMode = 'build' | 'paste';

/** What the panel says about a pasted cohort it could read (whether or not it validates). */
export interface IPastedInfo {
  /** ATLAS's name for it (or its Title); null when it has none. */
  name: string | null;
  /** "3 concept sets, 1 entry criterion, 2 inclusion rules". */
  summary: string;
  ruleNames: string[];
  source: PastedSource;
}

const SUGGESTION_LIMIT = 12;
const COUNT: IAnalysisForm = { kind: 'count', by: [] };

/** Pasted text up to this many characters is read on every keystroke; longer text once typing pauses. */
export const PASTE_SYNC_CHARS = 64 * 1024;

export class QueryPanelModel {
  private readonly _changed = new Signal<this, void>(this);
  private readonly _runStarted = new Signal<this, QueryRun>(this);
  private readonly connection: IQueryPanelModelOptions['connection'];
  private readonly auth: IQueryPanelModelOptions['auth'];
  /** The hub answered 401 since the last sign-in: the token is gone or no longer accepted. */
  private _unauthorized = false;
  /** Counts sign-ins and sign-outs, so a 401 to a request sent before the latest one is ignored. */
  private authGeneration = 0;
  private readonly suggestDelayMs: number;
  private readonly pasteDelayMs: number;
  private pasteTimer?: ReturnType<typeof setTimeout>;

  private _sites: HubSite[] = [];
  private _sitesState: SitesState = { status: 'loading' };
  private _selected = new Set<string>();
  /** Sites the user ticked or unticked; a refreshed list keeps those choices. */
  private touchedSites = new Set<string>();

  private _cohort: ICohortForm = { concepts: [], ageMin: null, ageMax: null, gender: 'any' };
  private _analysis: IAnalysisForm = { kind: 'count', by: ['gender'], stats: defaultStatsForm() };
  private _cohortMode: CohortMode = 'build';
  private _pasteText = '';
  private _pasted: PastedCohort = readPastedCohort('');

  private _conceptQuery = '';
  private _suggestions: Concept[] = [];
  private _suggesting = false;
  private _suggestError: string | null = null;
  private suggestTimer?: ReturnType<typeof setTimeout>;
  private suggestAbort?: AbortController;

  private _run: QueryRun | null = null;
  /** "Check disclosure": what the sites would release for the current plan. */
  readonly disclosure = new DisclosureCheck();
  private _planResult: PlanResult;
  /** The concept form's cohort alone (with a count), whichever mode is shown. */
  private _built: PlanResult;
  private _isDisposed = false;

  constructor(options: IQueryPanelModelOptions) {
    this.connection = options.connection;
    this.suggestDelayMs = options.suggestDelayMs ?? 200;
    this.pasteDelayMs = options.pasteDelayMs ?? 400;
    this._built = buildPlan(this._cohort, COUNT);
    this._planResult = buildPlan(this._cohort, this._analysis);
    this.connection.changed.connect(this.onConnectionChanged, this);
    this.auth = options.auth ?? null;
    this.auth?.signedIn.connect(this.onSignedIn, this);
    void this.connection.ready.then(() => this.refreshSites());
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  /** Emitted when Run starts a query (the panel's plugin tracks it for the notebook bridge). */
  get runStarted(): ISignal<this, QueryRun> {
    return this._runStarted;
  }
  get sites(): readonly HubSite[] {
    return this._sites;
  }
  get sitesState(): SitesState {
    return this._sitesState;
  }
  get selectedSites(): string[] {
    return this._sites.map((s) => s.id).filter((id) => this._selected.has(id));
  }
  isSelected(site: string): boolean {
    return this._selected.has(site);
  }
  get cohort(): Readonly<ICohortForm> {
    return this._cohort;
  }
  get analysis(): Readonly<IAnalysisForm> {
    return this._analysis;
  }
  get cohortMode(): CohortMode {
    return this._cohortMode;
  }
  /** The pasted text, exactly as typed (kept while the concept form is in use). */
  get pasteText(): string {
    return this._pasteText;
  }
  /** The pasted cohort's name and summary, when the text could be read as one. */
  get pasted(): IPastedInfo | null {
    const p = this._pasted;
    if (!p.ok) return null;
    return {
      name: p.name,
      summary: summarizeCohort(p.expression),
      ruleNames: inclusionRuleNames(p.expression),
      source: p.source,
    };
  }
  /** What blocks the cohort itself (not the analysis): shown under the paste box with their paths. */
  get cohortProblems(): PlanProblem[] {
    if (this._planResult.ok) return [];
    return this._planResult.problems.filter((p) => !isAnalysisPath(p.path));
  }
  /** validatePlan's warnings: Circe would run the cohort, but it is probably not what was meant. */
  get warnings(): PlanProblem[] {
    return this._planResult.warnings;
  }
  /** A hint for attrition on a cohort without inclusion rules (it shows step 0 only); null otherwise. */
  get attritionHint(): string | null {
    if (this._analysis.kind !== 'attrition') return null;
    const rules = this._cohortMode === 'paste' ? (this.pasted?.ruleNames.length ?? 0) : 0;
    if (rules > 0) return null;
    return this._cohortMode === 'build'
      ? 'A cohort built from concepts has no inclusion rules, so attrition shows step 0 (qualifying events) only. Paste an ATLAS cohort with inclusion rules to see each rule’s effect.'
      : 'This cohort has no inclusion rules, so attrition shows step 0 (qualifying events) only.';
  }
  get conceptQuery(): string {
    return this._conceptQuery;
  }
  get suggestions(): readonly Concept[] {
    return this._suggestions;
  }
  get suggesting(): boolean {
    return this._suggesting;
  }
  get suggestError(): string | null {
    return this._suggestError;
  }
  get run(): QueryRun | null {
    return this._run;
  }
  get planResult(): PlanResult {
    return this._planResult;
  }
  /**
   * Why the researcher must sign in before querying (null: no need, or no sign-in configured): not
   * signed in, the last sign-in failed, or the hub has refused the token since.
   */
  get signInPrompt(): string | null {
    const auth = this.auth;
    if (!auth?.enabled) return null;
    if (!auth.user) return auth.problem ?? 'Sign in to query the sites: each one decides from your identity and groups.';
    if (this._unauthorized) return 'The hub did not accept your sign-in (it may have expired or been revoked). Sign in again.';
    return null;
  }
  /** Why Run is not possible right now, or null. */
  get runBlocker(): string | null {
    if (this.connection.problem) return this.connection.problem;
    if (this.signInPrompt) return 'Sign in first.';
    if (this.pasteChecking) return 'Checking the pasted cohort…';
    if (!this._planResult.ok) {
      const cohort = this.cohortProblems.length;
      if (this._cohortMode === 'paste' && cohort > 0 && this._pasteText.trim() !== '') {
        return `The pasted cohort has ${cohort === 1 ? 'a problem' : `${cohort} problems`} (listed under it).`;
      }
      return this._planResult.problems[0]?.message ?? 'The query is not complete.';
    }
    if (this.selectedSites.length === 0) return 'Tick at least one site.';
    if (this._run?.active) return 'A query is running.';
    return null;
  }
  get connectionProblem(): string | null {
    return this.connection.problem;
  }
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The query as it stands, for the notebook bridge (null when the form is not a valid plan). */
  snapshot(): IQuerySnapshot | null {
    const run = this._run;
    if (run && !this.formDiffersFrom(run)) {
      return { plan: run.request.plan, sites: run.request.sites, timeoutMs: run.request.timeoutMs, queryId: run.view.queryId };
    }
    if (!this._planResult.ok) return null;
    return { plan: this._planResult.plan, sites: this.selectedSites, timeoutMs: this.connection.queryTimeoutMs };
  }

  /** Opens the sign-in popup (from the panel's button: a popup needs the click); failures show in signInPrompt. */
  async signIn(): Promise<void> {
    try {
      await this.auth?.signIn();
    } catch {
      this.emit();
    }
  }

  async refreshSites(): Promise<void> {
    const hub = this.connection.hub;
    if (!hub) {
      this._sites = [];
      this._sitesState = { status: 'error', message: this.connection.problem ?? 'No hub configured.' };
      this.emit();
      return;
    }
    this._sitesState = { status: 'loading' };
    this.emit();
    const generation = this.authGeneration;
    try {
      const sites = await hub.sites();
      this._sites = sites;
      this._sitesState = { status: 'ready' };
      const defaults = new Set(this.connection.defaultSites);
      for (const s of sites) {
        if (this.touchedSites.has(s.id)) continue;
        // Down sites stay ticked: the run then says plainly that they did not answer.
        if (defaults.size === 0 || defaults.has(s.id)) this._selected.add(s.id);
        else this._selected.delete(s.id);
      }
    } catch (err) {
      this.noteUnauthorized(err, generation);
      this._sitesState = { status: 'error', message: describeError(err) };
    }
    this.emit();
  }

  toggleSite(site: string, on = !this._selected.has(site)): void {
    this.touchedSites.add(site);
    if (on) this._selected.add(site);
    else this._selected.delete(site);
    this.emit();
  }

  setConceptQuery(q: string): void {
    this._conceptQuery = q;
    clearTimeout(this.suggestTimer);
    clearTimeout(this.pasteTimer);
    this.suggestAbort?.abort();
    const term = q.trim();
    if (term.length < 2) {
      this._suggestions = [];
      this._suggesting = false;
      this._suggestError = null;
      this.emit();
      return;
    }
    this._suggesting = true;
    this.emit();
    this.suggestTimer = setTimeout(() => void this.suggest(term), this.suggestDelayMs);
  }

  addConcept(concept: Concept): void {
    if (!this._cohort.concepts.some((c) => c.conceptId === concept.conceptId)) {
      this.setCohort({ concepts: [...this._cohort.concepts, concept] });
    }
    this._conceptQuery = '';
    this._suggestions = [];
    this.emit();
  }

  removeConcept(conceptId: number): void {
    this.setCohort({ concepts: this._cohort.concepts.filter((c) => c.conceptId !== conceptId) });
  }

  setAge(ageMin: number | null, ageMax: number | null): void {
    this.setCohort({ ageMin, ageMax });
  }

  setGender(gender: Gender): void {
    this.setCohort({ gender });
  }

  /** Switches between the concept form and the paste box; what either holds is kept. */
  setCohortMode(mode: CohortMode): void {
    if (mode === this._cohortMode) return;
    this._cohortMode = mode;
    this.rebuild();
  }

  /**
   * Small texts are read on every keystroke. A large one (an 8 MiB ATLAS export takes about a second
   * to parse and validate) is read once typing pauses, so the box stays responsive; until then Run
   * waits (`pasteChecking`).
   */
  setPasteText(text: string): void {
    if (text === this._pasteText) return;
    this._pasteText = text;
    clearTimeout(this.pasteTimer);
    this.pasteTimer = undefined;
    if (text.length <= PASTE_SYNC_CHARS) {
      this.readPaste();
      return;
    }
    this.pasteTimer = setTimeout(() => this.readPaste(), this.pasteDelayMs);
    this.emit();
  }

  /** A large pasted text is waiting to be read (see setPasteText). */
  get pasteChecking(): boolean {
    return this.pasteTimer !== undefined;
  }

  private readPaste(): void {
    clearTimeout(this.pasteTimer);
    this.pasteTimer = undefined;
    this._pasted = readPastedCohort(this._pasteText);
    this.rebuild();
  }

  /**
   * The concept form's cohort as Circe JSON, to edit further in the paste box (e.g. to add inclusion
   * rules); only into an empty box, so nothing typed is overwritten. Returns whether it did.
   */
  pasteBuiltCohort(): boolean {
    if (this._pasteText.trim() !== '') return false;
    const built = this._built;
    if (!built.ok) return false;
    this._cohortMode = 'paste';
    this.setPasteText(JSON.stringify(built.plan.cohort, null, 2));
    return true;
  }

  /** Whether the concept form holds a valid cohort (so pasteBuiltCohort can use it). */
  get builtCohortReady(): boolean {
    return this._built.ok;
  }

  setAnalysisKind(kind: IAnalysisForm['kind']): void {
    this.setAnalysis({ kind });
  }

  toggleDimension(dim: CrosstabDimension, on = !this._analysis.by.includes(dim)): void {
    const by = this._analysis.by.filter((d) => d !== dim);
    if (on) by.push(dim);
    this.setAnalysis({ by });
  }

  /** The statistics kinds' form: variables and each kind's parameters. */
  get statsForm(): Readonly<IStatsForm> {
    return this._analysis.stats ?? defaultStatsForm();
  }

  setStats(change: Partial<IStatsForm>): void {
    this.setAnalysis({ stats: { ...this.statsForm, ...change } });
  }

  /** Adds or removes a name in a multi-pick (summary's `of`, GLM covariates), keeping pick order. */
  toggleStatsName(field: 'of' | 'covariates', name: string, on: boolean): void {
    const names = this.statsForm[field].filter((n) => n !== name);
    if (on) names.push(name);
    this.setStats({ [field]: names });
  }

  updateVariable(index: number, change: Partial<IVariableForm>): void {
    const variables = this.statsForm.variables.map((v, i) => (i === index ? { ...v, ...change } : v));
    const old = this.statsForm.variables[index]?.name;
    const renamed = change.name !== undefined && old !== undefined && change.name !== old;
    // A renamed variable stays picked wherever it was picked.
    const rename = (n: string | null) => (renamed && n === old ? change.name! : n);
    const f = this.statsForm;
    this.setStats({
      variables,
      ...(renamed
        ? {
            of: f.of.map((n) => rename(n)!),
            covariates: f.covariates.map((n) => rename(n)!),
            by: rename(f.by),
            histogramOf: rename(f.histogramOf),
            outcome: rename(f.outcome),
            offset: rename(f.offset),
            time: rename(f.time),
            strata: rename(f.strata),
          }
        : {}),
    });
  }

  addVariable(): void {
    const taken = new Set(this.statsForm.variables.map((v) => v.name));
    let n = this.statsForm.variables.length + 1;
    while (taken.has(`var${n}`)) n++;
    this.setStats({ variables: [...this.statsForm.variables, variableForm(`var${n}`, 'measurement')] });
  }

  removeVariable(index: number): void {
    this.setStats({ variables: this.statsForm.variables.filter((_, i) => i !== index) });
  }

  /** Starts the query; resolves when it has finished (done, failed or cancelled). */
  async runQuery(): Promise<void> {
    const hub = this.connection.hub;
    if (this.runBlocker || !hub || !this._planResult.ok) return;
    this._run?.changed.disconnect(this.emit, this);
    const run = new QueryRun(hub as HubClient, {
      plan: this._planResult.plan,
      sites: this.selectedSites,
      timeoutMs: this.connection.queryTimeoutMs,
    });
    this._run = run;
    run.changed.connect(this.emit, this);
    this._runStarted.emit(run);
    this.emit();
    const generation = this.authGeneration;
    await run.finished;
    if (run.view.errorStatus === 401) this.noteUnauthorized({ status: 401 }, generation);
  }

  async cancel(): Promise<void> {
    await this._run?.cancel();
  }

  async checkDisclosure(): Promise<void> {
    const hub = this.connection.hub;
    if (!hub || !this._planResult.ok) return;
    await this.disclosure.check(hub as HubClient, this._planResult.plan, this.selectedSites);
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    clearTimeout(this.suggestTimer);
    this.suggestAbort?.abort();
    void this._run?.cancel();
    this.disclosure.dispose();
    Signal.clearData(this);
  }

  private async suggest(term: string): Promise<void> {
    const hub = this.connection.hub;
    if (!hub) return;
    const abort = new AbortController();
    this.suggestAbort = abort;
    const generation = this.authGeneration;
    try {
      const found = await hub.searchConcepts(term, { limit: SUGGESTION_LIMIT, signal: abort.signal });
      if (abort.signal.aborted) return;
      const chosen = new Set(this._cohort.concepts.map((c) => c.conceptId));
      // Usable domains first; the rest stay visible (greyed) so a researcher sees why a term is missing.
      this._suggestions = found
        .filter((c) => !chosen.has(c.conceptId))
        .sort((a, b) => Number(!criterionDomainOf(a)) - Number(!criterionDomainOf(b)));
      this._suggestError = null;
    } catch (err) {
      if (abort.signal.aborted) return;
      this.noteUnauthorized(err, generation);
      this._suggestions = [];
      this._suggestError = describeError(err);
    }
    this._suggesting = false;
    this.emit();
  }

  private setCohort(change: Partial<ICohortForm>): void {
    this._cohort = { ...this._cohort, ...change };
    this.rebuild();
  }

  private setAnalysis(change: Partial<IAnalysisForm>): void {
    this._analysis = { ...this._analysis, ...change };
    this.rebuild();
  }

  private rebuild(): void {
    this._built = buildPlan(this._cohort, COUNT);
    this._planResult =
      this._cohortMode === 'paste' ? buildPastedPlan(this._pasted, this._analysis) : buildPlan(this._cohort, this._analysis);
    this.emit();
  }

  private formDiffersFrom(run: QueryRun): boolean {
    if (!this._planResult.ok) return true;
    return JSON.stringify(this._planResult.plan) !== JSON.stringify(run.request.plan);
  }

  private onConnectionChanged(): void {
    void this.refreshSites();
  }

  private onSignedIn(): void {
    this.authGeneration += 1;
    this._unauthorized = false;
    // Sites and concept search may answer differently (or at all) for the user now signed in.
    void this.refreshSites();
  }

  /** A 401 from the hub (any ERR_TOKEN_* code) means: sign in (again). */
  private noteUnauthorized(err: unknown, generation: number): void {
    if (generation !== this.authGeneration) return;
    if ((err as { status?: unknown } | null)?.status === 401 && this.auth?.enabled) {
      this._unauthorized = true;
      this.emit();
    }
  }

  private emit(): void {
    if (!this._isDisposed) this._changed.emit();
  }
}

function isAnalysisPath(path: string): boolean {
  return path === 'analysis' || path.startsWith('analysis.') || path.startsWith('analysis[');
}
