import * as React from 'react';
import { useState } from 'react';
import type { Concept } from '../../client/index.js';
import type { QueryPanelModel } from './model.js';
import { criterionDomainOf } from './plan-builder.js';

/** The concept box: chosen concepts as chips, and live suggestions from the hub's vocabulary search. */
export function ConceptSearch({ model }: { model: QueryPanelModel }): React.ReactElement {
  const [active, setActive] = useState(0);
  const usable = model.suggestions.filter((c) => criterionDomainOf(c));
  const open = model.conceptQuery.trim().length >= 2;

  const pick = (c: Concept | undefined) => {
    if (c && criterionDomainOf(c)) {
      model.addConcept(c);
      setActive(0);
    }
  };
  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      setActive((i) => Math.min(i + 1, Math.max(usable.length - 1, 0)));
      e.preventDefault();
    } else if (e.key === 'ArrowUp') {
      setActive((i) => Math.max(i - 1, 0));
      e.preventDefault();
    } else if (e.key === 'Enter') {
      pick(usable[active]);
      e.preventDefault();
    } else if (e.key === 'Escape') {
      model.setConceptQuery('');
    }
  };

  return (
    <div className="jp-fedomop-concepts">
      <ul className="jp-fedomop-chips" aria-label="Chosen concepts">
        {model.cohort.concepts.map((c) => (
          <li key={c.conceptId} className="jp-fedomop-chip" data-concept-id={c.conceptId}>
            <span className="jp-fedomop-chip-domain">{c.domain}</span>
            <span title={`${c.vocabulary} ${c.code} · concept ${c.conceptId}`}>{c.name}</span>
            <button
              type="button"
              className="jp-fedomop-chip-remove"
              aria-label={`Remove ${c.name}`}
              onClick={() => model.removeConcept(c.conceptId)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="jp-fedomop-combobox">
        <input
          type="search"
          className="jp-mod-styled jp-fedomop-concept-input"
          placeholder="Search concepts, e.g. prostate cancer, abiraterone, PSA"
          aria-label="Search concepts"
          role="combobox"
          aria-expanded={open}
          aria-autocomplete="list"
          value={model.conceptQuery}
          onChange={(e) => {
            setActive(0);
            model.setConceptQuery(e.target.value);
          }}
          onKeyDown={onKeyDown}
        />
        {open && (
          <ul className="jp-fedomop-suggestions" role="listbox" aria-label="Concept suggestions">
            {model.suggesting && model.suggestions.length === 0 && <li className="jp-fedomop-muted">Searching…</li>}
            {!model.suggesting && model.suggestError && <li className="jp-fedomop-error">{model.suggestError}</li>}
            {!model.suggesting && !model.suggestError && model.suggestions.length === 0 && (
              <li className="jp-fedomop-muted">No standard concept matches “{model.conceptQuery.trim()}”.</li>
            )}
            {model.suggestions.map((c) => {
              const ok = !!criterionDomainOf(c);
              const index = usable.indexOf(c);
              return (
                <li
                  key={c.conceptId}
                  role="option"
                  aria-selected={ok && index === active}
                  aria-disabled={!ok}
                  className={
                    'jp-fedomop-suggestion' + (ok && index === active ? ' jp-mod-active' : '') + (ok ? '' : ' jp-mod-disabled')
                  }
                  title={
                    ok
                      ? `${c.vocabulary} ${c.code} · concept ${c.conceptId}`
                      : `${c.domain} concepts cannot be used in cohorts yet`
                  }
                  onMouseDown={(e) => {
                    // mousedown, not click: the input keeps focus and the list does not close first.
                    e.preventDefault();
                    pick(c);
                  }}
                >
                  <span className="jp-fedomop-chip-domain">{c.domain}</span>
                  <span className="jp-fedomop-suggestion-name">{c.name}</span>
                  <span className="jp-fedomop-muted">
                    {c.vocabulary} {c.code}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </div>
  );
}
