/**
 * The cohort document (src/lab/cohort-document) on every ATLAS export of circe-be's conformance
 * suite (shared/conformance/circe), as shipped and with each manifest patch applied, bare and inside
 * an ATLAS cohort definition (object and, as older WebAPI wrote it, JSON text): opened and saved
 * without edits it is the same JSON; each builder edit changes exactly the part it names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readCohortText, writeCohortText, type ICohortFile } from '../../src/lab/cohort-document/cohort-file.js';
import * as edits from '../../src/lab/cohort-document/cohort-edits.js';
import { diffPaths } from '../../src/lab/cohort-document/json-path.js';
import type { CirceExpression } from '../../src/circe/types.js';
import { attributeChoices, defaultAttributeValue, needsConceptSet } from '../../src/lab/cohort-builder/attribute-catalogue.js';
import { validateCohortExpression } from '../../src/plan/validate.js';
import { applyPatch } from './json-patch.js';
import { CONFORMANCE_ROOT, conformanceAvailable, readJson, readManifest } from './manifest.js';

const available = conformanceAvailable();
const skip = available ? false : `circe conformance data not found at ${CONFORMANCE_ROOT}`;

function fixtures(): Array<{ name: string; text: string }> {
  if (!available) return [];
  const manifest = readManifest();
  const files = [...new Set(manifest.map((c) => c.expression))];
  return [
    ...files.map((f) => ({ name: f, text: readFileSync(path.join(CONFORMANCE_ROOT, f), 'utf8') })),
    ...manifest.map((c) => ({
      name: c.name,
      text: JSON.stringify(applyPatch(readJson(CONFORMANCE_ROOT, c.expression), c.modifications)),
    })),
  ];
}

const cases = fixtures();

function open(text: string): ICohortFile {
  const read = readCohortText(text);
  assert.ok(read.ok, read.ok ? '' : read.message);
  return read.file;
}

/** One edit of each kind the builder makes, with the only paths it may change. */
function editsFor(e: CirceExpression): Array<{ what: string; apply: (e: CirceExpression) => CirceExpression; paths: string[] }> {
  const out: Array<{ what: string; apply: (e: CirceExpression) => CirceExpression; paths: string[] }> = [];
  const sets = e.ConceptSets ?? [];
  if (sets.length) {
    const id = sets[0].id;
    out.push({
      what: 'rename a concept set',
      apply: (x) => edits.renameConceptSet(x, id, 'Renamed'),
      paths: ['ConceptSets[0].name'],
    });
    if (sets[0].expression.items.length)
      out.push({
        what: 'toggle descendants',
        apply: (x) => edits.setItemToggle(x, id, 0, 'includeDescendants', !sets[0].expression.items[0].includeDescendants),
        paths: ['ConceptSets[0].expression.items[0].includeDescendants'],
      });
  }
  const window = e.PrimaryCriteria.ObservationWindow;
  if (window && typeof window.PriorDays === 'number')
    out.push({
      what: 'observation window',
      apply: (x) => edits.setObservationWindow(x, (window.PriorDays ?? 0) + 1, window.PostDays ?? 0),
      paths: ['PrimaryCriteria.ObservationWindow.PriorDays'],
    });
  const rules = e.InclusionRules ?? [];
  out.push({
    what: 'add an age rule',
    apply: (x) => edits.addInclusionRule(x, 'age', edits.ageGroup({ Value: 50, Op: 'gte' })),
    paths: [rules.length || Array.isArray(e.InclusionRules) ? 'InclusionRules' : 'InclusionRules'],
  });
  if (rules.length) {
    out.push({ what: 'rename a rule', apply: (x) => edits.renameInclusionRule(x, 0, 'R'), paths: ['InclusionRules[0].name'] });
    out.push({
      what: 'group type',
      apply: (x) => edits.setValue(x, ['InclusionRules', 0, 'expression', 'Type'], 'ANY'),
      paths: rules[0].expression.Type === 'ANY' ? [] : ['InclusionRules[0].expression.Type'],
    });
  }
  // The "+ attribute" menu on each entry event: every attribute it offers, added with its starting
  // value, changes exactly that attribute's path (and the cohort still validates, checked below).
  (e.PrimaryCriteria.CriteriaList ?? []).forEach((criterion, i) => {
    const [domain, attrs] = Object.entries(criterion)[0] as [string, Record<string, unknown>];
    for (const choice of attributeChoices(domain)) {
      if (attrs[choice.name] !== undefined && attrs[choice.name] !== null) continue;
      // The menu disables these until a concept set exists (there is nothing to point them at).
      if (needsConceptSet(choice) && !(e.ConceptSets ?? []).length) continue;
      const path = ['PrimaryCriteria', 'CriteriaList', i, domain, choice.name];
      out.push({
        what: `add attribute ${domain}.${choice.name}`,
        apply: (x) => edits.setValue(x, path, defaultAttributeValue(choice, x.ConceptSets ?? [])),
        paths: [`PrimaryCriteria.CriteriaList[${i}].${domain}.${choice.name}`],
      });
    }
  });
  return out;
}

test('there are ATLAS exports to open', { skip }, () => {
  assert.ok(cases.length >= 40, `${cases.length} fixtures`);
});

for (const { name, text } of cases) {
  test(`cohort document round trip: ${name}`, { skip }, () => {
    const input = JSON.parse(text);
    const definition = { id: 7, name: 'From ATLAS', description: null, expressionType: 'SIMPLE_EXPRESSION', expression: input };
    const legacy = { ...definition, expression: JSON.stringify(input) };
    for (const [form, fileText] of [
      ['bare', text],
      ['cohort definition', JSON.stringify(definition, null, 2)],
      ['definition with expression text', JSON.stringify(legacy)],
    ] as const) {
      const file = open(fileText);
      assert.deepEqual(file.expression, input, `${form}: opened expression is the file's`);
      const saved = writeCohortText(file);
      assert.deepEqual(JSON.parse(saved), JSON.parse(fileText), `${form}: saved without edits is the same JSON`);
      assert.deepEqual(open(saved).expression, input, `${form}: reopened`);
    }

    for (const edit of editsFor(input)) {
      const before = JSON.stringify(input);
      const edited = edit.apply(input);
      assert.equal(JSON.stringify(input), before, `${edit.what}: the edit must not touch its input`);
      const saved = JSON.parse(writeCohortText({ expression: edited, wrapper: { kind: 'bare' } }));
      assert.deepEqual(diffPaths(input, saved), edit.paths, `${edit.what}: changes exactly that part`);
      if (edit.what.startsWith('add attribute') && validateCohortExpression(input).ok) {
        const v = validateCohortExpression(saved);
        assert.ok(v.ok, `${edit.what}: still a valid cohort${v.ok ? '' : `: ${JSON.stringify(v.problems)}`}`);
      }
      // And inside a cohort definition, the wrapper's own fields stay as they were.
      const wrapped = open(JSON.stringify(definition));
      const out = JSON.parse(writeCohortText({ ...wrapped, expression: edit.apply(wrapped.expression) }));
      assert.deepEqual(
        diffPaths(definition, out),
        edit.paths.map((p) => `expression.${p}`),
        `${edit.what}: in a definition, only expression.<part> changes`,
      );
    }
  });
}
