import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSse, type SseMessage } from './sse.js';

const enc = new TextEncoder();

async function parseChunks(chunks: Array<string | Uint8Array>): Promise<SseMessage[]> {
  async function* source() {
    for (const c of chunks) yield typeof c === 'string' ? enc.encode(c) : c;
  }
  const out: SseMessage[] = [];
  for await (const m of parseSse(source())) out.push(m);
  return out;
}

test('sse: an event split across chunks in the middle of a field and of its data', async () => {
  const out = await parseChunks(['ev', 'ent: si', 'te\ndata: {"site":"no', 'rth"}\n', '\n']);
  assert.deepEqual(out, [{ event: 'site', data: '{"site":"north"}', id: undefined }]);
});

test('sse: CRLF split between chunks does not produce an extra blank line', async () => {
  const out = await parseChunks(['event: a\r', '\ndata: 1\r', '\n\r', '\nevent: b\r\ndata: 2\r\n\r\n']);
  assert.deepEqual(
    out.map((m) => [m.event, m.data]),
    [
      ['a', '1'],
      ['b', '2'],
    ],
  );
});

test('sse: heartbeat comments are ignored and never dispatch', async () => {
  const out = await parseChunks([': heartbeat\n\n', ':\n', 'data: x\n: mid-event comment\n\n', ': heartbeat\n\n']);
  assert.deepEqual(out, [{ event: 'message', data: 'x', id: undefined }]);
});

test('sse: multi-line data joins with newlines; no space after colon; id kept', async () => {
  const out = await parseChunks(['id: 7\nevent:done\ndata:line1\ndata: line2\n\n']);
  assert.deepEqual(out, [{ event: 'done', data: 'line1\nline2', id: '7' }]);
});

test('sse: a multi-byte character split across chunks is decoded once whole', async () => {
  const bytes = enc.encode('data: Zürich\n\n');
  const cut = bytes.indexOf(0xc3) + 1; // inside the two-byte "ü"
  const out = await parseChunks([bytes.slice(0, cut), bytes.slice(cut)]);
  assert.equal(out[0].data, 'Zürich');
});

test('sse: a trailing event without its blank line is dropped; CR-only line ends work', async () => {
  const out = await parseChunks(['data: a\r\rdata: incomplete']);
  assert.deepEqual(
    out.map((m) => m.data),
    ['a'],
  );
});

test('sse: reads a WHATWG ReadableStream and cancels it when the consumer stops early', async () => {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(enc.encode('data: tick\n\n'));
    },
    cancel() {
      cancelled = true;
    },
  });
  for await (const m of parseSse(stream)) {
    assert.equal(m.data, 'tick');
    break;
  }
  assert.equal(cancelled, true);
});
