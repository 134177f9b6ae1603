import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_STATUS, FedomopError, fromErrorBody, toErrorBody } from './errors.js';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');

test('every error code is documented with its HTTP status in docs/errors.md', () => {
  for (const [code, status] of Object.entries(ERROR_STATUS)) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
    assert.ok(row, `${code} is missing from docs/errors.md`);
    assert.equal(row.split('|')[2].trim(), String(status), `${code}: documented status differs`);
  }
});

test('error bodies round-trip and keep details such as the site', () => {
  const err = new FedomopError('ERR_SITE_TIMEOUT', 'site south did not answer within 60 s', { site: 'south' });
  const back = fromErrorBody(JSON.parse(JSON.stringify(toErrorBody(err))));
  assert.equal(back.code, 'ERR_SITE_TIMEOUT');
  assert.equal(back.status, 504);
  assert.equal(back.details.site, 'south');
  assert.equal(fromErrorBody({ nonsense: true }).code, 'ERR_SITE_BAD_RESPONSE');
});
