/** `privlint [paths...]`, `privlint sequence`, `privlint explain <rule>`: exit 0 clean, 1 findings, 2 usage or internal error. */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { explainCommand } from './commands/explain-command.js';
import { sequenceCommand } from './commands/sequence-command.js';
import { ConfigError, loadConfig, parseRuleSet } from './config-file.js';
import type { PrivlintConfig } from './config.js';
import { analyzeSources, loadSources, type AnalysisResult } from './engine.js';
import { defaultJobs } from './engine/pool.js';
import { parseShard, sourcesOfShard } from './engine/shard.js';
import { mergeCommand } from './commands/merge.js';
import { ProgressReporter } from './report/progress.js';
import { fixSources } from './fix/apply.js';
import { unifiedDiff } from './fix/diff.js';
import { REPOSITORY_BASE, VERSION } from './links.js';
import { formatJson } from './report/json.js';
import { toSarif } from './report/sarif.js';
import { formatText, type LineSource } from './report/text.js';

const USAGE = `usage: privlint [options] [paths...]
       privlint merge [-o out.sarif] shard1.sarif shard2.sarif ...
       privlint sequence [--lang c|node] [--platform linux|freebsd|openbsd|macos] [--chroot DIR] [--user NAME]
       privlint explain <rule>

Analyse C and TypeScript/JavaScript code that drops privileges (directories are walked; .gitignore is honoured).

options:
  -f, --format <text|json|sarif>   output format (default: text)
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
  if (!['text', 'json', 'sarif'].includes(format)) {
    process.stderr.write(`privlint: unknown format "${format}" (text, json or sarif)\n`);
    return 2;
  }
  const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) return usageError(`--jobs takes a whole number of at least 1, not "${values.jobs}"`);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  if (values.shard !== undefined && !shard) return usageError(`--shard takes k/n with 1 <= k <= n, not "${values.shard}"`);
  const cwd = process.cwd();
  let config: PrivlintConfig;
  try {
    config = (await loadConfig(positionals[0] ?? cwd, values.config)).config;
    if (values.rules !== undefined) config.ruleSet = parseRuleSet(values.rules, '--rules');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`privlint: ${e.message}\n`);
    return 2;
  }
  const loaded = await loadSources(positionals, config, cwd);
  let sources = shard ? sourcesOfShard(loaded.sources, shard) : loaded.sources;
  if (values['fix-dry-run'] || values.fix) {
    const fixed = await fixSources(sources, config);
    const changed = fixed.sources.filter((s, i) => s.text !== sources[i]!.text);
    if (values['fix-dry-run']) {
      process.stdout.write(changed.map((s) => unifiedDiff(s.path, sources.find((o) => o.path === s.path)!.text, s.text)).join(''));
      return changed.length ? 1 : 0;
    }
    for (const s of changed) await fs.writeFile(path.resolve(cwd, s.path), s.text);
    process.stderr.write(`privlint: ${fixed.applied} fix${fixed.applied === 1 ? '' : 'es'} applied in ${changed.length} file${changed.length === 1 ? '' : 's'}\n`);
    sources = fixed.sources;
  }
  const progress = ProgressReporter.enabled(process.stderr, values.progress === true) ? new ProgressReporter(process.stderr, values.progress === true, loaded.files.length) : undefined;
  const cacheLocation = values.cache || values['cache-location'] !== undefined ? path.resolve(cwd, values['cache-location'] ?? '.privlintcache') : undefined;
  let result: AnalysisResult;
  try {
    result = await analyzeSources(sources, config, { jobs, cacheLocation, onProgress: progress?.update });
  } finally {
    progress?.finish();
  }
  result.diagnostics.unshift(...loaded.diagnostics);
  result.files = loaded.files;
  const texts = new Map(sources.map((s) => [s.path, s.text.split('\n')]));
  const lines: LineSource = (file) => texts.get(file) ?? readLines(path.resolve(cwd, file));
  let report: string;
  if (format === 'json') report = formatJson(result);
  else if (format === 'sarif') report = `${JSON.stringify(toSarif(result, { version: VERSION, helpBase: REPOSITORY_BASE, lines }), null, 2)}\n`;
  else {
    const toFile = values['output-file'] !== undefined;
    const color = !toFile && !values['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR;
    report = formatText(result, color, lines);
  }
  if (values['output-file']) await fs.writeFile(values['output-file'], report);
  else process.stdout.write(report);
  return result.findings.length ? 1 : 0;
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return [];
  }
}
