/**
 * Validation faces whatever a network or a notebook hands it. These tests feed it thousands of
 * seeded random values and texts, plus the classic hostile shapes, and require an answer every
 * time: never a throw, never a hang, never a polluted prototype.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FedomopError } from '../errors.js';
import { parsePlan, validatePlan, validatePlanText, type ValidationResult } from './index.js';
import { mulberry32 } from '../stats/random.spec-util.js';

type Json = any;

// prettier-ignore
const KEYS = [
  'version', 'cohort', 'analysis', 'kind', 'by', 'ConceptSets', 'PrimaryCriteria', 'CriteriaList', 'ConditionOccurrence',
  'Measurement', 'DrugEra', 'CodesetId', 'First', 'Age', 'Value', 'Op', 'Extent', 'Gender', 'CONCEPT_ID', 'items', 'concept', 'id',
  'expression', 'InclusionRules', 'ExpressionLimit', 'Type', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf',
  '', ' ', 'a.b', '0',
];
// prettier-ignore
const STRINGS = [
  '', 'count', 'crosstab', 'gender', 'First', 'all', 'bt', '!eq', '2020-02-29', '2021-13-01', 'é😀', '\u0000', 'x'.repeat(2500),
];
const NUMBERS = [0, -0, 1, -1, 1.5, 2 ** 31, 2 ** 53 + 2, Number.MAX_VALUE, NaN, Infinity, -Infinity, 1e-300];
const ODDITIES = [
  undefined,
  () => 1,
  Symbol('s'),
  10n,
  new Date(0),
  new Map(),
  new Set([1]),
  /re/,
  new Uint8Array(2),
  Object.create(null),
];

function randomValue(rand: () => number, depth: number): Json {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const r = rand();
  if (depth > 6 || r < 0.35) {
    const leaf = rand();
    if (leaf < 0.3) return pick(STRINGS);
    if (leaf < 0.6) return pick(NUMBERS);
    if (leaf < 0.75) return pick([true, false, null]);
    return pick(ODDITIES);
  }
  if (r < 0.6) {
    const arr = Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(rand, depth + 1));
    if (rand() < 0.05) arr.length += 2; // holes
    return arr;
  }
  const obj: Json = rand() < 0.1 ? Object.create(null) : {};
  const n = Math.floor(rand() * 6);
  for (let i = 0; i < n; i++)
    Object.defineProperty(obj, pick(KEYS), {
      value: randomValue(rand, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return obj;
}

/** Plan-shaped garbage reaches deeper into the validator than uniform noise does. */
function randomPlan(rand: () => number): Json {
  const v = (d = 2) => (rand() < 0.15 ? randomValue(rand, d) : undefined);
  return {
    version: rand() < 0.8 ? 1 : v(),
    cohort:
      rand() < 0.1
        ? v()
        : {
            ConceptSets:
              rand() < 0.2
                ? v()
                : [
                    {
                      id: rand() < 0.8 ? 0 : v(),
                      expression: { items: [{ concept: { CONCEPT_ID: rand() < 0.8 ? 4112853 : v() }, includeDescendants: v() }] },
                    },
                  ],
            PrimaryCriteria:
              rand() < 0.2
                ? v()
                : {
                    CriteriaList: [
                      {
                        [rand() < 0.7 ? 'ConditionOccurrence' : 'Measurement']: {
                          CodesetId: v(),
                          Age: v(),
                          ValueAsNumber: v(),
                          OccurrenceStartDate: v(),
                          Gender: v(),
                        },
                      },
                    ],
                    PrimaryCriteriaLimit: v(),
                  },
            ExpressionLimit: v(),
            InclusionRules: v(),
            CensorWindow: v(),
            CollapseSettings: v(),
          },
    analysis:
      rand() < 0.4
        ? { kind: 'count' }
        : rand() < 0.7
          ? { kind: 'crosstab', by: rand() < 0.6 ? ['gender', 'index_year'] : v() }
          : randomValue(rand, 1),
  };
}

function assertWellFormed(r: ValidationResult, label: string): void {
  if (r.ok) {
    assert.equal(typeof r.plan, 'object', label);
    return;
  }
  assert.ok(r.problems.length > 0, `${label}: refused without a problem`);
  for (const p of r.problems) {
    assert.equal(typeof p.path, 'string', label);
    assert.ok(typeof p.message === 'string' && p.message.length > 0, label);
  }
  assert.ok(['ERR_PLAN_INVALID', 'ERR_PLAN_UNSUPPORTED', 'ERR_PLAN_TOO_LARGE'].includes(r.code), label);
  assert.equal(r.unsupported, r.code === 'ERR_PLAN_UNSUPPORTED', label);
}

