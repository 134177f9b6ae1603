import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HUB_NODE_FLAGS } from './node-flags.js';

// Compiled to lib/hub/, two levels below the repository root.
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test("the hub's Kubernetes deployment runs node with the hub's flags", () => {
  const manifest = readFileSync(path.join(REPO, 'deploy/k8s/base/hub/deployment.yaml'), 'utf8');
  const m = /- name: NODE_OPTIONS\n\s+value: "([^"]*)"/.exec(manifest);
  assert.ok(m, 'NODE_OPTIONS set in the hub container');
  assert.equal(m[1], HUB_NODE_FLAGS.join(' '));
});

test('node takes the flags, and they cap the young generation', () => {
  // The young generation's capacity after allocating enough survivors to grow it to its maximum.
  const script = `
    const v8 = require('node:v8');
    const keep = [];
    for (let i = 0; i < 400000; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 50000) keep.splice(0, 25000); }
    let max = 0;
    for (const s of v8.getHeapSpaceStatistics()) if (s.space_name === 'new_space') max = s.space_size;
    process.stdout.write(String(max));`;
  const young = (flags: readonly string[]) =>
    Number(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' }));
  const capped = young(HUB_NODE_FLAGS);
  assert.ok(capped <= 8 * 1048576, `${capped} B of young generation with ${HUB_NODE_FLAGS.join(' ')}`);
  assert.ok(young([]) > capped, 'the default grows it further (else the flag does nothing here)');
});
