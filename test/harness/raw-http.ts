/**
 * HTTP spoken by hand over a socket, for requests no well-behaved client sends: bodies that never
 * finish, oversized headers. Resolves with what the server wrote before it closed the connection.
 */
import net from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection (rather than the test giving up). */
  closed: boolean;
}

/** Writes `head` (and each of `chunks`), then waits for the server to close the connection. */
export function rawRequest(url: string, head: string, chunks: string[] = []): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname.replace(/^\[|\]$/g, ''));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset after the answer was written still counts as the server closing.
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
    socket.on('close', () => resolve({ ...parse(text), closed: true }));
    socket.on('connect', () => {
      socket.write(head);
      for (const c of chunks) socket.write(c);
    });
  });
}

function parse(text: string): Omit<RawAnswer, 'closed'> {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: text };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) };
}
