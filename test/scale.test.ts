/**
 * The engine at scale: parsing only what can matter changes no finding, and a program's findings do not depend on
 * what else is in the run.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { analyzePaths } from '../src/engine.js';
import { fixtureUnits } from '../src/testing/expectations.js';
import { selectForParsing } from '../src/index/selection.js';
import { scanC } from '../src/index/c-lexical.js';

const root = path.resolve(__dirname, '..');
const strict = { ...defaultConfig(), ruleSet: 'strict' as const };

describe('parsing only what can matter', () => {
  it('gives the same findings as parsing everything, on every fixture', async () => {
    const units = await fixtureUnits(path.join(root, 'fixtures'));
    expect(units.length).toBeGreaterThan(100);
    for (const unit of units) {
      const rel = path.relative(root, unit);
      const filtered = await analyzePaths([rel], strict, root);
      const whole = await analyzePaths([rel], strict, root, { prefilter: false });
      expect(filtered.findings, rel).toEqual(whole.findings);
    }
  });

  it('checking only the graphs with an event a rule reports at gives the same findings, on every fixture', async () => {
    const units = await fixtureUnits(path.join(root, 'fixtures'));
    for (const unit of units) {
      const rel = path.relative(root, unit);
      const some = await analyzePaths([rel], strict, root);
      const every = await analyzePaths([rel], strict, root, { everyGraph: true });
      expect(some.findings, rel).toEqual(every.findings);
    }
  });

  it('leaves functions that cannot matter unparsed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'privlint-prefilter-'));
    const helpers = Array.from({ length: 40 }, (_, i) => `int helper${i}(int x) { return x * ${i} + strlen("s"); }\n`).join('');
    writeFileSync(path.join(dir, 'util.c'), `#include <string.h>\n${helpers}`);
    writeFileSync(
      path.join(dir, 'main.c'),
      '#include <unistd.h>\nint helper1(int);\nint main(void) {\n\thelper1(2);\n\tsetuid(1000);\n\treturn 0;\n}\n',
    );
    const result = await analyzePaths([dir], strict, dir);
    expect(result.analysed).toEqual(['main.c']);
    expect(result.findings.map((f) => f.ruleId)).toContain('unchecked-return');
  });
  it('parses a function that reads input where it is called or handed to a function that calls it, not where it is only named', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'privlint-called-'));
    writeFileSync(
      path.join(dir, 'readers.c'),
      [
        '#include <stdlib.h>',
        'const char *called_reader(void) { return getenv("CALLED"); }',
        'void named_reader(int sig) { (void)sig; getenv("NAMED"); }',
        'void handed_reader(void) { getenv("HANDED"); }',
        'void run(void (*fn)(void)) { fn(); }',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'main.c'),
      [
        '#include <grp.h>',
        '#include <signal.h>',
        '#include <unistd.h>',
        'const char *called_reader(void);',
        'void named_reader(int);',
        'void handed_reader(void);',
        'void run(void (*)(void));',
        'static void install(void) {',
        '\tsignal(SIGHUP, named_reader);',
        '\tif (setgroups(0, NULL) != 0)',
        '\t\t_exit(1);',
        '}',
        'int main(void) {',
        '\tinstall();',
        '\tcalled_reader();',
        '\trun(handed_reader);',
        '\tif (setuid(getuid()) != 0)',
        '\t\treturn 1;',
        '\treturn 0;',
        '}',
        '',
      ].join('\n'),
    );
    const sources = ['main.c', 'readers.c'].map((f) => ({ path: f, text: readFileSync(path.join(dir, f), 'utf8'), language: 'c' as const }));
    const parsed = selectForParsing(sources, { noreturn: [], inputFunctions: [] }).parse.get('readers.c') ?? '';
    expect(parsed).toContain('getenv("CALLED")');
    expect(parsed).toContain('getenv("HANDED")');
    expect(parsed).not.toContain('getenv("NAMED")');
    const filtered = await analyzePaths([dir], strict, dir);
    const whole = await analyzePaths([dir], strict, dir, { prefilter: false });
    expect(filtered.findings).toEqual(whole.findings);
    expect(filtered.findings.map((f) => f.ruleId)).toContain('drop-after-input');
  });

  it('reads from every function\'s text the names it assigns and does not declare, parsed or not', () => {
    const text = [
      'static int level, mode;',
      'void set(int argc, char **argv, struct opts *o) {',
      '\tuid_t uid = 0, gid, *ids;',
      '\tstruct passwd *pw, *gr = NULL;',
      '\tchar *p = argv[0];',
      '\tfor (int i = 0; i < argc; i++) level++;',
      '\tgid = 1; uid += 2; *p = 0; *p++ = 1; o->user = p; ++count; table[argc] = 1; st.f->g[1] = 2; mode <<= 1;',
      '\tif (argc == 2 && level <= 3 && mode != 1) run_as = target = 3;',
      '\tdone: last = 0;',
      '}',
      '',
    ].join('\n');
    const [fn] = scanC(text).functions;
    expect([...fn!.assigns].sort()).toEqual(['count', 'last', 'level', 'mode', 'run_as', 'st.f->g', 'table', 'target']);
  });

  it('reads from every function\'s text the calls it hands a struct pointer parameter to, whole', () => {
    const text = [
      'int parse(int argc, char **argv, struct opts *o, const char *name, void *arg, int (*cb)(void *)) {',
      '\tif (check(o) && argc > 1) fill(argc, (void *)o, argv);',
      '\tlog_value(o->user); show(name); copy(*o); trace(&o); cb(argv);',
      '\tnested(outer(arg), 1);',
      '\treturn 0;',
      '}',
      '',
    ].join('\n');
    const [fn] = scanC(text).functions;
    // `o->user`, `*o` and `&o` are not the pointer; `name` and `argv` point to characters; `cb` is a function.
    expect([...fn!.handsPointerTo].sort()).toEqual(['check', 'fill', 'outer']);
  });

  it('writes fixes with the project\'s way of dying, counted in every file, parsed or not', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'privlint-die-'));
    writeFileSync(
      path.join(dir, 'util.c'),
      [
        '#include <stdio.h>',
        '#include <stdlib.h>',
        'void fatal(const char *msg) __attribute__((noreturn));',
        'void fatal(const char *msg) { fputs(msg, stderr); exit(1); }',
        'int load(const char *p) { FILE *f = fopen(p, "r"); if (!f) fatal("cannot open"); fclose(f); return 0; }',
        'int save(const char *p) { FILE *f = fopen(p, "w"); if (!f) fatal("cannot write"); fclose(f); return 0; }',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(dir, 'main.c'), '#include <unistd.h>\nint main(void) {\n\tsetuid(1000);\n\treturn 0;\n}\n');
    for (const options of [{}, { prefilter: false }]) {
      const result = await analyzePaths([dir], strict, dir, options);
      const unchecked = result.findings.find((f) => f.ruleId === 'unchecked-return');
      expect(unchecked?.fix, JSON.stringify(options)).toContain('fatal("setuid")');
    }
  });
});

describe('programs are separate', () => {
  it('a project beside a large distractor tree gets the findings it gets alone', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'privlint-units-'));
    const app = path.join(dir, 'app');
    cpSync(path.join(root, 'fixtures/c/drop-after-input/three-files.project'), app, { recursive: true });
    writeFileSync(path.join(app, 'Makefile'), 'all: daemon\n');
    // A second program of the app calls a function the app does not define: a system library's, for the linker.
    writeFileSync(
      path.join(app, 'helper.c'),
      '#include <grp.h>\n#include <stdlib.h>\n#include <unistd.h>\nvoid load_plugins(void);\nint main(void) {\n\tload_plugins();\n\tif (setgroups(0, NULL) == -1 || setgid(100) == -1 || setuid(100) == -1)\n\t\texit(1);\n\tsetuid(100);\n\treturn 0;\n}\n',
    );
    // The distractor defines it (reading the environment), and others of the names the app uses.
    const vendor = path.join(dir, 'vendor');
    mkdirSync(vendor);
    writeFileSync(path.join(vendor, 'configure.ac'), 'AC_INIT([vendor], [1])\n');
    writeFileSync(path.join(vendor, 'plugins.c'), '#include <stdlib.h>\nvoid load_plugins(void) { if (getenv("PLUGINS")) exit(1); }\n');
    writeFileSync(path.join(vendor, 'serve.c'), '#include <unistd.h>\nvoid serve(void *s) { (void)s; seteuid(0); setuid(0); }\n');
    for (let i = 0; i < 150; i++) {
      writeFileSync(
        path.join(vendor, `tool${i}.c`),
        `#include <unistd.h>\n#include <stdlib.h>\nstatic void work${i}(void) { if (getenv("T${i}")) chroot("/var/empty"); }\nint tool${i}_main(int argc, char **argv) { (void)argc; (void)argv; work${i}(); seteuid(${1000 + i}); work${i}(); return 0; }\n`,
      );
    }
    const alone = await analyzePaths([app], strict, dir);
    const together = await analyzePaths([dir], strict, dir);
    const inApp = (f: { loc: { file: string } }): boolean => f.loc.file.startsWith('app/');
    expect(alone.findings.length).toBeGreaterThan(0);
    expect(together.findings.filter(inApp)).toEqual(alone.findings);
    expect(together.findings.some((f) => !inApp(f))).toBe(true);
  });
});
