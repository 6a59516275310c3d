/** The CLI as a user runs it: exit codes, formats, SARIF validity, bad input that must not lose other results. */
import { chmodSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, run, sarifValidator, tree } from './cli-helpers.js';

beforeAll(build);

const BAD = `#include <unistd.h>
int main(void) { setgid(100); if (setuid(100) != 0) return 1; return 0; }
`;
const CLEAN = `#include <unistd.h>
#include <grp.h>
#include <err.h>
int main(void) {
  gid_t g = 100;
  if (setgroups(1, &g) == -1 || setresgid(g, g, g) == -1 || setresuid(100, 100, 100) == -1) err(1, "drop");
  return 0;
}
`;

describe('privlint CLI', () => {
  it('exits 1 with findings on the bundled example and prints file:line:col, severity, rule and fix', () => {
    const r = run(['examples/daemon']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/examples\/daemon\/fingerd\.c:\d+:\d+: error: .*\[unchecked-return\]/);
    expect(r.stdout).toContain('fix:');
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('exits 0 on clean code and 2 on usage errors', () => {
    const dir = tree({ 'clean.c': CLEAN });
    expect(run(['.'], dir).status).toBe(0);
    expect(run(['--format', 'yaml', '.'], dir).status).toBe(2);
    expect(run(['--bogus'], dir).status).toBe(2);
  });

  it('writes JSON with positions and fixes', () => {
    const dir = tree({ 'bad.c': BAD });
    const r = run(['-f', 'json', '.'], dir);
    const report = JSON.parse(r.stdout);
    const rules = report.findings.map((f: { ruleId: string }) => f.ruleId).sort();
    expect(rules).toEqual(['missing-setgroups', 'unchecked-return']);
    for (const f of report.findings) {
      expect(f.file).toBe('bad.c');
      expect(f.line).toBe(2);
      expect(f.fix.length).toBeGreaterThan(10);
    }
  });

  it('writes SARIF 2.1.0 that validates against the official schema, with stable fingerprints', () => {
    const validate = sarifValidator();
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'privlint-')), 'out.sarif');
    const first = run(['-f', 'sarif', '-o', out, 'examples/daemon']);
    expect(first.status).toBe(1);
    const log = JSON.parse(readFileSync(out, 'utf8'));
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const runLog = log.runs[0];
    expect(runLog.results.length).toBeGreaterThan(3);
    for (const res of runLog.results) {
      expect(res.locations[0].physicalLocation.artifactLocation.uri).toBe('examples/daemon/fingerd.c');
      expect(res.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}$/);
    }
    for (const rule of runLog.tool.driver.rules) {
      expect(Number(rule.properties['security-severity'])).toBeGreaterThan(0);
      expect(rule.help.markdown).toContain('## Use instead');
      expect(rule.properties.tags.some((t: string) => t.startsWith('external/cwe/'))).toBe(true);
    }
    const flows = runLog.results.filter((r: { codeFlows?: unknown[] }) => r.codeFlows);
    expect(flows.length).toBeGreaterThan(0);
    run(['-f', 'sarif', '-o', out, 'examples/daemon']);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(log);
  });

  it('reports bad input clearly and still analyses every other file', () => {
    const dir = tree({
      'a-bad.c': BAD,
      'binary.c': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]),
      'latin1.c': Buffer.from('/* caf\xe9 */ int x;\n', 'latin1'),
      'broken.c': 'int main( { setuid(1); if (\n',
      'unreadable.c': CLEAN,
      'z-bad.c': BAD,
      'deep.c': `int g(int a) { ${'if (a) { '.repeat(2000)}setuid(1);${' }'.repeat(2000)} return 0; }\nint main(void) { setuid(5); return 0; }\n`,
    });
    chmodSync(path.join(dir, 'unreadable.c'), 0o000);
    symlinkSync(dir, path.join(dir, 'loop'));
    const r = run(['-f', 'json', '.'], dir);
    const report = JSON.parse(r.stdout);
    const files = new Set(report.findings.map((f: { file: string }) => f.file));
    expect(files.has('a-bad.c')).toBe(true);
    expect(files.has('z-bad.c')).toBe(true);
    const diag = (file: string): string => report.diagnostics.filter((d: { file: string }) => d.file === file).map((d: { message: string }) => d.message).join(' ');
    expect(diag('binary.c')).toMatch(/binary/);
    expect(diag('latin1.c')).toMatch(/UTF-8/);
    expect(diag('broken.c')).toMatch(/could not be parsed/);
    expect(diag('loop')).toMatch(/symbolic link/);
    expect(diag('deep.c')).toMatch(/nested too deeply/);
    expect(files.has('deep.c')).toBe(true); // the rest of that file is still analysed
    if (process.getuid?.() !== 0) expect(diag('unreadable.c')).toMatch(/cannot read/);
    expect(r.status).toBe(1);
  });

  it('reports a missing path and still analyses the others', () => {
    const dir = tree({ 'bad.c': BAD });
    const r = run(['-f', 'json', 'nope.c', 'bad.c'], dir);
    const report = JSON.parse(r.stdout);
    expect(report.diagnostics[0]).toMatchObject({ file: 'nope.c', level: 'error' });
    expect(report.findings.length).toBeGreaterThan(0);
  });

  it('says that a word where a command would stand is read as a path, and analyses the paths after it', () => {
    const dir = tree({ 'bad.c': BAD });
    const report = JSON.parse(run(['-f', 'json', 'check', 'bad.c'], dir).stdout);
    expect(report.diagnostics[0]).toMatchObject({ file: 'check', level: 'error' });
    expect(report.diagnostics[0].message).toMatch(/`check` is read as a path: privlint's commands are sequence, explain and merge/);
    expect(report.findings.length).toBeGreaterThan(0);
    // a missing file path gets no such hint
    expect(JSON.parse(run(['-f', 'json', 'nope.c', 'bad.c'], dir).stdout).diagnostics[0].message).toBe('cannot read: no such file or directory');
  });
});

describe('configuration', () => {
  it('is data: rule severities, noreturn names, ignore globs from privlint.json', () => {
    const src = `#include <unistd.h>
void fatal(const char *);
int main(void) {
  if (setgroups(0, 0) == -1 || setresgid(1, 1, 1) == -1) fatal("gid");
  if (setresuid(1, 1, 1) == -1) fatal("uid");
  return 0;
}
`;
    const dir = tree({ 'd.c': src, 'vendor/v.c': BAD });
    const before = JSON.parse(run(['-f', 'json', '.'], dir).stdout);
    expect(before.findings.filter((f: { ruleId: string }) => f.ruleId === 'unchecked-return').length).toBeGreaterThan(0);
    writeFileSync(path.join(dir, 'privlint.json'), JSON.stringify({ noreturn: ['fatal'], ignore: ['vendor/'], rules: { 'missing-setgroups': 'off' } }));
    const after = run(['-f', 'json', '.'], dir);
    expect(JSON.parse(after.stdout).findings).toEqual([]);
    expect(after.status).toBe(0);
  });

  it('rejects an invalid configuration with a clear error and exit 2', () => {
    const dir = tree({ 'a.c': BAD, 'privlint.json': '{"rules": {"no-such-rule": "error"}}' });
    const r = run(['.'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown rule "no-such-rule"');
    writeFileSync(path.join(dir, 'privlint.json'), '{ not json');
    expect(run(['.'], dir).stderr).toContain('not valid JSON');
  });
});
