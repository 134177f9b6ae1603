#!/usr/bin/env node
// The compiled CLI lives in lib/ (npm run build).
import { main } from '../lib/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`fedomop: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
