/** File-scope variables that nothing sets (c/globals.ts): read from the text of every file of a project. */
import { describe, expect, it } from 'vitest';
import { counterGlobals, unassignedGlobals, unitScans, zeroStructGlobals } from '../src/c/globals.js';

const file = (path: string, text: string): { path: string; text: string } => ({ path, text });

describe('unassigned globals', () => {
  it('keeps file-scope scalars that no file sets, with their initial value', () => {
    const found = unassignedGlobals([
      file('a.c', [
        'static int quiet;', 'int fallback = 2, other = DEFAULT_ON;', 'static unsigned long big = 0x10UL;',
        'int counted, addressed, *pointer, table[4];', 'struct opts { int in_struct; } opts;', 'extern int declared;',
        'typedef int alias;', 'int f(void);', 'static int set_here;', 'static int set_in_macro;', 'static int given;',
        'static void g(void) { set_here = 1; counted++; register_int(&addressed); SET_TO_ONE(given); }',
        '/* quiet = 1; */', 'static const char *msg = "quiet = 1";',
      ].join('\n')),
      file('b.h', '#define DEFAULT_ON 1\n#define SET_IT() set_in_macro = 1\n#define SET_TO_ONE(x) ((x) = 1)\n'),
      file('note.txt', 'quiet = 1;'),
    ], new Map([['DEFAULT_ON', 1]]));
    expect([...found].sort()).toEqual([['big', 16], ['fallback', 2], ['other', 1], ['quiet', 0]]);
  });

  it('reads what code and macros set in any form, and file-scope initialisers as no assignment', () => {
    const found = unassignedGlobals([
      file('c.c', [
        'static int a = 1, b = 2;', 'static long c, d, e, f, g;', 'static int kept = 3;', '#define BUMP_E() \\', '  do { e++; } while (0)',
        'int *alias = &(f);', 'void h(void) { (c) = 1; ++d; if (kept == 3 && a) g <<= 1; }', 'struct s { int x; } one = { .x = 1 };',
      ].join('\n')),
    ]);
    expect([...found].sort()).toEqual([['a', 1], ['b', 2], ['kept', 3]]);
  });

  it('leaves out a name two files define with different values, or one set in another file', () => {
    const found = unassignedGlobals([
      file('a.c', 'static int mode = 1;\nstatic int shared;\nint main(void) { return mode + shared; }'),
      file('b.c', 'static int mode = 2;\nextern int shared;\nvoid set(void) { shared |= 4; }'),
    ]);
    expect([...found]).toEqual([]);
  });
});

describe('static structs that start as zeros', () => {
  const files = [
    file('a.c', 'static struct state { int uid; } st;\nstatic struct opts o2;\nstatic struct opts kept;\nstatic struct opts scalar_too;\nint main(void) { return st.uid + o2.x + kept.x; }'),
    // No `static` in these texts: they zero nothing, but their definitions of the names still count.
    file('b.h', 'struct opts o2 = { 1 };\n'),
    file('c.c', 'int scalar_too;\nint depth;\nvoid f(void) { depth++; }\n'),
    file('d.txt', 'static struct opts ignored;'),
  ];

  it('keeps a name only where every text that defines it leaves it static with no initialiser, and never as a scalar', () => {
    expect([...zeroStructGlobals(files)].sort()).toEqual(['kept', 'st']);
  });

  it('gives the same answers with one unit\'s scans shared', () => {
    const scans = unitScans();
    expect([...unassignedGlobals(files, new Map(), undefined, scans)].sort()).toEqual([...unassignedGlobals(files)].sort());
    expect([...counterGlobals(files, new Map(), undefined, scans)]).toEqual([['depth', 0]]);
    expect([...zeroStructGlobals(files, undefined, scans)].sort()).toEqual(['kept', 'st']);
  });
});
