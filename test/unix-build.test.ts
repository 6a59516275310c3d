/** The build privlint analyses: which branch of each #if a Unix build compiles, read alike by the parse recovery and the lexical index. */
import { describe, expect, it } from 'vitest';
import { analyzeCFile } from '../src/c/frontend.js';
import { unixBranchOnly } from '../src/c/preprocess.js';
import { decideGroup, isNonUnixPlatform, unixBranches, unixBranchesOf, type BranchSource, type UnixBranches } from '../src/c/unix-build.js';
import { scanC } from '../src/index/c-lexical.js';
import { createParser, parseBefore, rememberTrees } from '../src/parser.js';
import { nextTextRound } from '../src/text-memory.js';

const branch = (kind: BranchSource['kind'], condition: string, body = ''): BranchSource => ({ kind, condition, body });

describe('the branch a Unix build compiles', () => {
  it('knows the names of platforms without Unix root semantics, by the parts of the name', () => {
    for (const name of ['_WIN32', 'WIN32', '__WIN64__', 'WINDOWS', '_MSC_VER', '__MINGW32__', '__CYGWIN__', 'HAVE_WINSOCK2_H', 'WIN32SERVICE', 'HAVE_NT_SERVICE_MANAGER']) {
      expect(isNonUnixPlatform(name), name).toBe(true);
    }
    for (const name of ['HAVE_WINT_T', 'SIGWINCH', 'ZSTD_WINDOWLOG_MAX', 'GSS_C_NT_HOSTBASED_SERVICE', '__linux__', 'HAVE_SETRESUID']) {
      expect(isNonUnixPlatform(name), name).toBe(false);
    }
  });

  it('skips Windows-only branches and #if 0, and takes the #else of a Windows test', () => {
    expect(decideGroup([branch('ifdef', '_WIN32'), branch('else', '')])).toEqual({ compiled: [false, true], implicitElse: false, chosen: 1 });
    expect(decideGroup([branch('if', 'defined(_WIN32) || defined(__CYGWIN__)'), branch('elif', 'defined(__APPLE__)'), branch('else', '')]).compiled).toEqual([false, true, true]);
    expect(decideGroup([branch('ifndef', '_WIN32'), branch('else', '')])).toEqual({ compiled: [true, false], implicitElse: false, chosen: 0 });
    expect(decideGroup([branch('if', '0 /* old code */')])).toEqual({ compiled: [false], implicitElse: true, chosen: -1 });
    expect(decideGroup([branch('if', 'defined(_MSC_VER) && _MSC_VER >= 1400')]).compiled).toEqual([false]);
    expect(decideGroup([branch('if', '!defined(WIN32) && FOO > 1')]).compiled).toEqual([true]);
  });

  it('leaves out a test build (a harness main under #ifdef TEST, TEST_PROGRAM_…, UNIT_TEST); other names stay unknown', () => {
    expect(decideGroup([branch('ifdef', 'TEST')])).toEqual({ compiled: [false], implicitElse: true, chosen: -1 });
    expect(decideGroup([branch('ifdef', 'TEST_PROGRAM_CANONICALIZE')]).compiled).toEqual([false]);
    expect(decideGroup([branch('if', 'defined(UNIT_TEST)'), branch('else', '')]).compiled).toEqual([false, true]);
    expect(decideGroup([branch('ifndef', 'TEST')]).compiled).toEqual([true]);
    expect(decideGroup([branch('ifdef', 'TEST_SUPPORT_FOO')]).compiled).toEqual([true]);
    expect(decideGroup([branch('ifdef', 'HAVE_TESTS')]).compiled).toEqual([true]);
  });

  it('prefers, to a stub it cannot decide against, a branch with privilege code; of two real builds, the first', () => {
    const d = decideGroup([branch('ifdef', 'HAVE_SYSTEMD', 'static void drop(void) {\n\t/* User= in the unit */'), branch('else', '', 'if (setuid(u)) exit(1);')]);
    expect(d).toEqual({ compiled: [true, true], implicitElse: false, chosen: 1 });
    expect(decideGroup([branch('ifdef', 'HAVE_CAPABILITIES', 'caps_init(z);'), branch('else', '', 'if (setreuid(-1, u)) exit(1);')]).chosen).toBe(0);
    expect(decideGroup([branch('ifdef', 'USE_A', 'a();'), branch('else', '', 'b();')]).chosen).toBe(0);
  });
  it('takes the fallback of a feature test whose function is called for a platform that is not the one users run', () => {
    expect(decideGroup([branch('ifdef', 'HAVE_CLOSEFROM', 'closefrom(3);'), branch('else', '', 'for (fd = 3; fd < n; fd++) close(fd);')]).compiled).toEqual([true, false]);
    expect(decideGroup([branch('if', 'HAVE_DECL_SETRESUID', 'setresuid(u, u, u);'), branch('else', '', 'setreuid(u, u);')]).compiled).toEqual([true, true]);
    expect(decideGroup([branch('if', 'defined(HAVE_SETRESGID) && defined(HAVE_SETRESUID)', 'setresgid(g, g, g); setresuid(u, u, u);')]).implicitElse).toBe(false);
    // The function is not called: not a feature test of this code, both branches stay.
    expect(decideGroup([branch('ifdef', 'HAVE_SETPROCTITLE', 'title();')]).implicitElse).toBe(true);
    // Calls every Unix target has: the test holds whatever the branch does.
    expect(decideGroup([branch('ifdef', 'HAVE_INITGROUPS', 'initgroups(n, g);'), branch('elif', 'HAVE_SETGROUPS', 'setgroups(1, &g);')])).toEqual({ compiled: [true, false], implicitElse: false, chosen: 0 });
    expect(decideGroup([branch('ifdef', 'HAVE_GETPWUID', 'pw = getpwuid(u);'), branch('else', '', 'user = NULL;')]).compiled).toEqual([true, false]);
  });

  it('reads the #else of a negated feature test, simple or compound, as the feature\'s branch', () => {
    const stub = 'int main(void) { return 255; }';
    const real = 'int main(void) { if (setuid(7)) return 1; return ptrace(PT_ATTACH, 1, 0, 0); }';
    expect(decideGroup([branch('ifndef', 'HAVE_PTRACE', stub), branch('else', '', real)])).toEqual({ compiled: [false, true], implicitElse: false, chosen: 1 });
    const compound = '!defined(HAVE_PTRACE) || !defined(HAVE_SYS_PTRACE_H) || !(defined(PT_ATTACH) || defined(PTRACE_ATTACH))';
    expect(decideGroup([branch('if', compound, stub), branch('else', '', real)])).toEqual({ compiled: [false, true], implicitElse: false, chosen: 1 });
    // The #else does not call the feature's function: nothing says which build users run.
    expect(decideGroup([branch('if', compound, stub), branch('else', '', 'int main(void) { return setuid(7); }')]).compiled).toEqual([true, true]);
    // Not a negated test throughout (`&&`, a positive part): unknown as before.
    expect(decideGroup([branch('if', '!defined(HAVE_PTRACE) && defined(__linux__)', stub), branch('else', '', real)]).compiled).toEqual([true, true]);
    // A fallback with privilege code of its own is a real second build and stays.
    expect(decideGroup([branch('ifndef', 'HAVE_SETRESUID', 'setreuid(u, u);'), branch('else', '', 'setresuid(u, u, u);')]).compiled).toEqual([true, true]);
  });
});

