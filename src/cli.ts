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
import { fixSources } from './fix/apply.js';
import { unifiedDiff } from './fix/diff.js';
import { REPOSITORY_BASE, VERSION } from './links.js';
import { formatJson } from './report/json.js';
import { toSarif } from './report/sarif.js';
import { formatText, type LineSource } from './report/text.js';

const USAGE = `usage: privlint [options] [paths...]
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
  let sources = loaded.sources;
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
  const result: AnalysisResult = await analyzeSources(sources, config, { jobs });
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
