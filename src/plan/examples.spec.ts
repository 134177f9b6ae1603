/**
 * The published examples and JSON Schema against the validator: every example behaves as its
 * file says, the schema agrees with the validator on them, and the schema never refuses a plan the
 * validator accepts (checked on thousands of seeded mutations of the valid examples).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { DOMAINS } from '../circe/domains.js';
import { PLAN_LIMITS } from './limits.js';
import { planSchema } from './plan-schema.js';
import { CRITERION_DOMAINS } from './types.js';
import { validatePlan } from './validate.js';
import { mulberry32 } from '../stats/random.spec-util.js';

type Json = any;

const SPEC = new URL('../../spec/', import.meta.url);
const readJson = (url: URL): Json => JSON.parse(readFileSync(url, 'utf8'));
const schema = readJson(new URL('plan.schema.json', SPEC));

function examples(kind: 'valid' | 'invalid'): Array<{ name: string; plan: Json; expect?: Json }> {
  const dir = new URL(`examples/${kind}/`, SPEC);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.expect.json'))
    .sort()
    .map((f) => ({
      name: f,
      plan: readJson(new URL(f, dir)),
      expect: kind === 'invalid' ? readJson(new URL(f.replace(/\.json$/, '.expect.json'), dir)) : undefined,
    }));
}

const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
const schemaAccepts = ajv.compile(schema);
const ajvErrors = () => ajv.errorsText(schemaAccepts.errors);

const valid = examples('valid');
const invalid = examples('invalid');

test('there are examples to check, and every invalid one says what to expect', () => {
  assert.ok(valid.length >= 6, `only ${valid.length} valid examples`);
  assert.ok(invalid.length >= 20, `only ${invalid.length} invalid examples`);
  for (const { name, expect } of invalid) {
    assert.match(expect.code, /^ERR_PLAN_(INVALID|UNSUPPORTED|TOO_LARGE)$/, name);
    assert.equal(typeof expect.path, 'string', name);
  }
});

for (const { name, plan } of valid) {
  test(`valid example ${name} passes the validator and the schema`, () => {
    const r = validatePlan(plan);
    assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.problems, null, 1));
    assert.ok(schemaAccepts(plan), ajvErrors());
  });
}

for (const { name, plan, expect } of invalid) {
  test(`invalid example ${name} fails with ${expect.code} at ${expect.path || '(root)'}`, () => {
    const r = validatePlan(plan);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.code, expect.code, JSON.stringify(r.problems, null, 1));
    assert.ok(
      r.problems.some((p) => p.path === expect.path),
      `no problem at ${expect.path}; got ${r.problems.map((p) => p.path).join(' | ')}`,
    );
    // schemaRejects: false marks what only the validator can see (cross-references, calendars, limit
    // interplay); checking that ajv accepts those keeps the mark honest as the schema evolves.
    const schemaShouldReject = expect.schemaRejects !== false;
    assert.equal(
      schemaAccepts(plan),
      !schemaShouldReject,
      schemaShouldReject ? 'the schema accepted it' : 'the schema now rejects it: drop schemaRejects',
    );
  });
}

test('spec/plan.schema.json is the schema generated from the catalogue and limits (regenerate it: see plan-schema.ts)', () => {
  const defs: Json = schema.$defs;
  assert.deepEqual(schema, planSchema());
  assert.deepEqual(Object.keys(defs.Criterion.properties).sort(), [...CRITERION_DOMAINS].sort());
  for (const domain of CRITERION_DOMAINS) {
    assert.deepEqual(Object.keys(defs[domain].properties).sort(), Object.keys(DOMAINS[domain].attributes).sort(), domain);
  }
  assert.equal(defs.PrimaryCriteria.properties.CriteriaList.maxItems, PLAN_LIMITS.maxCriteria);
});

// prettier-ignore
const REPLACEMENTS: Json[] = [
  null, [], {}, 0, 1, -1, 1.5, 2 ** 31, '', 'All', 'first', 'LAST', 'bt', '!bt', '!eq', 'gte', '2020-02-29', '2021-02-29',
  '2020-1-1', true, false, [{ CONCEPT_ID: 8507 }], { Value: 3, Op: 'bt' }, { Value: 3, Extent: 1, Op: 'bt' }, { Type: 'All' },
  { Type: 'first' }, { Type: 'ALL', CriteriaList: [], DemographicCriteriaList: [], Groups: [] }, ['gender'], 'gender', 'crosstab',
  'count', 'attrition', 'AT_LEAST', 'day', 'hour', 2, { Days: 30, Coeff: -1 }, { Type: 2, Count: 1 }, { CodesetId: 0 },
  { DateOffset: { DateField: 'StartDate', Offset: 7 } }, { CustomEra: { DrugCodesetId: 0 } }, { Text: 'x', Op: 'contains' },
];
// prettier-ignore
const NEW_KEYS = [
  'CodesetId', 'First', 'Age', 'Gender', 'ValueAsNumber', 'VisitType', 'ConditionTypeExclude', 'CorrelatedCriteria', 'Extent',
  'Type', 'by', 'name', 'Title', 'EndStrategy', 'InclusionRules', 'CensorWindow', 'StartDate', 'includeMapped', 'CONCEPT_NAME',
  'x', 'Count', 'Occurrence', 'TimeUnit', 'Days', 'Coeff', 'IsDistinct', 'CountColumn', 'GenderCS', 'StopReason', 'EraPadUnit',
  'Episode', 'description',
];

/** A container reached by a random walk from the root, so shallow fields are picked as often as deep ones. */
function randomContainer(root: Json, rand: () => number): Json {
  let node = root;
  for (;;) {
    const children = (Array.isArray(node) ? node : Object.values(node)).filter((c: Json) => c !== null && typeof c === 'object');
    if (children.length === 0 || rand() < 0.3) return node;
    node = children[Math.floor(rand() * children.length)];
  }
}

