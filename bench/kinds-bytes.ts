/**
 * Guard for moving the counting kinds (count, crosstab, attrition) into src/analysis/kinds/ (issue 12
 * item 0): the bytes a site releases, and the bytes the hub's pooling makes of them, for a fixed set
 * of plans, policies and secret on the demo-size synthetic sites. Not a test (the sites take a while
 * to make); run `record` before a change and `compare` after it.
 *
 * Usage: node lib-test/bench/kinds-bytes.js record|compare [--dir .data/kinds-bytes]
 *   The sites are the `fedomop demo` ones (central 60,000, north 25,000, south 10,000 persons),
 *   made under .data/bench/ when absent. Each answer is written as <plan>.<policy>.<site>.arrow.
 */
import { parseArgs } from 'node:util';
import { demoSiteFiles } from './demo-site-files.js';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { answerPlan, type DisclosureState } from '../src/site/execute.js';
import { DuckDbDatabase } from '../src/site/duckdb-database.js';
import { EXACT_POLICY, STANDARD_POLICY, type DisclosurePolicy } from '../src/disclosure/index.js';
import { ReleaseHistory } from '../src/disclosure/history.js';
import { UserRateLimit } from '../src/disclosure/rate-limit.js';
import { RecordKeys } from '../src/disclosure/record-keys.js';
import { planHash } from '../src/plan/hash.js';
import { validatePlan } from '../src/plan/validate.js';
import type { Plan } from '../src/plan/types.js';
import { poolRows } from '../src/hub/pool.js';
import { META, resultSchema, type ResultRow } from '../src/arrow/result-schema.js';
import { batchFromRows, streamBytes } from '../src/arrow/encode.js';
import { crosstabTest, hasTableTest, TEST_META } from '../src/analysis/kinds/crosstab/test.js';
import { COHORT } from '../src/analysis/variables/fixtures.spec-util.js';
import { REPO } from '../test/harness/processes.js';
import { RULES_EXAMPLE, cohort, plan } from '../test/harness/attacks.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { dir: { type: 'string', default: path.join(REPO, '.data', 'kinds-bytes') } },
});
const mode = positionals[0];
if (mode !== 'record' && mode !== 'compare') {
  console.error('usage: kinds-bytes record|compare [--dir DIR]');
  process.exit(2);
}

const PLANS: Array<[string, Plan]> = [
  ['count-prostate', plan(cohort('prostate'), { kind: 'count' })],
  ['count-lung-age50', plan(cohort('lung', { Age: { Value: 50, Op: 'gte' } }), { kind: 'count' })],
  ['count-rules', plan(RULES_EXAMPLE.cohort, { kind: 'count' })],
  ['crosstab-lung-gender-year', plan(cohort('lung'), { kind: 'crosstab', by: ['gender', 'index_year'] })],
  ['crosstab-breast-age-year', plan(cohort('breast'), { kind: 'crosstab', by: ['age_group', 'index_year'] })],
  ['crosstab-prostate-3d', plan(cohort('prostate'), { kind: 'crosstab', by: ['index_year', 'gender', 'age_group'] })],
  ['crosstab-lung-gender', plan(cohort('lung'), { kind: 'crosstab', by: ['gender'] })],
  [
    'crosstab-variables',
    plan(COHORT, {
      kind: 'crosstab',
      by: ['sex', 'died'],
      variables: { sex: { type: 'gender' }, died: { type: 'death', window: { start: 0, end: 365 } } },
    }),
  ],
  ['attrition-rules', plan(RULES_EXAMPLE.cohort, { kind: 'attrition' })],
  ['attrition-none', plan(cohort('lung'), { kind: 'attrition' })],
];

const POLICIES: Array<[string, DisclosurePolicy]> = [
  ['exact', { ...EXACT_POLICY }],
  ['standard', { ...STANDARD_POLICY, rateLimit: undefined }],
  ['strict-refuse', { ...STANDARD_POLICY, rateLimit: undefined, differencing: 'refuse' }],
];

async function answers(): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const sites = await demoSiteFiles();
  const dbs = await Promise.all(sites.map(async (s) => ({ ...s, db: await DuckDbDatabase.open(s.file) })));
  for (const [policyName, policy] of POLICIES) {
    // A fresh history per policy, the plans asked in the same order: the same releases every run.
    const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-kinds-bytes-'));
    const states = new Map<string, DisclosureState>(
      sites.map((s) => [
        s.id,
        {
          keys: RecordKeys.fromSecret(new Uint8Array(32).fill(7)),
          history: new ReleaseHistory(path.join(dir, s.id)),
          plans: new UserRateLimit('plans'),
          previews: new UserRateLimit('previews'),
        },
      ]),
    );
    for (const [planName, raw] of PLANS) {
      const checked = validatePlan(raw);
      if (!checked.ok) throw new Error(`${planName}: ${JSON.stringify(checked)}`);
      const p = raw;
      const hash = await planHash(p);
      const rows: ResultRow[] = [];
      for (const s of dbs) {
        const name = `${planName}.${policyName}.${s.id}`;
        try {
          const a = await answerPlan(
            s.db,
            p,
            hash,
            { id: s.id, cdmVersion: '5.4', vocabularyVersion: 'synthetic' },
            policy,
            undefined,
            {
              user: 'analyst',
              disclosure: states.get(s.id)!,
            },
          );
          out.set(`${name}.arrow`, a.bytes);
          out.set(`${name}.decisions.json`, Buffer.from(JSON.stringify(a.decisions)));
          rows.push(...a.rows);
        } catch (err) {
          out.set(`${name}.error.json`, Buffer.from(JSON.stringify({ message: String((err as Error).message) })));
        }
      }
      // What the hub makes of them: pooled rows (and a crosstab's test) in the same schema.
      const pooled = poolRows(p.analysis, rows);
      const meta: Record<string, string> = { [META.planHash]: hash, [META.analysis]: JSON.stringify(p.analysis) };
      if (p.analysis.kind === 'crosstab' && hasTableTest(p.analysis)) meta[TEST_META] = crosstabTest(p.analysis, pooled);
      const schema = resultSchema(p.analysis, meta);
      out.set(`${planName}.${policyName}.pooled.arrow`, streamBytes(schema, [batchFromRows(schema, pooled)]));
    }
    rmSync(dir, { recursive: true, force: true });
  }
  for (const s of dbs) await s.db.close();
  return out;
}

const dir = values.dir!;
const got = await answers();
if (mode === 'record') {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of got) writeFileSync(path.join(dir, name), bytes);
  console.log(`recorded ${got.size} answers in ${dir}`);
} else {
  const recorded = readdirSync(dir);
  let differ = 0;
  for (const name of recorded) {
    const now = got.get(name);
    const before = readFileSync(path.join(dir, name));
    if (!now || Buffer.compare(Buffer.from(now), before) !== 0) {
      differ++;
      console.log(`DIFFERS: ${name} (${before.length} bytes before, ${now ? now.length : 'absent'} now)`);
    }
  }
  for (const name of got.keys()) {
    if (recorded.includes(name)) continue;
    differ++;
    console.log(`NEW: ${name}`);
  }
  console.log(`${recorded.length} recorded answers, ${got.size} now, ${differ} differ`);
  process.exit(differ === 0 ? 0 : 1);
}
