/**
 * Exact pooled quantiles by federated bisection over counts, in the order of IEEE doubles: each
 * double maps to a 64-bit key whose unsigned order is the numeric order, so bisecting keys finds
 * the smallest value v with #{x ≤ v} ≥ ⌈p·n⌉ (Hyndman–Fan type 1) exactly, whatever the values —
 * ages, days, or lab values with decimals — in at most 64 halvings (here 5 bits per round).
 *
 * Sites answer #{x ≤ v} only with ≥ k persons on each side of v, else 'low' / 'high'; the pooled
 * count is then an interval. A quantile whose decision falls inside such an interval, or with fewer
 * than k persons strictly below or above it, is not released (null, with the reason).
 */
import { quantileTarget } from '../../stats/quantile.js';
import type { ProbeAnswer } from './rounds.js';

const SIGN = 1n << 63n;
const MASK = (1n << 64n) - 1n;

export function orderedKey(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x === 0 ? 0 : x);
  const u = view.getBigUint64(0);
  return u & SIGN ? ~u & MASK : u | SIGN;
}

export function fromOrderedKey(key: bigint): number {
  const u = key & SIGN ? key & ~SIGN : ~key & MASK;
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, u);
  return view.getFloat64(0);
}

/** Pooled #{x ≤ v} as an interval, from each site's answer and its n. */
export interface CountInterval {
  lo: number;
  hi: number;
}

export function pooledCount(answers: ReadonlyArray<{ n: number; count: ProbeAnswer }>, k: number): CountInterval {
  let lo = 0;
  let hi = 0;
  for (const { n, count } of answers) {
    if (count === 'low') hi += Math.min(k - 1, n);
    else if (count === 'high') {
      lo += Math.max(0, n - k + 1);
      hi += n;
    } else {
      lo += count;
      hi += count;
    }
  }
  return { lo, hi };
}

export type QuantileOutcome =
  | { p: number; released: true; value: number }
  | { p: number; released: false; reason: 'no-data' | 'too-few-below' | 'too-few-above' | 'undecidable' };

interface Search {
  p: number;
  target: number;
  a: bigint;
  b: bigint;
  done?: QuantileOutcome;
}

const LOWEST = orderedKey(-Number.MAX_VALUE) - 1n;
const HIGHEST = orderedKey(Number.MAX_VALUE);
const FANOUT = 32n;

/**
 * Runs the bisection for several probabilities of one variable (and level). `probe` asks the sites
 * for the pooled count at each value; `n` is the exact pooled number of values.
 */
export async function bisectQuantiles(
  ps: readonly number[],
  n: number,
  k: number,
  probe: (values: number[]) => Promise<CountInterval[]>,
  onRound?: (round: number) => void,
): Promise<QuantileOutcome[]> {
  const known = new Map<bigint, CountInterval>([
    [LOWEST, { lo: 0, hi: 0 }],
    [HIGHEST, { lo: n, hi: n }],
  ]);
  const searches: Search[] = ps.map((p) => ({ p, target: quantileTarget(p, n), a: LOWEST, b: HIGHEST }));
  if (n <= 0) return ps.map((p) => ({ p, released: false, reason: 'no-data' }));
  let round = 0;
  for (;;) {
    const active = searches.filter((s) => !s.done && s.b - s.a > 1n);
    if (active.length === 0) break;
    const wanted = new Set<bigint>();
    for (const s of active) {
      const width = s.b - s.a;
      if (width <= FANOUT) for (let x = s.a + 1n; x < s.b; x++) wanted.add(x);
      else for (let i = 1n; i < FANOUT; i++) wanted.add(s.a + (width * i) / FANOUT);
    }
    const keys = [...wanted].filter((x) => !known.has(x)).sort((x, y) => (x < y ? -1 : 1));
    round++;
    onRound?.(round);
    const counts = await probe(keys.map(fromOrderedKey));
    keys.forEach((x, i) => known.set(x, counts[i]));
    for (const s of active) {
      // the largest known key below target and the smallest at or above it, inside (a, b)
      let a = s.a;
      let b = s.b;
      for (const [x, c] of known) {
        if (x <= s.a || x >= s.b) continue;
        if (c.hi < s.target) {
          if (x > a) a = x;
        } else if (c.lo >= s.target) {
          if (x < b) b = x;
        }
      }
      // a probe between a and b whose interval straddles the target: the answer is not knowable
      for (const [x, c] of known) {
        if (x > a && x < b && c.lo < s.target && c.hi >= s.target) {
          s.done = { p: s.p, released: false, reason: 'undecidable' };
        }
      }
      s.a = a;
      s.b = b;
    }
  }
  return searches.map((s) => {
    if (s.done) return s.done;
    const below = known.get(s.a)!;
    const atMost = known.get(s.b)!;
    if (below.lo < k) return { p: s.p, released: false, reason: 'too-few-below' };
    if (n - atMost.hi < k) return { p: s.p, released: false, reason: 'too-few-above' };
    return { p: s.p, released: true, value: fromOrderedKey(s.b) + 0 };
  });
}
