// babel-jest (jest.config.cjs) turns the ESM-only packages in node_modules into CommonJS for jest.
module.exports = require('@jupyterlab/testutils/lib/babel.config');