describe('an option the file tests both ways', () => {
  /** For each `#if`-like directive of the text, in order: whether its branch is kept. */
  const kept = (text: string): boolean[] => {
    const { directives, chosen } = unixBranchesOf(text);
    return directives.filter((d) => d.kind !== 'endif').map((d) => chosen.get(d.at)!);
  };

  it('reads a configure result as defined, in compound conditions too', () => {
    const text = ['#ifndef HAVE_CAPS', 'no_caps();', '#endif', '#if !defined(HAVE_CAPS) && !defined(HAVE_PRIVS)', 'exit(1);', '#endif', '#ifdef HAVE_CAPS', 'keep_caps();', '#endif', ''].join('\n');
    expect(kept(text)).toEqual([false, false, true]);
  });

  it('reads another option as not defined, unless only its build makes privilege calls', () => {
    const stub = ['#ifdef ENABLE_DROP', 'x();', '#endif', '#ifndef ENABLE_DROP', '(void)user;', '#else', 'if (setuid(u)) exit(1);', '#endif', ''].join('\n');
    expect(kept(stub)).toEqual([true, false, true]);
    const both = ['#ifdef SPLIT', 'helper();', '#else', 'setgid(g);', '#endif', '#ifndef SPLIT', 'setuid(u);', '#else', 'setresuid(u, u, u); setresgid(g, g, g);', '#endif', ''].join('\n');
    expect(kept(both)).toEqual([false, true, true, false]);
  });
});

