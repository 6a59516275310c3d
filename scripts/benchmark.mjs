#!/usr/bin/env node
// Prints how long privlint takes on a tree: node scripts/benchmark.mjs <dir> [runs]
import { statSync } from 'node:fs';
import { analyzePaths } from '../lib/engine.js';

const dir = process.argv[2];
const runs = Number(process.argv[3] ?? 1);
if (!dir) {
  console.error('usage: node scripts/benchmark.mjs <dir> [runs]');
  process.exit(2);
}
for (let i = 0; i < runs; i++) {
  const started = process.hrtime.bigint();
  const result = await analyzePaths([dir]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bytes = result.files.reduce((n, f) => n + statSync(f).size, 0);
  console.log(
    `files ${result.files.length}  analysed ${result.analysed.length}  MB ${(bytes / 1e6).toFixed(1)}  seconds ${seconds.toFixed(1)}  ` +
      `MB/s ${(bytes / 1e6 / seconds).toFixed(2)}  findings ${result.findings.length}  diagnostics ${result.diagnostics.length}  ` +
      `peak RSS MB ${(process.resourceUsage().maxRSS / 1024).toFixed(0)}`,
  );
}
