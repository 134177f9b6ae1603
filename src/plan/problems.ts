/**
 * Collecting plan problems: where (a dotted JSON path), what to do about it, and whether it is a
 * mistake (`invalid`) or a valid Circe feature this version cannot run (`unsupported`). The UI
 * shows them all at once, so the researcher fixes a pasted ATLAS export in one round.
 */
import type { PlanProblem } from '../errors.js';

export type ProblemKind = 'invalid' | 'unsupported';

export interface KindedProblem extends PlanProblem {
  kind: ProblemKind;
}

export class ProblemList {
  readonly items: KindedProblem[] = [];
  private dropped = 0;

  constructor(private readonly max: number) {}

  invalid(path: string, message: string): void {
    this.push({ path, message, kind: 'invalid' });
  }

  unsupported(path: string, message: string): void {
    this.push({ path, message, kind: 'unsupported' });
  }

  get size(): number {
    return this.items.length;
  }

  /** Plain problems for callers; a final note says how many were left out. */
  list(): PlanProblem[] {
    const out: PlanProblem[] = this.items.map(({ path, message }) => ({ path, message }));
    if (this.dropped > 0) out.push({ path: '', message: `${this.dropped} further problem(s) not listed` });
    return out;
  }

  allUnsupported(): boolean {
    return this.items.length > 0 && this.dropped === 0 && this.items.every((p) => p.kind === 'unsupported');
  }

  private push(p: KindedProblem): void {
    if (this.items.length < this.max) this.items.push(p);
    else this.dropped++;
  }
}

/**
 * Something Circe (and ATLAS) would run but that is almost surely not what the researcher meant,
 * such as a window that ends before it starts. Warnings never block a plan; they travel with it.
 */
export interface PlanWarning {
  path: string;
  message: string;
}

export class WarningList {
  readonly items: PlanWarning[] = [];

  constructor(private readonly max: number) {}

  add(path: string, message: string): void {
    if (this.items.length < this.max) this.items.push({ path, message });
  }

  list(): PlanWarning[] {
    return this.items.map(({ path, message }) => ({ path, message }));
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MAX_KEY_IN_PATH = 100;

/** `at('cohort', 'ConceptSets')` → `cohort.ConceptSets`; `at(p, 0)` → `p[0]`; odd keys are quoted. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (IDENTIFIER.test(key) && key.length <= MAX_KEY_IN_PATH) return path ? `${path}.${key}` : key;
  const shown = key.length > MAX_KEY_IN_PATH ? key.slice(0, MAX_KEY_IN_PATH) + '…' : key;
  return `${path}[${JSON.stringify(shown)}]`;
}

/** A short, human description of a value for "got ..." in messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the text ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
    case 'number':
      return Number.isFinite(value) ? `the number ${value}` : `${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

/** The candidate a misspelt key most likely meant: same letters ignoring case, or one or two edits away. */
export function suggest(key: string, candidates: Iterable<string>): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c.toLowerCase() === lower) return c;
    if (key.length < 4 || Math.abs(c.length - key.length) > 2) continue;
    const d = editDistance(lower, c.toLowerCase(), 2);
    if (d <= 2 && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string, cap: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > cap) return cap + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** `(did you mean X?)` or nothing. */
export function didYouMean(key: string, candidates: Iterable<string>): string {
  const s = suggest(key, candidates);
  return s ? ` (did you mean ${s}?)` : '';
}

export function listOf(items: Iterable<string | number>): string {
  return [...items].join(', ');
}
