/** `privlint [paths...]`, `privlint sequence`, `privlint explain <rule>`: exit 0 clean, 1 findings, 2 usage or internal error. */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { explainCommand } from './commands/explain-command.js';
import { sequenceCommand } from './commands/sequence-command.js';
import { listRules } from './commands/list-rules.js';
import { printConfig } from './commands/print-config.js';
import { BaselineError, readBaseline, type Baseline } from './baseline.js';
import { ConfigError, loadConfig, parseRuleSet } from './config-file.js';
import { engineConfig, isIgnored } from './config-overrides.js';
import type { PrivlintConfig } from './config.js';
import { analyzeSources, loadSources, type AnalysisResult, type SourceFile } from './engine.js';
import { defaultJobs } from './engine/pool.js';
import { parseShard, sourcesOfShard } from './engine/shard.js';
import { mergeCommand } from './commands/merge.js';
import { ProgressReporter } from './report/progress.js';
import { displayPath, languageOf } from './files.js';
import { fixSources } from './fix/apply.js';
import { unifiedDiff } from './fix/diff.js';
import { REPOSITORY_BASE, VERSION } from './links.js';
import type { Diagnostic } from './model.js';
import { finishAnalysis, sourceLines } from './outcome.js';
import { formatGithub } from './report/github.js';
import { formatJson } from './report/json.js';
import { toSarif } from './report/sarif.js';
import { formatText, type LineSource } from './report/text.js';
import { errorsOnly, exitStatus, isCI, parseMaxWarnings, readStdin } from './run-policy.js';

const USAGE = `usage: privlint [options] [paths...]
       privlint merge [-o out.sarif] shard1.sarif shard2.sarif ...
       privlint sequence [--lang c|node] [--platform linux|freebsd|openbsd|macos] [--chroot DIR] [--user NAME]
       privlint explain <rule>

Analyse C and TypeScript/JavaScript code that drops privileges (directories are walked; .gitignore is honoured).

options:
  -f, --format <text|json|sarif|github>
                                   output format (default: text; github: workflow-command annotations)
  -o, --output-file <file>         write the report to a file instead of standard output
  -c, --config <file>              configuration file (default: the nearest privlint.json, or the
                                   "privlint" key of package.json, above the first path)
      --rules <recommended|strict> rule set (default: recommended; strict adds the notes)
      --fix                        apply the safe edits to the files, then report what is left
      --fix-dry-run                print the edits --fix would make as a diff; change nothing
      --no-color                   no colour in text output (NO_COLOR is honoured too)
  -j, --jobs <n>                   worker threads (default: the number of cores); output is the same for any n
      --cache                      remember models and results between runs (in --cache-location)
      --cache-location <dir>       the cache folder (default: .privlintcache)
      --shard <k/n>                analyse only the k-th of n stable parts of the programs (CI matrices);
                                   combine the SARIF logs with privlint merge
      --progress                   show progress on stderr (default: on a terminal, for runs over 2 s)
      --quiet                      report errors only (warnings and notes are neither shown nor counted)
      --max-warnings <n>           exit 1 on warnings and notes only when there are more than n (errors always)
      --baseline <file>            report only findings that are not in this baseline
      --write-baseline <file>      record the current findings as the baseline (then report against it)
      --report-unused-suppressions     report privlint-disable comments that suppress nothing
      --no-report-unused-suppressions  (default: report them when the CI environment variable is set)
      --stdin                      analyse standard input (editors, pre-commit hooks)
      --stdin-filename <name>      the path standard input stands for (default: stdin.c)
      --no-ignore                  analyse files .gitignore or the configuration's "ignore" leave out
      --list-rules                 list the rules, their severities and whether the configuration runs them
      --print-config <file>        print the configuration that holds for a file
  -h, --help                       this help
  -v, --version                    print the version

exit status: 0 no findings, 1 findings, 2 usage or internal error`;

