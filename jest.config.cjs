/**
 * Jest for the JupyterLab extension (src/lab/**), set up the way JupyterLab's own packages and the
 * extension template do: @jupyterlab/testutils' config (jsdom environment with Node's fetch, its shims,
 * CSS/SVG stand-ins), ts-jest for TS/TSX, babel-jest for the ESM-only packages in node_modules.
 * The rest of the tree keeps node:test (`node --test lib/...`); scripts/test.sh runs both.
 */
const jestJupyterLab = require('@jupyterlab/testutils/lib/jest-config');

// Packages shipped as ES modules only: jest (CommonJS here) must transform them. JupyterLab's own list
// plus the @jupyterlab / @lumino scopes, as the extension template adds.
const esModules = [
  '@codemirror',
  '@jupyter/react-components',
  '@jupyter/web-components',
  '@jupyter/ydoc',
  '@jupyterlab/',
  '@lumino/',
  '@marijn',
  '@microsoft',
  'color',
  'exenv-es6',
  'lib0',
  'marked',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs',
].join('|');

const base = jestJupyterLab(__dirname);

module.exports = {
  ...base,
  roots: ['<rootDir>/src/lab'],
  testRegex: 'src/lab/.*\\.spec\\.tsx?$',
  // No junit / GitHub annotations files: the summary line is what scripts/test.sh counts.
  reporters: ['default'],
  moduleNameMapper: {
    ...base.moduleNameMapper,
    // The sources import each other as './x.js' (NodeNext); jest resolves the .ts beside it.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    ...base.transform,
    // Transpile only: `tsc -p tsconfig.jest.json` (scripts/lint.sh) type-checks the specs.
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`],
  testEnvironment: '<rootDir>/jest.env.cjs',
  testTimeout: 20000,
};
