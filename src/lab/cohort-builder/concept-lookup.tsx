/**
 * Picking a concept for a concept-list attribute (condition type, route, unit, visit type, …) by
 * name: a word typed is searched in the sites' vocabularies through the hub (`/v1/concepts/search`)
 * with the OMOP domain that fits the attribute, the hits listed below the box; ↓ / ↑ move through
 * them, Enter or a click picks one, Escape closes the list. The pick is written as Circe writes a
 * concept (CONCEPT_ID, CONCEPT_NAME, DOMAIN_ID, …), so the sentence reads its name, not its id.
 */
import * as React from 'react';
import { createContext, useContext, useEffect, useRef, useState } from 'react';
import { atlasConcept } from '../cohort-document/cohort-edits.js';
import type { ConceptApi, IConceptHit } from '../concept-browser/concept-api.js';

/** The hub's vocabulary API for the builder's lookups (null: not connected, lookup hidden). */
export const ConceptApiContext = createContext<ConceptApi | null>(null);

const TYPE_CONCEPT = 'Type Concept';

/**
 * The OMOP domain_id whose concepts an attribute's column holds. Attributes left out (value as
 * concept, qualifier, modifier) hold concepts of several domains: their search is unfiltered.
 */
export const LOOKUP_DOMAINS: Readonly<Record<string, string>> = {
  Gender: 'Gender',
  Race: 'Race',
  Ethnicity: 'Ethnicity',
  ConditionType: TYPE_CONCEPT,
  DrugType: TYPE_CONCEPT,
  MeasurementType: TYPE_CONCEPT,
  ObservationType: TYPE_CONCEPT,
  ProcedureType: TYPE_CONCEPT,
  DeviceType: TYPE_CONCEPT,
  SpecimenType: TYPE_CONCEPT,
  DeathType: TYPE_CONCEPT,
  PeriodType: TYPE_CONCEPT,
  ConditionStatus: 'Condition Status',
  RouteConcept: 'Route',
  DoseUnit: 'Unit',
  Unit: 'Unit',
  Operator: 'Meas Value Operator',
  VisitType: 'Visit',
  PlaceOfService: 'Visit',
  ProviderSpecialty: 'Provider',
  AnatomicSite: 'Spec Anatomic Site',
  DiseaseStatus: 'Spec Disease Status',
};

export interface ICirceConcept {
  CONCEPT_ID: number;
  CONCEPT_NAME?: string;
  [field: string]: unknown;
}

/** Wait this long after the last key before searching (one request per pause, not per key). */
const DEBOUNCE_MS = 250;
const LIMIT = 10;

export function ConceptLookup(props: {
  /** The attribute's name in the catalogue (`ConditionType`), for its domain filter. */
  attribute: string;
  /** Its words ("condition type"), for labels. */
  label: string;
  onPick: (c: ICirceConcept) => void;
}): React.ReactElement | null {
  const api = useContext(ConceptApiContext);
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<IConceptHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const domain = LOOKUP_DOMAINS[props.attribute.replace(/CS$/, '')];

  useEffect(() => {
    const word = q.trim();
    if (!api || word.length < 2) {
      setHits(null);
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      api
        .search(word, domain ? { domain } : {}, { limit: LIMIT, signal: abort.signal })
        .then((answer) => {
          setHits(answer.concepts ?? []);
          setError(null);
          setOpen(true);
        })
        .catch((err: unknown) => {
          if (abort.signal.aborted) return;
          setHits(null);
          setError(err instanceof Error ? err.message : String(err));
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [api, q, domain]);

  if (!api) return null;
  const options = () => [...(list.current?.querySelectorAll<HTMLElement>('[role="option"]') ?? [])];
  const pick = (h: IConceptHit) => {
    props.onPick(atlasConcept(h));
    setQ('');
    setHits(null);
    setOpen(false);
    box.current?.focus();
  };
  const onOptionKey = (ev: React.KeyboardEvent, i: number, h: IConceptHit) => {
    const all = options();
    if (ev.key === 'ArrowDown') all[Math.min(i + 1, all.length - 1)]?.focus();
    else if (ev.key === 'ArrowUp') (i === 0 ? box.current : all[i - 1])?.focus();
    else if (ev.key === 'Enter' || ev.key === ' ') pick(h);
    else if (ev.key === 'Escape') {
      setOpen(false);
      box.current?.focus();
    } else return;
    ev.preventDefault();
    ev.stopPropagation();
  };
  const shown = open && hits !== null;
  return (
    <span className="jp-fedomop-cb-lookup">
      <input
        ref={box}
        className="jp-mod-styled"
        role="combobox"
        aria-expanded={shown}
        aria-autocomplete="list"
        aria-label={`${props.label} concept name`}
        placeholder={domain ? `find a ${domain.toLowerCase()} by name` : 'find a concept by name'}
        value={q}
        onChange={(ev) => {
          // Hits of the previous word go at once: a pick must be of what the box now says.
          setQ(ev.target.value);
          setHits(null);
          setOpen(true);
        }}
        onKeyDown={(ev) => {
          if (ev.key === 'ArrowDown' && shown) {
            options()[0]?.focus();
            ev.preventDefault();
          } else if (ev.key === 'Escape' && shown) {
            setOpen(false);
            ev.preventDefault();
            ev.stopPropagation();
          }
        }}
      />
      {error && <span className="jp-fedomop-error"> {error}</span>}
      {shown && (
        <ul ref={list} className="jp-fedomop-cb-lookup-hits" role="listbox" aria-label={`${props.label} concepts found`}>
          {hits.length === 0 && (
            <li className="jp-fedomop-muted">
              no {domain ?? 'concept'} named like “{q.trim()}”
            </li>
          )}
          {hits.map((h, i) => (
            <li
              key={h.conceptId}
              role="option"
              aria-selected={false}
              tabIndex={-1}
              data-concept-id={h.conceptId}
              onClick={() => pick(h)}
              onKeyDown={(ev) => onOptionKey(ev, i, h)}
            >
              {h.name}{' '}
              <span className="jp-fedomop-muted">
                ({h.vocabulary} {h.code}, {h.conceptId})
              </span>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
