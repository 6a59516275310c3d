/** The options users know from ESLint and ruff: --quiet, --max-warnings, --list-rules, --stdin, --no-ignore. */
import { beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../src/rules/index.js';
import { build, run, tree } from './cli-helpers.js';

beforeAll(build);

/** Errors (unchecked-return and others at the setuid) and a warning (chroot-without-drop: root stays in the jail). */
const MIXED = `#include <unistd.h>
int main(void) {
  if (chroot("/var/empty") == -1 || chdir("/") == -1) return 1;
  setuid(1000);
  return 0;
}
`;
const WARNING_ONLY = `#include <unistd.h>
#include <err.h>
int main(void) {
  if (chroot("/var/empty") == -1 || chdir("/") == -1) err(1, "jail");
  return 0;
}
`;

function severities(stdout: string): string[] {
  return JSON.parse(stdout).findings.map((f: { severity: string }) => f.severity);
}

describe('CLI conventions', () => {
  it('--quiet reports errors only, and warnings no longer fail the run', () => {
    const dir = tree({ 'm.c': MIXED, 'w.c': WARNING_ONLY });
    const all = severities(run(['-f', 'json', '.'], dir).stdout);
    expect(all).toContain('error');
    expect(all).toContain('warning');
    const quiet = run(['-f', 'json', '--quiet', '.'], dir);
    expect(new Set(severities(quiet.stdout))).toEqual(new Set(['error']));
    expect(quiet.status).toBe(1);
    const warnOnly = tree({ 'w.c': WARNING_ONLY });
    expect(run(['.'], warnOnly).status).toBe(1);
    expect(run(['--quiet', '.'], warnOnly)).toMatchObject({ status: 0, stdout: 'no findings in 1 file\n' });
  });

  it('--max-warnings N fails on warnings only above N; errors always fail', () => {
    const dir = tree({ 'w.c': WARNING_ONLY });
    const count = severities(run(['-f', 'json', '.'], dir).stdout).length;
    expect(count).toBeGreaterThan(0);
    expect(run(['--max-warnings', String(count), '.'], dir).status).toBe(0);
    const over = run(['--max-warnings', String(count - 1), '.'], dir);
    expect(over.status).toBe(1);
    expect(over.stderr).toContain(`more than --max-warnings ${count - 1} allows`);
    expect(run(['--max-warnings', '100', '.'], tree({ 'm.c': MIXED })).status).toBe(1);
    expect(run(['--max-warnings', 'lots', '.'], dir).status).toBe(2);
  });

  it('--list-rules lists every rule with its severity, sets and what the configuration does', () => {
    const dir = tree({ 'privlint.json': '{ "rules": { "missing-setgroups": "off", "shared-nobody": "warning" } }' });
    const r = run(['--list-rules'], dir);
    expect(r.status).toBe(0);
    for (const rule of RULES) expect(r.stdout).toContain(rule.id);
    expect(r.stdout).toMatch(/missing-setgroups +error +recommended,strict +off /);
    expect(r.stdout).toMatch(/shared-nobody +note +strict +warning /);
    expect(r.stdout).toMatch(/unused-suppression +warning/);
    const json = JSON.parse(run(['--list-rules', '-f', 'json'], dir).stdout);
    expect(json.find((x: { id: string }) => x.id === 'unverified-drop')).toMatchObject({ severity: 'note', ruleSets: ['strict'], configured: 'off' });
  });

  it('--stdin analyses standard input as --stdin-filename, with that file\'s configuration and language', () => {
    const dir = tree({ 'privlint.json': '{ "ignore": ["generated/"] }', 'src/.keep': '' });
    const c = run(['--stdin', '--stdin-filename', 'src/daemon.c', '-f', 'json'], dir, {}, MIXED);
    const report = JSON.parse(c.stdout);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((f: { file: string }) => f.file === 'src/daemon.c')).toBe(true);
    expect(c.status).toBe(1);
    const ts = run(['--stdin', '--stdin-filename', 'src/server.ts'], dir, {}, "process.setuid('svc');\n");
    expect(ts.stdout).toContain('src/server.ts:1:1');
    const defaultName = run(['--stdin'], dir, {}, MIXED);
    expect(defaultName.stdout).toContain('stdin.c:');
    const ignored = run(['--stdin', '--stdin-filename', 'generated/x.c'], dir, {}, MIXED);
    expect(ignored).toMatchObject({ status: 0, stdout: expect.stringContaining('generated/x.c: input warning: ignored by the configuration') });
    expect(run(['--stdin', '--stdin-filename', 'generated/x.c', '--no-ignore'], dir, {}, MIXED).status).toBe(1);
    expect(run(['--stdin', '--stdin-filename', 'notes.txt'], dir, {}, MIXED).stdout).toContain('not a C or TypeScript/JavaScript file name');
    expect(run(['--stdin', '--fix'], dir, {}, MIXED).status).toBe(2);
    expect(run(['--stdin', 'src'], dir, {}, MIXED).status).toBe(2);
  });

  it('--no-ignore analyses what .gitignore and "ignore" leave out', () => {
    const dir = tree({ '.gitignore': 'build/\n', 'privlint.json': '{ "ignore": ["vendor/"] }', 'build/b.c': MIXED, 'vendor/v.c': MIXED, 'ok.c': WARNING_ONLY.replace('chroot', 'chdir') });
    const files = (args: string[]): string[] => [...new Set<string>(JSON.parse(run(['-f', 'json', ...args, '.'], dir).stdout).findings.map((f: { file: string }) => f.file))].sort();
    expect(files([])).toEqual([]);
    expect(files(['--no-ignore'])).toEqual(['build/b.c', 'vendor/v.c']);
  });
});
