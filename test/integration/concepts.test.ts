/**
 * The concept browser's API with real processes: two `fedomop site`s on synthetic files grown to a
 * 20k-concept vocabulary (`synth --vocabulary-size`), a hub in front of them and a third site nobody
 * answers on. Ranking order, filters, the tree, concept-set resolution against hand-written Circe
 * semantics, and per-concept counts under disclosure control, checked against the files directly.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { directRows } from '../harness/federation.js';
import { getJson, postJson } from '../harness/hub-api.js';
import { devHubArgs, runCli, startService, type Service } from '../harness/processes.js';

const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-concepts-'));
const files = { north: path.join(dir, 'north.duckdb'), south: path.join(dir, 'south.duckdb') };
const services: Service[] = [];
let north: Service;
let south: Service;
let hub: Service;
const K = 5;

before(async () => {
  for (const [id, seed] of [
    ['north', 3],
    ['south', 4],
  ] as const) {
    const r = await runCli([
      'synth',
      '--seed',
      String(seed),
      '--persons',
      '300',
      '--vocabulary-size',
      '20000',
      '--out',
      files[id],
    ]);
    assert.equal(r.code, 0, r.stderr);
  }
  // north perturbs (standard profile), south is exact: both rules are checked.
  const secret = path.join(dir, 'north.secret');
  north = await startService([
    'site',
    '--db',
    files.north,
    '--id',
    'north',
    '--port',
    '0',
    '--dev-insecure',
    '--disclosure-profile',
    'standard',
    '--secret-file',
    secret,
    '--history-dir',
    path.join(dir, 'history'),
  ]);
  services.push(north);
  south = await startService(['site', '--db', files.south, '--id', 'south', '--port', '0', '--dev-insecure']);
  services.push(south);
  hub = await startService(devHubArgs({ north: north.url, south: south.url, gone: 'http://127.0.0.1:9' }));
  services.push(hub);
});

after(async () => {
  await Promise.all(services.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

type Hit = {
  conceptId: number;
  matched: string;
  name: string;
  domain: string;
  standardConcept: string | null;
  invalidReason: string | null;
  counts: any;
  mapsTo?: { conceptId: number }[];
};
const search = async (base: string, query: string) => {
  const { status, body } = await getJson(`${base}/v1/concepts/search?${query}`);
  assert.equal(status, 200, JSON.stringify(body));
  return body as { concepts: Hit[]; total: number; sites?: any[]; rankedBy?: string };
};

test('ranking: id, code, exact name or synonym, prefix, words, then misspellings', async () => {
  assert.deepEqual((await search(north.url, 'q=200962')).concepts[0], {
    ...(await search(north.url, 'q=200962')).concepts[0],
    conceptId: 200962,
    matched: 'id',
  });
  const c61 = await search(north.url, 'q=C61');
  assert.deepEqual(
    c61.concepts
      .filter((c) => c.matched === 'code')
      .map((c) => c.conceptId)
      .sort(),
    [35206266, 45547509],
  );
  const exact = await search(north.url, 'q=' + encodeURIComponent('malignant TUMOR of prostate'));
  assert.equal(exact.concepts[0].conceptId, 4163261);
  assert.equal(exact.concepts[0].matched, 'name');
  // A synonym (synth gives 4163261 "Prostate cancer") is an exact match too.
  const syn = await search(north.url, 'q=' + encodeURIComponent('prostate cancer'));
  assert.equal(syn.concepts[0].conceptId, 4163261);
  // The tiers never go backwards down the page.
  const order = ['id', 'code', 'name', 'prefix', 'words', 'fuzzy'];
  const prostate = await search(north.url, 'q=prostate&limit=100');
  const ranks = prostate.concepts.map((c) => order.indexOf(c.matched));
  assert.deepEqual(
    ranks,
    [...ranks].sort((a, b) => a - b),
  );
  assert.ok(prostate.total >= prostate.concepts.length);
  // A misspelling still finds it.
  const typo = await search(north.url, 'q=' + encodeURIComponent('prostrate cancr '));
  assert.ok(typo.concepts.some((c) => c.conceptId === 4163261 && c.matched === 'fuzzy'));
});

test('filters combine and bad values are 400 naming the parameter', async () => {
  const procs = await search(north.url, 'q=prostate&domain=Procedure&limit=50');
  assert.ok(procs.concepts.length > 0 && procs.concepts.every((c) => c.domain === 'Procedure'));
  const nonStd = await search(north.url, 'q=prostate&standard=N&limit=50');
  assert.ok(nonStd.concepts.length > 0 && nonStd.concepts.every((c) => c.standardConcept === null));
  // A non-standard source concept names what it maps to.
  const icd = nonStd.concepts.find((c) => c.conceptId === 45547509);
  assert.deepEqual(
    icd?.mapsTo?.map((m) => m.conceptId),
    [200962],
  );
  const invalid = await search(north.url, 'q=of&invalid=1&limit=50');
  assert.ok(invalid.concepts.length > 0 && invalid.concepts.every((c) => c.invalidReason !== null));
  const both = await search(north.url, 'q=of&invalid=0&domain=Condition&standard=S&limit=50');
  assert.ok(both.concepts.every((c) => c.invalidReason === null && c.domain === 'Condition' && c.standardConcept === 'S'));
  for (const [query, parameter] of [
    ['q=x&standard=yes', 'standard'],
    ['q=x&invalid=2', 'invalid'],
    ['q=x&limit=0', 'limit'],
    ['q=x&offset=5000', 'offset'],
    ['q=', 'q'],
  ]) {
    for (const base of [north.url, hub.url]) {
      const { status, body } = await getJson(`${base}/v1/concepts/search?${query}`);
      assert.equal(status, 400, query);
      assert.equal(body.error.code, 'ERR_BAD_REQUEST');
      if (base === north.url) assert.equal(body.error.parameter, parameter);
    }
  }
});

test('a concept opens with its ancestors, descendants (a drawable tree) and relationships', async () => {
  const { status, body } = await getJson(`${north.url}/v1/concepts/4163261`);
  assert.equal(status, 200);
  assert.equal(body.name, 'Malignant tumor of prostate');
  const anc = body.ancestors.find((a: any) => a.conceptId === 443392);
  assert.equal(anc.minLevelsOfSeparation, 1);
  const byId = new Map(body.descendants.map((d: any) => [d.conceptId, d]));
  assert.deepEqual(byId.get(200962), { ...(byId.get(200962) as object), minLevelsOfSeparation: 1, parentIds: [4163261] });
  assert.deepEqual(byId.get(4116087), { ...(byId.get(4116087) as object), minLevelsOfSeparation: 2, parentIds: [200962] });
  const rels = body.relationships.map((r: any) => `${r.relationshipId}:${r.concept.conceptId}`);
  assert.ok(rels.includes('Subsumes:200962') && rels.includes('Is a:443392'), rels.join());
  const mapped = (await getJson(`${north.url}/v1/concepts/200962`)).body.relationships.map(
    (r: any) => `${r.relationshipId}:${r.concept.conceptId}`,
  );
  assert.ok(mapped.includes('Mapped from:45547509'));
  // A generated concept deep in its tree: every listed ancestor's parents are listed too (or it is a root).
  const deep = await directRows(
    files.north,
    'SELECT descendant_concept_id AS id FROM concept_ancestor WHERE min_levels_of_separation >= 3 ORDER BY 1 LIMIT 1',
  );
  const tree = (await getJson(`${north.url}/v1/concepts/${deep[0].id}`)).body;
  const listed = new Set([deep[0].id, ...tree.ancestors.map((a: any) => a.conceptId)]);
  for (const a of tree.ancestors) for (const p of a.parentIds) assert.ok(listed.has(p));
  assert.equal(tree.ancestors.filter((a: any) => a.parentIds.length === 0).length >= 1, true);
  assert.equal((await getJson(`${north.url}/v1/concepts/999999999`)).status, 404);
  assert.equal((await getJson(`${north.url}/v1/concepts/x1`)).status, 400);
});

/** Circe's concept-set semantics written by hand (ATLAS/circe-be), the independent side. */
async function circeByHand(file: string): Promise<number[]> {
  const rows = await directRows(
    file,
    `WITH inc AS (
       SELECT c.concept_id FROM concept c WHERE c.concept_id IN (443392, 4112853)
       UNION SELECT ca.descendant_concept_id FROM concept_ancestor ca JOIN concept c ON c.concept_id = ca.descendant_concept_id
         WHERE ca.ancestor_concept_id = 443392 AND c.invalid_reason IS NULL),
     exc AS (SELECT concept_id FROM concept WHERE concept_id = 4116087),
     std AS (SELECT concept_id FROM inc EXCEPT SELECT concept_id FROM exc),
     maps AS (SELECT concept_id_1, concept_id_2 FROM concept_relationship WHERE relationship_id = 'Maps to' AND invalid_reason IS NULL),
     mapped AS (SELECT concept_id_1 AS concept_id FROM maps WHERE concept_id_2 IN (SELECT concept_id FROM inc)
       EXCEPT SELECT concept_id_1 FROM maps WHERE concept_id_2 IN (SELECT concept_id FROM exc))
     SELECT concept_id FROM std UNION SELECT concept_id FROM mapped ORDER BY 1`,
  );
  return rows.map((r) => Number(r.concept_id));
}

