/**
 * The JupyterLab panel (a browser) and the Deno kernel validate plans with this same code, so it
 * must not reach for Node: checked statically on the compiled modules, and by running it in Deno.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { planHash } from './hash.js';
import { validatePlan } from './validate.js';

const HERE = new URL('./', import.meta.url);
const modules = readdirSync(HERE).filter((f) => f.endsWith('.js') && !f.endsWith('.spec.js'));

// The Circe types and the domain catalogue are shared with the compiler; they import nothing else.
const SHARED = ['../errors.js', '../circe/types.js', '../circe/domains.js'];
// The plan parts of the analysis kinds (src/analysis/kinds/*/plan.ts and the variables' types and
// validator) are plan modules too; their own imports are checked below.
const KIND_ENTRIES = [
  '../analysis/kinds/plan-types.js',
  '../analysis/kinds/plan-kinds.js',
  '../analysis/kinds/validators.js',
  '../analysis/kinds/plan-checks.js',
  '../analysis/kinds/plan-schema-defs.js',
  '../analysis/variables/types.js',
];

test('plan modules import only each other, ../errors.js and the Circe types and catalogue', () => {
  assert.ok(modules.includes('validate.js') && modules.includes('hash.js'));
  const shared = SHARED.slice(1).map((s) => new URL(s, HERE));
  for (const url of shared) {
    const imports = [...readFileSync(url, 'utf8').matchAll(/(?:^|\n)\s*import\b[^'"]*?from\s*['"]([^'"]+)['"]/g)].map(
      (m) => m[1],
    );
    assert.ok(
      imports.every((s) => /^\.\/[\w-]+\.js$/.test(s)),
      `${url.pathname} imports ${imports.join(', ')}`,
    );
    assert.doesNotMatch(readFileSync(url, 'utf8'), /\brequire\(|\bprocess\.|\bBuffer\b|import\(/);
  }
  for (const file of modules) {
    const source = readFileSync(new URL(file, HERE), 'utf8');
    const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:(?:import|export)\b[^'"]*?from\s*|import\s*)['"]([^'"]+)['"]/g)].map(
      (m) => m[1],
    );
    for (const s of specifiers) {
      assert.ok(/^\.\/[\w-]+\.js$/.test(s) || SHARED.includes(s) || KIND_ENTRIES.includes(s), `${file} imports ${s}`);
    }
    assert.doesNotMatch(
      source,
      /\brequire\(|\bprocess\.|\bBuffer\b|import\(/,
      `${file} uses a Node-only global or dynamic import`,
    );
  }
});

test("the kinds' plan parts reach only plan-safe modules (no Node, no site or hub code)", () => {
  const allowed = [
    /\/analysis\/kinds\/([\w-]+\/)?plan[\w-]*\.js$/,
    /\/analysis\/kinds\/validators\.js$/,
    // the plan's own problem list and shape readers (plan modules: they import only ../errors.js)
    /\/plan\/(problems|shape)\.js$/,
    /\/analysis\/variables\/(types|validate)\.js$/,
    /\/circe\/types\.js$/,
    /\/errors\.js$/,
  ];
  const seen = new Set<string>();
  const queue = KIND_ENTRIES.map((s) => new URL(s, HERE));
  while (queue.length) {
    const url = queue.pop()!;
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    assert.ok(
      allowed.some((r) => r.test(url.pathname)),
      `${url.pathname} is reached from a plan part`,
    );
    const source = readFileSync(url, 'utf8');
    assert.doesNotMatch(source, /\brequire\(|\bprocess\.|\bBuffer\b|import\(/, `${url.pathname} uses a Node-only global`);
    for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g)) {
      if (m[1].startsWith('.')) queue.push(new URL(m[1], url));
      else assert.fail(`${url.pathname} imports the package ${m[1]}`);
    }
  }
  assert.ok(seen.size >= 8);
});

const deno = fileURLToPath(new URL('../../node_modules/.bin/deno', import.meta.url));

test(
  'validation and hashing give the same answers in Deno',
  { skip: existsSync(deno) ? false : `no Deno at ${deno}` },
  async () => {
    const plan = {
      version: 1,
      cohort: {
        ConceptSets: [{ id: 0, expression: { items: [{ concept: { CONCEPT_ID: 4163261 } }] } }],
        PrimaryCriteria: { CriteriaList: [{ ConditionOccurrence: { CodesetId: 0 } }] },
      },
      analysis: { kind: 'crosstab', by: ['gender'] },
    };
    const bad = { ...plan, analysis: { kind: 'km' } };
    const index = new URL('index.js', HERE).href;
    const script = `
    import { validatePlan, planHash } from ${JSON.stringify(index)};
    const good = validatePlan(${JSON.stringify(plan)});
    const bad = validatePlan(${JSON.stringify(bad)});
    console.log(JSON.stringify({ ok: good.ok, hash: good.ok ? await planHash(good.plan) : null, bad }));`;
    const out = execFileSync(deno, ['eval', '--quiet', script], { encoding: 'utf8', timeout: 60_000 });
    const got = JSON.parse(out.trim().split('\n').pop()!);
    const local = validatePlan(plan);
    assert.ok(local.ok && got.ok);
    assert.equal(got.hash, await planHash(local.plan));
    assert.deepEqual(got.bad, validatePlan(bad));
  },
);
