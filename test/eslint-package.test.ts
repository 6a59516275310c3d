/**
 * The packed package in a fresh project, as a user installs it: `npm pack`, then `npm install <tgz>` (the CLI works
 * without ESLint), then `npm install eslint@10` and the real `eslint` CLI with an eslint.config.js for C and
 * TypeScript: the bundled example's findings are the CLI's, an eslint-disable comment is honoured in C, and
 * `--fix` applies a safe edit. Packages come from the npm cache when they are there (--prefer-offline).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectFolder, SERVICE_TS } from './eslint-helpers.js';

const root = path.resolve(__dirname, '..');
const example = readFileSync(path.join(root, 'examples/daemon/fingerd.c'), 'utf8');
const SUPPRESSED_LINE = '\t(void)setgid(pw->pw_gid);\n';

interface Problem {
  line: number;
  column: number;
  rule: string;
}

let project: string;

function npm(args: string[]): void {
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: project, stdio: 'pipe' });
}

/** `privlint -f json` (the installed CLI unless told otherwise) in `cwd`. */
function privlint(args: string[], cwd = project, bin = path.join(project, 'node_modules/privlint/bin/privlint.js')): Problem[] {
  const r = spawnSync(process.execPath, [bin, '-f', 'json', ...args], { cwd, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout).findings as { ruleId: string; line: number; column: number }[]).map((f) => ({ line: f.line, column: f.column, rule: f.ruleId }));
}

/** The installed `eslint -f json` over these paths, by file (relative to the project). */
function eslint(args: string[]): Map<string, { messages: Problem[]; suppressed: Problem[] }> {
  const r = spawnSync(process.execPath, [path.join(project, 'node_modules/eslint/bin/eslint.js'), '-f', 'json', ...args], { cwd: project, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const asProblems = (ms: { line: number; column: number; ruleId: string }[]): Problem[] => ms.map((m) => ({ line: m.line, column: m.column, rule: m.ruleId.replace(/^privlint\//, '') }));
  const results = JSON.parse(r.stdout) as { filePath: string; messages: never[]; suppressedMessages: never[] }[];
  return new Map(results.map((f) => [path.relative(project, f.filePath), { messages: asProblems(f.messages), suppressed: asProblems(f.suppressedMessages) }]));
}

const sorted = (ps: Problem[]): Problem[] => [...ps].sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));

function folder(name: string, files: Record<string, string>): void {
  projectFolder(files, path.join(project, name)); // each folder is a project of its own
}

describe('the packed package in a fresh project', () => {
  beforeAll(() => {
    project = mkdtempSync(path.join(tmpdir(), 'privlint-user-'));
    const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', project], { cwd: root, encoding: 'utf8' }).trim().split('\n').at(-1)!;
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
    npm(['install', path.join(project, packed)]);
    folder('daemon', { 'fingerd.c': example });
    folder('suppressed', { 'fingerd.c': example.replace(SUPPRESSED_LINE, `\t/* eslint-disable-next-line privlint/unchecked-return -- checked by the caller */\n${SUPPRESSED_LINE}`) });
    folder('fix', { 'fingerd.c': example });
    folder('service', { 'drop.ts': SERVICE_TS });
    // The TypeScript parser a TypeScript project already has; here the repository's copy.
    const tsParser = createRequire(path.join(root, 'package.json')).resolve('@typescript-eslint/parser');
    writeFileSync(
      path.join(project, 'eslint.config.js'),
      `import privlint from 'privlint/eslint-plugin';\nimport tsParser from ${JSON.stringify(tsParser)};\n\n` +
        `export default [\n  ...privlint.configs.recommended,\n  { files: ['**/*.ts'], languageOptions: { parser: tsParser } },\n];\n`,
    );
  }, 120_000);

  it('runs the privlint CLI without ESLint installed', () => {
    expect(() => createRequire(path.join(project, 'package.json')).resolve('eslint')).toThrow();
    expect(privlint(['daemon'])).toEqual(privlint(['examples/daemon'], root, path.join(root, 'bin/privlint.js')));
  });

  describe('with eslint 10', () => {
    beforeAll(() => npm(['install', 'eslint@^10']), 120_000);

    it('reports the findings of `privlint examples/daemon` on the example, and of privlint on a TypeScript service', () => {
      const results = eslint(['daemon', 'service']);
      const cli = privlint(['examples/daemon'], root, path.join(root, 'bin/privlint.js'));
      expect(cli.length).toBeGreaterThan(5);
      expect(sorted(results.get('daemon/fingerd.c')!.messages)).toEqual(sorted(cli));
      const service = privlint(['service']);
      expect(service.length).toBeGreaterThan(0);
      expect(sorted(results.get('service/drop.ts')!.messages)).toEqual(sorted(service));
    });

    it('honours an eslint-disable comment in C', () => {
      const result = eslint(['suppressed']).get('suppressed/fingerd.c')!;
      const suppressedLine = example.slice(0, example.indexOf(SUPPRESSED_LINE)).split('\n').length + 1; // after the directive
      const cli = privlint(['suppressed']); // the CLI does not read eslint-disable comments
      const suppressed = cli.filter((p) => p.line === suppressedLine && p.rule === 'unchecked-return');
      expect(suppressed).toHaveLength(1);
      expect(result.suppressed).toEqual(suppressed);
      expect(sorted(result.messages)).toEqual(sorted(cli.filter((p) => !suppressed.includes(p))));
    });

    it('applies the safe edit with --fix, and leaves the suggestions to the user', () => {
      eslint(['--fix', 'fix']);
      const fixed = readFileSync(path.join(project, 'fix/fingerd.c'), 'utf8');
      expect(fixed).toContain('\tif (setgid(pw->pw_gid) == -1)\n\t\terr(1, "setgid");\n');
      expect(fixed).not.toContain('(void)setgid');
      expect(fixed).not.toContain('chdir("/")'); // chroot-without-chdir: a suggestion, not applied
      const left = privlint(['fix']).map((p) => p.rule);
      expect(left).toContain('chroot-without-chdir');
      expect(left.filter((r) => r === 'unchecked-return')).toHaveLength(1); // setuid's log-only branch is not a local edit
    });
  });
});
