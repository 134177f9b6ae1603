import { useEffect, useReducer, useState } from 'react';
import type { ISignal } from '@lumino/signaling';

/** Re-renders the calling component whenever `signal` fires (and stops listening on unmount). */
export function useSignal<T>(signal: ISignal<T, unknown> | undefined): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!signal) return undefined;
    const slot = () => bump();
    signal.connect(slot);
    return () => {
      signal.disconnect(slot);
    };
  }, [signal]);
}

/** Re-renders every `ms` while `active`, for clocks that count up while sites work. */
export function useTicker(active: boolean, ms = 200): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(bump, ms);
    return () => clearInterval(timer);
  }, [active, ms]);
}

/**
 * JupyterLab's light/dark flag (`data-jp-theme-light` on the body, set by its theme manager once a
 * theme has loaded), as state that changes with the theme. The Vega renderer reads the flag when it
 * draws, so a chart drawn under one theme has to be drawn again when the theme changes.
 */
export function useThemeLight(): string | undefined {
  const read = (): string | undefined => (typeof document === 'undefined' ? undefined : document.body.dataset.jpThemeLight);
  const [light, setLight] = useState(read);
  useEffect(() => {
    if (typeof MutationObserver === 'undefined' || typeof document === 'undefined') return undefined;
    const observer = new MutationObserver(() => setLight(read()));
    observer.observe(document.body, { attributes: true, attributeFilter: ['data-jp-theme-light'] });
    // A switch between the first render and this effect would otherwise go unseen.
    setLight(read());
    return () => observer.disconnect();
  }, []);
  return light;
}
