/**
 * What the panel's specs share: a stand-in hub's answers (src/kernel/testing/stand-in-hub.ts, real HTTP)
 * and a connection to it as the connection plugin would hand it to the model.
 */
import { Signal } from '@lumino/signaling';
import type { ResultRow } from '../../arrow/result-schema.js';
import { HubClient } from '../../client/index.js';
import type { StandInHub, StandInHubOptions } from '../../kernel/testing/stand-in-hub.js';
import type { IQueryPanelModelOptions, QueryPanelModel } from './model.js';

export const exact = (n: number) => ({ value: n, lower: n, upper: n, suppressed: false });
export const hidden = { value: null, lower: 1, upper: 4, suppressed: true };
export const row = (site: string, persons: ResultRow['measures']['persons']): ResultRow => ({
  site,
  dims: {},
  measures: { persons, events: persons },
});
export const prostate = {
  conceptId: 4163261,
  name: 'Malignant tumor of prostate',
  domain: 'Condition',
  vocabulary: 'SNOMED',
  standard: true,
  code: '399068003',
};

export const threeSites: StandInHubOptions = {
  analysis: { kind: 'count' },
  sites: [
    { id: 'north', rows: [row('north', exact(12))] },
    { id: 'south', rows: [row('south', hidden)] },
    { id: 'east', error: { code: 'ERR_SITE_UNREACHABLE', message: 'connection refused' } },
  ],
  pooled: [row('pooled', { value: null, lower: 13, upper: 16, suppressed: true })],
};

export function connectionTo(
  hub: StandInHub | null,
  extra: Partial<IQueryPanelModelOptions['connection']> = {},
): IQueryPanelModelOptions['connection'] {
  const connection = {
    hub: hub ? new HubClient({ baseUrl: hub.url }) : null,
    ready: Promise.resolve(),
    defaultSites: [] as string[],
    queryTimeoutMs: undefined,
    problem: hub ? null : 'No fedomop hub is configured.',
    ...extra,
  };
  return { ...connection, changed: new Signal<unknown, void>(connection) } as IQueryPanelModelOptions['connection'];
}

/** Resolves once `predicate(model)` holds, checking on every change. */
export function until(
  model: QueryPanelModel,
  predicate: (m: QueryPanelModel) => boolean,
  what: string,
  ms = 5000,
): Promise<void> {
  if (predicate(model)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for: ${what}`)), ms);
    const check = () => {
      if (!predicate(model)) return;
      clearTimeout(timer);
      model.changed.disconnect(check);
      resolve();
    };
    model.changed.connect(check);
  });
}
