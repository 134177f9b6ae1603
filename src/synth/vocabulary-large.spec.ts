import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CONCEPTS, generateSite } from './index.js';
import { openSite, tempDir, type SiteReader } from './synth.spec-util.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let site: SiteReader;
let again: SiteReader;
let small: SiteReader;
const SIZE = 6000;

before(async () => {
  dir = await tempDir();
  const opts = { seed: 9, persons: 40, profile: 'small' as const, eventsPerPerson: 3 };
  await generateSite({ ...opts, out: join(dir.path, 'a.duckdb'), vocabularySize: SIZE });
  await generateSite({ ...opts, out: join(dir.path, 'b.duckdb'), vocabularySize: SIZE });
  await generateSite({ ...opts, out: join(dir.path, 'c.duckdb') });
  site = await openSite(join(dir.path, 'a.duckdb'));
  again = await openSite(join(dir.path, 'b.duckdb'));
  small = await openSite(join(dir.path, 'c.duckdb'));
});

after(async () => {
  for (const s of [site, again, small]) s?.close();
  await dir.remove();
});

const n = async (s: SiteReader, sql: string) => Number(await s.value(sql));
const digest = 'SELECT sum(hash(concept_id, concept_name, concept_code, vocabulary_id, invalid_reason)) FROM concept';

test('exactly N concepts, the real ones unchanged, the same for the same seed', async () => {
  assert.equal(await n(site, 'SELECT count(*) FROM concept'), SIZE);
  for (const c of CONCEPTS) {
    assert.equal(await site.value(`SELECT concept_name FROM concept WHERE concept_id = ${c.id}`), c.name);
  }
  assert.equal(await n(site, digest), await n(again, digest));
  // Clinical rows use the same concepts with or without a grown vocabulary.
  const used = 'SELECT count(DISTINCT condition_concept_id) FROM condition_occurrence WHERE condition_concept_id >= 100000000';
  assert.equal(await n(site, used), 0);
  assert.equal(await n(small, 'SELECT count(*) FROM concept'), CONCEPTS.length);
});

test('a closed hierarchy: every direct edge is in concept_ancestor, every ancestor path is consistent', async () => {
  // Each 'Is a' between valid concepts is an ancestor row at one level.
  assert.equal(
    await n(
      site,
      `SELECT count(*) FROM concept_relationship r JOIN concept c ON c.concept_id = r.concept_id_1
       WHERE r.relationship_id = 'Is a' AND c.invalid_reason IS NULL AND NOT EXISTS (SELECT 1 FROM concept_ancestor a
         WHERE a.ancestor_concept_id = r.concept_id_2 AND a.descendant_concept_id = r.concept_id_1 AND a.min_levels_of_separation = 1)`,
    ),
    0,
  );
  // Transitive: an ancestor of my parent is my ancestor, one level further.
  assert.equal(
    await n(
      site,
      `SELECT count(*) FROM concept_ancestor p JOIN concept_ancestor g ON g.descendant_concept_id = p.ancestor_concept_id
       WHERE p.min_levels_of_separation = 1 AND g.min_levels_of_separation >= 1 AND NOT EXISTS (SELECT 1 FROM concept_ancestor a
         WHERE a.ancestor_concept_id = g.ancestor_concept_id AND a.descendant_concept_id = p.descendant_concept_id
           AND a.min_levels_of_separation <= g.min_levels_of_separation + 1)`,
    ),
    0,
  );
  assert.ok((await n(site, 'SELECT max(min_levels_of_separation) FROM concept_ancestor')) >= 3, 'several levels');
  assert.ok(
    (await n(
      site,
      'SELECT count(*) FROM (SELECT descendant_concept_id FROM concept_ancestor WHERE min_levels_of_separation = 1 GROUP BY 1 HAVING count(*) > 1)',
    )) > 0,
    'some concepts have two parents',
  );
  // Invalid concepts are out of the hierarchy.
  assert.equal(
    await n(
      site,
      `SELECT count(*) FROM concept_ancestor a JOIN concept c ON c.concept_id = a.descendant_concept_id WHERE c.invalid_reason IS NOT NULL`,
    ),
    0,
  );
});

test('source codes map to standard concepts; some invalid concepts; synonyms; reference tables', async () => {
  assert.equal(
    await n(
      site,
      `SELECT count(*) FROM concept c WHERE c.vocabulary_id IN ('ICD10CM', 'ICD9CM', 'NDC') AND NOT EXISTS (
         SELECT 1 FROM concept_relationship r JOIN concept t ON t.concept_id = r.concept_id_2
         WHERE r.concept_id_1 = c.concept_id AND r.relationship_id = 'Maps to' AND t.standard_concept = 'S')`,
    ),
    0,
  );
  const invalid = await n(site, 'SELECT count(*) FROM concept WHERE invalid_reason IS NOT NULL');
  assert.ok(invalid > 0 && invalid < SIZE * 0.05, `${invalid} invalid`);
  assert.equal(
    await n(site, `SELECT count(*) FROM concept WHERE invalid_reason IS NOT NULL AND standard_concept IS NOT NULL`),
    0,
  );
  assert.ok((await n(site, 'SELECT count(*) FROM concept_synonym')) > SIZE * 0.1);
  assert.equal(
    await site.value(`SELECT concept_synonym_name FROM concept_synonym WHERE concept_id = 4163261`),
    'Prostate cancer',
  );
  assert.ok((await n(site, 'SELECT count(*) FROM domain')) >= 5);
  assert.equal(
    await n(site, `SELECT count(*) FROM relationship WHERE relationship_id IN ('Is a', 'Subsumes', 'Maps to', 'Mapped from')`),
    4,
  );
  assert.equal(
    await n(
      site,
      'SELECT count(*) FROM (SELECT DISTINCT vocabulary_id FROM concept) c ANTI JOIN vocabulary v USING (vocabulary_id)',
    ),
    0,
  );
});
