import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dictionary, Int32, RecordBatchStreamWriter, Table, Utf8, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import { streamBytes, tableFromRows } from '../arrow/encode.js';
import { resultSchema, type ResultRow } from '../arrow/result-schema.js';
import { recordBatchMessages } from './ipc-messages.js';

const analysis = { kind: 'crosstab', by: ['gender', 'index_year'] } as const;
const cell = (value: number) => ({ value, lower: value, upper: value, suppressed: false });
const rows: ResultRow[] = [
  { site: 'north', dims: { gender: 'FEMALE', index_year: 2019 }, measures: { persons: cell(12), events: cell(30) } },
  { site: 'north', dims: { gender: null, index_year: 2020 }, measures: { persons: cell(7), events: cell(9) } },
];

test("a site's batch spliced after another schema message reads back as the same rows", () => {
  const siteSchema = resultSchema(analysis as never, { 'fedomop.site': 'north' });
  const siteStream = streamBytes(siteSchema, tableFromRows(siteSchema, rows).batches);
  const messages = recordBatchMessages(siteStream);
  assert.equal(messages?.length, 1);

  // The hub's stream: its own schema message (other metadata), the site's bytes, end-of-stream.
  const hubSchema = resultSchema(analysis as never, { 'fedomop.plan_hash': 'abc' });
  const writer = new RecordBatchStreamWriter();
  writer.reset(undefined, hubSchema);
  const header = writer.toUint8Array(true);
  const eos = Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
  const table = tableFromIPC(Buffer.concat([header, messages![0], eos]));
  assert.equal(table.schema.metadata.get('fedomop.plan_hash'), 'abc');
  assert.deepEqual(
    table.toArray().map((r) => [r.gender, r.index_year, Number(r.persons)]),
    [
      ['FEMALE', 2019, 12],
      [null, 2020, 7],
    ],
  );
});

test('streams the hub must not forward as they are: dictionaries, cut-off bytes', () => {
  const dict = new Table({ d: vectorFromArray(['a', 'b', 'a'], new Dictionary(new Utf8(), new Int32())) });
  assert.equal(recordBatchMessages(tableToIPC(dict, 'stream')), undefined, 'dictionary batches');
  const schema = resultSchema(analysis as never);
  const whole = streamBytes(schema, tableFromRows(schema, rows).batches);
  assert.equal(recordBatchMessages(whole.subarray(0, whole.length - 20)), undefined, 'a cut-off stream');
  assert.deepEqual(recordBatchMessages(streamBytes(schema, [])), [], 'no batch at all');
});
