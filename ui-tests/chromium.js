/**
 * How every UI test drives a browser: Debian's chromium (no browser downloads on these machines),
 * flags that keep it off the network it cannot reach, traces and screenshots on failure.
 */
module.exports.chromiumUse = {
  browserName: 'chromium',
  // Video needs Playwright's own ffmpeg download; traces and screenshots do not.
  video: 'off',
  trace: 'retain-on-failure',
  screenshot: 'only-on-failure',
  launchOptions: {
    executablePath: process.env.FEDOMOP_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  },
};
