import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CDM_TABLES, CONCEPT, generateSite } from './index.js';
import { openSite, tempDir, type SiteReader } from './synth.spec-util.js';
import { EXTRA_VOCABULARY_TABLES } from './vocabulary-large.js';

const dir = await tempDir();
let site: SiteReader;

before(async () => {
  const out = join(dir.path, 'vocab.duckdb');
  await generateSite({ out, seed: 3, persons: 100, profile: 'small', eventsPerPerson: 5, siteName: "St. Mary's" });
  site = await openSite(out);
});
after(async () => {
  site.close();
  await dir.remove();
});

const count = async (sql: string): Promise<number> => Number(await site.value(sql));

test('every concept has a self row at level 0 in concept_ancestor', async () => {
  assert.ok((await count('SELECT count(*) FROM concept')) > 40);
  assert.equal(
    await count(`SELECT count(*) FROM concept c WHERE NOT EXISTS (SELECT 1 FROM concept_ancestor a
      WHERE a.ancestor_concept_id = c.concept_id AND a.descendant_concept_id = c.concept_id
        AND a.min_levels_of_separation = 0 AND a.max_levels_of_separation = 0)`),
    0,
  );
});

test('the cancers are descendants of malignant neoplastic disease, other conditions are not', async () => {
  const levels = await site.rows(`SELECT descendant_concept_id AS id, min_levels_of_separation AS lv FROM concept_ancestor
    WHERE ancestor_concept_id = ${CONCEPT.malignantNeoplasm} ORDER BY id`);
  const byId = new Map(levels.map((r) => [Number(r.id), Number(r.lv)]));
  assert.equal(byId.get(CONCEPT.prostatePrimary), 2, '200962 sits two levels below 443392');
  assert.equal(byId.get(CONCEPT.prostateTumor), 1);
  assert.equal(byId.get(CONCEPT.prostateCarcinoma), 3);
  for (const id of [CONCEPT.breastTumor, CONCEPT.lungTumor, CONCEPT.nsclc]) assert.ok(byId.has(id), `${id} under 443392`);
  for (const id of [320128, 201826, 192671]) assert.ok(!byId.has(id), `${id} must not be a cancer`);
  assert.equal(
    await count(`SELECT count(*) FROM concept_ancestor WHERE ancestor_concept_id = ${CONCEPT.breastTumor}
    AND descendant_concept_id = ${CONCEPT.prostatePrimary}`),
    0,
  );
});

test('concept_ancestor is transitively closed', async () => {
  assert.equal(
    await count(`SELECT count(*) FROM concept_ancestor a JOIN concept_ancestor b ON a.descendant_concept_id = b.ancestor_concept_id
      WHERE NOT EXISTS (SELECT 1 FROM concept_ancestor c
        WHERE c.ancestor_concept_id = a.ancestor_concept_id AND c.descendant_concept_id = b.descendant_concept_id)`),
    0,
  );
});

test('ICD source codes map to the standard prostate cancer concept', async () => {
  const targets = await site.rows(`SELECT c1.vocabulary_id AS vocab, c1.concept_code AS code, r.concept_id_2 AS target
    FROM concept_relationship r JOIN concept c1 ON c1.concept_id = r.concept_id_1
    WHERE r.relationship_id = 'Maps to' AND c1.standard_concept IS NULL ORDER BY vocab`);
  assert.deepEqual(
    targets.map((t) => `${t.vocab} ${t.code} -> ${t.target}`),
    ['ICD10 C61 -> 200962', 'ICD10CM C61 -> 200962', 'ICD9CM 185 -> 200962'],
  );
  assert.equal(
    await count(`SELECT count(*) FROM concept c WHERE c.standard_concept = 'S' AND NOT EXISTS (SELECT 1 FROM concept_relationship r
      WHERE r.concept_id_1 = c.concept_id AND r.concept_id_2 = c.concept_id AND r.relationship_id = 'Maps to')`),
    0,
    'standard concepts map to themselves',
  );
  assert.equal(
    await count(`SELECT count(*) FROM concept_relationship r WHERE r.relationship_id = 'Is a' AND NOT EXISTS (
      SELECT 1 FROM concept_relationship s WHERE s.relationship_id = 'Subsumes'
        AND s.concept_id_1 = r.concept_id_2 AND s.concept_id_2 = r.concept_id_1)`),
    0,
  );
});

test('every vocabulary in use is described, with the synthetic version', async () => {
  assert.equal(
    await count(
      'SELECT count(*) FROM (SELECT DISTINCT vocabulary_id FROM concept) c ANTI JOIN vocabulary v USING (vocabulary_id)',
    ),
    0,
  );
  assert.equal(await site.value(`SELECT vocabulary_version FROM vocabulary WHERE vocabulary_id = 'None'`), 'fedomop-synth v1');
  const [source] = await site.rows('SELECT * FROM cdm_source');
  assert.equal(source.cdm_version, '5.4');
  assert.equal(source.vocabulary_version, 'fedomop-synth v1');
  assert.equal(source.cdm_source_name, "St. Mary's");
});

test('tables carry the full CDM 5.4 column lists and NOT NULL where the CDM says so', async () => {
  const expected: Record<string, number> = {
    person: 18,
    observation_period: 5,
    visit_occurrence: 17,
    condition_occurrence: 16,
    drug_exposure: 23,
    procedure_occurrence: 16,
    measurement: 23,
    death: 7,
    visit_detail: 19,
    observation: 21,
    device_exposure: 19,
    specimen: 15,
    payer_plan_period: 17,
    condition_era: 6,
    drug_era: 7,
    dose_era: 7,
    concept: 10,
    concept_ancestor: 4,
    concept_relationship: 6,
    vocabulary: 5,
    cdm_source: 11,
    cohort: 4,
    cohort_inclusion_result: 4,
    // Vocabulary tables vocabulary-large.ts creates when no other part of synth has.
    concept_synonym: 3,
    domain: 3,
    concept_class: 3,
    relationship: 6,
  };
  const columns = await site.rows(`SELECT table_name AS t, count(*) AS n FROM information_schema.columns
    WHERE table_schema = 'main' GROUP BY table_name`);
  assert.deepEqual(Object.fromEntries(columns.map((c) => [c.t, Number(c.n)])), expected);
  const extra = EXTRA_VOCABULARY_TABLES.filter((t) => !(CDM_TABLES as readonly string[]).includes(t));
  assert.deepEqual([...CDM_TABLES, ...extra].sort(), Object.keys(expected).sort());
  const nullability = await site.rows(`SELECT column_name AS c, is_nullable AS n FROM information_schema.columns
    WHERE table_name = 'measurement' AND column_name IN ('measurement_date', 'value_as_number', 'unit_concept_id', 'range_low', 'range_high')
    ORDER BY c`);
  assert.deepEqual(
    nullability.map((r) => `${r.c}:${r.n}`),
    ['measurement_date:NO', 'range_high:YES', 'range_low:YES', 'unit_concept_id:YES', 'value_as_number:YES'],
  );
});
