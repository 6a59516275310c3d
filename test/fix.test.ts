/** --fix on every fixture that has fixable findings: the result compiles, the fixed findings are gone, and a second run changes nothing. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { analyzeSources, type SourceFile } from '../src/engine.js';
import { fixSources } from '../src/fix/apply.js';
import { applyFixes, compatibleFixes, textEdit } from '../src/fix/edit.js';
import { fixtureUnits } from '../src/testing/expectations.js';
import { C_COMPILER, NO_COMPILER, syntaxErrors } from './compiler.js';

const root = path.resolve(__dirname, '..');
const strict = { ...defaultConfig(), ruleSet: 'strict' as const };

async function unitSources(unit: string): Promise<SourceFile[]> {
  const files = (await stat(unit)).isDirectory() ? (await readdir(unit)).filter((f) => f.endsWith('.c')).map((f) => path.join(unit, f)) : [unit];
  return files.map((f) => ({ path: path.relative(root, f), text: readFileSync(f, 'utf8') }));
}

function countByRule(findings: { ruleId: string }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings) m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1);
  return m;
}

/** Syntax errors of a set of sources, written to a scratch directory (undefined: they compile). */
function compileErrors(sources: SourceFile[]): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'privlint-fix-'));
  const errors: string[] = [];
  for (const s of sources) {
    const file = path.join(dir, path.basename(s.path));
    writeFileSync(file, s.text);
    const e = syntaxErrors(file, ['-I', path.join(root, path.dirname(s.path))]);
    if (e) errors.push(e);
  }
  return errors.length ? errors.join('\n') : undefined;
}

const units = await fixtureUnits(path.join(root, 'fixtures'));
const fixable: [string, SourceFile[]][] = [];
for (const unit of units) {
  const sources = await unitSources(unit);
  const { findings } = await analyzeSources(sources, strict);
  if (findings.some((f) => f.autofix)) fixable.push([path.relative(root, unit), sources]);
}

describe('privlint --fix on the fixtures', () => {
  it('finds fixable findings of every rule that makes edits', async () => {
    const rules = new Set<string>();
    for (const [, sources] of fixable) for (const f of (await analyzeSources(sources, strict)).findings) if (f.autofix) rules.add(f.ruleId);
    expect([...rules].sort()).toEqual(['chroot-without-chdir', 'unchecked-return', 'unverified-drop', 'wrong-drop-order']);
  });

  it.each(fixable)('%s: fixed findings are gone, nothing fixable is left, and a second run changes nothing', async (_unit, sources) => {
    const before = (await analyzeSources(sources, strict)).findings;
    const fixed = await fixSources(sources, strict);
    expect(fixed.applied).toBeGreaterThan(0);
    const after = (await analyzeSources(fixed.sources, strict)).findings;
    expect(after.filter((f) => f.autofix).map((f) => `${f.ruleId}:${f.loc.line}`)).toEqual([]);
    const unfixable = countByRule(before.filter((f) => !f.autofix));
    for (const [rule, n] of countByRule(after)) expect(n, rule).toBeLessThanOrEqual(unfixable.get(rule) ?? 0);
    const again = await fixSources(fixed.sources, strict);
    expect(again.applied).toBe(0);
    expect(again.sources.map((s) => s.text)).toEqual(fixed.sources.map((s) => s.text));
  });

  it.skipIf(!C_COMPILER).for(fixable)('%s: the fixed code compiles where the original did', async ([, sources], ctx) => {
    if (compileErrors(sources) !== undefined) ctx.skip('the original does not compile here (headers of another system, such as login_cap.h)');
    const fixed = await fixSources(sources, strict);
    expect(compileErrors(fixed.sources)).toBeUndefined();
  });
  if (!C_COMPILER) it.skip(NO_COMPILER, () => {});
});

