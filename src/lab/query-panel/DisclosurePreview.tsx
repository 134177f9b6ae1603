import * as React from 'react';
import { summarise, type DisclosureCheck } from './disclosure-check.js';
import { useSignal } from './hooks.js';
import type { Plan } from '../../plan/types.js';

/** What "Check disclosure" found, per site: the decision, counts per action, and the notable cells. */
export function DisclosurePreview({
  check,
  plan,
}: {
  check: DisclosureCheck;
  plan: Plan | undefined;
}): React.ReactElement | null {
  useSignal(check.changed);
  const state = check.state;
  // Judged here, on every change of the check as well as of the form.
  const stale = !check.isFor(plan);
  if (state.status === 'idle') return null;
  if (state.status === 'checking') return <p className="jp-fedomop-muted jp-fedomop-disclosure">Checking disclosure…</p>;
  if (state.status === 'failed')
    return <p className="jp-fedomop-error jp-fedomop-disclosure">Disclosure check failed: {state.message}</p>;
  return (
    <section className="jp-fedomop-disclosure" aria-label="Disclosure check">
      {stale && <p className="jp-fedomop-muted">The form changed since this check.</p>}
      {state.result.sites.map((s) => {
        if (s.error)
          return (
            <p key={s.site}>
              {s.site}: could not check ({s.error.code}: {s.error.message})
            </p>
          );
        const { counts, notable } = summarise(s);
        const ptable = (s.policy?.ptable ?? {}) as { D?: number; V?: number };
        return (
          <details key={s.site} className="jp-fedomop-disclosure-site" open={s.decision === 'refused'}>
            <summary>
              {s.site}: {s.decision === 'refused' ? 'would be refused' : 'would be released'} —{' '}
              {Object.entries(counts)
                .map(([a, n]) => `${n} ${a}`)
                .join(', ')}
              {ptable.D !== undefined && ` (noise ≤ ±${ptable.D}, variance ${ptable.V}; k = ${String(s.policy?.k)})`}
            </summary>
            {s.reason && <p>{s.reason}</p>}
            <ul>
              {notable.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </details>
        );
      })}
    </section>
  );
}