function usageError(message: string): number {
  process.stderr.write(`privlint: ${message}\n${USAGE}\n`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'sequence') return sequenceCommand(argv.slice(1), usageError);
  if (argv[0] === 'explain') return explainCommand(argv.slice(1), usageError);
  if (argv[0] === 'merge') return mergeCommand(argv.slice(1), usageError);
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'text' },
        'output-file': { type: 'string', short: 'o' },
        config: { type: 'string', short: 'c' },
        rules: { type: 'string' },
        fix: { type: 'boolean', default: false },
        'fix-dry-run': { type: 'boolean', default: false },
        'no-color': { type: 'boolean', default: false },
        jobs: { type: 'string', short: 'j' },
        cache: { type: 'boolean', default: false },
        'cache-location': { type: 'string' },
        shard: { type: 'string' },
        progress: { type: 'boolean', default: false },
        // adoption: what a codebase with history needs (suppressions, baseline, editors, CI)
        quiet: { type: 'boolean', default: false },
        'max-warnings': { type: 'string' },
        baseline: { type: 'string' },
        'write-baseline': { type: 'string' },
        'report-unused-suppressions': { type: 'boolean' },
        'no-report-unused-suppressions': { type: 'boolean' },
        stdin: { type: 'boolean', default: false },
        'stdin-filename': { type: 'string' },
        'no-ignore': { type: 'boolean', default: false },
        'list-rules': { type: 'boolean', default: false },
        'print-config': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (e) {
    return usageError((e as Error).message);
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const format = values.format!;
  if (!['text', 'json', 'sarif', 'github'].includes(format)) {
    process.stderr.write(`privlint: unknown format "${format}" (text, json, sarif or github)\n`);
    return 2;
  }
  const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) return usageError(`--jobs takes a whole number of at least 1, not "${values.jobs}"`);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (values.shard !== undefined && !shard) return usageError(`--shard takes k/n with 1 <= k <= n, not "${values.shard}"`);
  const maxWarnings = parseMaxWarnings(values['max-warnings']);
  if (maxWarnings instanceof Error) return usageError(maxWarnings.message);
  if (values.stdin && positionals.length) return usageError('--stdin analyses standard input: give no paths');
  if (values.stdin && values.fix) return usageError('--fix cannot rewrite standard input; --fix-dry-run shows the diff');
  if (values.baseline !== undefined && values['write-baseline'] !== undefined) return usageError('give --baseline or --write-baseline, not both');
  const cwd = process.cwd();
  const stdinName = values['stdin-filename'] ?? 'stdin.c';
  let config: PrivlintConfig;
  let configFile: string | undefined;
  try {
    ({ config, file: configFile } = await loadConfig(values['print-config'] ?? (values.stdin ? path.dirname(path.resolve(cwd, stdinName)) : positionals[0]) ?? cwd, values.config));
    if (values.rules !== undefined) config.ruleSet = parseRuleSet(values.rules, '--rules');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message.split('\n').map((line) => `privlint: ${line}`).join('\n')}\n`);
    return 2;
  }
  if (values['no-ignore']) config = { ...config, ignore: [], respectGitignore: false };
  const reportUnused = values['no-report-unused-suppressions'] ? false : (values['report-unused-suppressions'] ?? config.reportUnusedSuppressions ?? isCI());
  if (values['list-rules']) {
    process.stdout.write(listRules(config, format));
    return 0;
  }
  if (values['print-config'] !== undefined) {
    const shownConfig = configFile === undefined ? undefined : displayPath(path.resolve(cwd, configFile), cwd);
    process.stdout.write(printConfig(config, shownConfig, displayPath(path.resolve(cwd, values['print-config']), cwd), cwd, reportUnused));
    return 0;
  }
  let baseline: Baseline | undefined;
  try {
    if (values.baseline !== undefined) baseline = await readBaseline(values.baseline);
  } catch (e) {
    if (!(e instanceof BaselineError)) throw e;
    process.stderr.write(`privlint: ${e.message}\n`);
    return 2;
  }
  const fixing = values['fix-dry-run'] || values.fix;
  // A report reads texts only where it quotes them: the run keeps none but those of the unit being analysed.
  const loaded = values.stdin ? await stdinSources(stdinName, config, cwd, values['no-ignore']!) : await loadSources(positionals, config, cwd, { deferTexts: !fixing });
  let sources = shard ? sourcesOfShard(loaded.sources, shard) : loaded.sources;
  if (fixing) {
    const fixed = await fixSources(sources, engineConfig(config), (r, current) => finishAnalysis(r, current, { config, cwd, reportUnusedSuppressions: false, baseline }).findings);
    const changed = fixed.sources.filter((s, i) => s.text !== sources[i]!.text);
    if (values['fix-dry-run']) {
      process.stdout.write(changed.map((s) => unifiedDiff(s.path, sources.find((o) => o.path === s.path)!.text, s.text)).join(''));
      return changed.length ? 1 : 0;
    }
    const written = await writeFixes(changed, sources, cwd);
    process.stderr.write(`privlint: ${fixed.applied} fix${fixed.applied === 1 ? '' : 'es'} applied in ${written.length} file${written.length === 1 ? '' : 's'}\n`);
    sources = sources.map((s) => written.find((w) => w.path === s.path) ?? s);
  }
  const progress = ProgressReporter.enabled(process.stderr, values.progress === true) ? new ProgressReporter(process.stderr, values.progress === true, loaded.files.length) : undefined;
  const cacheLocation = values.cache || values['cache-location'] !== undefined ? path.resolve(cwd, values['cache-location'] ?? '.privlintcache') : undefined;
  let analysis: AnalysisResult;
  try {
    // PRIVLINT_PREFILTER=off parses every file whole: the bench's check that the selection changes no finding.
    const prefilter = process.env.PRIVLINT_PREFILTER !== 'off';
    analysis = await analyzeSources(sources, engineConfig(config), { jobs, cacheLocation, onProgress: progress?.update, ...(prefilter ? {} : { prefilter }) });
  } finally {
    progress?.finish();
  }
  analysis.diagnostics.unshift(...loaded.diagnostics);
  analysis.files = loaded.files;
  const outcome = finishAnalysis(analysis, sources, { config, cwd, reportUnusedSuppressions: reportUnused, baseline, writeBaseline: values['write-baseline'] });
  if (outcome.baselineText !== undefined) {
    await fs.writeFile(path.resolve(cwd, values['write-baseline']!), outcome.baselineText);
    process.stderr.write(`privlint: recorded ${outcome.baselined.length} finding${outcome.baselined.length === 1 ? '' : 's'} in the baseline ${values['write-baseline']}\n`);
  }
  const result = values.quiet ? errorsOnly(outcome) : outcome;
  // Lines are split only for the files a report quotes (a large tree's every line, split, is hundreds of MB).
  const analysedLines = sourceLines(sources);
  const otherLines = new Map<string, string[] | undefined>();
  const lines: LineSource = (file) => {
    const known = analysedLines(file);
    if (known) return known;
    if (!otherLines.has(file)) otherLines.set(file, readLines(path.resolve(cwd, file)));
    return otherLines.get(file);
  };
  let report: string;
  if (format === 'json') report = formatJson(result);
  else if (format === 'github') report = formatGithub(result, lines);
  else if (format === 'sarif') report = `${JSON.stringify(toSarif(result, { version: VERSION, helpBase: REPOSITORY_BASE, lines }), null, 2)}\n`;
  else {
    const toFile = values['output-file'] !== undefined;
    const color = !toFile && !values['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR;
    report = formatText(result, color, lines);
  }
  if (values['output-file']) await fs.writeFile(values['output-file'], report);
  else process.stdout.write(report);
  const exit = exitStatus(result.findings, maxWarnings);
  if (exit.message) process.stderr.write(`privlint: ${exit.message}\n`);
  return exit.status;
}

/** --stdin: the text piped in, as the file it stands for (its configuration, its ignore globs, its language). */
async function stdinSources(name: string, config: PrivlintConfig, cwd: string, noIgnore: boolean): Promise<{ sources: SourceFile[]; diagnostics: Diagnostic[]; files: string[] }> {
  const shown = displayPath(path.resolve(cwd, name), cwd);
  const skipped = (level: Diagnostic['level'], message: string): { sources: SourceFile[]; diagnostics: Diagnostic[]; files: string[] } => ({ sources: [], diagnostics: [{ file: shown, level, message }], files: [] });
  if (!noIgnore && isIgnored(config, shown, cwd)) return skipped('warning', 'ignored by the configuration\'s "ignore" globs (--no-ignore analyses it)');
  if (!languageOf(shown)) return skipped('error', 'not a C or TypeScript/JavaScript file name: --stdin-filename tells the language (.c, .h, .ts, .js …)');
  try {
    return { sources: [{ path: shown, text: await readStdin() }], diagnostics: [], files: [shown] };
  } catch (e) {
    return skipped('error', `${(e as Error).message}; skipped`);
  }
}

/** Write fixed files, except those that changed on disk since they were read (their fixes would overwrite the change). */
async function writeFixes(changed: SourceFile[], read: SourceFile[], cwd: string): Promise<SourceFile[]> {
  const written: SourceFile[] = [];
  for (const s of changed) {
    const file = path.resolve(cwd, s.path);
    const now = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (now !== read.find((o) => o.path === s.path)?.text) {
      process.stderr.write(`privlint: ${s.path}: changed since it was read; not fixed\n`);
      continue;
    }
    await fs.writeFile(file, s.text);
    written.push(s);
  }
  return written;
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
}