function parseFailsCleanly(input: unknown, label: string): void {
  try {
    parsePlan(input);
  } catch (e) {
    assert.ok(e instanceof FedomopError && e.code.startsWith('ERR_PLAN_'), `${label}: parsePlan threw ${String(e)}`);
  }
}

test('4,000 seeded random values and plan-shaped values get an answer, never a throw, and quickly', () => {
  const rand = mulberry32(7);
  let slowest = 0;
  let accepted = 0;
  for (let i = 0; i < 4000; i++) {
    const input = i % 2 === 0 ? randomValue(rand, 0) : randomPlan(rand);
    const started = performance.now();
    const r = validatePlan(input);
    slowest = Math.max(slowest, performance.now() - started);
    assertWellFormed(r, `value ${i}`);
    if (r.ok) accepted++;
    parseFailsCleanly(input, `value ${i}`);
  }
  assert.ok(accepted > 50, `only ${accepted} generated plans were valid: the generator is not reaching the deep checks`);
  assert.ok(slowest < 250, `slowest validation took ${slowest.toFixed(1)} ms`);
  assert.equal(({} as Json).polluted, undefined);
});

test('2,000 seeded corruptions of plan text get an answer, never a throw', () => {
  const rand = mulberry32(11);
  const text = JSON.stringify({
    version: 1,
    cohort: {
      ConceptSets: [{ id: 0, expression: { items: [{ concept: { CONCEPT_ID: 443388 } }] } }],
      PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }] },
    },
    analysis: { kind: 'crosstab', by: ['gender'] },
  });
  const alphabet = '{}[]",:0123456789.-eE truefalsnul\\u\n';
  for (let i = 0; i < 2000; i++) {
    let t = text;
    for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) {
      const at = Math.floor(rand() * t.length);
      t =
        rand() < 0.5
          ? t.slice(0, at) + t.slice(at + 1)
          : t.slice(0, at) + alphabet[Math.floor(rand() * alphabet.length)] + t.slice(at);
    }
    assertWellFormed(validatePlanText(t), `text ${i}: ${t}`);
    parseFailsCleanly(t, `text ${i}`);
  }
});

test('deeply nested input is refused without walking it all or overflowing the stack', () => {
  let deep: Json = {};
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  const r = validatePlan({ version: 1, cohort: deep, analysis: { kind: 'count' } });
  assert.ok(!r.ok && r.problems.some((p) => /deeper than 32 levels/.test(p.message)));

  const text = '{"version":1,"analysis":{"kind":"count"},"cohort":' + '['.repeat(400_000) + ']'.repeat(400_000) + '}';
  assertWellFormed(validatePlanText(text), 'deep text');
});

test('cyclic values and values whose getters throw are answered, not thrown', () => {
  const cyclic: Json = { version: 1, analysis: { kind: 'count' } };
  cyclic.cohort = cyclic;
  assertWellFormed(validatePlan(cyclic), 'cycle');
  assert.equal(validatePlan(cyclic).ok, false);

  const trap = new Proxy(
    {},
    {
      ownKeys: () => {
        throw new Error('boom');
      },
      getPrototypeOf: () => Object.prototype,
    },
  );
  const r = validatePlan({ version: 1, cohort: trap, analysis: { kind: 'count' } });
  assert.ok(!r.ok && /could not be read/.test(r.problems[0].message));

  const getter = {
    version: 1,
    analysis: { kind: 'count' },
    get cohort(): never {
      throw new Error('no');
    },
  };
  assertWellFormed(validatePlan(getter), 'getter');
});

test('__proto__, constructor and other prototype names are plain keys: reported, never followed or polluting', () => {
  const text = `{"version":1,"__proto__":{"polluted":true},"analysis":{"kind":"count","__proto__":{"by":["gender"]}},
    "cohort":{"ConceptSets":[],"PrimaryCriteria":{"CriteriaList":[{"constructor":{}},{"ConditionOccurrence":{"toString":1,"hasOwnProperty":2}}]}}}`;
  const r = validatePlanText(text);
  assert.ok(!r.ok);
  const paths = r.problems.map((p) => p.path).sort();
  assert.deepEqual(paths, [
    '__proto__',
    'analysis.__proto__',
    'cohort.PrimaryCriteria.CriteriaList[0].constructor',
    'cohort.PrimaryCriteria.CriteriaList[1].ConditionOccurrence.hasOwnProperty',
    'cohort.PrimaryCriteria.CriteriaList[1].ConditionOccurrence.toString',
  ]);
  assert.equal(({} as Json).polluted, undefined);
  assert.equal(({} as Json).by, undefined);
});
