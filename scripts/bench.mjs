#!/usr/bin/env node
/**
 * `npm run bench -- <corpus dir> [--runs N] [--scale 1,2,4] [--skip scaling,alone,...]`: privlint against the
 * tools a user would compare it with, on a corpus laid out one folder per project (shared/bench/extract-corpus.sh).
 * Everything is measured in this one run and printed side by side: wall and CPU time and peak RSS (GNU time),
 * medians of N runs. Never run by CI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const bin = path.join(root, 'bin', 'privlint.js');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const runs = Number(option('--runs', '3'));
const scales = option('--scale', '1,2,4').split(',').map(Number);
const skip = new Set(option('--skip', '').split(',').filter(Boolean));
const corpus = path.resolve(args[0] ?? '');
if (!args[0] || !existsSync(corpus)) {
  console.error('usage: npm run bench -- <corpus dir> [--runs N] [--scale 1,2,4] [--skip parse,prefilter,scaling,cache,incremental,alone,eslint]');
  process.exit(2);
}
const GNU_TIME = '/usr/bin/time';
if (!existsSync(GNU_TIME)) console.error('note: GNU time (Debian package "time") is missing: CPU time and peak RSS are not measured');
const projects = readdirSync(corpus).filter((p) => statSync(path.join(corpus, p)).isDirectory()).sort();
const TOKENS = String.raw`\b(set(e|re|res)?[ug]id|setgroups|initgroups|chroot)\b|['"](node:)?posix['"]|\buid\s*:`;
const INCLUDES = ['c', 'h', 'ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'].map((e) => `--include=*.${e}`);
const work = mkdtempSync(path.join(tmpdir(), 'privlint-bench-'));

/** One process, measured: wall seconds, CPU seconds (user + system), peak RSS in MB. */
function measure(command, commandArgs, opts = {}) {
  const out = path.join(work, 'time.txt');
  const started = process.hrtime.bigint();
  const r = existsSync(GNU_TIME)
    ? spawnSync(GNU_TIME, ['-o', out, '-f', '%U %S %M', command, ...commandArgs], { encoding: 'utf8', maxBuffer: 1 << 30, ...opts })
    : spawnSync(command, commandArgs, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${command} ${commandArgs.join(' ')} failed (${r.status}): ${r.stderr}`);
  let cpu = NaN;
  let rss = NaN;
  if (existsSync(GNU_TIME)) {
    const [u, s, m] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    cpu = u + s;
    rss = m / 1024;
  }
  return { wall, cpu, rss, stdout: r.stdout };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function repeated(label, command, commandArgs, opts) {
  const samples = Array.from({ length: runs }, () => measure(command, commandArgs, opts));
  const m = { label, wall: median(samples.map((s) => s.wall)), cpu: median(samples.map((s) => s.cpu)), rss: median(samples.map((s) => s.rss)), min: Math.min(...samples.map((s) => s.wall)), max: Math.max(...samples.map((s) => s.wall)), stdout: samples[0].stdout };
  process.stderr.write(`  ${label}: ${m.wall.toFixed(2)} s\n`);
  return m;
}

const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
function table(rows, baseline) {
  console.log(`| what | wall s (median of ${runs}; min–max) | CPU s | peak RSS MB | × ${baseline.label} |`);
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.label} | ${fmt(r.wall)} (${fmt(r.min)}–${fmt(r.max)}) | ${fmt(r.cpu)} | ${fmt(r.rss, 0)} | ${fmt(r.wall / baseline.wall, 1)} |`);
}

const privlint = (paths, extra = []) => [bin, ...paths, '-f', 'json', '-o', path.join(work, 'out.json'), ...extra];
// Findings as comparable lines; the file is made absolute (privlint prints paths outside the working directory absolute).
const findingsOf = (file) => JSON.parse(readFileSync(file, 'utf8')).findings.map((f) => `${f.ruleId} ${path.resolve(f.file)}:${f.line}:${f.column} ${f.message}`);

console.log(`# privlint bench: ${corpus} (${projects.length} projects), ${new Date().toISOString()}, ${process.version}, ${runs} runs each\n`);
const files = execFileSync('find', [corpus, '-type', 'f', '(', ...['c', 'h', 'ts', 'tsx', 'mts', 'cts', 'js', 'jsx', 'mjs', 'cjs'].flatMap((e, i) => (i ? ['-o', '-name', `*.${e}`] : ['-name', `*.${e}`])), ')'], { encoding: 'utf8', maxBuffer: 1 << 30 }).split('\n').filter(Boolean);
const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
console.log(`${files.length} source files, ${(bytes / 1e6).toFixed(1)} MB\n`);

// 1. The whole corpus in one run, beside the grep token scan and a parse-everything pass.
process.stderr.write('corpus in one run\n');
const grep = repeated('grep -rlE (privilege tokens)', 'grep', ['-rlE', TOKENS, ...INCLUDES, corpus]);
const one = repeated('privlint (one run, default --jobs)', process.execPath, privlint([corpus]));
const together = findingsOf(path.join(work, 'out.json'));
const oneJ1 = repeated('privlint --jobs 1', process.execPath, privlint([corpus], ['--jobs', '1']));
const rows = [grep, one, oneJ1];
if (!skip.has('parse')) rows.push(repeated('tree-sitter parse of every file (no analysis)', process.execPath, [path.join(here, 'parse-all.mjs'), corpus]));
table(rows, grep);
const togetherJ1 = findingsOf(path.join(work, 'out.json'));
const jobsDiffer = together.filter((f) => !togetherJ1.includes(f)).length + togetherJ1.filter((f) => !together.includes(f)).length;
console.log(`\nprivlint / grep: ${fmt(one.wall / grep.wall, 1)}× wall (goal ≤ 10×); peak RSS ${fmt(one.rss, 0)} MB (goal ≤ 500 MB); ${together.length} findings; default --jobs vs --jobs 1: ${jobsDiffer} differences\n`);

