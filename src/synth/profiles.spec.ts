import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CONCEPT, SYNTH_PROFILES, generateSite, type SynthProfileName } from './index.js';
import { openSite, tempDir } from './synth.spec-util.js';

interface SiteStats {
  cancerShare: number;
  meanAge: number;
  deathShare: number;
}

const dir = await tempDir();
const stats = {} as Record<SynthProfileName, SiteStats>;

before(async () => {
  for (const profile of ['central', 'small'] as const) {
    const out = join(dir.path, `${profile}.duckdb`);
    // Same seed on purpose: the differences come from the profile alone.
    await generateSite({ out, seed: 21, persons: 3000, profile, eventsPerPerson: 10 });
    const site = await openSite(out);
    try {
      const [row] = await site.rows(`
        WITH cancer AS (SELECT DISTINCT person_id FROM condition_occurrence WHERE condition_concept_id IN
          (SELECT descendant_concept_id FROM concept_ancestor WHERE ancestor_concept_id = ${CONCEPT.malignantNeoplasm}))
        SELECT (SELECT count(*) FROM cancer) / count(*) AS cancer_share,
               avg(2024 - year_of_birth) AS mean_age,
               (SELECT count(*) FROM death) / count(*) AS death_share
        FROM person`);
      stats[profile] = {
        cancerShare: Number(row.cancer_share),
        meanAge: Number(row.mean_age),
        deathShare: Number(row.death_share),
      };
    } finally {
      site.close();
    }
  }
});
after(() => dir.remove());

test('the profiles are central, regional and small, largest first', () => {
  assert.deepEqual(Object.keys(SYNTH_PROFILES).sort(), ['central', 'regional', 'small']);
  assert.ok(SYNTH_PROFILES.central.defaultPersons > SYNTH_PROFILES.regional.defaultPersons);
  assert.ok(SYNTH_PROFILES.regional.defaultPersons > SYNTH_PROFILES.small.defaultPersons);
  for (const [name, p] of Object.entries(SYNTH_PROFILES)) {
    const total = p.ageBands.reduce((s, b) => s + b.weight, 0);
    assert.ok(Math.abs(total - 1) < 1e-9, `${name} age band weights sum to ${total}`);
  }
});

test('the central site has clearly more cancer than the small one', () => {
  assert.ok(stats.central.cancerShare > 2 * stats.small.cancerShare, JSON.stringify(stats));
  assert.ok(stats.small.cancerShare > 0, 'the small site still has some cancer patients');
});

test('the central site is older and sees more deaths', () => {
  assert.ok(stats.central.meanAge > stats.small.meanAge + 5, JSON.stringify(stats));
  assert.ok(stats.central.deathShare > stats.small.deathShare, JSON.stringify(stats));
});
