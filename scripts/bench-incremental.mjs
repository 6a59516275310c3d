#!/usr/bin/env node
/** The bench's incremental step: one project opened in the engine's project index, then one file edited, re-analysed. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ProjectIndex } from '../lib/project-index.js';

const project = path.resolve(process.argv[2]);
/** The file to edit: the C file with the most privilege calls. */
function busiest(dir) {
  let best = { file: '', count: -1 };
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (/\.c$/.test(e.name) && statSync(full).size < 1 << 20) {
        const count = (readFileSync(full, 'utf8').match(/\bset(e|re|res)?[ug]id\s*\(|\bsetgroups\s*\(|\bchroot\s*\(/g) ?? []).length;
        if (count > best.count) best = { file: full, count };
      }
    }
  };
  walk(dir);
  return best.file;
}
const file = busiest(project);
const text = readFileSync(file, 'utf8');
let t = performance.now();
const index = await ProjectIndex.open(project);
await index.update(file);
const first = performance.now() - t;
/**
 * Two kinds of edit, five of each after ten to warm up (each text new, so that no stored result answers): a comment line added at the top
 * (the code's models are the same, its positions move), and a statement added to the code, before the first line
 * that starts with a privilege call (the function's model changes).
 */
const lines = text.split('\n');
const statementAt = lines.findIndex((line, i) => /^\s*(?:if\s*\(\s*)?(?:set(?:e|re|res)?[ug]id|setgroups|initgroups|chroot)\s*\(/.test(line) && /[;{}]\s*$/.test(lines.slice(0, i).filter((l) => l.trim()).at(-1) ?? ''));
const edits = {
  comment: (i) => text.replace('\n', `\n/* edit ${i} */\n`),
  statement: (i) => [...lines.slice(0, statementAt), `\terrno = ${String(i).replace('w', '1')};`, ...lines.slice(statementAt)].join('\n'),
};
const WARM_EDITS = 10;
const timesOf = {};
for (const [kind, edit] of Object.entries(edits)) {
  if (kind === 'statement' && statementAt < 0) continue;
  // Warmed first, as an editor's process is after a minute of typing (the JIT, the paths of reuse).
  for (let i = 0; i < WARM_EDITS; i++) await index.update(file, edit(`w${i}`));
  const times = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    await index.update(file, edit(i));
    times.push(performance.now() - t);
  }
  timesOf[kind] = times.sort((a, b) => a - b);
}
t = performance.now();
await index.update(file);
const unchanged = performance.now() - t;
const row = (times) => `${times[2].toFixed(0)} (${times[0].toFixed(0)}–${times[4].toFixed(0)})`;
console.log(`| project index: ${path.basename(project)}, edited file ${path.relative(project, file)} | ms |`);
console.log('| --- | --- |');
console.log(`| open + first analysis (cold) | ${first.toFixed(0)} |`);
console.log(`| a comment line added at the top, re-analysed (median of 5; min–max) | ${row(timesOf.comment)} |`);
if (timesOf.statement) console.log(`| a statement added before line ${statementAt + 1}, re-analysed (median of 5; min–max) | ${row(timesOf.statement)} |`);
console.log(`| the file unchanged, asked again | ${unchanged.toFixed(0)} |`);
console.log(`\none edited file re-analysed: ${timesOf.comment[2].toFixed(0)} ms a comment, ${timesOf.statement ? timesOf.statement[2].toFixed(0) : '-'} ms a statement (goal ≤ 100 ms)`);
