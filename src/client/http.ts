/**
 * The one place the client talks HTTP: adds the bearer token, turns transport failures and non-2xx
 * answers into FedomopError so callers branch on `code`, never on status numbers or message text.
 */
import { FedomopError, fromErrorBody, type ErrorCode } from '../errors.js';

export type TokenSource = string | (() => Promise<string | undefined>);

export interface RequestOptions {
  method?: string;
  body?: unknown;
  accept?: string;
  signal?: AbortSignal;
}

export class HubHttp {
  readonly baseUrl: string;
  private readonly token?: TokenSource;
  private readonly fetchImpl: typeof fetch;

  constructor(baseUrl: string, token: TokenSource | undefined, fetchImpl: typeof fetch | undefined) {
    // A trailing slash would make `${base}/v1/...` a double slash, which some proxies refuse.
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.token = token;
    // Bound so a browser's window.fetch is not called with the client as `this` (Illegal invocation).
    this.fetchImpl = fetchImpl ?? globalThis.fetch.bind(globalThis);
  }

  async request(path: string, opts: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
    const token = typeof this.token === 'function' ? await this.token() : this.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const url = this.baseUrl + path;
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method: opts.method ?? 'GET', headers, body, signal: opts.signal });
    } catch (cause) {
      if (isAbort(cause)) throw cause;
      throw new FedomopError('ERR_SITE_UNREACHABLE', `hub at ${this.baseUrl} is unreachable`, { hub: this.baseUrl }, { cause });
    }
    if (!res.ok) throw await errorFromResponse(res);
    return res;
  }

  async json<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(path, opts);
    try {
      return (await res.json()) as T;
    } catch (cause) {
      throw new FedomopError('ERR_SITE_BAD_RESPONSE', `hub answered ${path} with invalid JSON`, {}, { cause });
    }
  }
}

/** A hub error body keeps its code (and so its status); anything else is named by the HTTP status. */
export async function errorFromResponse(res: Response): Promise<FedomopError> {
  const text = await res.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const fallback = codeForStatus(res.status);
  const hasErrorBody = typeof (parsed as { error?: unknown } | undefined)?.error === 'object';
  if (hasErrorBody) return fromErrorBody(parsed, fallback);
  return new FedomopError(fallback, `hub answered HTTP ${res.status}: ${text.slice(0, 200) || res.statusText}`, {
    httpStatus: res.status,
  });
}

function codeForStatus(status: number): ErrorCode {
  const known: Record<number, ErrorCode> = {
    400: 'ERR_BAD_REQUEST',
    401: 'ERR_TOKEN_INVALID',
    403: 'ERR_NOT_ENTITLED',
    404: 'ERR_NOT_FOUND',
    413: 'ERR_PLAN_TOO_LARGE',
    422: 'ERR_DISCLOSURE_REFUSED',
    429: 'ERR_RATE_LIMITED',
    500: 'ERR_INTERNAL',
    504: 'ERR_SITE_TIMEOUT',
  };
  return known[status] ?? 'ERR_SITE_BAD_RESPONSE';
}

export function isAbort(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'AbortError';
}