const SET = {
  items: [
    { concept: { CONCEPT_ID: 443392 }, includeDescendants: true, includeMapped: true },
    { concept: { CONCEPT_ID: 4112853 } },
    // Excluded with its mapped concepts too: Athena's self 'Maps to' rows would bring it back otherwise.
    { concept: { CONCEPT_ID: 4116087 }, isExcluded: true, includeMapped: true },
  ],
};

test("concept-set resolution is the Circe compiler's, with counts per site through the hub", async () => {
  const site = await postJson(`${north.url}/v1/concept-sets/resolve`, SET);
  assert.equal(site.status, 200, JSON.stringify(site.body));
  assert.deepEqual(site.body.conceptIds, await circeByHand(files.north));
  assert.ok(site.body.conceptIds.includes(45547509) && !site.body.conceptIds.includes(4116087));
  assert.equal(site.body.count, site.body.conceptIds.length);
  // Persons with any of the set's concepts, counted by hand; north perturbs within its bound.
  const [{ n }] = await directRows(
    files.south,
    `SELECT count(DISTINCT person_id) AS n FROM (
       SELECT person_id FROM condition_occurrence WHERE condition_concept_id IN (${site.body.conceptIds.join(',')})
          OR condition_source_concept_id IN (${site.body.conceptIds.join(',')}))`,
  );
  const viaHub = await postJson(`${hub.url}/v1/concept-sets/resolve`, { expression: SET });
  assert.equal(viaHub.status, 200);
  assert.equal(viaHub.body.counts.south.persons.value, Number(n) >= K ? Number(n) : null);
  assert.ok(viaHub.body.counts.north.persons.lower <= viaHub.body.counts.north.persons.upper);
  assert.deepEqual(viaHub.body.sites.map((s: any) => `${s.site}:${s.status}`).sort(), ['gone:error', 'north:ok', 'south:ok']);
  const bad = await postJson(`${north.url}/v1/concept-sets/resolve`, { items: [{ concept: { CONCEPT_ID: 'x' } }] });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'ERR_BAD_REQUEST');
});