describe('edits', () => {
  const text = 'a();\nb();\n';
  const at = (start: number, end: number, replacement: string) => ({ description: replacement, edits: [textEdit('f.c', text, start, end, replacement)] });

  it('overlapping fixes are not applied together; identical edits are made once', () => {
    const swap = at(0, 9, 'b();\na();');
    const wrapA = at(0, 4, 'if (a()) x();');
    const trailer = at(10, 10, 'c();\n');
    const accepted = compatibleFixes([swap, wrapA, trailer, trailer]);
    expect(accepted).toEqual([swap, trailer, trailer]);
    expect(applyFixes(text, accepted)).toBe('b();\na();\nc();\n');
    // An insertion where a replaced range starts could go before or inside it: it waits.
    expect(compatibleFixes([swap, at(0, 0, 'x();\n')])).toEqual([swap]);
  });

  it('an insertion at the end of a replaced statement is not an overlap', () => {
    const fixes = compatibleFixes([at(0, 4, 'A();'), at(4, 4, '\nafter();')]);
    expect(applyFixes(text, fixes)).toBe('A();\nafter();\nb();\n');
  });

  it('positions are 1-based lines and columns', () => {
    expect(textEdit('f.c', text, 6, 8, '').range).toEqual({ startLine: 2, startColumn: 2, endLine: 2, endColumn: 4 });
  });
});

describe('the verification the unverified-drop fix inserts', () => {
  const drop = (keep: string): string =>
    `#include <cap-ng.h>\n#include <err.h>\n#include <pwd.h>\n#include <unistd.h>\nvoid serve(void);\nint main(void) {\n\tstruct passwd *pw = getpwnam("svc");\n\tif (pw == NULL) errx(1, "svc");\n\tcapng_clear(CAPNG_SELECT_BOTH);\n\tcapng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, ${keep}, -1);\n\tif (capng_change_id(pw->pw_uid, pw->pw_gid, CAPNG_DROP_SUPP_GRP) != 0)\n\t\terrx(1, "capng_change_id");\n\tserve();\n\treturn 0;\n}\n`;
  const unverified = async (keep: string) => {
    const { findings } = await analyzeSources([{ path: 'd.c', text: drop(keep) }], strict);
    return findings.find((f) => f.ruleId === 'unverified-drop');
  };

  it('is inserted right after a drop that keeps no CAP_SETUID', async () => {
    const f = await unverified('CAP_NET_BIND_SERVICE');
    expect(f?.autofix?.edits.map((e) => e.replacement).join('')).toMatch(/setuid\(0\) != -1/);
  });

  it('is not inserted where CAP_SETUID is kept across the drop: root can be regained there, the probe would end a correct program', async () => {
    const f = await unverified('CAP_SETUID, CAP_NET_BIND_SERVICE');
    expect(f).toBeDefined();
    expect(f!.autofix).toBeUndefined();
    expect(f!.fix).toMatch(/CAP_SETUID is kept/);
  });
});

