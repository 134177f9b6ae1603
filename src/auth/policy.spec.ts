import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { accessOf, decide, parsePolicy } from './policy.js';

const H = (p: string) => `urn:geant:helmholtz.de:group:${p}#login.helmholtz.de`;
const demo = (site: string) =>
  parsePolicy(readFileSync(new URL('../../policy/demo-policy.toml', import.meta.url), 'utf8'), site, 'demo-policy.toml');

test('the demo policy: the site group runs everything, VO members only search concepts', () => {
  const north = demo('north');
  const bob = [H('fedomop'), H('fedomop:north')];
  assert.deepEqual(decide(north, bob, { kind: 'analysis', analysis: 'crosstab' }, 'north'), {
    disclosure: 'standard',
    group: 'urn:geant:helmholtz.de:group:fedomop:north',
  });
  const south = demo('south');
  assert.throws(
    () => decide(south, bob, { kind: 'analysis', analysis: 'count' }, 'south'),
    (err: { code: string; status: number; details: { group: string }; message: string }) =>
      err.code === 'ERR_NOT_ENTITLED' &&
      err.status === 403 &&
      err.details.group === 'urn:geant:helmholtz.de:group:fedomop:south' &&
      /fedomop:south/.test(err.message),
  );
  assert.equal(decide(south, bob, { kind: 'concepts' }, 'south').disclosure, 'strict');
  assert.throws(() => decide(south, [], { kind: 'concepts' }, 'south'), { code: 'ERR_NOT_ENTITLED' });
  assert.deepEqual(accessOf(south, bob).analyses, {});
  assert.equal(accessOf(north, bob).analyses.attrition, 'standard');
  assert.deepEqual(accessOf(north, []), {
    analyses: {},
    conceptSearch: false,
    groups: ['urn:geant:helmholtz.de:group:fedomop:north', 'urn:geant:helmholtz.de:group:fedomop'],
  });
});

test('rules are read in order; a role can be required; a kind no rule covers names no group', () => {
  const policy = parsePolicy(
    `[[rules]]
group = "urn:geant:helmholtz.de:group:onco:north:role=steward"
analyses = ["attrition"]
disclosure = "standard"
[[rules]]
group = "urn:geant:helmholtz.de:group:onco:north"
analyses = ["count", "attrition"]
disclosure = "strict"
`,
    'north',
  );
  const member = [H('onco:north')];
  const steward = [H('onco:north:role=steward')];
  assert.equal(decide(policy, member, { kind: 'analysis', analysis: 'attrition' }, 'north').disclosure, 'strict');
  assert.equal(decide(policy, steward, { kind: 'analysis', analysis: 'attrition' }, 'north').disclosure, 'standard');
  assert.throws(
    () => decide(policy, member, { kind: 'analysis', analysis: 'crosstab' }, 'north'),
    (err: { details: { group?: string }; message: string }) => err.details.group === undefined && /nobody may/.test(err.message),
  );
});

test('a broken policy is refused at start, naming the rule and key', () => {
  const bad = (text: string, message: RegExp) =>
    assert.throws(() => parsePolicy(text, 'north', 'p.toml'), { code: 'ERR_CONFIG_INVALID', message });
  bad('', /no \[\[rules\]\]/);
  bad('[[rules]]\ngroup = "fedomop:north"\n', /rules\[0\]\.group is not an AARC-G002 group/);
  bad('[[rules]]\ngroup = "urn:x:group:a"\nanalyses = ["count", "magic"]\n', /unknown kind magic/);
  bad('[[rules]]\ngroup = "urn:x:group:a"\ndisclosure = "lenient"\n', /disclosure must be standard or strict/);
  bad('[[rules]]\ngroup = "urn:x:group:a"\ngroups = []\n', /unknown key "groups"/);
});
