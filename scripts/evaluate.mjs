#!/usr/bin/env node
// Recall and precision of privlint against annotated cases: node scripts/evaluate.mjs <dir> [rule,rule...]
// Every file is one program; every folder of files is one project.
import path from 'node:path';
import { fixtureUnits, checkUnit } from '../lib/testing/expectations.js';
import { RULES } from '../lib/rules/index.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/evaluate.mjs <cases-dir> [rule,rule...]');
  process.exit(2);
}
const rules = new Set(process.argv[3] ? process.argv[3].split(',') : RULES.filter((r) => r.core).map((r) => r.id));
const cwd = process.cwd();
const per = new Map([...rules].map((r) => [r, { tp: 0, fn: 0, fp: 0 }]));
for (const unit of await fixtureUnits(path.resolve(dir), true)) {
  const r = await checkUnit(unit, rules, cwd);
  for (const k of r.expected) per.get(k.split(':').at(-1))[r.actual.has(k) ? 'tp' : 'fn']++;
  for (const k of r.unexpected) per.get(k.split(':').at(-1)).fp++;
  for (const k of r.missing) console.log(`missed      ${k}`);
  for (const k of r.unexpected) console.log(`unexpected  ${k}  ${r.findings.find((f) => `${f.loc.file}:${f.loc.line}:${f.ruleId}` === k)?.message ?? ''}`);
}
let T = { tp: 0, fn: 0, fp: 0 };
console.log('\nrule                    TP  FN  FP  recall  precision');
for (const [rule, c] of per) {
  T = { tp: T.tp + c.tp, fn: T.fn + c.fn, fp: T.fp + c.fp };
  const rec = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 1;
  const prec = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 1;
  console.log(`${rule.padEnd(22)} ${String(c.tp).padStart(3)} ${String(c.fn).padStart(3)} ${String(c.fp).padStart(3)}  ${rec.toFixed(3)}   ${prec.toFixed(3)}`);
}
const rec = T.tp / Math.max(1, T.tp + T.fn);
const prec = T.tp / Math.max(1, T.tp + T.fp);
console.log(`${'all'.padEnd(22)} ${String(T.tp).padStart(3)} ${String(T.fn).padStart(3)} ${String(T.fp).padStart(3)}  ${rec.toFixed(3)}   ${prec.toFixed(3)}`);
