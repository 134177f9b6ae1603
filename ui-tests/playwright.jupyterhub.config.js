/**
 * The multi-user test: `fedomop demo --jupyterhub` — the dev IdP, the three synthetic sites and the
 * fedomop hub verifying tokens, and a real JupyterHub with configurable-http-proxy configured from the
 * z2jh values — driven in Debian's chromium by plain Playwright (JupyterHub's single-user labs are
 * not galata's test server). Ports: FEDOMOP_JH_PORT_BASE (default 8700): fedomop hub, IdP +1,
 * JupyterHub +2 (its API +3, proxy API +4), sites +5..+7.
 */
const path = require('node:path');
const { chromiumUse } = require('./chromium');

const base = Number(process.env.FEDOMOP_JH_PORT_BASE ?? 8700);
const results = path.resolve(__dirname, '..', 'test-results');
const dataDir = path.resolve(__dirname, '..', '.data', 'jupyterhub-tests');

module.exports = {
  testDir: './jupyterhub',
  outputDir: path.join(results, 'jupyterhub'),
  timeout: 600_000,
  expect: { timeout: 60_000 },
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${base + 2}`,
    ...chromiumUse,
    viewport: { width: 1280, height: 1000 },
  },
  webServer: [
    {
      // A fresh JupyterHub state each run (users' homes and workspaces); the sites' data is kept.
      command:
        `rm -rf ${path.join(dataDir, 'jupyterhub')} && ` +
        `node ${path.resolve(__dirname, '..', 'bin', 'fedomop.js')} demo --jupyterhub --dir ${dataDir} ` +
        `--hub-port ${base} --idp-port ${base + 1} --jupyterhub-port ${base + 2} --site-port-base ${base + 5}`,
      url: `http://127.0.0.1:${base + 2}/hub/health`,
      timeout: 300_000,
      reuseExistingServer: false,
      // Time for JupyterHub to stop the users' servers and its proxy (cleanup_servers) on the way out.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
      stdout: 'pipe',
      stderr: 'pipe',
      env: { FEDOMOP_JH_EXPOSE_APP: '1', FEDOMOP_JH_DATA: dataDir },
    },
  ],
};
