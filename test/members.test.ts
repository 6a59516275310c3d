import { describe, expect, it } from 'vitest';
import { arrayMembers, memberFunctions } from '../src/c/members.js';

describe('functions stored in struct members (c/members.ts)', () => {
  const names = new Set(['a_check', 'b_check', 'a_exit', 'to_user', 'to_none', 'helper']);

  it('reads positional rows of a typedef struct table, rows under #if included', () => {
    const header = 'typedef struct auth_ {\n const char *name;\n void (*check)(int);\n void (*exit)(void);\n} Auth;\n';
    const table = 'static Auth list[] = {\n { "a", a_check, a_exit }, /* 0 */\n#ifdef B\n { "b", b_check, NULL },\n#endif\n { NULL, NULL, NULL }\n};\n';
    expect(Object.fromEntries(memberFunctions([header, table], names))).toEqual({ check: ['a_check', 'b_check'], exit: ['a_exit'] });
  });

  it('reads designated initialisers and assignments', () => {
    const text = 'struct ops o = { .change = to_user };\nvoid f(struct ops *p) { p->change = to_none; p->count = 0; }\n';
    expect(Object.fromEntries(memberFunctions([text], names))).toEqual({ change: ['to_none', 'to_user'] });
  });

  it('binds a row only by the layout of its declared type, and only at function-pointer fields', () => {
    const text = 'struct pair { int (*run)(void); const char *label; };\nstruct other { const char *label; int (*go)(void); };\nstruct pair p = { helper, "x" };\nstruct other q = { "y", helper };\nstruct pair bad = { "z", helper };\n';
    expect(Object.fromEntries(memberFunctions([text], names))).toEqual({ run: ['helper'], go: ['helper'] });
  });

  it('ignores comparisons and names that are not the unit\'s functions', () => {
    const text = 'void f(struct ops *p) { if (p->change == to_user) return; p->change = unknown_fn; }\n';
    expect(memberFunctions([text], names).size).toBe(0);
  });
});

describe('a member filled in several files', () => {
  it('is left out: a registry dispatched by a key the analysis does not follow', () => {
    const names = new Set(['auth_pass', 'cap_post_pass', 'one', 'two']);
    const header = 'typedef struct { const char *command; int (*handler)(void *cmd); } cmdtable;\n';
    const modA = 'static cmdtable auth_cmdtab[] = { { "PASS", auth_pass }, { NULL, NULL } };\n';
    const modB = 'static cmdtable cap_cmdtab[] = { { "PASS", cap_post_pass }, { NULL, NULL } };\n';
    const ops = 'void f(struct o *p) { p->run = one; }\nvoid g(struct o *p) { p->run = two; }\n';
    expect(Object.fromEntries(memberFunctions([header, modA, modB, ops], names))).toEqual({ run: ['one', 'two'] });
  });

  it('tells the members a struct type declares as arrays, by tag and typedef name, for the types asked', () => {
    const header = 'struct msg {\n char login[64], *note;\n int n;\n char grid[2][3];\n void (*cb)(char a[]);\n};\ntypedef struct { char name[8]; } entry_t;\nstruct other { char login[4]; };\n';
    expect([...arrayMembers([header], new Set(['msg', 'entry_t']))].sort()).toEqual(['entry_t.name', 'msg.grid', 'msg.login']);
    expect([...arrayMembers([header], new Set())]).toEqual([]);
  });

  it('leaves out a member some definition of the same type name declares otherwise', () => {
    const a = 'struct msg { char login[64]; };\n';
    const b = '#ifdef OLD\nstruct msg { const char *login; };\n#endif\n';
    expect([...arrayMembers([a, b], new Set(['msg']))]).toEqual([]);
  });
});
