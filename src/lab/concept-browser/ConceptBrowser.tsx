/**
 * The concept browser (left sidebar): search box with filters, hits with domain, vocabulary, code
 * and per-site counts (intervals as released), and an opened concept with its ancestors and
 * descendants as trees, its relationships, and "Add to concept set" into the cohort open in the
 * builder.
 */
import * as React from 'react';
import { useSignal } from '../query-panel/hooks.js';
import type { ICohortDocuments } from '../tokens.js';
import { countTitle, formatCount, siteCounts, type IConceptHit, type IRelatedConcept } from './concept-api.js';
import type { ConceptBrowserModel } from './model.js';

/**
 * Arrow keys move focus among the buttons matching `selector` inside the list (↑ from the first goes
 * to `before`, e.g. the search box); Enter on a focused button opens it (a button's own behaviour).
 */
export function moveFocus(ev: React.KeyboardEvent, selector: string, before?: HTMLElement | null): void {
  const keys: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, Home: -Infinity, End: Infinity };
  if (!(ev.key in keys)) return;
  const items = [...ev.currentTarget.querySelectorAll<HTMLElement>(selector)];
  if (!items.length) return;
  ev.preventDefault();
  const at = items.indexOf(document.activeElement as HTMLElement);
  const step = keys[ev.key];
  if (step === -1 && at <= 0 && before) {
    before.focus();
    return;
  }
  const next = step === -Infinity ? 0 : step === Infinity ? items.length - 1 : Math.min(items.length - 1, Math.max(0, at + step));
  items[next].focus();
}

const DOMAINS = ['', 'Condition', 'Drug', 'Measurement', 'Procedure', 'Observation', 'Device', 'Visit', 'Specimen'];

