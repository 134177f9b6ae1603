// Reads fedomop config files with fedomop's own loaders, as a starting service would: the rendered
// manifests' site.toml / policy.toml / hub.toml must be what the code accepts. Input on stdin:
// [{"kind": "site" | "hub", "dir": "<folder holding the files>"}]; prints one line per file checked.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const repo = process.argv[2];
const load = (p) => import(pathToFileURL(path.join(repo, 'lib', p)).href);
const { loadSiteConfig } = await load('site/config.js');
const { loadHubConfig } = await load('hub/config.js');
const { parsePolicy } = await load('auth/policy.js');

for (const { kind, dir } of JSON.parse(readFileSync(0, 'utf8'))) {
  if (kind === 'hub') {
    const { config } = loadHubConfig(['--config', path.join(dir, 'hub.toml')]);
    console.log(`hub: ${config.sites.length} sites, issuer ${config.auth?.issuer}`);
  } else {
    const config = await loadSiteConfig(['--config', path.join(dir, 'site.toml')]);
    const policy = parsePolicy(readFileSync(path.join(dir, 'policy.toml'), 'utf8'), config.id, 'policy.toml');
    console.log(
      `site ${config.id}: issuer ${config.auth.issuer}, profile ${config.disclosure.profile}, ${policy.rules.length} rules`,
    );
  }
}
