/**
 * Issue 12: a rounds kind's site calls go through the hub's per-site scheduler like a count's. One
 * real site advertising one slot (`--max-concurrent 1`), the real hub in front of it, and between
 * them a gate in this process that forwards every request, counts the calls open at the site at
 * once and can hold the calls that ask for work (/v1/execute, /v1/rounds) until the test lets them
 * go. Structural, not timed: the test waits for states (a call held, a site `queued`), never for
 * a duration, and checks what the gate saw.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { tableFromIPC } from 'apache-arrow';
import type { AddressInfo } from 'node:net';
import { COHORT } from '../../src/analysis/variables/fixtures.spec-util.js';
import { getJson, postJson } from '../harness/hub-api.js';
import { startService, type Service } from '../harness/processes.js';
import { THREE_SITES, siteFile } from '../harness/sites.js';

const SITE = THREE_SITES[2];

/** Forwards to the site; counts open work calls; holds them while `holding`. */
class Gate {
  open = 0;
  maxOpen = 0;
  readonly seen: string[] = [];
  holding = false;
  private readonly held: Array<() => void> = [];
  private server?: http.Server;
  url = '';

  constructor(private readonly target: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const work = req.url === '/v1/execute' || req.url === '/v1/rounds';
        const forward = () => {
          if (work) {
            this.open++;
            this.maxOpen = Math.max(this.maxOpen, this.open);
            this.seen.push(req.url!);
          }
          const out = http.request(`${this.target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            answer.on('end', () => {
              if (work) this.open--;
            });
          });
          out.on('error', () => {
            if (work) this.open--;
            res.destroy();
          });
          out.end(Buffer.concat(chunks));
        };
        if (work && this.holding) this.held.push(forward);
        else forward();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get waiting(): number {
    return this.held.length;
  }

  /** Lets every held call go, and later ones through. */
  release(): void {
    this.holding = false;
    for (const f of this.held.splice(0)) f();
  }

  async stop(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** Waits for a state (polling); fails with `what` if it never comes. The bound is a safety net, not a measure. */
async function until(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let site: Service;
let hub: Service;
let gate: Gate;

const COUNT = { version: 1, cohort: COHORT, analysis: { kind: 'count' } };
const GLM = {
  version: 1,
  cohort: COHORT,
  analysis: {
    kind: 'glm',
    family: 'gaussian',
    outcome: 'age',
    covariates: ['year', 'sex'],
    variables: { age: { type: 'age_at_index' }, year: { type: 'index_year' }, sex: { type: 'gender' } },
  },
};

before(async () => {
  const file = await siteFile(SITE);
  site = await startService([
    'site',
    '--db',
    file,
    '--id',
    SITE.id,
    '--port',
    '0',
    '--dev-insecure',
    '--disclosure-profile',
    'exact',
    '--max-concurrent',
    '1',
  ]);
  gate = new Gate(site.url);
  await gate.start();
  hub = await startService(['hub', '--port', '0', '--dev-insecure', '--site', `${SITE.id}=${gate.url}`]);
  // The hub learns the site's one slot from its /v1/info (asked with GET /v1/sites).
  const sites = await getJson(`${hub.url}/v1/sites`);
  assert.equal(sites.status, 200);
});

after(async () => {
  await hub?.stop();
  await gate?.stop();
  await site?.stop();
});

const submit = async (plan: unknown): Promise<string> => {
  const r = await postJson(`${hub.url}/v1/queries`, { plan });
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return r.body.id as string;
};
const status = async (id: string) => (await getJson(`${hub.url}/v1/queries/${id}`)).body;
const siteState = async (id: string) => (await status(id)).sites[SITE.id].state as string;
const finished = async (id: string) => (await status(id)).state !== 'running';

test("a GLM's rounds wait for the site's one slot while a count holds it, shown as queued", async () => {
  gate.holding = true;
  const count = await submit(COUNT);
  await until('the count call held at the gate', () => gate.waiting === 1);
  const before = gate.seen.length;
  const glm = await submit(GLM);
  await until('the GLM site queued', async () => (await siteState(glm)) === 'queued');
  // No round went to the site while its slot was taken.
  assert.equal(gate.waiting, 1, 'only the count call reached the gate');
  assert.deepEqual(gate.seen.slice(before), []);
  gate.release();
  await until('both queries finished', async () => (await finished(count)) && (await finished(glm)));
  const g = await status(glm);
  assert.equal(g.state, 'done', JSON.stringify(g));
  assert.equal(g.sites[SITE.id].state, 'done', JSON.stringify(g));
  assert.equal((await status(count)).sites[SITE.id].state, 'done');
  const rounds = gate.seen.filter((u) => u === '/v1/rounds').length;
  assert.ok(rounds >= 3, `the GLM ran in rounds (${rounds})`);
  assert.equal(gate.maxOpen, 1, `calls open at the site at once: ${gate.maxOpen} (capacity 1)`);
});

test("a count waits for the slot a GLM's round holds; the site never has more calls open than it advertised", async () => {
  gate.maxOpen = 0;
  // Hold the GLM's first work call (a round) at the gate: it holds the site's slot.
  gate.holding = true;
  const glm = await submit(GLM);
  await until('a GLM round held at the gate', () => gate.waiting === 1);
  const count = await submit(COUNT);
  await until('the count queued behind the round', async () => (await siteState(count)) === 'queued');
  assert.equal(gate.waiting, 1, 'the count did not reach the gate');
  gate.release();
  await until('both queries finished', async () => (await finished(count)) && (await finished(glm)));
  const g = await status(glm);
  assert.equal(g.sites[SITE.id].state, 'done', JSON.stringify(g));
  assert.equal((await status(count)).sites[SITE.id].state, 'done');
  assert.equal(gate.maxOpen, 1, `calls open at the site at once: ${gate.maxOpen} (capacity 1)`);
});

test("a GLM's progress counts the model's and the null model's iterations apart, and the metadata says both", async () => {
  const id = await submit(GLM);
  const text = await (await fetch(`${hub.url}/v1/queries/${id}/events`)).text();
  const events = text
    .split('\n\n')
    .filter((f) => f.includes('event: iteration'))
    .map((f) => JSON.parse(/^data: (.*)$/m.exec(f)![1]) as Record<string, unknown>);
  const full = events.filter((e) => e.model === 'full');
  const nul = events.filter((e) => e.model === 'null');
  assert.ok(full.length >= 2 && nul.length >= 1, JSON.stringify(events));
  assert.deepEqual(
    full.map((e) => e.iteration),
    full.map((_, i) => i + 1),
  );
  assert.deepEqual(
    nul.map((e) => e.iteration),
    nul.map((_, i) => i + 1),
  );
  assert.ok(nul.every((e) => e.modelIterations === full.length));
  assert.deepEqual(
    events.map((e) => e.round),
    events.map((_, i) => i + 1),
    'rounds still count every round',
  );
  const res = await fetch(`${hub.url}/v1/queries/${id}/results`);
  const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
  const glm = JSON.parse(table.schema.metadata.get('fedomop.glm')!) as Record<string, unknown>;
  assert.deepEqual(glm.rounds, { full: full.length, null: nul.length });
  assert.equal(typeof glm.iterations, 'number');
  assert.equal(typeof glm.null_iterations, 'number');
  console.log(
    `# glm: ${full.length} model rounds, ${nul.length} null-model rounds; iterations ${String(glm.iterations)}, null_iterations ${String(glm.null_iterations)}`,
  );
});
