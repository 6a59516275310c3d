#!/usr/bin/env node
import { main } from '../lib/cli.js';
import { limitHeapGrowth } from '../lib/engine/heap-growth.js';

limitHeapGrowth();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`privlint: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 2;
  },
);
