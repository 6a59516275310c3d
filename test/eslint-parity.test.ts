/**
 * The CLI and ESLint agree: every fixture unit (a file alone, or a `*.project` folder) is laid out as a project of
 * its own in one folder, the CLI's analysis (`privlint .` there: its config, the recommended set) and ESLint with
 * `configs.recommended` run over that folder, and the (file, line, rule) sets must be the same.
 */
import { cpSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config-file.js';
import { analyzePaths } from '../src/engine.js';
import { fixtureUnits } from '../src/testing/expectations.js';
// The plugin as it is shipped: the built module, whose engine thread runs lib/eslint/engine-worker.js.
import plugin from '../lib/eslint/plugin.js';
import { projectFolder } from './eslint-helpers.js';

const root = path.resolve(__dirname, '..');
const fixtures = path.join(root, 'fixtures');

/** Every fixture unit copied into a project folder of its own. */
async function layOut(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'privlint-parity-'));
  for (const unit of await fixtureUnits(fixtures)) {
    const project = projectFolder({}, path.join(dir, path.relative(fixtures, unit).replace(/[/\\]/g, '__')));
    if (statSync(unit).isDirectory()) for (const f of readdirSync(unit)) cpSync(path.join(unit, f), path.join(project, f), { recursive: true });
    else cpSync(unit, path.join(project, path.basename(unit)));
  }
  return dir;
}

const key = (file: string, line: number, rule: string): string => `${file}:${line}:${rule}`;

describe('parity between the CLI and ESLint', () => {
  it('reports the same (file, line, rule) set on every fixture with the recommended rules', async () => {
    const dir = await layOut();

    // `privlint .` in the folder that holds them all: every fixture is a unit (a repository) of its own
    const result = await analyzePaths(['.'], (await loadConfig(dir)).config, dir);
    const cli = new Set(result.findings.map((f) => key(f.loc.file, f.loc.line, f.ruleId)));
    const cliProblems = new Set(result.diagnostics.map((d) => key(d.file, d.line ?? 1, d.message)));

    const eslint = new ESLint({
      cwd: dir,
      overrideConfigFile: true,
      overrideConfig: [...plugin.configs.recommended, { files: ['**/*.{ts,mts,cts,tsx}'], languageOptions: { parser: tsParser } }],
    });
    const results = await eslint.lintFiles(['.']);
    const fatal = results.flatMap((r) => r.messages.filter((m) => m.fatal || !m.ruleId?.startsWith('privlint/')).map((m) => `${r.filePath}:${m.line}: ${m.message}`));
    expect(fatal, 'every fixture is parsed and only privlint reports').toEqual([]);
    const linted = new Set<string>();
    const lintProblems = new Set<string>();
    for (const r of results) {
      for (const m of r.messages) {
        if (m.messageId === 'inputProblem') lintProblems.add(key(path.relative(dir, r.filePath), m.line, m.message.replace(/^privlint: /, '')));
        else linted.add(key(path.relative(dir, r.filePath), m.line, m.ruleId!.slice('privlint/'.length)));
      }
    }

    expect(results.length, 'ESLint linted the fixtures').toBeGreaterThan(100);
    expect(cli.size, 'the fixtures have findings').toBeGreaterThan(100);
    expect({ onlyCli: [...cli].filter((k) => !linted.has(k)), onlyEslint: [...linted].filter((k) => !cli.has(k)) }).toEqual({ onlyCli: [], onlyEslint: [] });
    expect([...lintProblems].sort(), 'input problems are the same too').toEqual([...cliProblems].sort());
  }, 240_000);
});
