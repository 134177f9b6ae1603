#!/usr/bin/env node
/**
 * The hub's own answer to a plan, straight from the hub (no browser, no relay): reads
 * {"hub", "plan", "sites"} on stdin, prints {"perSite": {site: rows}, "pooled": rows, "failures"} as
 * JSON, rows being the released ResultRows ({site, dims, measures}). The UI tests compare the
 * panel's numbers with these.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { HubClient } = await import(path.join(root, 'lib', 'client', 'index.js'));

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { hub, plan, sites } = JSON.parse(input);
const result = await new HubClient({ baseUrl: hub }).run(plan, { sites });
process.stdout.write(JSON.stringify({ perSite: result.perSite, pooled: result.pooled, failures: result.failures }));
