#!/usr/bin/env node
// ESLint's per-file time with the privlint plugin in a warm process (the editor's case), on C files of the bench
// corpus: a ~1,000-line file without privilege calls and one with a drop sequence.
//
//   node scripts/bench-eslint.mjs [--runs N] [--in-project] [--corpus DIR] [file.c ...]
//
// Each file is linted through ESLint#lintText with configs.recommended after a warm-up, as an editor does:
//   unchanged  the same file with the same text again (an editor re-lint on save): the plugin's last answer for it
//              stands while no other file is asked about. Other files of an `eslint .` run are each a request,
//              answered from the unit's stored result (about 3 ms of engine thread on dhcpcd) — not measured here;
//   edited     a new text each time (an editor after a keystroke), two ways: a comment typed at the start of the
//              line in the middle of the file (inside a function: that function changes, the lines below keep
//              their place), and a line added at the end. "from the fingerprint" counts the edited lints the engine
//              answered without an analysis (a file it did not parse, whose edit keeps its lexical fingerprint).
//              The engine answers such edits of a file it parsed but where no finding can be placed from the parse
//              of the new text alone (project-index.ts); an edit that names something new is analysed in full:
//   named      a declaration with a new name each time (`int edit_xxx = 1;`) typed at the start of the middle line,
//              each name of another length: the engine analyses a text without a declaration nobody can observe
//              (project-index.ts), and two such texts of the same length are one text, whose stored result would
//              answer (a name of one more letter typed is a text of a new length).
//   typed over a line with a new call and a new name (`int edit_y = 1; (void)edit_probe();`) analysed, then the name
//              typed over, one letter longer each time: the analysed text holds the name each later text replaces.
// "eslint side" is the time outside the wait for the engine thread: ESLint itself, the C AST, privlint's rules. The C
// language asks the engine ahead, from its parse, about a file the rules asked about before (sync-engine.ts,
// analyseAhead): the engine thread works while ESLint parses and runs, and "engine" is what is left to wait for;
// "engine thread" is the engine's own time for the request, in its thread, wherever it overlapped.
// By default each file is linted alone (copied into a project of its own); --in-project lints it where it is, in
// its whole corpus project (at most 11 edited runs there: each re-analyses the project's unit).
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os, { loadavg, tmpdir } from 'node:os';
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
const load = () => loadavg()[0].toFixed(1);
const ms = (x) => `${x.toFixed(1)} ms`;

/**
 * Milliseconds per call: in all, outside the wait for the engine thread (ESLint, the C AST, the rules), and the
 * CPU time the process spent (both threads: on a machine busy with other work, wall time measures the queue for
 * the CPU as much as the work; CPU time does not).
 */
async function timed(times, fn) {
  const total = [];
  const outside = [];
  const cpu = [];
  const worker = [];
  for (let i = 0; i < times; i++) {
    const waited = engineWaits.ms;
    const worked = engineWaits.workerMs;
    const used = process.cpuUsage();
    const started = performance.now();
    await fn(i);
    total.push(performance.now() - started);
    const { user, system } = process.cpuUsage(used);
    cpu.push((user + system) / 1000);
    outside.push(total.at(-1) - (engineWaits.ms - waited));
    worker.push(engineWaits.workerMs - worked);
  }
  return { total: median(total), outside: median(outside), cpu: median(cpu), worker: median(worker) };
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
    `${values['in-project'] ? ", in the file's corpus project" : ', each file alone'}; load average ${load()} (2 cores: ${os.availableParallelism()})`,
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
  const middle = text.indexOf('\n', text.length >> 1) + 1;
  const inside = (i) => `${text.slice(0, middle)}/* edit ${i} */${text.slice(middle)}`;
  const atEnd = (i) => `${text}\n/* edit ${i} */\n`;
  const named = (i) => `${text.slice(0, middle)}int edit_${'x'.repeat(WARM_EDITS + 1 + i)} = 1; ${text.slice(middle)}`;
  const findings = (await lint(text)).messages.length;
  for (let i = 0; i < 3; i++) await lint(text); // warm: grammar, index, JIT
  const unchanged = await timed(runs, () => lint(text));
  // Each kind of edit warmed first, as an editor's process is after a minute of typing (the JIT, the paths of reuse).
  const WARM_EDITS = 50; // under load, V8 takes some 40 edited lints to settle (measured on if.c)
  for (let i = 1; i <= WARM_EDITS; i++) await lint(inside(-i));
  let without = engineWaits.fromFingerprint;
  const editedInside = await timed(editRuns, (i) => lint(inside(i)));
  without -= engineWaits.fromFingerprint;
  for (let i = 1; i <= WARM_EDITS; i++) await lint(atEnd(-i));
  without += engineWaits.fromFingerprint;
  const editedAtEnd = await timed(editRuns, (i) => lint(atEnd(i)));
  without = engineWaits.fromFingerprint - without;
  for (let i = 1; i <= WARM_EDITS; i++) await lint(named(-i));
  const editedNamed = await timed(editRuns, (i) => lint(named(i)));
  // A name typed over: a line with a call and a new name is analysed (a new call), then its name is typed over, each
  // text one letter longer (the analysed text holds the name each later text replaces).
  const retyped = (i) => `${text.slice(0, middle)}int edit_${'y'.repeat(1 + i)} = 1; (void)edit_probe(); ${text.slice(middle)}`;
  for (let i = 0; i <= WARM_EDITS; i++) await lint(retyped(i));
  const editedRetyped = await timed(editRuns, (i) => lint(retyped(WARM_EDITS + 1 + i)));
  const lines = text.split('\n').length;
  const kind = target === 5 ? 'no privilege calls' : 'drop sequence';
  const verdict = (x) => (x <= target ? 'met' : 'not met');
  const edited = (e) => `${ms(e.total)} (eslint side ${ms(e.outside)} + engine ${ms(e.total - e.outside)}; engine thread ${ms(e.worker)}; CPU ${ms(e.cpu)})`;
  console.log(
    `${path.relative(values.corpus, file)} (${lines} lines, ${kind}, ${findings} problems): ` +
      `unchanged ${ms(unchanged.total)} (CPU ${ms(unchanged.cpu)}); edited inside ${edited(editedInside)}, at the end ${edited(editedAtEnd)}; ` +
      `${without} of ${2 * editRuns} edited lints answered from the fingerprint, ${engineWaits.ahead} asked ahead in all; a new name typed in ${edited(editedNamed)}; a name typed over ${edited(editedRetyped)}; ` +
      `target ≤${target} ms: ${verdict(unchanged.total)} unchanged, ${verdict(editedInside.total)} edited inside, ${verdict(editedAtEnd.total)} at the end, ${verdict(editedNamed.total)} a new name, ${verdict(editedRetyped.total)} a name typed over ` +
      `(in CPU time: ${verdict(unchanged.cpu)}, ${verdict(editedInside.cpu)}, ${verdict(editedAtEnd.cpu)}, ${verdict(editedNamed.cpu)}, ${verdict(editedRetyped.cpu)}); load average now ${load()}`,
  );
}
stopEngineThread();
