/**
 * An 8 MiB ATLAS cohort definition, end to end (not a test; prints figures). The definition is built
 * the way the Phenotype Library's largest ones are large: concept sets that list thousands of concepts
 * explicitly, each item with the full concept record ATLAS exports (name, code, domain, vocabulary,
 * class, captions). The cohort itself is published-style — prostate cancer entry, inclusion rules on
 * drugs, a measurement and visits — and its concept sets are repeated until the compact JSON is just
 * under the 8 MiB plan limit. Measures, in this process: validate (from text), hash, compile, and the
 * heap they need; then the same definition through a real hub to a real site, and through
 * `fedomop cohort generate` into a copy of the site's database.
 *
 * Usage: node lib-test/bench/large-definition.js [--runs 3] [--target-bytes 8300000] [--keep FILE]
 */
import { parseArgs } from 'node:util';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validatePlanText } from 'fedomop/lib/plan/index.js';
import { canonicalPlan } from 'fedomop/lib/node/plan-hash.js';
import { analysisQuery } from 'fedomop/lib/analysis/index.js';
import { compile, duckdbDialect } from 'fedomop/lib/sql/index.js';
import { devSiteArgs, runCli, startService } from '../test/harness/processes.js';
import { siteFile, THREE_SITES } from '../test/harness/sites.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'target-bytes': { type: 'string', default: '8300000' },
    keep: { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const TARGET = Number(values['target-bytes']);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (bytes: number) => (bytes / 1048576).toFixed(2);

/** One concept as ATLAS exports it inside a concept set item. */
function concept(id: number, i: number, domain: string, vocabulary: string, cls: string) {
  return {
    CONCEPT_ID: id,
    CONCEPT_NAME: `${domain} concept ${i} of a large phenotype definition (as listed by ATLAS)`,
    STANDARD_CONCEPT: 'S',
    STANDARD_CONCEPT_CAPTION: 'Standard',
    INVALID_REASON: 'V',
    INVALID_REASON_CAPTION: 'Valid',
    CONCEPT_CODE: String(100000000 + i),
    DOMAIN_ID: domain,
    VOCABULARY_ID: vocabulary,
    CONCEPT_CLASS_ID: cls,
  };
}

/** The concept sets the cohort uses: real ids first (so rows match), then listed descendants. */
const KINDS = [
  {
    name: 'Prostate cancer',
    real: [4163261, 200962, 4116087],
    domain: 'Condition',
    vocabulary: 'SNOMED',
    cls: 'Clinical Finding',
  },
  { name: 'Antiandrogens', real: [40239056, 42900250], domain: 'Drug', vocabulary: 'RxNorm', cls: 'Ingredient' },
  { name: 'PSA', real: [3013603], domain: 'Measurement', vocabulary: 'LOINC', cls: 'Lab Test' },
  { name: 'Outpatient visit', real: [9202], domain: 'Visit', vocabulary: 'Visit', cls: 'Visit' },
  { name: 'NSAIDs', real: [1118084, 1124300], domain: 'Drug', vocabulary: 'RxNorm', cls: 'Ingredient' },
];

function conceptSet(id: number, kind: (typeof KINDS)[number], items: number) {
  return {
    id,
    name: `${kind.name} ${id}`,
    expression: {
      items: Array.from({ length: items }, (_, i) => ({
        concept: concept(
          i < kind.real.length ? kind.real[i] : 2_000_000_000 - id * 100_000 - i,
          i,
          kind.domain,
          kind.vocabulary,
          kind.cls,
        ),
        isExcluded: false,
        includeDescendants: i < kind.real.length,
        includeMapped: false,
      })),
    },
  };
}

function definition(setCount: number, itemsPerSet: number) {
  const window = (days: number) => ({ Start: { Days: days, Coeff: -1 }, End: { Days: 0, Coeff: 1 } });
  const rule = (name: string, criterion: Record<string, unknown>, days: number) => ({
    name,
    expression: {
      Type: 'ALL',
      CriteriaList: [{ Criteria: criterion, StartWindow: window(days), Occurrence: { Type: 2, Count: 1 } }],
      DemographicCriteriaList: [],
      Groups: [],
    },
  });
  return {
    ConceptSets: Array.from({ length: setCount }, (_, id) => conceptSet(id, KINDS[id % KINDS.length], itemsPerSet)),
    PrimaryCriteria: {
      CriteriaList: [{ ConditionOccurrence: { CodesetId: 0, First: true } }],
      ObservationWindow: { PriorDays: 365, PostDays: 0 },
      PrimaryCriteriaLimit: { Type: 'First' },
    },
    QualifiedLimit: { Type: 'First' },
    ExpressionLimit: { Type: 'First' },
    InclusionRules: [
      rule('treated with an antiandrogen', { DrugExposure: { CodesetId: 1 } }, 3650),
      rule('a PSA measured', { Measurement: { CodesetId: 2 } }, 3650),
      rule('an outpatient visit', { VisitOccurrence: { CodesetId: 3 } }, 3650),
      rule('an NSAID', { DrugExposure: { CodesetId: 4 } }, 3650),
    ],
    CensoringCriteria: [],
    CollapseSettings: { CollapseType: 'ERA', EraPad: 0 },
    CensorWindow: {},
    cdmVersionRange: '>=5.0.0',
  };
}

/** The largest definition (in whole concept sets) whose plan stays under `target` bytes as compact JSON. */
function build(target: number) {
  const itemsPerSet = 400;
  const perSet = JSON.stringify(conceptSet(1, KINDS[0], itemsPerSet)).length;
  let sets = Math.floor(target / perSet);
  let plan = { version: 1, cohort: definition(sets, itemsPerSet), analysis: { kind: 'attrition' } };
  while (JSON.stringify(plan).length > target) plan = { ...plan, cohort: definition(--sets, itemsPerSet) };
  return { plan, sets, itemsPerSet };
}

function timed<T>(fn: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = fn();
  return { ms: performance.now() - t, value };
}

async function main(): Promise<void> {
  const { plan, sets, itemsPerSet } = build(TARGET);
  const compact = JSON.stringify(plan);
  const pretty = JSON.stringify(plan, null, 2);
  const atlas = JSON.stringify({ name: 'large prostate cancer phenotype', expression: plan.cohort }, null, 2);
  process.stdout.write(
    `definition: ${sets} concept sets × ${itemsPerSet} items (${sets * itemsPerSet} items); plan ${mib(compact.length)} MiB compact, ` +
      `${mib(pretty.length)} MiB as indented text; ATLAS export ${mib(atlas.length)} MiB\n`,
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fedomop-large-'));
  const atlasFile = values.keep ?? path.join(dir, 'large-definition.json');
  writeFileSync(atlasFile, atlas);

  const validate: number[] = [];
  const hash: number[] = [];
  const compileMs: number[] = [];
  let heapPeak = 0;
  let sqlLength = 0;
  let parameterCount = 0;
  for (let r = 0; r < RUNS; r++) {
    global.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    const v = timed(() => validatePlanText(pretty));
    if (!v.value.ok) throw new Error(`not valid: ${JSON.stringify(v.value.problems.slice(0, 3))}`);
    const h = timed(() => canonicalPlan(v.value.ok ? v.value.plan : (undefined as never)));
    const c = timed(() => compile(analysisQuery(v.value.ok ? v.value.plan : (undefined as never)), duckdbDialect));
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed - heap0);
    sqlLength = c.value.sql.length;
    parameterCount = c.value.parameters.length;
    validate.push(v.ms);
    hash.push(h.ms);
    compileMs.push(c.ms);
  }
  process.stdout.write(
    `in process (median of ${RUNS}): validate ${median(validate).toFixed(0)} ms (from indented text), hash ${median(hash).toFixed(0)} ms, ` +
      `compile ${median(compileMs).toFixed(0)} ms (SQL ${sqlLength} chars, ${parameterCount} parameters); heap growth while held ${mib(heapPeak)} MiB\n`,
  );

  // Through a real hub to a real site.
  const spec = THREE_SITES[0];
  const file = await siteFile(spec);
  const site = await startService(devSiteArgs(file, spec.id, '/dev/null'));
  const hub = await startService([
    'hub',
    '--port',
    '0',
    '--dev-insecure',
    '--audit-log',
    '/dev/null',
    '--site',
    `${spec.id}=${site.url}`,
  ]);
  try {
    const t0 = performance.now();
    const res = await fetch(`${hub.url}/v1/queries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ plan, timeoutMs: 600_000 }),
    });
    const submitted = (await res.json()) as any;
    const accepted = performance.now() - t0;
    if (res.status !== 202) throw new Error(`hub refused: ${res.status} ${JSON.stringify(submitted).slice(0, 500)}`);
    await (await fetch(`${hub.url}/v1/queries/${submitted.id}/results`)).arrayBuffer();
    const status = (await (await fetch(`${hub.url}/v1/queries/${submitted.id}`)).json()) as any;
    const total = performance.now() - t0;
    const s = status.sites[spec.id];
    process.stdout.write(
      `through the hub: accepted (202) after ${accepted.toFixed(0)} ms; answered after ${total.toFixed(0)} ms ` +
        `(site ${s.state}${s.error ? ' ' + s.error.code : ''}, ${s.elapsedMs} ms at the site, ${s.rows} attrition rows)\n`,
    );
  } finally {
    await hub.stop();
    await site.stop();
  }

  // Through `fedomop cohort generate` into a copy of the site's database.
  const db = path.join(dir, 'generate.duckdb');
  copyFileSync(file, db);
  const t1 = performance.now();
  const gen = await runCli(['cohort', 'generate', '--db', db, '--expression', atlasFile, '--cohort-id', '1', '-q']);
  const genMs = performance.now() - t1;
  process.stdout.write(
    `cohort generate: exit ${gen.code} after ${genMs.toFixed(0)} ms (process start included)${gen.code === 0 ? '' : `: ${gen.stderr.slice(0, 500)}`}\n${gen.stdout.slice(0, 300)}`,
  );
}

await main();
