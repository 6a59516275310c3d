/** Fingerprints that survive unrelated edits, the baseline built on them, and SARIF's use of the same values. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { analyzeSources, type SourceFile } from '../src/engine.js';
import { fingerprintOf } from '../src/fingerprint.js';
import { finishAnalysis } from '../src/outcome.js';
import { build, run, tree } from './cli-helpers.js';

beforeAll(build);

const HELPERS = `static void log_start(void) { }

static void drop_to(struct passwd *pw) {
  setgid(pw->pw_gid);
  setuid(pw->pw_uid);
}
`;
const MAIN = `int main(void) {
  struct passwd *pw = getpwnam("svc");
  log_start();
  drop_to(pw);
  setuid(pw->pw_uid);
  return 0;
}
`;
const HEADER = '#include <unistd.h>\n#include <pwd.h>\n';

async function fingerprintsOf(text: string): Promise<string[]> {
  const sources: SourceFile[] = [{ path: 'd.c', text }];
  const config = defaultConfig();
  const outcome = finishAnalysis(await analyzeSources(sources, config), sources, { config, cwd: process.cwd(), reportUnusedSuppressions: false });
  expect(outcome.findings.length).toBeGreaterThan(2);
  return outcome.findings.map((f) => fingerprintOf(outcome.fingerprints.get(f)!)).sort();
}

describe('fingerprints', () => {
  it('survive inserted lines, reformatting and a function moved within its file', async () => {
    const original = await fingerprintsOf(HEADER + HELPERS + MAIN);
    const inserted = await fingerprintsOf(`${'/* a new comment */\n'.repeat(20)}${HEADER}int unrelated(int x) {\n  return x + 1;\n}\n${HELPERS}${MAIN}`);
    const reformatted = await fingerprintsOf(HEADER + HELPERS.replace('setgid(pw->pw_gid);', 'setgid( pw->pw_gid );').replace('setuid(pw->pw_uid);', 'setuid (\n      pw->pw_uid);') + MAIN.replace(/\n {2}/g, '\n\t'));
    const moved = await fingerprintsOf(HEADER + 'static void drop_to(struct passwd *pw);\n' + MAIN + HELPERS);
    expect(inserted).toEqual(original);
    expect(reformatted).toEqual(original);
    expect(moved).toEqual(original);
  });

  it('tell apart the same call in two functions, and two occurrences in one', async () => {
    const fps = await fingerprintsOf(HEADER + HELPERS + MAIN);
    expect(new Set(fps).size).toBe(fps.length);
  });
});

describe('the baseline', () => {
  const BAD = '#include <unistd.h>\n#include <pwd.h>\nint main(void) {\n  struct passwd *pw = getpwnam("svc");\n  setgid(pw->pw_gid);\n  setuid(pw->pw_uid);\n  return 0;\n}\n';

  it('records findings, then reports only new ones, and counts entries that no longer match', () => {
    const dir = tree({ 'src/d.c': BAD, 'src/e.c': BAD.replace('"svc"', '"other"') });
    const write = run(['--write-baseline', 'privlint-baseline.json', 'src'], dir);
    expect(write.status).toBe(0);
    expect(write.stderr).toMatch(/recorded \d+ findings in the baseline privlint-baseline\.json/);
    const recorded = JSON.parse(readFileSync(path.join(dir, 'privlint-baseline.json'), 'utf8'));
    expect(recorded.findings.length).toBeGreaterThan(2);
    expect(recorded.findings[0]).toEqual({ ruleId: expect.any(String), file: 'src/d.c', function: 'main', code: expect.any(String), occurrence: 1 });
    expect(JSON.stringify(recorded)).not.toMatch(/"line"/);

    // 20 lines above, and a reformatted call: nothing new.
    writeFileSync(path.join(dir, 'src/d.c'), `${'// header\n'.repeat(20)}${BAD.replace('setuid(pw->pw_uid);', 'setuid( pw->pw_uid );')}`);
    const same = run(['--baseline', 'privlint-baseline.json', 'src'], dir);
    expect(same.stdout).toMatch(/^no findings in 2 files\nbaseline privlint-baseline\.json: \d+ known findings not shown\n$/);
    expect(same.status).toBe(0);

    // A new finding is reported; a fixed one leaves an entry that matches nothing.
    writeFileSync(path.join(dir, 'src/e.c'), BAD.replace('"svc"', '"other"').replace('  setuid(pw->pw_uid);\n', '  if (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1) return 1;\n  chroot("/var/empty");\n'));
    const changed = run(['-f', 'json', '--baseline', 'privlint-baseline.json', 'src'], dir);
    const report = JSON.parse(changed.stdout);
    expect(report.findings.map((f: { file: string; ruleId: string }) => `${f.file} ${f.ruleId}`)).toContain('src/e.c chroot-without-chdir');
    expect(report.findings.every((f: { file: string }) => f.file === 'src/e.c')).toBe(true);
    expect(report.baseline.unmatched).toBeGreaterThan(0);
    expect(changed.status).toBe(1);
  });

  it('stores paths relative to itself, so it matches from another working directory', () => {
    const dir = tree({ 'proj/src/d.c': BAD });
    mkdirSync(path.join(dir, 'elsewhere'));
    expect(run(['--write-baseline', 'proj/baseline.json', 'proj/src'], dir).status).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'proj/baseline.json'), 'utf8')).findings[0].file).toBe('src/d.c');
    const fromSub = run(['--baseline', '../baseline.json', '.'], path.join(dir, 'proj', 'src'));
    expect(fromSub.stdout).toMatch(/^no findings in 1 file\n/);
    expect(fromSub.status).toBe(0);
  });

  it('gives SARIF the same fingerprints, and marks results new or unchanged', () => {
    const dir = tree({ 'd.c': BAD });
    run(['--write-baseline', 'b.json', '.'], dir);
    const entries = JSON.parse(readFileSync(path.join(dir, 'b.json'), 'utf8')).findings;
    writeFileSync(path.join(dir, 'd.c'), BAD.replace('  return 0;', '  chroot("/jail");\n  return 0;'));
    const sarif = JSON.parse(run(['-f', 'sarif', '--baseline', 'b.json', '.'], dir).stdout);
    const results = sarif.runs[0].results as { ruleId: string; baselineState: string; partialFingerprints: { primaryLocationLineHash: string }; suppressions?: { kind: string }[] }[];
    const unchanged = results.filter((r) => r.baselineState === 'unchanged');
    expect(unchanged.map((r) => r.partialFingerprints.primaryLocationLineHash).sort()).toEqual(entries.map(fingerprintOf).sort());
    expect(unchanged.every((r) => r.suppressions?.[0]?.kind === 'external')).toBe(true);
    expect(results.filter((r) => r.baselineState === 'new').map((r) => r.ruleId)).toContain('chroot-without-chdir');
    expect(sarif.runs[0].properties.baseline).toMatchObject({ known: entries.length, unmatched: 0 });
  });

  it('is refused with exit 2 when it is missing or not a baseline', () => {
    const dir = tree({ 'd.c': BAD, 'not.json': '{"findings": []}' });
    expect(run(['--baseline', 'missing.json', '.'], dir)).toMatchObject({ status: 2, stderr: expect.stringContaining('missing.json: cannot read the baseline (no such file; create it with --write-baseline)') });
    expect(run(['--baseline', 'not.json', '.'], dir)).toMatchObject({ status: 2, stderr: expect.stringContaining('not.json: not a privlint baseline') });
    expect(run(['--baseline', 'not.json', '--write-baseline', 'x.json', '.'], dir).status).toBe(2);
  });
});