function mutate(plan: Json, rand: () => number): Json {
  const copy = structuredClone(plan);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const steps = rand() < 0.7 ? 1 : 2;
  for (let s = 0; s < steps; s++) {
    const target = randomContainer(copy, rand);
    const keys: Array<string | number> = Array.isArray(target) ? target.map((_: Json, i: number) => i) : Object.keys(target);
    const op = rand();
    if (op < 0.25 && keys.length > 0) {
      const k = pick(keys);
      if (Array.isArray(target)) target.splice(Number(k), 1);
      else delete target[k];
    } else if (op < 0.75 && keys.length > 0) {
      target[pick(keys)] = structuredClone(pick(REPLACEMENTS));
    } else if (op < 0.85 && Array.isArray(target) && target.length > 0) {
      target.push(structuredClone(pick(target)));
    } else if (!Array.isArray(target)) {
      target[pick(NEW_KEYS)] = structuredClone(pick(REPLACEMENTS));
    }
  }
  return copy;
}

/** Every plan one edit away: each field deleted, replaced by each REPLACEMENTS value, or a NEW_KEYS field added. */
function* singleEdits(plan: Json): Generator<Json> {
  const paths: Array<Array<string | number>> = [];
  const walk = (v: Json, path: Array<string | number>) => {
    if (v === null || typeof v !== 'object') return;
    paths.push(path);
    if (Array.isArray(v)) v.forEach((c, i) => walk(c, [...path, i]));
    else for (const [k, c] of Object.entries(v)) walk(c, [...path, k]);
  };
  walk(plan, []);
  const at = (root: Json, path: Array<string | number>) => path.reduce((n, k) => n[k], root);
  for (const path of paths) {
    const keys: Array<string | number> = Object.keys(at(plan, path)).map((k) => (Array.isArray(at(plan, path)) ? Number(k) : k));
    for (const k of keys) {
      const removed = structuredClone(plan);
      const target = at(removed, path);
      if (Array.isArray(target)) target.splice(Number(k), 1);
      else delete target[k];
      yield removed;
      for (const value of REPLACEMENTS) {
        const replaced = structuredClone(plan);
        at(replaced, path)[k] = structuredClone(value);
        yield replaced;
      }
    }
    if (!Array.isArray(at(plan, path))) {
      for (const key of NEW_KEYS) {
        for (const value of [null, [], false, 0, {}]) {
          const added = structuredClone(plan);
          at(added, path)[key] = structuredClone(value);
          yield added;
        }
      }
    }
  }
}

test('the schema accepts every plan one edit away from an example that the validator accepts', () => {
  let accepted = 0;
  let refused = 0;
  for (const { name, plan } of valid) {
    for (const edited of singleEdits(plan)) {
      if (!validatePlan(edited).ok) {
        refused++;
        continue;
      }
      accepted++;
      assert.ok(
        schemaAccepts(edited),
        `an edit of ${name} passes the validator but not the schema: ${ajvErrors()}\n${JSON.stringify(edited)}`,
      );
    }
  }
  // Both outcomes must be common, or the sweep proves nothing.
  assert.ok(accepted > 500 && refused > 500, `accepted ${accepted}, refused ${refused}`);
});

test('the schema accepts every randomly mutated plan the validator accepts (3,000 seeded mutations)', () => {
  const rand = mulberry32(20240611);
  for (let i = 0; i < 3000; i++) {
    const plan = mutate(valid[i % valid.length].plan, rand);
    if (validatePlan(plan).ok) {
      assert.ok(
        schemaAccepts(plan),
        `mutation ${i} passes the validator but not the schema: ${ajvErrors()}\n${JSON.stringify(plan)}`,
      );
    }
  }
});
