/**
 * The results stream holds the schema message alone briefly (results-stream.ts SCHEMA_HOLD_MS): a
 * query that ends meanwhile goes out as one response with a Content-Length; a slower one still
 * shows its reader the schema while its sites work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableFromIPC } from 'apache-arrow';
import { COUNT_PLAN, hubFor, postQuery } from './hub-client.spec-util.js';
import { after, answers, exact, startStandInSite } from './stand-in-site.spec-util.js';

const LIMIT = { timeout: 15_000 };
const one = [{ dims: {}, measures: { persons: exact(7), events: exact(9) } }];

test('a reader that connects before the answer gets schema, batches and end in one response', LIMIT, async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const site = await startStandInSite('north', after(gate, answers(one)));
  const hub = await hubFor(t, [site]);
  const { json } = await postQuery(hub, { plan: COUNT_PLAN });
  // The reader is attached (its request is in) before the site may answer.
  const reading = fetch(`${hub.url}/v1/queries/${json.id}/results`);
  await new Promise((resolve) => setTimeout(resolve, 5));
  release();
  const res = await reading;
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(res.headers.get('content-length'), String(bytes.length), 'one write with a Content-Length');
  const table = tableFromIPC(bytes);
  assert.deepEqual(
    table.toArray().map((r) => [r.site, Number(r.persons)]),
    [
      ['north', 7],
      ['pooled', 7],
    ],
  );
});

test('a reader of a slow query gets the headers and schema while the site still works', LIMIT, async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const site = await startStandInSite('north', after(gate, answers(one)));
  t.after(() => release());
  const hub = await hubFor(t, [site]);
  const { json } = await postQuery(hub, { plan: COUNT_PLAN });
  // fetch resolves on the response headers: they come (after the hold) with the site still held.
  const res = await fetch(`${hub.url}/v1/queries/${json.id}/results`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-length'), null, 'streamed, the end not yet known');
  const reader = res.body!.getReader();
  const first = await reader.read();
  assert.ok(first.value && first.value.byteLength > 0, 'the schema message arrived');
  release();
  const rest: Uint8Array[] = [first.value];
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest.push(r.value);
  const table = tableFromIPC(Buffer.concat(rest));
  assert.equal(table.numRows, 2);
});
