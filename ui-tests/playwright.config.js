/**
 * Galata in Debian's chromium (/usr/bin/chromium; no browser downloads on these machines), against a
 * real JupyterLab with fedomop installed and a real back end: the demo's three synthetic sites, a hub,
 * and a dead fourth site (start-backend.mjs), all --dev-insecure. The sign-in test (tests/sign-in.spec.ts)
 * has its own: a dev IdP, two sites and a hub that verify tokens (start-secure-backend.mjs), and a second
 * JupyterLab (port FEDOMOP_UI_LAB_PORT + 1) configured to sign in there. Every server is started here and
 * stopped afterwards.
 */
const os = require('node:os');
const path = require('node:path');
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');
const { chromiumUse } = require('./chromium');

const portBase = Number(process.env.FEDOMOP_UI_PORT_BASE ?? 8300);
const labPort = Number(process.env.FEDOMOP_UI_LAB_PORT ?? 8898);
const venv = process.env.FEDOMOP_VENV ?? path.resolve(__dirname, '..', '.venv');
const hubUrl = `http://127.0.0.1:${portBase}`;
// start-secure-backend.mjs: hub at base + 10, IdP at base + 20.
const secureHubUrl = `http://127.0.0.1:${portBase + 10}`;
const issuer = `http://127.0.0.1:${portBase + 20}`;
const secureLabPort = labPort + 1;
// Where the secure lab keeps the signed-in user's token for its kernels (not the user's ~/.fedomop).
const tokenFile = path.join(os.tmpdir(), `fedomop-ui-${secureLabPort}`, 'token');
const results = path.resolve(__dirname, '..', 'test-results');

module.exports = {
  ...baseConfig,
  testDir: './tests',
  outputDir: path.join(results, 'ui'),
  timeout: 120_000,
  expect: { timeout: 30_000 },
  retries: 0,
  workers: 1,
  reporter: [['list'], ['html', { open: 'never', outputFolder: path.join(results, 'ui-report') }]],
  use: {
    ...baseConfig.use,
    baseURL: `http://127.0.0.1:${labPort}`,
    ...chromiumUse,
  },
  webServer: [
    {
      command: 'node start-backend.mjs',
      url: `${hubUrl}/healthz`,
      timeout: 300_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      env: { FEDOMOP_UI_PORT_BASE: String(portBase) },
    },
    {
      command: `"${path.join(venv, 'bin', 'jupyter')}" lab --config jupyter_server_test_config.py`,
      url: `http://127.0.0.1:${labPort}/lab`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      env: { FEDOMOP_HUB_URL: hubUrl, FEDOMOP_UI_LAB_PORT: String(labPort) },
    },
    // After the insecure back end, whose DuckDB files it shares (opened read-only by both).
    {
      command: 'node start-secure-backend.mjs',
      url: `${secureHubUrl}/healthz`,
      timeout: 300_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      env: { FEDOMOP_UI_PORT_BASE: String(portBase) },
    },
    {
      command: `"${path.join(venv, 'bin', 'jupyter')}" lab --config jupyter_server_test_config.py`,
      url: `http://127.0.0.1:${secureLabPort}/lab`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        FEDOMOP_HUB_URL: secureHubUrl,
        FEDOMOP_UI_LAB_PORT: String(secureLabPort),
        FEDOMOP_IDP_ISSUER: issuer,
        FEDOMOP_IDP_CLIENT_ID: 'fedomop-lab',
        FEDOMOP_TOKEN_FILE: tokenFile,
      },
    },
  ],
};
