/** `privlint sequence`: ready code that compiles (C) or parses (Node) and on which privlint finds nothing, even under strict. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sequenceProgram, type SequenceOptions } from '../src/commands/sequence.js';
import { defaultConfig } from '../src/config.js';
import { analyzeSources } from '../src/engine.js';
import { C_COMPILER, NO_COMPILER, syntaxErrors } from './compiler.js';

const PLATFORMS = ['linux', 'freebsd', 'openbsd', 'macos'] as const;
const VARIANTS: Omit<SequenceOptions, 'lang' | 'platform'>[] = [{}, { user: '_svc' }, { chroot: '/var/empty' }, { user: '_svc', chroot: '/var/empty' }];
const cases = PLATFORMS.flatMap((platform) => VARIANTS.map((v) => ({ platform, ...v })));
const label = (c: { platform: string; user?: string; chroot?: string }): string => `${c.platform}${c.user ? ' --user' : ''}${c.chroot ? ' --chroot' : ''}`;

/** The findings of `privlint --rules strict` on the generated code: the default configuration, whatever the platform. */
async function strictFindings(file: string, text: string): Promise<{ findings: string[]; analysed: boolean }> {
  const result = await analyzeSources([{ path: file, text }], { ...defaultConfig(), ruleSet: 'strict' });
  return { findings: result.findings.map((f) => `${f.ruleId}:${f.loc.line}`), analysed: result.analysed.includes(file) };
}

describe('privlint sequence --lang c', () => {
  it.each(cases.map((c) => [label(c), c]))('%s: privlint --rules strict reports nothing, with no platform configured', async (_l, c) => {
    const code = sequenceProgram({ lang: 'c', ...c });
    expect(code).toContain('drop_privileges(void)');
    const { findings, analysed } = await strictFindings('seq.c', code);
    expect(analysed).toBe(true);
    expect(findings).toEqual([]);
  });

  it.skipIf(!C_COMPILER).each(cases.map((c) => [label(c), c]))(`%s: compiles (cc -fsyntax-only)`, (_l, c) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'privlint-seq-')), 'drop.c');
    writeFileSync(file, sequenceProgram({ lang: 'c', ...c }));
    // The host's libc is glibc: it declares setresuid() only with _GNU_SOURCE, which BSD and macOS code does not
    // define (the macOS sequence keeps setresuid() for the systems that are not __APPLE__).
    const flags = ['-Wall', '-Werror', ...(c.platform !== 'linux' ? ['-D_GNU_SOURCE'] : [])];
    expect(syntaxErrors(file, flags)).toBeUndefined();
  });
  if (!C_COMPILER) it.skip(NO_COMPILER, () => {});

  it('uses the platform calls: setresuid on Linux and the BSDs, setreuid and a verification on macOS', () => {
    expect(sequenceProgram({ lang: 'c', platform: 'openbsd' })).toContain('setresuid(uid, uid, uid)');
    const mac = sequenceProgram({ lang: 'c', platform: 'macos', user: 'www' });
    const apple = mac.slice(mac.indexOf('#ifdef __APPLE__'), mac.indexOf('#else'));
    expect(apple).not.toMatch(/setres[ug]id\(pw/);
    expect(apple).toContain('setreuid(pw->pw_uid, pw->pw_uid)');
    expect(mac).toContain('setuid(0) != -1');
    expect(mac).toContain('getpwnam("www")');
    expect(mac).toContain('initgroups(pw->pw_name, pw->pw_gid)');
  });

  it('looks the user up and sets its groups before the jail, where the group database is out of reach', () => {
    const code = sequenceProgram({ lang: 'c', platform: 'linux', user: '_svc', chroot: '/var/empty' });
    expect(code.indexOf('getpwnam')).toBeLessThan(code.indexOf('chroot('));
    expect(code.indexOf('initgroups')).toBeLessThan(code.indexOf('chroot('));
    expect(code.indexOf('chroot(')).toBeLessThan(code.indexOf('setresgid(pw'));
  });

  it('refuses names and paths that would need escaping', () => {
    expect(() => sequenceProgram({ lang: 'c', platform: 'linux', user: 'a"b' })).toThrow(/account name/);
    expect(() => sequenceProgram({ lang: 'c', platform: 'linux', chroot: '/tmp/"x' })).toThrow(/quotes/);
  });
});

describe('privlint sequence --lang node', () => {
  it.each(VARIANTS.map((v) => [label({ platform: 'linux', ...v }), v]))('%s: parses (node --check)', (_l, v) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'privlint-seq-')), 'drop.mjs');
    writeFileSync(file, sequenceProgram({ lang: 'node', platform: 'linux', ...v }));
    const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  /** The generated module, called by an entry that goes on to serve: no rule can leave the drop to callers. */
  const withCaller = (code: string): string => `${code}\ndropPrivileges();\nsetInterval(() => {}, 1000);\n`;

  it.each(VARIANTS.map((v) => [label({ platform: 'linux', ...v }), v]))('%s: privlint reports nothing under strict', async (_l, v) => {
    const code = withCaller(sequenceProgram({ lang: 'node', platform: 'linux', ...v }));
    const { findings, analysed } = await strictFindings('drop.mjs', code);
    expect(analysed).toBe(true);
    expect(findings).toEqual([]);
  });

  it('is seen to drop: without its verification, unverified-drop reports the setuid', async () => {
    const code = withCaller(sequenceProgram({ lang: 'node', platform: 'linux', user: '_svc' }));
    const unverified = code.replace(/ {2}if \(process\.getuid\(\)[^]*?\n {2}\}\n/, '');
    expect(unverified).not.toContain('privileges were not dropped');
    const line = unverified.split('\n').findIndex((l) => l.includes('process.setuid(uid)')) + 1;
    expect((await strictFindings('drop.mjs', unverified)).findings).toEqual([`unverified-drop:${line}`]);
  });
});
