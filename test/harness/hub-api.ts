/** Thin HTTP helpers for tests: plain fetch and apache-arrow, independent of src/client. */
import { tableFromIPC, type Table } from 'apache-arrow';

export async function postJson(url: string, body: unknown, raw = false): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

/** Submits through the hub and reads the whole Arrow results stream. */
export async function runThroughHub(
  hub: string,
  plan: unknown,
  sites?: string[],
): Promise<{ id: string; table: Table; status: any }> {
  const submitted = await postJson(`${hub}/v1/queries`, sites ? { plan, sites } : { plan });
  if (submitted.status !== 202) throw new Error(`submit failed ${submitted.status}: ${JSON.stringify(submitted.body)}`);
  const id = submitted.body.id as string;
  const res = await fetch(`${hub}/v1/queries/${id}/results`);
  if (res.headers.get('content-type') !== 'application/vnd.apache.arrow.stream')
    throw new Error(`results content-type ${res.headers.get('content-type')}`);
  const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
  const status = (await getJson(`${hub}/v1/queries/${id}`)).body;
  return { id, table, status };
}

export type PlainRow = Record<string, string | number | boolean | null>;

export function plainRows(table: Table): PlainRow[] {
  return table.toArray().map((r) => {
    const o: PlainRow = {};
    for (const [k, v] of Object.entries(r.toJSON())) o[k] = typeof v === 'bigint' ? Number(v) : (v as PlainRow[string]);
    return o;
  });
}
