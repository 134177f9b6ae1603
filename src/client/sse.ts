/**
 * A Server-Sent Events parser over a streaming fetch body. EventSource is missing in Deno and Node and
 * cannot send an Authorization header in browsers, so the client reads text/event-stream itself.
 * Follows the WHATWG "interpreting an event stream" rules: lines end in CRLF, LF or CR; `:` starts a
 * comment (the hub's heartbeats); `data` lines join with "\n"; a blank line dispatches.
 */
import { chunksOf, type ByteSource } from './byte-chunks.js';

export interface SseMessage {
  /** The `event:` field, "message" when absent. */
  event: string;
  data: string;
  id?: string;
}

export async function* parseSse(source: ByteSource): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;

  const takeLine = (line: string): SseMessage | undefined => {
    if (line === '') {
      const message = data.length > 0 ? { event: event || 'message', data: data.join('\n'), id } : undefined;
      event = '';
      data = [];
      return message;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) id = value;
    return undefined;
  };

  for await (const chunk of chunksOf(source)) {
    buffer += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const ch = buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      // A CR at the very end may be the first half of a CRLF split across chunks: wait for more.
      if (ch === '\r' && i === buffer.length - 1) break;
      const message = takeLine(buffer.slice(start, i));
      if (ch === '\r' && buffer[i + 1] === '\n') i++;
      start = i + 1;
      if (message) yield message;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  // A CR held back above turns out to end the stream; anything else left is an incomplete event,
  // which is dropped as browsers do.
  if (buffer.endsWith('\r')) {
    const message = takeLine(buffer.slice(0, -1));
    if (message) yield message;
  }
}
