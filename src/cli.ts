/** `privlint [paths...]`: exit 0 clean, 1 findings, 2 usage or internal error. */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config-file.js';
import { analyzePaths } from './engine.js';
import { formatJson } from './report/json.js';
import { toSarif } from './report/sarif.js';
import { formatText } from './report/text.js';

const HOME = 'https://github.com/privlint/privlint/blob/main/';

const USAGE = `usage: privlint [options] [paths...]

Analyse C code that drops privileges (directories are walked; .gitignore is honoured).

options:
  -f, --format <text|json|sarif>   output format (default: text)
  -o, --output-file <file>         write the report to a file instead of standard output
  -c, --config <file>              configuration file (default: the nearest privlint.json, or the
                                   "privlint" key of package.json, above the first path)
      --no-color                   no colour in text output (NO_COLOR is honoured too)
  -h, --help                       this help
  -v, --version                    print the version

exit status: 0 no findings, 1 findings, 2 usage or internal error`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'text' },
        'output-file': { type: 'string', short: 'o' },
        config: { type: 'string', short: 'c' },
        'no-color': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (e) {
    process.stderr.write(`privlint: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const format = values.format!;
  if (!['text', 'json', 'sarif'].includes(format)) {
    process.stderr.write(`privlint: unknown format "${format}" (text, json or sarif)\n`);
    return 2;
  }
  const cwd = process.cwd();
  let config;
  try {
    config = (await loadConfig(positionals[0] ?? cwd, values.config)).config;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`privlint: ${e.message}\n`);
    return 2;
  }
  const result = await analyzePaths(positionals, config, cwd);
  let report: string;
  if (format === 'json') report = formatJson(result);
  else if (format === 'sarif') {
    const cache = new Map<string, string[]>();
    const lines = (file: string): string[] | undefined => {
      if (!cache.has(file)) {
        try {
          cache.set(file, readFileSync(path.resolve(cwd, file), 'utf8').split('\n'));
        } catch {
          cache.set(file, []);
        }
      }
      return cache.get(file);
    };
    report = `${JSON.stringify(toSarif(result, { version: version(), helpBase: HOME, lines }), null, 2)}\n`;
  } else {
    const toFile = values['output-file'] !== undefined;
    const color = !toFile && !values['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR;
    report = formatText(result, color);
  }
  if (values['output-file']) await fs.writeFile(values['output-file'], report);
  else process.stdout.write(report);
  return result.findings.length ? 1 : 0;
}