describe('parse recovery and the lexical index read the same build', () => {
  const split = [
    '#include <unistd.h>',
    '#ifdef _WIN32',
    'void WINAPI ServiceMain(DWORD argc, LPTSTR *argv) {',
    '\tif (!StartService()) { report(); }',
    '\t{',
    '#else',
    'int main(int argc, char **argv) {',
    '#endif',
    '\tif (setuid(1000) != 0)',
    '\t\treturn 1;',
    '\treturn 0;',
    '}',
    '#ifdef _WIN32',
    '}',
    '#endif',
    'static int helper(void) { return 2; }',
    '',
  ].join('\n');

  it('keeps the Unix branch, positions unchanged', () => {
    const kept = unixBranchOnly(split);
    expect(kept.length).toBe(split.length);
    expect(kept).toContain('int main(int argc, char **argv) {');
    expect(kept).not.toContain('ServiceMain');
    expect(kept.split('\n')[12]!.trim()).toBe('');
  });

  it('reads a feature macro wrapping statements or a label on a line of its own as its code, positions unchanged', () => {
    const lines = ['\tIF_FEATURE_X(count = 0;)', ' IF_FEATURE_X(fin:)', '\tIF_FEATURE_X(if (n > max) n = max;)', '\tF(a) + G(b;)', '\tCALL(x);', '\tLOG("a: %d", n)'];
    const out = unixBranchOnly(lines.join('\n')).split('\n');
    expect(out.map((l) => l.length)).toEqual(lines.map((l) => l.length));
    expect(out.map((l) => l.trim())).toEqual(['count = 0;', 'fin:', 'if (n > max) n = max;', 'F(a) + G(b;)', 'CALL(x);', 'LOG("a: %d", n)']);
  });

  it('parses the Unix build from the first tree, again only where it differs, into the tree a fresh parse makes', async () => {
    const parser = await createParser('c');
    const first = parseBefore(parser, split, Infinity)!;
    expect(first.rootNode.hasError).toBe(true);
    const unix = unixBranchOnly(split);
    const fresh = parseBefore(parser, unix, Infinity)!;
    const incremental = parseBefore(parser, unix, Infinity, { from: { tree: first, text: split } })!;
    expect(incremental.rootNode.toString()).toBe(fresh.rootNode.toString());
    expect(incremental.rootNode.hasError).toBe(false);
    // The first tree is the caller's: still whole, still the first text's.
    expect(first.rootNode.toString()).not.toBe(fresh.rootNode.toString());
    expect(first.rootNode.hasError).toBe(true);
    for (const t of [first, fresh, incremental]) t.delete();
  });

  it('finds the functions the recovered parse finds, with the same ranges', async () => {
    let id = 1;
    const model = await analyzeCFile('split.c', split, () => id++);
    expect(model.diagnostics.map((d) => d.message).join()).toMatch(/a Unix build compiles/);
    const index = scanC(split);
    expect(index.unbalanced).toBe(false);
    expect(index.functions.map((f) => f.name)).toEqual(model.functions.map((f) => f.name));
    expect(index.functions.map((f) => f.name)).toEqual(['main', 'helper']);
    const mainRange = index.functions[0]!;
    expect(split.slice(mainRange.start, mainRange.end)).toMatch(/return 0;\n}$/);
  });
});

describe('files a Unix build does not compile', () => {
  it('leaves out the functions of a file that includes Windows\' own headers whatever the build', async () => {
    const body = 'int service_main(int argc, char **argv) { return setuid(0); }\n';
    const functionsOf = async (text: string): Promise<string[]> => {
      let id = 1;
      return (await analyzeCFile('w.c', text, () => id++)).functions.map((f) => f.name);
    };
    expect(await functionsOf(`#include <windows.h>\n${body}`)).toEqual([]);
    expect(await functionsOf(`#include <winsvc.h>\n${body}`)).toEqual([]);
    expect(await functionsOf(`#ifdef _WIN32\n#include <windows.h>\n#endif\n${body}`)).toEqual(['service_main']);
    expect(await functionsOf(`#include <unistd.h>\n${body}`)).toEqual(['service_main']);
  });
});


describe("an editor's next text read from the last", () => {
  // In an editor's host a text one small edit away from one read lately keeps its directives (moved) and the picks of
  // the groups the edit is not in; the groups around it pick again. Each answer must be the one read from scratch.
  it('gives, edit after edit, the branches read from scratch', () => {
    rememberTrees(4);
    const key = (b: UnixBranches): string => JSON.stringify([b.directives, [...b.chosen].sort((x, y) => x[0] - y[0])]);
    let text = [
      '#include <unistd.h>',
      '#ifdef HAVE_INITGROUPS',
      'static int a;',
      '#else',
      'static int b;',
      '#endif',
      'void drop(void) {',
      '\tx = 1;',
      '#ifdef HAVE_SETRESUID',
      '#else',
      '\ty = 2;',
      '#endif',
      '}',
      '#if 0',
      'int z;',
      '#endif',
      '',
    ].join('\n');
    const edits: [string, string][] = [
      ['\ty = 2;', '\ty = 22;'], // code in an #else: its group picks again
      ['\ty = 22;', '\tsetreuid(u, u);'], // privilege work in the fallback, against a stub: the pick changes
      ['static int a;', 'static int abc;'], // another group
      ['int z;', 'int zz;'], // under #if 0
      ['void drop', 'void drop_all'], // outside every group: the groups after it move
      ['#else\n\tsetreuid', '#elif X\n\tsetreuid'], // a directive: read from scratch
      ['\tx = 1;', '\tx = 1; /* c */'], // a comment: read from scratch
    ];
    const picks: string[] = [];
    for (const [from, to] of edits) {
      expect(text.includes(from), from).toBe(true);
      text = text.replace(from, to);
      nextTextRound();
      const read = unixBranches(text);
      expect(key(read), to).toBe(key(unixBranchesOf(text)));
      picks.push(JSON.stringify([...read.chosen.values()]));
    }
    expect(picks[1]).not.toBe(picks[0]);
  });
});
