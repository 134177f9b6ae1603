// The test environment: @jupyterlab/testing's jsdom environment (Node's fetch, Headers, Request, Response)
// plus structuredClone, which browsers have and jest 29's jsdom environment does not.
const JupyterLabEnvironment = require('@jupyterlab/testing/lib/jest-env').default;

class FedomopLabEnvironment extends JupyterLabEnvironment {
  constructor(...args) {
    super(...args);
    this.global.structuredClone = structuredClone;
  }
}

module.exports = FedomopLabEnvironment;