export function ConceptBrowser(props: { model: ConceptBrowserModel; cohorts: ICohortDocuments | null }): React.ReactElement {
  const { model } = props;
  useSignal(model.changed);
  const search = React.useRef<HTMLInputElement>(null);
  const hits = React.useRef<HTMLUListElement>(null);
  return (
    <div
      className="jp-fedomop-cbr"
      onKeyDown={(ev) => {
        // Escape from an opened concept: back to the results, focus on the search box.
        if (ev.key === 'Escape' && (model.detail || model.detailError) && !ev.defaultPrevented) {
          ev.preventDefault();
          model.close();
          search.current?.focus();
        }
      }}
    >
      <div className="jp-fedomop-cbr-search">
        <input
          ref={search}
          type="search"
          className="jp-mod-styled"
          aria-label="Search the vocabulary"
          onKeyDown={(ev) => {
            if (ev.key === 'ArrowDown') {
              const first = hits.current?.querySelector<HTMLElement>('.jp-fedomop-cbr-hit');
              if (first) {
                ev.preventDefault();
                first.focus();
              }
            }
          }}
          placeholder="Name, code or concept id, e.g. prostate"
          value={model.query}
          onChange={(e) => model.setQuery(e.target.value)}
        />
        <div className="jp-fedomop-cbr-filters">
          <select
            className="jp-mod-styled"
            aria-label="Domain filter"
            value={model.filters.domain ?? ''}
            onChange={(e) => model.setFilter('domain', e.target.value || undefined)}
          >
            {DOMAINS.map((d) => (
              <option key={d} value={d}>
                {d || 'any domain'}
              </option>
            ))}
          </select>
          <input
            className="jp-mod-styled"
            aria-label="Vocabulary filter"
            placeholder="vocabulary"
            value={model.filters.vocabulary ?? ''}
            onChange={(e) => model.setFilter('vocabulary', e.target.value.trim() || undefined)}
          />
          <input
            className="jp-mod-styled"
            aria-label="Concept class filter"
            placeholder="class"
            value={model.filters.conceptClass ?? ''}
            onChange={(e) => model.setFilter('conceptClass', e.target.value.trim() || undefined)}
          />
          <select
            className="jp-mod-styled"
            aria-label="Standard filter"
            value={model.filters.standard ?? 'any'}
            onChange={(e) => model.setFilter('standard', e.target.value as 'S' | 'C' | 'N' | 'any')}
          >
            <option value="any">standard or not</option>
            <option value="S">standard</option>
            <option value="C">classification</option>
            <option value="N">non-standard</option>
          </select>
          <label>
            <input
              type="checkbox"
              checked={!!model.filters.invalid}
              onChange={(e) => model.setFilter('invalid', e.target.checked)}
            />{' '}
            invalid too
          </label>
        </div>
        <div className="jp-fedomop-muted jp-fedomop-cbr-status" role="status">
          {model.searching
            ? 'Searching…'
            : model.error
              ? ''
              : model.query.trim().length >= 2
                ? `${model.total ?? model.hits.length} found${model.tookMs !== undefined ? ` in ${model.tookMs} ms` : ''}`
                : ''}
        </div>
        {model.error && <div className="jp-fedomop-error">{model.error}</div>}
      </div>
      {model.detail || model.detailLoading || model.detailError ? (
        <ConceptDetail model={model} cohorts={props.cohorts} />
      ) : (
        <ul
          ref={hits}
          className="jp-fedomop-cbr-hits"
          aria-label="Concepts found"
          onKeyDown={(ev) => moveFocus(ev, '.jp-fedomop-cbr-hit', search.current)}
        >
          {model.hits.map((c) => (
            <li key={c.conceptId}>
              <button
                type="button"
                className="jp-fedomop-cbr-hit"
                data-concept-id={c.conceptId}
                onClick={() => void model.open(c.conceptId)}
              >
                <HitLine concept={c} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function HitLine({ concept: c }: { concept: IConceptHit }): React.ReactElement {
  const counts = siteCounts(c.counts);
  const standard = c.standardConcept ?? (c.standard === true ? 'S' : null);
  return (
    <>
      <span className="jp-fedomop-cbr-name">
        {c.name}
        {c.invalidReason && <span className="jp-fedomop-cbr-flag"> invalid</span>}
        {standard !== 'S' && <span className="jp-fedomop-cbr-flag"> {standard === 'C' ? 'classification' : 'non-standard'}</span>}
      </span>
      <span className="jp-fedomop-muted jp-fedomop-cbr-meta">
        {c.domain} · {c.vocabulary} {c.code} · {c.conceptId}
      </span>
      {c.mapsTo && c.mapsTo.length > 0 && (
        <span className="jp-fedomop-muted"> maps to {c.mapsTo.map((m) => m.name).join(', ')}</span>
      )}
      {counts.length > 0 && (
        <span className="jp-fedomop-cbr-counts">
          {counts.map(([site, n]) => (
            <span key={site} className="jp-fedomop-cb-sitecount" data-site={site} title={countTitle(n?.persons)}>
              {site ? `${site} ` : ''}
              {n ? formatCount(n.persons) : 'n/a'}
            </span>
          ))}
        </span>
      )}
    </>
  );
}

function ConceptDetail(props: { model: ConceptBrowserModel; cohorts: ICohortDocuments | null }): React.ReactElement {
  const { model, cohorts } = props;
  useSignal(cohorts?.currentChanged);
  const d = model.detail;
  const title = React.useRef<HTMLHeadingElement>(null);
  // A concept opened from the keyboard (Enter on a hit or tree node): focus follows to what opened.
  React.useEffect(() => title.current?.focus(), [d?.conceptId]);
  const doc = cohorts?.current ?? null;
  const choice = model.addChoice;
  const sets = doc?.conceptSets() ?? [];
  const target = typeof choice.target === 'number' && sets.some((s) => s.id === choice.target) ? choice.target : 'new';
  const add = async () => {
    if (!d || !cohorts) return;
    const into = cohorts.current ?? (await cohorts.create());
    const id = into.addConcept(d, choice, target);
    model.setAddChoice({ target: id });
  };
  return (
    <div className="jp-fedomop-cbr-detail" aria-label="Concept">
      <button type="button" className="jp-fedomop-cb-link" onClick={() => model.close()}>
        ← back to results
      </button>
      {model.detailLoading && <div className="jp-fedomop-muted">Loading…</div>}
      {model.detailError && <div className="jp-fedomop-error">{model.detailError}</div>}
      {d && (
        <>
          <h3 className="jp-fedomop-cbr-title" ref={title} tabIndex={-1}>
            {d.name}
          </h3>
          <div className="jp-fedomop-muted">
            {d.domain} · {d.vocabulary} {d.code} · concept {d.conceptId}
            {d.conceptClass ? ` · ${d.conceptClass}` : ''}
          </div>
          {d.synonyms && d.synonyms.length > 0 && <div className="jp-fedomop-muted">Also: {d.synonyms.join('; ')}</div>}
          <div className="jp-fedomop-cbr-add" aria-label="Add to concept set">
            <label>
              <input
                type="checkbox"
                checked={choice.includeDescendants}
                onChange={(e) => model.setAddChoice({ includeDescendants: e.target.checked })}
              />{' '}
              with descendants
            </label>
            <label>
              <input
                type="checkbox"
                checked={choice.isExcluded}
                onChange={(e) => model.setAddChoice({ isExcluded: e.target.checked })}
              />{' '}
              excluded
            </label>
            <label>
              <input
                type="checkbox"
                checked={choice.includeMapped}
                onChange={(e) => model.setAddChoice({ includeMapped: e.target.checked })}
              />{' '}
              mapped
            </label>
            <select
              className="jp-mod-styled"
              aria-label="Concept set to add to"
              value={String(target)}
              onChange={(e) => model.setAddChoice({ target: e.target.value === 'new' ? 'new' : Number(e.target.value) })}
            >
              <option value="new">a new concept set</option>
              {sets.map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.name}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="jp-mod-styled jp-mod-accept jp-fedomop-cb-button"
              disabled={!cohorts}
              onClick={() => void add()}
            >
              Add to concept set
            </button>
            <div className="jp-fedomop-muted">{doc ? `into ${doc.path}` : 'into a new cohort'}</div>
          </div>
          <Tree title="Ancestors" concepts={d.ancestors} total={d.ancestorCount} model={model} />
          <Tree title="Descendants" concepts={d.descendants} total={d.descendantCount} model={model} />
          <section aria-label="Relationships">
            <h4>Relationships</h4>
            {d.relationships.length === 0 && <div className="jp-fedomop-muted">none</div>}
            <ul className="jp-fedomop-cbr-rels">
              {d.relationships.map((r, i) => (
                <li key={i}>
                  <span className="jp-fedomop-muted">{r.relationshipId}</span>{' '}
                  <button type="button" className="jp-fedomop-cb-link" onClick={() => void model.open(r.concept.conceptId)}>
                    {r.concept.name}
                  </button>{' '}
                  <span className="jp-fedomop-muted">
                    {r.concept.vocabulary} {r.concept.code}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </div>
  );
}

/** Related concepts indented by their levels of separation (nearest first for descendants, furthest first for ancestors). */
function Tree(props: {
  title: string;
  concepts: IRelatedConcept[];
  total?: number;
  model: ConceptBrowserModel;
}): React.ReactElement {
  const up = props.title === 'Ancestors';
  const sorted = [...props.concepts].sort((a, b) => {
    const la = a.minLevelsOfSeparation ?? 1;
    const lb = b.minLevelsOfSeparation ?? 1;
    return up ? lb - la || a.name.localeCompare(b.name) : la - lb || a.name.localeCompare(b.name);
  });
  const maxLevel = Math.max(0, ...sorted.map((c) => c.minLevelsOfSeparation ?? 1));
  return (
    <section aria-label={props.title} className="jp-fedomop-cbr-tree">
      <h4>
        {props.title} <span className="jp-fedomop-muted">({props.total ?? props.concepts.length})</span>
      </h4>
      <ul role="tree" aria-label={props.title} onKeyDown={(ev) => moveFocus(ev, '[role="treeitem"] > button')}>
        {sorted.slice(0, 200).map((c) => {
          const level = c.minLevelsOfSeparation ?? 1;
          const indent = up ? maxLevel - level : level - 1;
          return (
            <li
              key={c.conceptId}
              role="treeitem"
              aria-level={indent + 1}
              style={{ paddingLeft: `${indent}em` }}
              data-concept-id={c.conceptId}
            >
              <button type="button" className="jp-fedomop-cb-link" onClick={() => void props.model.open(c.conceptId)}>
                {c.name}
              </button>{' '}
              <span className="jp-fedomop-muted">
                {c.vocabulary} {c.code}
                {c.minLevelsOfSeparation !== undefined
                  ? ` · ${c.minLevelsOfSeparation} level${c.minLevelsOfSeparation === 1 ? '' : 's'}`
                  : ''}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
