/**
 * "Check disclosure": asks the hub's POST /v1/preview what each site would do with the current
 * plan's cells (perturb, withhold, widen, refuse) and holds the answer for DisclosurePreview.tsx.
 * Nothing is released, recorded at the sites or counted against the user's plans.
 */
import { Signal, type ISignal } from '@lumino/signaling';
import type { HubClient, PreviewResult } from '../../client/index.js';
import type { Plan } from '../../plan/types.js';

export type DisclosureCheckState =
  | { status: 'idle' }
  | { status: 'checking' }
  | { status: 'done'; result: PreviewResult; planJson: string }
  | { status: 'failed'; message: string };

export class DisclosureCheck {
  private readonly _changed = new Signal<this, void>(this);
  private _state: DisclosureCheckState = { status: 'idle' };
  private abort?: AbortController;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get state(): DisclosureCheckState {
    return this._state;
  }

  /** The answer is about this plan only: a changed form makes it stale. */
  isFor(plan: Plan | undefined): boolean {
    return this._state.status === 'done' && plan !== undefined && this._state.planJson === JSON.stringify(plan);
  }

  async check(hub: HubClient, plan: Plan, sites: string[]): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    this.set({ status: 'checking' });
    try {
      const result = await hub.preview(plan, { sites, signal: abort.signal });
      if (!abort.signal.aborted) this.set({ status: 'done', result, planJson: JSON.stringify(plan) });
    } catch (err) {
      if (!abort.signal.aborted) this.set({ status: 'failed', message: (err as Error).message });
    }
  }

  dispose(): void {
    this.abort?.abort();
    Signal.clearData(this);
  }

  private set(state: DisclosureCheckState): void {
    this._state = state;
    this._changed.emit();
  }
}

/** Per site: how many cells each action applies to, and the cells that are not simply perturbed. */
export function summarise(preview: PreviewResult['sites'][number]): { counts: Record<string, number>; notable: string[] } {
  const counts: Record<string, number> = {};
  const notable: string[] = [];
  for (const c of preview.cells ?? []) {
    counts[c.action] = (counts[c.action] ?? 0) + 1;
    if (c.action !== 'perturbed' && c.action !== 'exact') notable.push(`${c.cell} (${c.measure}): ${c.action} — ${c.reason}`);
  }
  return { counts, notable };
}
