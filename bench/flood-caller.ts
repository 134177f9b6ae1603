/**
 * The flood benchmark's second caller ("bob"): one small count through the hub, timed end to end,
 * with the hub's own account of where the time went. bench/flood.ts runs it in a child process of
 * its own (as a second notebook is), so bob's timings do not include the time the flooding client's
 * event loop spends starting and reading alice's 200 queries; `--bob-in same` runs it in the flood's
 * process as before, for comparison.
 *
 * As a child (forked with IPC): argv `<hub url> <fetch|own> <sites,comma-separated>`; each message
 * `'once'` is answered with one BobRun, `'stop'` ends the process.
 */
import http from 'node:http';
import { COUNT } from '../test/harness/flood-plans.js';

export interface BobRun {
  ms: number;
  acceptMs: number;
  /** ms from sending the submission to the hub's handler creating the query. */
  handledAfter: number;
  state: string;
  /** Per site: ms waiting for a slot (queued), ms the site call took, as the hub's status says. */
  sites: string;
  /** What is not the slowest site's wait + call: submission, the hub's own work, reading results and status. */
  hubMs: number;
}

export type BobClient = 'fetch' | 'own';

export class Bob {
  private readonly agent = new http.Agent({ keepAlive: true });

  constructor(
    private readonly base: string,
    private readonly client: BobClient,
    private readonly sites: string[],
  ) {}

  async once(): Promise<BobRun> {
    const t = performance.now();
    const sentAt = Date.now();
    const { id, acceptMs } = await this.submit();
    const s = await this.finish(id);
    const created = Date.parse(s.createdAt);
    // When the hub's handler made the query, against when this client sent it (same clock, ms).
    const handledAfter = created - sentAt;
    const entries = Object.entries(s.sites as Record<string, any>);
    const sites = entries.map(([site, x]) => `${site} wait ${Date.parse(x.startedAt) - created} + run ${x.elapsedMs}`).join(', ');
    const slowest = Math.max(...entries.map(([, x]) => Date.parse(x.startedAt) - created + x.elapsedMs));
    const ms = performance.now() - t;
    return { ms, acceptMs, handledAfter, state: s.state, sites, hubMs: ms - slowest };
  }

  close(): void {
    this.agent.destroy();
  }

  private async submit(): Promise<{ id: string; acceptMs: number }> {
    const t = performance.now();
    const body = JSON.stringify({ plan: COUNT, sites: this.sites });
    const headers = { 'content-type': 'application/json', authorization: 'Bearer bob' };
    const r =
      this.client === 'own'
        ? await this.own(`${this.base}/v1/queries`, 'POST', headers, body)
        : await fetch(`${this.base}/v1/queries`, { method: 'POST', headers, body }).then(async (res) => ({
            status: res.status,
            text: await res.text(),
          }));
    if (r.status !== 202) throw new Error(`bob: ${r.status} ${r.text}`);
    return { id: JSON.parse(r.text).id, acceptMs: performance.now() - t };
  }

  /** Reads the whole results stream (it ends with the query), then the status, as a client does. */
  private async finish(id: string): Promise<any> {
    const headers = { authorization: 'Bearer bob' };
    if (this.client === 'own') {
      await this.own(`${this.base}/v1/queries/${id}/results`, 'GET', headers);
      return JSON.parse((await this.own(`${this.base}/v1/queries/${id}`, 'GET', headers)).text);
    }
    await (await fetch(`${this.base}/v1/queries/${id}/results`, { headers })).arrayBuffer();
    return (await fetch(`${this.base}/v1/queries/${id}`, { headers })).json();
  }

  /** One exchange over bob's own keep-alive connections (node:http, apart from any fetch pool). */
  private own(url: string, method: string, headers: Record<string, string>, body?: string) {
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

// Forked by bench/flood.ts: serve 'once' requests until told to stop.
if (process.send && process.argv[2]?.startsWith('http')) {
  const bob = new Bob(process.argv[2], process.argv[3] as BobClient, process.argv[4].split(','));
  process.on('message', (m) => {
    if (m === 'stop') {
      bob.close();
      process.disconnect();
      return;
    }
    bob.once().then(
      (run) => process.send!({ run }),
      (err: Error) => process.send!({ error: err.stack ?? String(err) }),
    );
  });
}
