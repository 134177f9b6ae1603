/**
 * Sends plans through a running hub, a few at a time, and sorts what comes back. A plan "breaks"
 * something when the hub answers anything but 202 or 400, or a site it reached fails with a server-side
 * code (the site or hub erred rather than the plan). Used by test/integration/fuzz.test.ts and
 * bench/fuzz.ts.
 */

/** Site outcomes that mean a service failed, not that the plan was refused. */
const SERVER_SIDE = new Set([
  'ERR_INTERNAL',
  'ERR_QUERY_FAILED',
  'ERR_SITE_UNREACHABLE',
  'ERR_SITE_BAD_RESPONSE',
  'ERR_SITE_ERROR',
  'ERR_SITE_TIMEOUT',
  'ERR_CONFIG_INVALID',
]);

export interface FuzzReport {
  plans: number;
  /** Hub answers to the submission, by HTTP status. */
  hubStatus: Record<string, number>;
  /** Site outcomes of accepted plans: `done` or the error code. */
  siteOutcomes: Record<string, number>;
  /** Plans that broke something, with what happened (first 20 kept). */
  broken: Array<{ index: number; what: string; plan: string }>;
  brokenCount: number;
  elapsedMs: number;
}

export async function fuzzHub(hubUrl: string, plans: unknown[], concurrency = 8, timeoutMs = 30_000): Promise<FuzzReport> {
  const report: FuzzReport = { plans: plans.length, hubStatus: {}, siteOutcomes: {}, broken: [], brokenCount: 0, elapsedMs: 0 };
  const started = performance.now();
  const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  const broke = (index: number, what: string) => {
    report.brokenCount++;
    if (report.broken.length < 20) report.broken.push({ index, what, plan: JSON.stringify(plans[index]).slice(0, 2000) });
  };
  let next = 0;
  const worker = async () => {
    while (next < plans.length) {
      const i = next++;
      let res: Response;
      try {
        res = await fetch(`${hubUrl}/v1/queries`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ plan: plans[i], timeoutMs }),
        });
      } catch (err) {
        broke(i, `hub did not answer: ${(err as Error).message}`);
        continue;
      }
      bump(report.hubStatus, String(res.status));
      const body = (await res.json()) as any;
      if (res.status === 400) continue;
      if (res.status !== 202) {
        broke(i, `hub answered ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
        continue;
      }
      await (await fetch(`${hubUrl}/v1/queries/${body.id}/results`)).arrayBuffer();
      const status = (await (await fetch(`${hubUrl}/v1/queries/${body.id}`)).json()) as any;
      for (const [site, s] of Object.entries(status.sites as Record<string, any>)) {
        const outcome = s.state === 'done' ? 'done' : (s.error?.code ?? s.state);
        bump(report.siteOutcomes, outcome);
        if (SERVER_SIDE.has(outcome)) broke(i, `site ${site}: ${outcome} ${s.error?.message ?? ''}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  report.elapsedMs = performance.now() - started;
  return report;
}
