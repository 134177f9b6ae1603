/**
 * Plans for fuzzing, drawn by fast-check from the published JSON Schema (spec/plan.schema.json), so
 * the fuzzer follows the schema as it changes. Most plans are schema-shaped (many then fail the
 * validator's cross-field checks, which is the point: both paths run); a fifth are mutated away from
 * the schema (a key dropped, a value of the wrong type, an absurd number).
 *
 * A small walker, not a general JSON-Schema generator: it knows the keywords the plan schema uses
 * ($ref, anyOf/oneOf, const, enum, type, properties/required, min/maxProperties, items/min/maxItems,
 * minimum/maximum, pattern, maxLength) and bounds recursion so plans stay small enough to run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { REPO } from '../harness/processes.js';

type Schema = Record<string, any>;

const SCHEMA: Schema = JSON.parse(readFileSync(path.join(REPO, 'spec', 'plan.schema.json'), 'utf8'));

/** Below this depth optional parts are left out, so recursive groups end. */
const MAX_DEPTH = 7;
/** Real concept ids the synthetic sites know (prostate, lung, breast cancer, ...), so some plans match rows. */
const CONCEPTS = [4163261, 443388, 4112853, 8507, 8532, 3004249, 1308216, 44816672, 4299535, 201826];

function resolve(schema: Schema): Schema {
  if (typeof schema.$ref !== 'string') return schema;
  return SCHEMA.$defs[schema.$ref.replace('#/$defs/', '')];
}

function integer(schema: Schema, key: string): fc.Arbitrary<number> {
  if (key === 'CONCEPT_ID') return fc.oneof(fc.constantFrom(...CONCEPTS), fc.integer({ min: 1, max: 2_147_483_647 }));
  if (schema.minimum !== undefined || schema.maximum !== undefined) {
    return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
  }
  // Ids and counts without bounds: mostly small, so CodesetIds hit the plan's own concept sets.
  return fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 4 }) }, fc.integer({ min: -1000, max: 100_000 }));
}

/** Arbitraries are built once per schema node, depth and key: object() would otherwise rebuild whole subtrees per draw. */
const built = new WeakMap<Schema, Map<string, fc.Arbitrary<unknown>>>();

function arb(input: Schema, depth: number, key = ''): fc.Arbitrary<unknown> {
  const schema = resolve(input);
  let byDepth = built.get(schema);
  if (!byDepth) built.set(schema, (byDepth = new Map()));
  const memo = `${depth}\n${key}`;
  let a = byDepth.get(memo);
  if (!a) byDepth.set(memo, (a = build(schema, depth, key)));
  return a;
}

function build(schema: Schema, depth: number, key: string): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives) {
    const deep = depth >= MAX_DEPTH;
    const choices = deep ? alternatives.filter((a) => a.type === 'null') : alternatives;
    return fc.oneof(...(choices.length > 0 ? choices : alternatives).map((a) => arb(a, depth + 1, key)));
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return integer(schema, key);
    case 'number':
      return fc.oneof(integer(schema, key), fc.double({ min: -1e6, max: 1e6, noNaN: true }));
    case 'string':
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern as string));
      return fc.string({ maxLength: Math.min(12, schema.maxLength ?? 12) });
    case 'array': {
      const min = schema.minItems ?? 0;
      const max = depth >= MAX_DEPTH ? min : Math.max(min, Math.min(3, schema.maxItems ?? 3));
      const items = fc.array(arb(schema.items ?? {}, depth + 1), { minLength: min, maxLength: max });
      return schema.uniqueItems ? items.map((xs) => [...new Set(xs)]) : items;
    }
    case 'object':
      return object(schema, depth);
    default:
      return fc.constant({});
  }
}

function object(schema: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set<string>((schema.required as string[] | undefined) ?? []);
  const optional = Object.keys(props).filter((k) => !required.has(k));
  const minProps = schema.minProperties ?? 0;
  const maxProps = schema.maxProperties ?? 3;
  const deep = depth >= MAX_DEPTH;
  const chosen = fc.subarray(optional, {
    minLength: Math.min(optional.length, Math.max(0, minProps - required.size)),
    maxLength: deep ? Math.max(0, minProps - required.size) : Math.min(optional.length, maxProps),
  });
  return chosen.chain((keys) => {
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const k of [...required, ...keys]) model[k] = arb(props[k], depth + 1, k);
    return fc.record(model);
  });
}

type Mutation = (plan: any, pick: number) => unknown;

/** Paths of every object inside `value`, to pick a mutation site from. */
function objects(value: unknown, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (value && typeof value === 'object') {
    if (!Array.isArray(value)) out.push(value as Record<string, unknown>);
    for (const v of Object.values(value)) objects(v, out);
  }
  return out;
}

const WEIRD: unknown[] = [
  '',
  'x'.repeat(3000),
  -1,
  1e308,
  2 ** 53 + 1,
  true,
  null,
  [],
  {},
  [[[]]],
  '1; DROP TABLE person',
  '\u0000',
];

const MUTATIONS: Mutation[] = [
  (plan, pick) => {
    const all = objects(plan);
    const target = all[pick % all.length];
    const keys = Object.keys(target);
    if (keys.length > 0) delete target[keys[pick % keys.length]];
    return plan;
  },
  (plan, pick) => {
    const all = objects(plan);
    const target = all[pick % all.length];
    const keys = Object.keys(target);
    if (keys.length > 0) target[keys[pick % keys.length]] = WEIRD[pick % WEIRD.length];
    return plan;
  },
  (plan, pick) => {
    const all = objects(plan);
    all[pick % all.length][`Unknown${pick % 7}`] = WEIRD[pick % WEIRD.length];
    return plan;
  },
  (_plan, pick) => WEIRD[pick % WEIRD.length],
];

const schemaShaped = arb(SCHEMA, 0) as fc.Arbitrary<Record<string, unknown>>;

export const planArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: schemaShaped },
  {
    weight: 1,
    arbitrary: fc
      .tuple(schemaShaped, fc.nat(), fc.nat({ max: MUTATIONS.length - 1 }))
      .map(([plan, pick, m]) => MUTATIONS[m](structuredClone(plan), pick)),
  },
);

/** `count` plans, the same ones for the same seed. */
export function samplePlans(count: number, seed: number): unknown[] {
  return fc.sample(planArbitrary, { numRuns: count, seed });
}
