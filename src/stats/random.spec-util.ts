/** Seeded random numbers for the statistics specs (reproducible generated data, no dependency). */
export function rng(seed: number): () => number {
  // xorshift32 → uniform in (0, 1)
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
}

export function normal(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

export function poissonDraw(u: () => number, mean: number): number {
  // Knuth's multiplication method; fine for the small means used here.
  const limit = Math.exp(-mean);
  let k = 0;
  let prod = u();
  while (prod > limit) {
    k++;
    prod *= u();
  }
  return k;
}

export function relErr(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

/**
 * mulberry32: a small seeded generator, uniform in [0, 1), for specs and benchmarks that pick cases
 * or build data reproducibly (a failure replays exactly from its seed).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
