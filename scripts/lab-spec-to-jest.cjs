#!/usr/bin/env node
/**
 * Rewrites node:test + node:assert/strict specs under src/lab/ for jest (the lab's test runner since
 * s5/jest, see docs/testing.md): top-level test() -> it() inside a describe named after the module,
 * assert.equal -> expect().toBe, deepEqual -> toStrictEqual, match -> toMatch, ok -> toBeTruthy (an
 * assertion message becomes a comment). Uses TypeScript's parser, so strings and regexes are safe.
 * Refuses any other assert call. Afterwards: `npx prettier --write <files>`, `npx tsc -p tsconfig.jest.json`
 * (assert.ok narrowed types, expect does not: use expectOk/expectNotOk from src/lab/expect-ok.spec-util.ts)
 * and `npx jest -c jest.config.cjs <files>`.
 * Usage: node scripts/lab-spec-to-jest.cjs src/lab/x/y.spec.ts ...
 */
const ts = require('typescript');
const fs = require('fs');
const path = require('path');

for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edits = [];
  const visit = (node) => {
    if (ts.isCallExpression(node)) {
      const e = node.expression;
      if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'assert') {
        const m = e.name.text;
        const a = node.arguments.map((x) => x.getText(sf));
        const msgAt = m === 'ok' ? 1 : 2;
        const msg = a.length > msgAt ? a[msgAt] : null;
        let out;
        if (m === 'equal') out = `expect(${a[0]}).toBe(${a[1]})`;
        else if (m === 'deepEqual') out = `expect(${a[0]}).toStrictEqual(${a[1]})`;
        else if (m === 'match') out = `expect(${a[0]}).toMatch(${a[1]})`;
        else if (m === 'ok') out = `expect(${a[0]}).toBeTruthy()`;
        else throw new Error(`${file}: assert.${m} has no rewrite here; convert it by hand`);
        if (msg) out = `/* ${msg.replace(/\*\//g, '* /')} */ ${out}`;
        edits.push([node.getStart(sf), node.getEnd(), out]);
        return;
      }
      if (ts.isIdentifier(e) && e.text === 'test' && ts.isExpressionStatement(node.parent) && node.parent.parent === sf) {
        edits.push([e.getStart(sf), e.getEnd(), 'it']);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  edits.sort((x, y) => y[0] - x[0]);
  let out = text;
  for (const [s, t, r] of edits) out = out.slice(0, s) + r + out.slice(t);
  out = out.replace(/^import \{ test \} from 'node:test';\n/m, '').replace(/^import assert from 'node:assert\/strict';\n/m, '');
  const first = out.search(/^it\(/m);
  if (first < 0) throw new Error(`${file}: no top-level test() found`);
  const name = path.basename(file).replace(/\.spec\.tsx?$/, '');
  out = `${out.slice(0, first)}describe('${name}', () => {\n${out.slice(first).replace(/\s*$/, '\n')}});\n`;
  fs.writeFileSync(file, out);
  console.log(`${file}: ${edits.length} rewrites`);
}
