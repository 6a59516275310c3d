#!/usr/bin/env node
// ESLint's per-file time with the privlint plugin in a warm process (the editor's case), on C files of the bench
// corpus: a ~1,000-line file without privilege calls and one with a drop sequence.
//
//   node scripts/bench-eslint.mjs [--runs N] [--in-project] [--corpus DIR] [file.c ...]
//
// Each file is linted through ESLint#lintText with configs.recommended after a warm-up, as an editor does:
//   unchanged  the same text again (`eslint .` after the first file of a project; an editor re-lint on save);
//   edited     a new text each time (an editor after a keystroke): the engine analyses it again.
// "eslint side" is the time outside the wait for the engine thread: ESLint itself, the C AST, privlint's rules.
// By default each file is linted alone (copied into a project of its own); --in-project lints it where it is, in
// its whole corpus project (at most 11 edited runs there: each re-analyses the project's unit).
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ESLint } from 'eslint';
import plugin from '../lib/eslint/plugin.js';
import { engineWaits, stopEngineThread } from '../lib/eslint/sync-engine.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '21' },
    'in-project': { type: 'boolean', default: false },
    corpus: { type: 'string', default: process.env.PRIVLINT_CORPUS ?? '/work/corpus' },
  },
});
const runs = Number(values.runs);
const PRIVILEGE_CALL = /\b(?:set(?:e|re|res)?[ug]id|setgroups|initgroups|chroot)\s*\(/;
const files = positionals.length
  ? positionals.map((f) => ({ file: path.resolve(f), target: PRIVILEGE_CALL.test(readFileSync(f, 'utf8')) ? 50 : 5 }))
  : [
      { file: path.join(values.corpus, 'dhcpcd/src/if.c'), target: 5 },
      { file: path.join(values.corpus, 'dhcpcd/src/privsep.c'), target: 50 },
    ];

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ms = (x) => `${x.toFixed(1)} ms`;

/** Milliseconds per call: in all, and outside the wait for the engine thread (ESLint, the C AST, the rules). */
async function timed(times, fn) {
  const total = [];
  const outside = [];
  for (let i = 0; i < times; i++) {
    const waited = engineWaits.ms;
    const started = performance.now();
    await fn(i);
    total.push(performance.now() - started);
    outside.push(total.at(-1) - (engineWaits.ms - waited));
  }
  return { total: median(total), outside: median(outside) };
}

/** The file where it is linted: in its corpus project, or alone in a project of its own. */
function placed(file) {
  if (values['in-project']) return file;
  const dir = mkdtempSync(path.join(tmpdir(), 'privlint-bench-eslint-'));
  writeFileSync(path.join(dir, 'privlint.json'), '{}\n');
  copyFileSync(file, path.join(dir, path.basename(file)));
  return path.join(dir, path.basename(file));
}

const editRuns = values['in-project'] ? Math.min(runs, 11) : runs;
console.log(
  `ESLint per-file time with privlint/eslint-plugin (configs.recommended), warm process, median of ${runs} (${editRuns} edited)` +
    `${values['in-project'] ? ", in the file's corpus project" : ', each file alone'}; load average ${loadavg()[0].toFixed(1)}`,
);
for (const { file, target } of files) {
  const where = placed(file);
  const text = readFileSync(where, 'utf8');
  // ESLint's working directory: the project's (in the corpus: its top folder), as where `privlint .` would run
  const cwd = values['in-project'] ? path.join(values.corpus, path.relative(values.corpus, file).split(path.sep)[0]) : path.dirname(where);
  const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: plugin.configs.recommended });
  const lint = async (t) => {
    const [result] = await eslint.lintText(t, { filePath: where });
    if (result.messages.some((m) => m.fatal)) throw new Error(`${file}: ${result.messages[0].message}`);
    return result;
  };
  const edit = (i) => `${text}\n/* edit ${i} */\n`;
  const findings = (await lint(text)).messages.length;
  for (let i = 0; i < 3; i++) await lint(text); // warm: grammar, index, JIT
  const unchanged = await timed(runs, () => lint(text));
  const edited = await timed(editRuns, (i) => lint(edit(i)));
  const lines = text.split('\n').length;
  const kind = target === 5 ? 'no privilege calls' : 'drop sequence';
  const verdict = (x) => (x <= target ? 'met' : 'not met');
  console.log(
    `${path.relative(values.corpus, file)} (${lines} lines, ${kind}, ${findings} problems): ` +
      `unchanged ${ms(unchanged.total)}; edited ${ms(edited.total)} = eslint side ${ms(edited.outside)} + engine ${ms(edited.total - edited.outside)}; ` +
      `target ≤${target} ms: ${verdict(unchanged.total)} unchanged, ${verdict(edited.total)} edited (eslint side ${verdict(edited.outside)})`,
  );
}
stopEngineThread();
