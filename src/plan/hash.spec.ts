import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalJson, planHash } from './hash.js';
import type { Plan } from './types.js';

type Json = any;

function plan(): Json {
  return {
    version: 1,
    cohort: {
      ConceptSets: [
        { id: 0, name: 'Lung cancer', expression: { items: [{ concept: { CONCEPT_ID: 443388 }, includeDescendants: true }] } },
      ],
      PrimaryCriteria: {
        CriteriaList: [{ ConditionOccurrence: { CodesetId: 0, Age: { Value: 50, Op: 'gte' } } }],
        PrimaryCriteriaLimit: { Type: 'First' },
      },
    },
    analysis: { kind: 'crosstab', by: ['gender', 'age_group'] },
  };
}

/** The same value with every object's keys inserted in reverse order. */
function reversedKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .reverse()
      .map((k) => [k, reversedKeys(v[k])]),
  );
}

test('canonical JSON sorts keys at every depth and has no whitespace', () => {
  assert.equal(canonicalJson({ b: [3, { z: 1, a: 'x y' }], a: null, c: true }), '{"a":null,"b":[3,{"a":"x y","z":1}],"c":true}');
});

test('canonical JSON orders keys by UTF-16 code units and writes numbers and strings as RFC 8785 does', () => {
  // By code point the emoji (U+1F600) would sort after U+FB01; by UTF-16 units (0xD83D) it sorts before.
  assert.equal(canonicalJson({ '\ufb01': 1, '\u{1f600}': 2, '\u20ac': 3 }), '{"\u20ac":3,"\u{1f600}":2,"\ufb01":1}');
  assert.equal(canonicalJson([1.0, -0, 1e21, 0.1, 1e-7]), '[1,0,1e+21,0.1,1e-7]');
  assert.equal(canonicalJson('a"\\\n\u0001é'), '"a\\"\\\\\\n\\u0001é"');
});

test('canonical JSON refuses what is not JSON instead of hashing something else', () => {
  const cyclic: Json = { a: 1 };
  cyclic.self = cyclic;
  for (const bad of [NaN, Infinity, () => 1, 10n, new Date(0), cyclic, { x: Symbol('s') }]) {
    assert.throws(() => canonicalJson(bad), TypeError);
  }
  // A value seen twice but not inside itself is fine.
  const shared = { k: 1 };
  assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"k":1},"b":{"k":1}}');
});

test('the plan hash does not depend on key order', async () => {
  const a = plan();
  const b = reversedKeys(a);
  assert.notEqual(JSON.stringify(a), JSON.stringify(b));
  assert.equal(await planHash(a as Plan), await planHash(b as Plan));
});

test('the plan hash changes when any value changes, including list order and letter case', async () => {
  const base = await planHash(plan() as Plan);
  const variants: Array<(p: Json) => void> = [
    (p) => (p.cohort.PrimaryCriteria.CriteriaList[0].ConditionOccurrence.CodesetId = 1),
    (p) => (p.cohort.PrimaryCriteria.CriteriaList[0].ConditionOccurrence.Age.Value = 51),
    (p) => (p.cohort.PrimaryCriteria.PrimaryCriteriaLimit.Type = 'first'),
    (p) => p.analysis.by.reverse(),
    (p) => (p.cohort.ConceptSets[0].expression.items[0].includeDescendants = false),
  ];
  const seen = new Set([base]);
  for (const change of variants) {
    const p = plan();
    change(p);
    const h = await planHash(p as Plan);
    assert.ok(!seen.has(h), `collision for ${change.toString()}`);
    seen.add(h);
  }
});

test('the plan hash is the hex SHA-256 of the canonical JSON in UTF-8, pinned for other implementations', async () => {
  const p = plan();
  p.cohort.ConceptSets[0].name = 'Lungenkrebs – Übersicht';
  const expected = createHash('sha256').update(canonicalJson(p), 'utf8').digest('hex');
  assert.equal(await planHash(p as Plan), expected);
  // Computed outside this code base: sha256 of the literal canonical text below.
  const tiny = { version: 1, cohort: { ConceptSets: [], PrimaryCriteria: { CriteriaList: [] } }, analysis: { kind: 'count' } };
  assert.equal(
    canonicalJson(tiny),
    '{"analysis":{"kind":"count"},"cohort":{"ConceptSets":[],"PrimaryCriteria":{"CriteriaList":[]}},"version":1}',
  );
  assert.equal(await planHash(tiny as unknown as Plan), '92ac896c8364a9e316a1d07bbf8ca6dca2d221fd6667124a340bed097b596979');
});
