/**
 * The generic round check asks the plan's kind (its site.ts entry in ROUNDS_SITES) which rounds it
 * answers and which quantile variables fit; these pin the answers the site gave before the move.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VariableAnalysis } from '../plan/types.js';
import { checkRound, usedVariables } from './rounds.js';

const variables = { age: { type: 'age_at_index' }, sex: { type: 'gender' } } as VariableAnalysis['variables'];
const summary = { kind: 'summary', variables, of: ['age'], by: 'sex' } as VariableAnalysis;
const histogram = { kind: 'histogram', variables, of: 'age' } as VariableAnalysis;
const km = { kind: 'km', variables, time: 'age', strata: 'sex' } as VariableAnalysis;

const refused = (raw: unknown, a: VariableAnalysis, message: RegExp) =>
  assert.throws(
    () => checkRound(raw, a),
    (e: Error & { code?: string }) => e.code === 'ERR_BAD_REQUEST' && message.test(e.message),
  );

test('each rounds kind answers only its own rounds', () => {
  assert.deepEqual(checkRound({ type: 'moments' }, summary), { type: 'moments' });
  refused({ type: 'bins', edges: [0, 1] }, summary, /a summary analysis has no round "bins" \(rounds: moments, quantile\)/);
  refused({ type: 'moments' }, histogram, /rounds: quantile, bins/);
  refused({ type: 'quantile', variable: 'age', probes: [1] }, km, /rounds: km-grid, km-counts/);
});

test('a quantile round names a variable the kind summarises, and a level only for a summary with by', () => {
  const q = { type: 'quantile', variable: 'age', probes: [40] };
  assert.deepEqual(checkRound({ ...q, level: 'F' }, summary), { ...q, level: 'F' });
  assert.deepEqual(checkRound(q, histogram), { ...q, level: null });
  refused({ ...q, variable: 'sex' }, summary, /quantile variable must be one the analysis summarises/);
  refused({ ...q, variable: 'sex' }, histogram, /quantile variable must be one the analysis summarises/);
  refused({ ...q, level: 'F' }, histogram, /a level needs a summary with by/);
  refused({ ...q, level: 'F' }, { ...summary, by: undefined } as VariableAnalysis, /a level needs a summary with by/);
});

test('the variables read are the kind’s own list', () => {
  assert.deepEqual(usedVariables(summary), ['age', 'sex']);
  assert.deepEqual(usedVariables(histogram), ['age']);
  assert.deepEqual(usedVariables(km), ['age', 'sex']);
});
