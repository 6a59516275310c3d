/**
 * drop-after-input by program kind (SPEC): an error where the input belongs to someone else (a set-user-ID
 * program's options and environment, a network request), a note in the strict set only for a root-started daemon
 * reading its own options and configuration; `programKind` overrides the inference.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type PrivlintConfig } from '../src/config.js';
import { analyzeSources } from '../src/engine.js';
import { analyzeCFile } from '../src/c/frontend.js';
import { checkUnit } from '../src/testing/expectations.js';

const fixtures = path.resolve(__dirname, '../fixtures');

async function severities(fixture: string, config: Partial<PrivlintConfig> = {}): Promise<string[]> {
  const text = readFileSync(path.join(fixtures, fixture), 'utf8');
  const result = await analyzeSources([{ path: fixture, text }], { ...defaultConfig(), ...config });
  return result.findings.filter((f) => f.ruleId === 'drop-after-input').map((f) => `${f.loc.line}:${f.severity}`);
}

describe('drop-after-input: severity by program kind', () => {
  it('a set-user-ID program (back to getuid()) that parsed options and environment: error', async () => {
    expect(await severities('c/drop-after-input/setuid-options.c')).toEqual(['25:error']);
    expect(await severities('c/drop-after-input/idioms.c')).toEqual(['19:error']);
    // One drop back to the invoker makes the program set-user-ID: its drop to a configured account too.
    expect(await severities('c/drop-after-input/setuid-two-drops.c')).toEqual(['29:error', '33:error']);
    // A return to the invoker's group (after logging as group root) shows an invoker as well as one to its uid.
    expect(await severities('c/drop-after-input/setuid-group-return.c')).toEqual(['49:error']);
    expect(await severities('c/drop-after-input/setuid-group-return-sentinel.c')).toEqual(['49:error']);
  });

  it('a drop shared by a daemon and a set-user-ID tool: the error, whichever program is checked first (strict as recommended)', async () => {
    const dir = path.join(fixtures, 'c/drop-after-input/shared-drop-two-programs.project');
    const sources = ['daemon.c', 'drop.c', 'tool.c'].map((f) => ({ path: f, text: readFileSync(path.join(dir, f), 'utf8') }));
    for (const ruleSet of ['recommended', 'strict'] as const) {
      const result = await analyzeSources(sources, { ...defaultConfig(), ruleSet });
      expect(result.findings.filter((f) => f.ruleId === 'drop-after-input').map((f) => `${f.loc.file}:${f.loc.line}:${f.severity}`), ruleSet).toEqual(['drop.c:13:error']);
    }
  });

  it('a variable holding the invoker\'s id keeps it when 0 or -1 is put there for "none" (not when another account\'s id is)', async () => {
    const text = readFileSync(path.join(fixtures, 'c/drop-after-input/setuid-group-return-sentinel.c'), 'utf8');
    let id = 1;
    const model = await analyzeCFile('sentinel.c', text, () => id++);
    expect(model.idVariables).toEqual({ oldgid: 'invoker' });
    const other = await analyzeCFile('other.c', text.replace('oldgid = 0; /*', 'oldgid = pw_gid_of(to); /*'), () => id++);
    expect(other.idVariables).toEqual({ oldgid: 'other' });
  });

  it('a server that reads a network request, then drops: error', async () => {
    expect(await severities('c/drop-after-input/per-request.c')).toEqual(['34:error']);
    expect(await severities('c/drop-after-input/network-child.c')).toEqual(['24:error']);
    expect(await severities('ts/drop-after-input/network.ts')).toEqual(['10:error']);
    expect(await severities('js/drop-after-input/per-request.js')).toEqual(['13:error']);
    // read() of a descriptor accept() returned, handed to the function that reads it.
    expect(await severities('c/drop-after-input/accepted-socket.c')).toEqual(['22:error']);
    // The network read decides, however many reads of the administrator's input come first.
    expect(await severities('c/drop-after-input/network-after-options.c')).toEqual(['45:error']);
  });

  it('reads that are not network data, or that no drop follows: nothing in the default set', async () => {
    expect(await severities('c/drop-after-input/read-file-first.c')).toEqual([]);
    // A reply read only on the way to exit() comes before no drop.
    expect(await severities('c/drop-after-input/read-before-exit.c', { ruleSet: 'strict' })).toEqual([]);
  });

  it('a daemon dropping to a service account after its own options and config: a note, only in the strict set', async () => {
    expect(await severities('c/drop-after-input/bad.c')).toEqual([]);
    expect(await severities('c/drop-after-input/bad.c', { ruleSet: 'strict' })).toEqual(['27:note']);
    expect(await severities('ts/drop-after-input/bad.ts')).toEqual([]);
    expect(await severities('ts/drop-after-input/bad.ts', { ruleSet: 'strict' })).toEqual(['11:note']);
    // Its own ids as the default, replaced by the service account's before the drop: no return to an invoker.
    expect(await severities('c/drop-after-input/daemon-default-ids.c')).toEqual([]);
    expect(await severities('c/drop-after-input/daemon-default-ids.c', { ruleSet: 'strict' })).toEqual(['45:note']);
    // An attempt to take the old ids back after the drop, whose success the helper returns as its failure, verifies
    // the drop: it is no return to an invoking user.
    expect(await severities('c/drop-after-input/probe-returns-failure.c')).toEqual([]);
    expect(await severities('c/drop-after-input/probe-returns-failure.c', { ruleSet: 'strict' })).toEqual(['30:note']);
    // Globals another file sets to the configured account's ids; the drop's file reads the ids into them only after it.
    const dir = path.join(fixtures, 'c/missing-setgroups/global-ids-set-elsewhere.project');
    const sources = ['conf.h', 'conf.c', 'main.c'].map((f) => ({ path: f, text: readFileSync(path.join(dir, f), 'utf8') }));
    for (const ruleSet of ['recommended', 'strict'] as const) {
      const result = await analyzeSources(sources, { ...defaultConfig(), ruleSet });
      expect(result.findings.filter((f) => f.ruleId === 'drop-after-input').map((f) => `${f.loc.file}:${f.loc.line}:${f.severity}`), ruleSet).toEqual(ruleSet === 'strict' ? ['main.c:23:note'] : []);
    }
  });

  it('programKind overrides the inference', async () => {
    expect(await severities('c/drop-after-input/bad.c', { programKind: 'setuid' })).toEqual(['27:error']);
    expect(await severities('c/drop-after-input/setuid-options.c', { programKind: 'daemon' })).toEqual([]);
    expect(await severities('c/drop-after-input/setuid-options.c', { programKind: 'daemon', ruleSet: 'strict' })).toEqual(['25:note']);
    // A network request stays someone else's input whatever the program is.
    expect(await severities('c/drop-after-input/per-request.c', { programKind: 'daemon' })).toEqual(['34:error']);
    for (const f of ['c/drop-after-input/bad.c', 'c/drop-after-input/setuid-options.c', 'c/drop-after-input/per-request.c']) {
      expect(await severities(f, { programKind: 'library', ruleSet: 'strict' })).toEqual([]);
    }
  });

  it('programKind set in a project\'s privlint.json', async () => {
    const root = path.resolve(fixtures, '..');
    const kinds = async (unit: string): Promise<string[]> =>
      (await checkUnit(path.join(fixtures, unit), new Set(['drop-after-input']), root)).findings.map((f) => `${path.basename(f.loc.file)}:${f.loc.line}:${f.severity}`);
    // A daemon by its drop (a named account), set-user-ID by its configuration: the options are the invoker's.
    expect(await kinds('ts/drop-after-input/setuid-kind.project')).toEqual(['helper.ts:11:error']);
    // A library: no input of its own, nothing to report (a note in the strict set without the configuration).
    expect(await kinds('c/drop-after-input/library-kind.project')).toEqual([]);
  });

  it('nothing when the drop comes first', async () => {
    expect(await severities('c/drop-after-input/setuid-first.c', { ruleSet: 'strict' })).toEqual([]);
    expect(await severities('c/drop-after-input/good.c', { ruleSet: 'strict' })).toEqual([]);
  });
});

describe('a test of the real uid by program kind', () => {
  const wrongOrder = async (fixture: string, config: Partial<PrivlintConfig> = {}): Promise<number[]> => {
    const text = readFileSync(path.join(fixtures, fixture), 'utf8');
    const result = await analyzeSources([{ path: fixture, text }], { ...defaultConfig(), ...config });
    return result.findings.filter((f) => f.ruleId === 'wrong-drop-order').map((f) => f.loc.line);
  };

  it('`getuid() != 0` is "not root" only where the real uid is the effective one: not in a set-user-ID program', async () => {
    // Inferred: the set-user-ID program is still root on the invoker's branch; the daemon is not.
    expect(await wrongOrder('c/wrong-drop-order/suid-root-real-uid-test.c')).toEqual([25]);
    expect(await wrongOrder('c/wrong-drop-order/daemon-real-uid-test.c')).toEqual([]);
    // `programKind` overrides the inference both ways.
    expect(await wrongOrder('c/wrong-drop-order/daemon-real-uid-test.c', { programKind: 'setuid' })).toEqual([23]);
    expect(await wrongOrder('c/wrong-drop-order/suid-root-real-uid-test.c', { programKind: 'daemon' })).toEqual([]);
  });
});

describe('drop-after-input: a copy of the environment\'s pointer is not a read of it', () => {
  it('cites the walk or the parser the copy is handed to, not the copy', async () => {
    const fixture = 'c/drop-after-input/environ-copy-read.c';
    const text = readFileSync(path.join(fixtures, fixture), 'utf8');
    const result = await analyzeSources([{ path: fixture, text }], defaultConfig());
    const messages = result.findings.filter((f) => f.ruleId === 'drop-after-input').map((f) => f.message);
    expect(messages).toHaveLength(1);
    expect(messages[0]).not.toMatch(/= environ/);
    expect(messages[0]).toMatch(/environ-copy-read\.c:(25|27)\)/);
  });
});

describe('drop-after-input: input read while the effective uid was lowered', () => {
  it('says so instead of "with full privilege", and cites the lowering', async () => {
    const fixture = 'c/drop-after-input/lowered-before-options.c';
    const text = readFileSync(path.join(fixtures, fixture), 'utf8');
    const messages = async (source: string): Promise<string[]> =>
      (await analyzeSources([{ path: fixture, text: source }], defaultConfig())).findings.filter((f) => f.ruleId === 'drop-after-input').map((f) => f.message);
    const [raised] = await messages(text);
    expect(raised).toMatch(/^setuid\(getuid\(\)\) is the first permanent drop, but .* with root only set aside \(.*\): seteuid\(getuid\(\)\) \(line 20\) had lowered the effective uid alone/);
    expect(raised).not.toMatch(/full privilege|as root,/);
    // Not raised again before the setuid(): made without root, it changes the effective uid alone and the saved uid
    // stays root. It is no permanent drop (SPEC: real, effective and saved ids all change), so it is not called "the
    // first permanent drop": drop-after-input has nothing to say there, temporary-drop reports the call.
    const unraised = text.replace('if (seteuid(0) == -1)\n\t\terr(1, "seteuid");\n', '');
    expect(unraised).not.toEqual(text);
    expect(await messages(unraised)).toEqual([]);
    const all = (await analyzeSources([{ path: fixture, text: unraised }], defaultConfig())).findings.map((f) => `${f.ruleId}:${f.loc.line}`);
    expect(all).toContain('temporary-drop:27');
    // Options read before the lowering were read with full privilege.
    const before = text.replace(/(\tif \(seteuid\(getuid\(\)\) == -1\)\n\t\terr\(1, "seteuid"\);\n)([\s\S]*?verbose = 1;\n)/, '$2$1');
    expect(before).not.toEqual(text);
    const [full] = await messages(before);
    expect(full).toMatch(/is the first permanent drop, but .* with full privilege/);
  });
});
