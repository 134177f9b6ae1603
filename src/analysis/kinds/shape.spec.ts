/**
 * The shape of the analysis kinds (issue 12, item 0): a kind is one folder, src/analysis/kinds/<kind>/,
 * and one row in the registry (registry.ts; plan-kinds.ts, site-kinds.ts and hub-kinds.ts key their
 * tables by the kinds as identifiers, not strings). So a kind's name appears as a string literal in
 * code only inside its own folder and the registry — anywhere else it is a switch on the kind that a
 * registry lookup should replace. Comments are not code; the exceptions are listed below, each with
 * why, and an exception that no longer occurs fails too (the list stays true).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANALYSIS_KINDS } from './plan-kinds.js';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src');

/** file (relative to src/) → the kind names it may write as literals, and why. */
const EXCEPTIONS: Record<string, { names: string[]; why: string }> = {
  // The one table.
  'analysis/kinds/registry.ts': { names: [...ANALYSIS_KINDS], why: 'the registry: one row per kind' },
  // `count` that is not the analysis kind.
  'sql/nodes.ts': { names: ['count'], why: "SQL's count() aggregate" },
  'sql/build.ts': { names: ['count'], why: "SQL's count() aggregate" },
  'circe/group.ts': { names: ['count'], why: "SQL's count() aggregate" },
  'circe/generation.ts': { names: ['count'], why: "SQL's count() aggregate" },
  'site/concept-index/load.ts': { names: ['count'], why: "SQL's count() aggregate" },
  'analysis/variables/compile.ts': { names: ['count'], why: "SQL's count() aggregate" },
  'analysis/kinds/attrition/site.ts': { names: ['count'], why: "SQL's count() aggregate" },
  'analysis/variables/types.ts': { names: ['count'], why: 'the variable kind "count" (count_occurrences)' },
  'analysis/kinds/plan-checks.ts': { names: ['count'], why: 'the variable kind "count"' },
  'analysis/kinds/glm/plan.ts': { names: ['count'], why: 'the variable kind "count" (allowed outcomes)' },
  'analysis/kinds/histogram/plan.ts': { names: ['count'], why: 'the variable kind "count"' },
  'analysis/kinds/summary/plan.ts': { names: ['count'], why: 'the variable kind "count"' },
  'lab/query-panel/stats-form.ts': {
    names: ['count', 'summary', 'histogram', 'glm', 'km'],
    why: 'the panel\'s statistics forms, one per rounds kind (not moved: with StatsForm.tsx ~600 lines of form model and React, no small registry-driven form), and the variable kind "count"',
  },
  // Plans written for the researcher (examples, generated cells, client calls named after a kind).
  'plan/validate.ts': { names: ['count'], why: 'the example plan in error messages' },
  'lab/cohort-document/cohort-cells.ts': { names: ['count'], why: 'notebook code it generates: a count plan' },
  'lab/cohort-builder/live-counts.ts': { names: ['attrition'], why: "the builder's live counts are an attrition plan" },
  'kernel/session.ts': {
    names: ['summary', 'histogram', 'glm', 'km'],
    why: 'fed.summary/histogram/glm/km build a plan of that kind',
  },
  // Names shared with a kind, not switches on it.
  'analysis/kinds/rounds.ts': { names: ['glm'], why: 'the GLM round type' },
  'analysis/kinds/views.ts': { names: ['histogram'], why: 'the histogram view type' },
  // Not moved yet (next steps; each a switch or table the registry could replace).
  'site/rounds.ts': { names: ['glm'], why: 'the GLM round type, whose shape the generic round check reads' },
  'lab/query-panel/QueryPanel.tsx': {
    names: [...ANALYSIS_KINDS],
    why: "the panel's kind picker and per-kind form switches (React); the labels could come from the registry",
  },
  'lab/query-panel/ResultsView.tsx': {
    names: ['count', 'crosstab', 'attrition'],
    why: "the panel's result component per counting kind",
  },
  'lab/query-panel/StatsForm.tsx': { names: ['summary', 'histogram', 'glm', 'km'], why: "the panel's form per rounds kind" },
  'lab/query-panel/model.ts': { names: ['count', 'attrition'], why: "the panel's default analysis and attrition funnel" },
  'lab/query-panel/plan-builder.ts': {
    names: ['count', 'attrition', 'crosstab'],
    why: "the panel's form → plan for the counting kinds",
  },
};

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.tsx?$/.test(e.name) && !/\.spec(-util)?\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The code without comments (a line comment only where `//` does not follow a `:` — not in URLs). */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

function kindLiterals(text: string): Set<string> {
  const found = new Set<string>();
  const pattern = new RegExp(`(['"\`])(${ANALYSIS_KINDS.join('|')})\\1`, 'g');
  for (const m of code(text).matchAll(pattern)) found.add(m[2]);
  return found;
}

test('kind names are string literals only in their own folder, the registry and the listed exceptions', () => {
  const problems: string[] = [];
  const used = new Map<string, Set<string>>();
  for (const file of sources(SRC)) {
    const rel = path.relative(SRC, file).split(path.sep).join('/');
    const own = /^analysis\/kinds\/([\w-]+)\//.exec(rel)?.[1];
    for (const name of kindLiterals(readFileSync(file, 'utf8'))) {
      if (name === own) continue;
      if (EXCEPTIONS[rel]?.names.includes(name)) {
        if (!used.has(rel)) used.set(rel, new Set());
        used.get(rel)!.add(name);
        continue;
      }
      problems.push(`src/${rel} writes the kind name '${name}': read it from the registry (src/analysis/kinds/registry.ts)`);
    }
  }
  for (const [rel, { names }] of Object.entries(EXCEPTIONS)) {
    for (const n of names) {
      if (rel === 'analysis/kinds/registry.ts') continue;
      if (!used.get(rel)?.has(n)) problems.push(`exception src/${rel} '${n}' no longer occurs: take it off the list`);
    }
  }
  assert.deepEqual(problems, []);
});

test('every kind has a folder and a registry row', () => {
  const folders = readdirSync(path.join(SRC, 'analysis', 'kinds'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  assert.deepEqual(folders, [...ANALYSIS_KINDS].sort());
  const registry = readFileSync(path.join(SRC, 'analysis', 'kinds', 'registry.ts'), 'utf8');
  for (const k of ANALYSIS_KINDS) assert.match(registry, new RegExp(`\\b${k}: \\{\\s*kind: '${k}'`), `${k} has a registry row`);
});
