/**
 * Every call the lab extension makes to the Jupyter server goes through here: JSON from the fedomop
 * server extension (requestServer), and the hub's API through the server's relay (relayFetch, handed
 * to HubClient as its fetch).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** GET/POST {base}/fedomop/{endpoint} and parse the JSON answer; errors carry the server's message. */
export async function requestServer<T>(
  endpoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings(),
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, 'fedomop', endpoint);
  const response = await ServerConnection.makeRequest(url, init, settings);
  const text = await response.text();
  if (!response.ok) {
    throw new ServerConnection.ResponseError(response, messageOf(text) ?? `HTTP ${response.status} from ${url}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ServerConnection.ResponseError(response, `the Jupyter server answered ${url} with something that is not JSON`);
  }
}

/** The relay's URL for the hub on this Jupyter server ({base}/fedomop/hub). */
export function relayUrl(settings: ServerConnection.ISettings = ServerConnection.makeSettings()): string {
  return URLExt.join(settings.baseUrl, 'fedomop', 'hub');
}

/**
 * A fetch for HubClient that goes through the Jupyter server: the Jupyter session authenticates the
 * call (cookie, XSRF header, token), and the hub's own bearer token moves to X-Fedomop-Authorization,
 * which the relay turns back into Authorization for the hub. The response body is the relay's stream,
 * untouched, so Arrow batches and events arrive as the hub sends them.
 */
export function relayFetch(settings: ServerConnection.ISettings = ServerConnection.makeSettings()): typeof fetch {
  return async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init.headers);
    const bearer = headers.get('authorization');
    if (bearer) {
      headers.delete('authorization');
      headers.set('X-Fedomop-Authorization', bearer);
    }
    // 'no-cache' rather than the default 'no-store', which would append a cache-busting parameter
    // the hub's strict query schemas refuse.
    const request = { ...init, headers, cache: 'no-cache' as RequestCache };
    try {
      return await ServerConnection.makeRequest(url, request, settings);
    } catch (err) {
      // makeRequest wraps every failure as a NetworkError; an abort must stay an AbortError so
      // callers can tell "cancelled" from "unreachable".
      if (init.signal?.aborted) throw abortError(init.signal);
      throw err;
    }
  };
}

function abortError(signal: AbortSignal): unknown {
  const reason = signal.reason as { name?: string } | undefined;
  return reason?.name === 'AbortError' ? reason : new DOMException('The request was aborted', 'AbortError');
}

function messageOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { message?: string }; message?: string };
    return body.error?.message ?? body.message;
  } catch {
    return undefined;
  }
}
