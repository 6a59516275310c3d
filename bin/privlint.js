#!/usr/bin/env node
import { main } from '../lib/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`privlint: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 2;
  },
);