/** True persons per concept at a site, over the columns the index counts. */
async function truePersons(file: string): Promise<Map<number, number>> {
  const rows = await directRows(
    file,
    `SELECT concept_id, max(n) AS n FROM (
       SELECT condition_concept_id AS concept_id, count(DISTINCT person_id) AS n FROM condition_occurrence GROUP BY 1
       UNION ALL SELECT condition_source_concept_id, count(DISTINCT person_id) FROM condition_occurrence GROUP BY 1
       UNION ALL SELECT drug_concept_id, count(DISTINCT person_id) FROM drug_exposure GROUP BY 1
       UNION ALL SELECT procedure_concept_id, count(DISTINCT person_id) FROM procedure_occurrence GROUP BY 1
       UNION ALL SELECT measurement_concept_id, count(DISTINCT person_id) FROM measurement GROUP BY 1
       UNION ALL SELECT visit_concept_id, count(DISTINCT person_id) FROM visit_occurrence GROUP BY 1)
     WHERE concept_id <> 0 GROUP BY 1`,
  );
  return new Map(rows.map((r) => [Number(r.concept_id), Number(r.n)]));
}

test('per-concept counts under disclosure: 1…k−1 persons never exact; the hub merges sites and names the dead one', async () => {
  for (const [site, svc, perturbs] of [
    ['north', north, true],
    ['south', south, false],
  ] as const) {
    const truth = await truePersons(files[site]);
    const ids = [...truth.keys()];
    const small = ids.filter((id) => truth.get(id)! >= 1 && truth.get(id)! < K);
    assert.ok(small.length > 0, `${site} has a concept with 1..k-1 persons to test with`);
    const { status, body } = await postJson(`${svc.url}/v1/concepts/counts`, { ids: [...ids, 999999999] });
    assert.equal(status, 200);
    assert.equal(body.counts['999999999'], undefined);
    for (const id of ids) {
      const n = truth.get(id)!;
      const p = body.counts[String(id)].persons;
      assert.ok(p.lower <= n && n <= p.upper, `${site} ${id}: ${n} within [${p.lower}, ${p.upper}]`);
      if (n < K) assert.equal(p.value, null, `${site} ${id}: ${n} persons withheld`);
      else if (perturbs) assert.ok(Math.abs(p.value - n) <= 2);
      else assert.equal(p.value, n);
    }
  }
  // Through the hub: counts per site for every hit, and the site nobody answers on is named.
  const viaHub = await search(hub.url, 'q=prostate&limit=10');
  assert.equal(viaHub.rankedBy, 'north');
  assert.ok(viaHub.concepts.every((c) => c.counts.north && c.counts.south && !c.counts.gone));
  const gone = viaHub.sites!.find((s: any) => s.site === 'gone');
  assert.equal(gone.status, 'error');
  assert.equal(gone.error.code, 'ERR_SITE_UNREACHABLE');
  const detail = await getJson(`${hub.url}/v1/concepts/4163261`);
  assert.equal(detail.status, 200);
  assert.ok(detail.body.counts.north && detail.body.counts.south);
  assert.ok(detail.body.descendants.some((d: any) => d.conceptId === 200962));
});
