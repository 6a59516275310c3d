/** The CLI's fixes, rule sets, code flows and commands as a user runs them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, run, sarifValidator, tree } from './cli-helpers.js';

beforeAll(build);

const UNCHECKED = `#include <grp.h>
#include <unistd.h>

int
main(void)
{
\tgid_t gid = 100;

\tif (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1)
\t\treturn 1;
\t(void)setresuid(100, 100, 100);
\treturn 0;
}
`;

const WRONG_ORDER = `#include <err.h>
#include <grp.h>
#include <unistd.h>

extern void serve(void);

int
main(int argc, char **argv)
{
\tgid_t gid = 100;

\tif (argc > 1 && argv[1][0] == '-')
\t\treturn 2;
\tif (setgroups(1, &gid) == -1)
\t\terr(1, "setgroups");
\tif (setresuid(100, 100, 100) == -1)
\t\terr(1, "setresuid");
\tif (setresgid(gid, gid, gid) == -1)
\t\terr(1, "setresgid");
\tserve();
\treturn 0;
}
`;

describe('--fix and --fix-dry-run', () => {
  it('--fix-dry-run prints a diff and changes nothing; --fix applies it; a second --fix changes nothing', () => {
    const dir = tree({ 'd.c': UNCHECKED });
    const dry = run(['--fix-dry-run', 'd.c'], dir);
    expect(dry.status).toBe(1);
    expect(dry.stdout).toContain('--- a/d.c');
    expect(dry.stdout).toContain('-\t(void)setresuid(100, 100, 100);');
    expect(dry.stdout).toContain('+\tif (setresuid(100, 100, 100) == -1)');
    expect(dry.stdout).toContain('+#include <stdlib.h>');
    expect(readFileSync(path.join(dir, 'd.c'), 'utf8')).toBe(UNCHECKED);

    const fixed = run(['--fix', '-f', 'json', 'd.c'], dir);
    expect(fixed.stderr).toMatch(/1 fix applied in 1 file/);
    const text = readFileSync(path.join(dir, 'd.c'), 'utf8');
    expect(text).toContain('\tif (setresuid(100, 100, 100) == -1)\n\t\t{ perror("setresuid"); exit(1); }');
    expect(JSON.parse(fixed.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain('unchecked-return');
    expect(run(['--fix-dry-run', 'd.c'], dir).stdout).toBe('');
    run(['--fix', 'd.c'], dir);
    expect(readFileSync(path.join(dir, 'd.c'), 'utf8')).toBe(text);
  });

  it('reorders adjacent calls into groups, gid, uid', () => {
    const dir = tree({ 'o.c': WRONG_ORDER });
    run(['--fix', 'o.c'], dir);
    const text = readFileSync(path.join(dir, 'o.c'), 'utf8');
    expect(text.indexOf('setresgid(gid')).toBeLessThan(text.indexOf('setresuid(100'));
    const after = JSON.parse(run(['-f', 'json', 'o.c'], dir).stdout);
    expect(after.findings.map((f: { ruleId: string }) => f.ruleId)).not.toContain('wrong-drop-order');
  });
});

describe('SARIF', () => {
  it('carries fixes as artifactChanges and code flows, and validates against the official schema', () => {
    const dir = tree({ 'o.c': WRONG_ORDER, 'd.c': UNCHECKED });
    const r = run(['-f', 'sarif', '--rules', 'strict', '.'], dir);
    const log = JSON.parse(r.stdout);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const results = log.runs[0].results;
    const withFix = results.find((x: { ruleId: string }) => x.ruleId === 'wrong-drop-order');
    const change = withFix.fixes[0].artifactChanges[0];
    expect(change.artifactLocation.uri).toBe('o.c');
    expect(change.replacements[0].deletedRegion).toMatchObject({ startLine: 16, endLine: 19 });
    expect(change.replacements[0].insertedContent.text).toMatch(/^if \(setresgid/);
    expect(withFix.codeFlows[0].threadFlows[0].locations.map((l: { location: { physicalLocation: { region: { startLine: number } } } }) => l.location.physicalLocation.region.startLine)).toEqual([16, 18]);
    expect(withFix.relatedLocations[0].physicalLocation.region.startLine).toBe(16);
    expect(log.runs[0].tool.driver.rules.find((x: { id: string }) => x.id === 'wrong-drop-order').helpUri).toBe('https://github.com/privlint/privlint/blob/main/docs/rules/wrong-drop-order.md');
  });
});

describe('rule sets', () => {
  it('recommended by default; strict adds the notes, from --rules or the configuration; per-rule settings win', () => {
    const dir = tree({ 'o.c': WRONG_ORDER });
    const ids = (args: string[]): string[] => JSON.parse(run(['-f', 'json', ...args, 'o.c'], dir).stdout).findings.map((f: { ruleId: string }) => f.ruleId);
    expect(ids([])).not.toContain('unverified-drop');
    expect(ids(['--rules', 'strict'])).toContain('unverified-drop');
    expect(run(['--rules', 'lax', 'o.c'], dir).status).toBe(2);
    const withConfig = (config: object): string[] => {
      const d = tree({ 'o.c': WRONG_ORDER, 'privlint.json': JSON.stringify(config) });
      return JSON.parse(run(['-f', 'json', 'o.c'], d).stdout).findings.map((f: { ruleId: string }) => f.ruleId);
    };
    expect(withConfig({ ruleSet: 'strict' })).toContain('unverified-drop');
    expect(withConfig({ rules: 'strict' })).toContain('unverified-drop');
    expect(withConfig({ rules: { 'unverified-drop': 'warning' } })).toContain('unverified-drop');
    expect(withConfig({ ruleSet: 'strict', rules: { 'unverified-drop': 'off' } })).not.toContain('unverified-drop');
  });
});

describe('text output', () => {
  it('shows the path behind a finding compactly, and where to read more', () => {
    const dir = tree({ 'o.c': WRONG_ORDER });
    const out = run(['o.c'], dir).stdout;
    expect(out).toContain('path: setresuid (16) → setresgid (18)');
    expect(out).toContain('privlint explain wrong-drop-order');
    expect(out).toContain('https://github.com/privlint/privlint/blob/main/docs/rules/wrong-drop-order.md');
    expect(out).toContain('fixable: privlint --fix');
  });
});

describe('commands', () => {
  it('explain prints the rule help; an unknown rule is a usage error', () => {
    const r = run(['explain', 'chroot-without-drop']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('## Why is this bad?');
    expect(r.stdout).toContain('Rule sets: recommended, strict');
    expect(run(['explain', 'nope']).status).toBe(2);
  });

  it('sequence prints code for the options given; bad options are usage errors', () => {
    const r = run(['sequence', '--platform', 'macos', '--user', 'www']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('setreuid(pw->pw_uid, pw->pw_uid)');
    expect(run(['sequence', '--lang', 'node']).stdout).toContain('process.setuid(uid);');
    expect(run(['sequence', '--platform', 'plan9']).status).toBe(2);
    expect(run(['sequence', '--user', 'a"b']).status).toBe(2);
  });
});
