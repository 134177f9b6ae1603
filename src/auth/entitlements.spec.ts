import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holds, parseEntitlement, parseEntitlements, parseRequirement } from './entitlements.js';

const H = (p: string) => `urn:geant:helmholtz.de:group:${p}#login.helmholtz.de`;

test('parses AARC-G002 group entitlements with subgroups, role and authority', () => {
  assert.deepEqual(parseEntitlement(H('fedomop:north:role=steward')), {
    raw: H('fedomop:north:role=steward'),
    namespace: 'urn:geant:helmholtz.de',
    path: ['fedomop', 'north'],
    group: 'urn:geant:helmholtz.de:group:fedomop:north',
    role: 'steward',
    authority: 'login.helmholtz.de',
  });
  assert.equal(parseEntitlement('urn:geant:helmholtz.de:group:fedomop')?.group, 'urn:geant:helmholtz.de:group:fedomop');
  for (const junk of [
    '',
    'fedomop:north',
    'urn:geant:helmholtz.de:res:x',
    'urn:x:group:',
    'urn:x:group:a::b',
    'urn:x:group:a:role=',
  ]) {
    assert.equal(parseEntitlement(junk), undefined, junk);
  }
});

test('groups match as exact paths: no prefixes, no substrings, authority ignored, role when asked', () => {
  const mine = parseEntitlements([
    H('fedomop'),
    H('fedomop:north-fans'),
    'urn:geant:helmholtz.de:group:fedomop:south:role=member',
  ]);
  const north = parseRequirement(H('fedomop:north'))!;
  assert.equal(holds(mine, north), false, 'north-fans is not north');
  assert.equal(holds(mine, parseRequirement('urn:geant:helmholtz.de:group:fedomop:nort')!), false);
  assert.equal(holds(mine, parseRequirement('urn:geant:helmholtz.de:group:fedomop:south#other.authority')!), true);
  assert.equal(holds(mine, parseRequirement(H('fedomop:south:role=member'))!), true);
  assert.equal(holds(mine, parseRequirement(H('fedomop:south:role=steward'))!), false);
  assert.equal(
    holds(mine, parseRequirement(H('fedomop:role=member'))!),
    false,
    'a role held in a subgroup is not held in the VO',
  );
  assert.equal(holds(mine, parseRequirement(H('fedomop'))!), true);
});