// 1b. Parsing only what can matter changes no finding: the same run with every file parsed whole (one run).
if (!skip.has('prefilter')) {
  process.stderr.write('without the prefilter\n');
  const whole = measure(process.execPath, privlint([corpus]), { env: { ...process.env, PRIVLINT_PREFILTER: 'off' } });
  const wholeFindings = findingsOf(path.join(work, 'out.json'));
  const missing = wholeFindings.filter((f) => !together.includes(f));
  const extra = together.filter((f) => !wholeFindings.includes(f));
  console.log(`every file parsed whole (PRIVLINT_PREFILTER=off, one run): ${fmt(whole.wall)} s wall, ${fmt(whole.cpu)} CPU s, ${fmt(whole.rss, 0)} MB; ${wholeFindings.length} findings; with vs without the prefilter: ${missing.length + extra.length} differences (goal 0)`);
  for (const f of missing.slice(0, 10)) console.log(`- only without the prefilter: ${f}`);
  for (const f of extra.slice(0, 10)) console.log(`- only with the prefilter: ${f}`);
  console.log('');
}

// 2. Scaling: 1×, 2×, 4× copies of the corpus (hard links: no extra disk).
if (!skip.has('scaling')) {
  process.stderr.write('scaling\n');
  const series = [];
  for (const k of scales) {
    const dir = path.join(work, `x${k}`);
    mkdirSync(dir);
    for (let i = 0; i < k; i++) execFileSync('cp', ['-al', corpus, path.join(dir, `copy${i}`)]);
    series.push(repeated(`privlint on ${k}× the corpus`, process.execPath, privlint([dir])));
    rmSync(dir, { recursive: true, force: true });
  }
  table(series, series[0]);
  console.log(`\n${scales[scales.length - 1]}× corpus / 1× corpus: ${fmt(series[series.length - 1].wall / series[0].wall, 2)}× (goal ≤ 4.5× for 4×)\n`);
}

// 3. The cache: a cold run, then the same run again.
if (!skip.has('cache')) {
  process.stderr.write('cache\n');
  const location = path.join(work, 'cache');
  const cold = measure(process.execPath, privlint([corpus], ['--cache-location', location]));
  const warm = repeated('privlint --cache (warm: nothing changed)', process.execPath, privlint([corpus], ['--cache-location', location]));
  table([{ label: 'privlint --cache (cold)', ...cold, min: cold.wall, max: cold.wall }, warm], warm);
  console.log(`\ncold / warm: ${fmt(cold.wall / warm.wall, 1)}× (goal ≥ 10×)\n`);
}

// 4. One edited file re-analysed by the engine's project index (what the editor plugin uses).
if (!skip.has('incremental')) {
  process.stderr.write('incremental\n');
  const project = projects.includes('openssh-portable') ? 'openssh-portable' : projects[0];
  const r = spawnSync(process.execPath, [path.join(here, 'bench-incremental.mjs'), path.join(corpus, project)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  console.log(r.stdout || r.stderr);
}

// 5. Programs are separate: every project alone vs. in the run with the others.
if (!skip.has('alone')) {
  process.stderr.write('alone vs together\n');
  let differences = 0;
  const perProject = [];
  for (const p of projects) {
    const out = path.join(work, `${p}.json`);
    const t = measure(process.execPath, [bin, path.join(corpus, p), '-f', 'json', '-o', out]);
    const alone = findingsOf(out);
    const prefix = `${path.join(corpus, p)}${path.sep}`;
    const inRun = together.filter((f) => f.split(' ')[1].startsWith(prefix));
    const missing = alone.filter((f) => !inRun.includes(f));
    const extra = inRun.filter((f) => !alone.includes(f));
    differences += missing.length + extra.length;
    perProject.push(`| ${p} | ${alone.length} | ${inRun.length} | ${missing.length + extra.length} | ${fmt(t.wall)} | ${fmt(t.rss, 0)} |`);
  }
  console.log('| project | findings alone | findings in the whole run | differences | alone: wall s | alone: peak RSS MB |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of perProject) console.log(row);
  console.log(`\nalone vs. together: ${differences} differences (goal 0)\n`);
}

// 6. The editor: ESLint's per-file time in a warm process, when the plugin's bench is there.
if (!skip.has('eslint') && existsSync(path.join(here, 'bench-eslint.mjs'))) {
  process.stderr.write('eslint\n');
  // Each file alone (the measure), then in its whole corpus project (what an editor meets there).
  for (const where of [[], ['--in-project']]) {
    const r = spawnSync(process.execPath, [path.join(here, 'bench-eslint.mjs'), '--corpus', corpus, ...where], { encoding: 'utf8', maxBuffer: 1 << 26 });
    console.log(r.stdout || r.stderr);
  }
}
rmSync(work, { recursive: true, force: true });
