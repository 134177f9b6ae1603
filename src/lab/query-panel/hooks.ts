import { useEffect, useReducer } from 'react';
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