describe("the fix's error function (C)", () => {
  /** The statement the unchecked-return fix writes for `setgid(g);` in a program made of `decls` and `calls`. */
  async function fixFor(files: Record<string, string>): Promise<string> {
    const sources = Object.entries(files).map(([p, text]) => ({ path: p, text }));
    const { findings } = await analyzeSources(sources, defaultConfig());
    const fix = findings.find((f) => f.ruleId === 'unchecked-return')?.autofix;
    expect(fix).toBeDefined();
    return fix!.edits.map((e) => e.replacement).join('\n');
  }
  const program = (decls: string, failures: string): string =>
    `#include <unistd.h>\n#include <stdlib.h>\n${decls}\nint main(int argc, char **argv) {\n${failures}\n\tsetgid(1000);\n\tif (setuid(1000) != 0) exit(1);\n\treturn 0;\n}\n`;
  const usage = 'static void usage(void) { exit(2); }\n';
  const manyUsage = '\tif (argc < 2) usage();\n\tif (argc > 5) usage();\n\tif (argv[1][0] == \'-\') usage();\n';

  it('takes the most called function that never returns and takes a format, not usage(void)', async () => {
    const text = await fixFor({ 'a.c': program(`${usage}static void fatal(const char *fmt, ...) { exit(1); }\n`, `${manyUsage}\tif (argc == 4) fatal("x");\n`) });
    expect(text).toContain('fatal("setgid: %s", strerror(errno))');
    expect(text).not.toContain('usage(');
  });

  it('writes a message-only call for `(const char *msg)`', async () => {
    const text = await fixFor({ 'a.c': program(`${usage}static void die(const char *msg) { exit(1); }\n`, `${manyUsage}\tif (argc == 4) die("x");\n`) });
    expect(text).toContain('die("setgid")');
  });

  it('reads the parameters of a noreturn prototype in a header whose definition is not in the project', async () => {
    const header = 'void bail(const char *, ...) __attribute__((noreturn));\n';
    const text = await fixFor({ 'err.h': header, 'a.c': program(`#include "err.h"\n${usage}`, `${manyUsage}\tif (argc == 4) bail("x %d", argc);\n`) });
    expect(text).toContain('bail("setgid: %s", strerror(errno))');
  });

  it('leaves out a static function of another file, which the code being fixed cannot call', async () => {
    const other = '#include <stdlib.h>\nstatic void quit(const char *msg) __attribute__((noreturn));\nstatic void quit(const char *msg) { exit(1); }\nvoid load(int n) {\n\tif (n < 0) quit("negative");\n\tif (n > 9) quit("too many");\n\tif (n == 5) quit("five");\n}\n';
    const text = await fixFor({ 'other.c': other, 'a.c': program('', '') });
    expect(text).not.toContain('quit(');
    expect(text).toContain('{ perror("setgid"); exit(1); }');
  });

  it('counts only calls that pass written text: usage(progname) takes a name, not a message', async () => {
    const named = 'static void usage(const char *name) { exit(2); }\n';
    const calls = '\tif (argc < 2) usage(argv[0]);\n\tif (argc > 5) usage(argv[0]);\n\tif (argc == 4) die(_("bad count"));\n';
    const text = await fixFor({ 'a.c': program(`#define _(s) (s)\n${named}static void die(const char *msg) { exit(1); }\n`, calls) });
    expect(text).toContain('die("setgid")');
    const alone = await fixFor({ 'a.c': program(named, '\tif (argc < 2) usage(argv[0]);\n') });
    expect(alone).toContain('{ perror("setgid"); exit(1); }');
  });

  it('reads a parameter wrapped in an annotation macro: error(FORMAT_STRING(const char *fmt), ...)', async () => {
    const text = await fixFor({ 'a.c': program(`#define FORMAT_STRING(p) p\n${usage}static void error(FORMAT_STRING(const char *fmt), ...) { exit(1); }\n`, `${manyUsage}\tif (argc == 4) error("%s", argv[1]);\n`) });
    expect(text).toContain('error("setgid: %s", strerror(errno))');
    // Declared in a header whose text alone tells it never returns.
    const header = '#define FORMAT_STRING(p) p\nvoid fail(FORMAT_STRING(const char *fmt), ...) __attribute__((noreturn));\n';
    const declared = await fixFor({ 'fail.h': header, 'a.c': program(`#include "fail.h"\n${usage}`, `${manyUsage}\tif (argc == 4) fail("%s", argv[1]);\n`) });
    expect(declared).toContain('fail("setgid: %s", strerror(errno))');
  });

  it('falls back to perror and exit when no error function takes a message', async () => {
    const text = await fixFor({ 'a.c': program(`${usage}static void quit(int code) { exit(code); }\n`, `${manyUsage}\tif (argc == 4) quit(3);\n`) });
    expect(text).toContain('{ perror("setgid"); exit(1); }');
    expect(text).not.toMatch(/usage\(|quit\(/);
  });
});
