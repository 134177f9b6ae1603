/**
 * Properties downstream code relies on: cohort logic drops events outside observation, survival
 * analysis needs death after every event, and the cancer/drug/lab links must hold.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CONCEPT, generateSite } from './index.js';
import { EVENT_DATES, openSite, tempDir, type SiteReader } from './synth.spec-util.js';

const dir = await tempDir();
let site: SiteReader;

before(async () => {
  const out = join(dir.path, 'central.duckdb');
  await generateSite({ out, seed: 5, persons: 3000, profile: 'central' });
  site = await openSite(out);
});
after(async () => {
  site.close();
  await dir.remove();
});

const count = async (sql: string): Promise<number> => Number(await site.value(sql));
const PROSTATE = `(SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = ${CONCEPT.prostateTumor})`;

test('every clinical event starts inside one of its person’s observation periods', async () => {
  for (const [table, date] of Object.entries(EVENT_DATES)) {
    assert.ok((await count(`SELECT count(*) FROM ${table}`)) > 10_000, `${table} has rows`);
    const outside = await count(`
      SELECT count(*) FROM ${table} e WHERE NOT EXISTS (
        SELECT 1 FROM observation_period op WHERE op.person_id = e.person_id
          AND e.${date} BETWEEN op.observation_period_start_date AND op.observation_period_end_date)`);
    assert.equal(outside, 0, `${table}: events outside observation`);
  }
});

test('visits and drug exposures also end inside the period they start in', async () => {
  for (const [table, start, end] of [
    ['visit_occurrence', 'visit_start_date', 'visit_end_date'],
    ['drug_exposure', 'drug_exposure_start_date', 'drug_exposure_end_date'],
  ]) {
    const bad = await count(`
      SELECT count(*) FROM ${table} e WHERE e.${end} < e.${start} OR NOT EXISTS (
        SELECT 1 FROM observation_period op WHERE op.person_id = e.person_id
          AND e.${start} >= op.observation_period_start_date AND e.${end} <= op.observation_period_end_date)`);
    assert.equal(bad, 0, `${table}: end before start or beyond its period`);
  }
});

test('observation periods lie in 2005–2024, do not overlap, and start at adulthood', async () => {
  assert.equal(
    await count(`SELECT count(*) FROM observation_period
      WHERE observation_period_start_date < DATE '2005-01-01' OR observation_period_end_date > DATE '2024-12-31'
         OR observation_period_end_date < observation_period_start_date`),
    0,
  );
  assert.equal(
    await count(`SELECT count(*) FROM observation_period a JOIN observation_period b
      ON a.person_id = b.person_id AND a.observation_period_id < b.observation_period_id
      AND a.observation_period_start_date <= b.observation_period_end_date
      AND b.observation_period_start_date <= a.observation_period_end_date`),
    0,
  );
  assert.ok(
    (await count(`SELECT count(DISTINCT person_id) FROM observation_period WHERE observation_period_id % 2 = 0`)) > 100,
    'some persons have a second period after a gap',
  );
  assert.equal(await count(`SELECT count(DISTINCT person_id) FROM observation_period`), 3000);
  assert.equal(
    await count(`SELECT count(*) FROM observation_period op JOIN person p USING (person_id)
      WHERE op.observation_period_start_date < p.birth_datetime::DATE + INTERVAL 18 YEAR`),
    0,
  );
});

test('ages at events span young adults to the very old', async () => {
  const [ages] = await site.rows(`SELECT min(year(condition_start_date) - year_of_birth) AS lo,
    max(year(condition_start_date) - year_of_birth) AS hi FROM condition_occurrence JOIN person USING (person_id)`);
  assert.ok(Number(ages.lo) <= 22, `youngest age at an event is ${ages.lo}`);
  assert.ok(Number(ages.hi) >= 93, `oldest age at an event is ${ages.hi}`);
});

test('death follows birth and every recorded event', async () => {
  assert.ok((await count('SELECT count(*) FROM death')) > 50, 'some persons died');
  assert.equal(
    await count(`SELECT count(*) FROM death JOIN person USING (person_id) WHERE death_date <= birth_datetime::DATE`),
    0,
  );
  const late = await count(`
    WITH last_event AS (
      SELECT person_id, max(d) AS d FROM (
        SELECT person_id, visit_end_date AS d FROM visit_occurrence
        UNION ALL SELECT person_id, condition_start_date FROM condition_occurrence
        UNION ALL SELECT person_id, drug_exposure_end_date FROM drug_exposure
        UNION ALL SELECT person_id, procedure_date FROM procedure_occurrence
        UNION ALL SELECT person_id, measurement_date FROM measurement
        UNION ALL SELECT person_id, observation_period_end_date FROM observation_period) GROUP BY person_id)
    SELECT count(*) FROM death JOIN last_event USING (person_id) WHERE death_date < last_event.d`);
  assert.equal(late, 0, 'deaths before a later event or observation end');
});

test('gender is male or female, with unknown kept rare', async () => {
  const [g] = await site.rows(`SELECT avg((gender_concept_id = ${CONCEPT.male})::INT) AS male,
    avg((gender_concept_id = ${CONCEPT.female})::INT) AS female, avg((gender_concept_id = 0)::INT) AS unknown FROM person`);
  assert.ok(Number(g.male) > 0.4 && Number(g.female) > 0.4, JSON.stringify(g));
  assert.ok(Number(g.unknown) < 0.01, JSON.stringify(g));
});

test('prostate cancer occurs, and only in males', async () => {
  assert.ok(
    (await count(`SELECT count(DISTINCT person_id) FROM condition_occurrence WHERE condition_concept_id IN ${PROSTATE}`)) > 50,
  );
  assert.equal(
    await count(`SELECT count(*) FROM condition_occurrence JOIN person USING (person_id)
      WHERE condition_concept_id IN ${PROSTATE} AND gender_concept_id <> ${CONCEPT.male}`),
    0,
  );
});

test('breast and lung cancer occur, and most condition rows are not cancer', async () => {
  const cancer = `(SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = ${CONCEPT.malignantNeoplasm})`;
  assert.ok((await count(`SELECT count(*) FROM condition_occurrence WHERE condition_concept_id = ${CONCEPT.breastTumor}`)) > 0);
  assert.ok(
    (await count(
      `SELECT count(*) FROM condition_occurrence WHERE condition_concept_id IN (${CONCEPT.lungTumor}, ${CONCEPT.nsclc})`,
    )) > 0,
  );
  const share = Number(await site.value(`SELECT avg((condition_concept_id IN ${cancer})::INT) FROM condition_occurrence`));
  assert.ok(share > 0 && share < 0.15, `cancer share of condition rows: ${share}`);
});

test('abiraterone and enzalutamide go to prostate cancer patients, on or after diagnosis', async () => {
  const drugs = `(${CONCEPT.abiraterone}, ${CONCEPT.enzalutamide})`;
  assert.ok((await count(`SELECT count(*) FROM drug_exposure WHERE drug_concept_id IN ${drugs}`)) > 100);
  const early = await count(`
    WITH dx AS (SELECT person_id, min(condition_start_date) AS d FROM condition_occurrence
                WHERE condition_concept_id IN ${PROSTATE} GROUP BY person_id)
    SELECT count(*) FROM drug_exposure e LEFT JOIN dx USING (person_id)
    WHERE e.drug_concept_id IN ${drugs} AND (dx.d IS NULL OR e.drug_exposure_start_date < dx.d)`);
  assert.equal(early, 0);
  assert.ok((await count(`SELECT count(*) FROM drug_exposure WHERE drug_concept_id = ${CONCEPT.acetaminophen}`)) > 1000);
});

test('PSA results are in ng/mL, men only, and higher in prostate cancer', async () => {
  const [psa] = await site.rows(`SELECT count(*) AS n, count(value_as_number) AS valued,
    avg((unit_concept_id = ${CONCEPT.ngPerMl})::INT) AS in_ng_ml FROM measurement WHERE measurement_concept_id = ${CONCEPT.psa}`);
  assert.ok(Number(psa.n) > 1000 && psa.valued === psa.n && psa.in_ng_ml === 1, JSON.stringify(psa));
  assert.equal(
    await count(`SELECT count(*) FROM measurement JOIN person USING (person_id)
      WHERE measurement_concept_id = ${CONCEPT.psa} AND gender_concept_id <> ${CONCEPT.male}`),
    0,
  );
  const [means] = await site.rows(`
    WITH pc AS (SELECT DISTINCT person_id FROM condition_occurrence WHERE condition_concept_id IN ${PROSTATE})
    SELECT avg(value_as_number) FILTER (WHERE pc.person_id IS NOT NULL)::DOUBLE AS cancer,
           avg(value_as_number) FILTER (WHERE pc.person_id IS NULL)::DOUBLE AS other
    FROM measurement m LEFT JOIN pc USING (person_id) WHERE measurement_concept_id = ${CONCEPT.psa}`);
  assert.ok(Number(means.cancer) > 2 * Number(means.other), JSON.stringify(means));
  assert.ok(
    (await count(`SELECT count(*) FROM measurement WHERE measurement_concept_id = ${CONCEPT.hemoglobin}
      AND unit_concept_id = ${CONCEPT.gPerDl} AND value_as_number BETWEEN 8 AND 20`)) > 1000,
  );
});

test('every event sits on a visit of the same person on the same day', async () => {
  for (const [table, date] of Object.entries(EVENT_DATES)) {
    if (table === 'visit_occurrence') continue;
    const orphans = await count(`SELECT count(*) FROM ${table} e LEFT JOIN visit_occurrence v USING (visit_occurrence_id)
      WHERE v.person_id IS DISTINCT FROM e.person_id OR v.visit_start_date IS DISTINCT FROM e.${date}`);
    assert.equal(orphans, 0, `${table}: events off their visit`);
  }
});

test('primary keys are unique', async () => {
  for (const [table, id] of [
    ['person', 'person_id'],
    ['observation_period', 'observation_period_id'],
    ['visit_occurrence', 'visit_occurrence_id'],
    ['condition_occurrence', 'condition_occurrence_id'],
    ['drug_exposure', 'drug_exposure_id'],
    ['procedure_occurrence', 'procedure_occurrence_id'],
    ['measurement', 'measurement_id'],
    ['death', 'person_id'],
  ]) {
    assert.equal(await count(`SELECT count(*) - count(DISTINCT ${id}) FROM ${table}`), 0, `${table}.${id} repeats`);
  }
});

test('clinical rows use standard concepts of the right domain from the concept table', async () => {
  for (const [table, column, domain] of [
    ['visit_occurrence', 'visit_concept_id', 'Visit'],
    ['condition_occurrence', 'condition_concept_id', 'Condition'],
    ['drug_exposure', 'drug_concept_id', 'Drug'],
    ['procedure_occurrence', 'procedure_concept_id', 'Procedure'],
    ['measurement', 'measurement_concept_id', 'Measurement'],
    ['measurement', 'unit_concept_id', 'Unit'],
    ['person', 'gender_concept_id', 'Gender'],
    ['person', 'race_concept_id', 'Race'],
    ['person', 'ethnicity_concept_id', 'Ethnicity'],
  ]) {
    const bad = await count(`SELECT count(*) FROM ${table} t LEFT JOIN concept c ON c.concept_id = t.${column}
      WHERE t.${column} <> 0 AND (c.domain_id IS DISTINCT FROM '${domain}' OR c.standard_concept IS DISTINCT FROM 'S')`);
    assert.equal(bad, 0, `${table}.${column}`);
  }
  assert.equal(
    await count(`SELECT count(*) FROM condition_occurrence co JOIN concept_relationship r
      ON r.concept_id_1 = co.condition_source_concept_id AND r.relationship_id = 'Maps to'
      WHERE co.condition_source_concept_id <> 0 AND r.concept_id_2 <> co.condition_concept_id`),
    0,
    'source concepts map to the standard concept recorded beside them',
  );
});
