/**
 * A response body as an async iterable of chunks, read with getReader() because Safari's
 * ReadableStream is not async-iterable. Errors (an aborted fetch, a dropped connection) are rethrown:
 * apache-arrow, given the ReadableStream itself, ends the stream quietly on them instead, which would
 * turn a cancelled or broken query into a silently partial result.
 */
export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (!isReadableStream(source)) {
    yield* source;
    return;
  }
  const reader = source.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    // Leaving early (break, abort, error) must close the HTTP response, or the hub keeps streaming.
    await reader.cancel().catch(() => undefined);
  }
}

function isReadableStream(source: ByteSource): source is ReadableStream<Uint8Array> {
  return typeof (source as ReadableStream<Uint8Array>).getReader === 'function';
}

/**
 * A response body shaped for apache-arrow's RecordBatchReader. Arrow asks its source for `next(n)`,
 * the bytes it still needs; when its buffer already holds exactly that, it asks `next(0)` and expects
 * an empty chunk at once. A plain generator would wait for the next network chunk instead, so each
 * batch would surface only when the following one (or the end) arrived: an iterator that answers 0
 * immediately keeps batches live. Read errors are rethrown (see chunksOf for why).
 */
export function arrowByteSource(body: ReadableStream<Uint8Array>): AsyncIterableIterator<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  const done = (): IteratorResult<Uint8Array> => ({ done: true, value: undefined });
  const it: AsyncIterableIterator<Uint8Array> = {
    async next(size?: number) {
      if (finished) return done();
      if (size === 0) return { done: false, value: new Uint8Array(0) };
      try {
        const r = await reader.read();
        if (!r.done) return { done: false, value: r.value };
      } catch (err) {
        finished = true;
        throw err;
      }
      finished = true;
      return done();
    },
    async return() {
      if (!finished) {
        finished = true;
        await reader.cancel().catch(() => undefined);
      }
      return done();
    },
    async throw(err?: unknown) {
      await it.return!();
      throw err;
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}
