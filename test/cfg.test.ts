/** The C control-flow graph itself: which statements can follow which. */
import { describe, expect, it } from 'vitest';
import { analyzeCFile } from '../src/c/frontend.js';
import { reachable } from '../src/analysis/flow.js';
import type { Cfg, CfgNode, FunctionModel } from '../src/model.js';

async function fn(body: string, name = 'f'): Promise<FunctionModel> {
  let id = 1;
  const model = await analyzeCFile('t.c', `void ${name}(int a, int b) {\n${body}\n}\n`, () => id++);
  return model.functions[0]!;
}

/** The node holding a call of `name`. */
function callNode(cfg: Cfg, name: string): CfgNode {
  const n = cfg.nodes.find((x) => x.events.some((e) => e.kind === 'call' && e.callee === name) || x.events.some((e) => e.api === name));
  if (!n) throw new Error(`no call of ${name}`);
  return n;
}

/** Can `to` run after `from` (without passing through a node holding a call of `avoid`)? */
function follows(cfg: Cfg, from: string, to: string, avoid?: string): boolean {
  const start = callNode(cfg, from);
  const target = callNode(cfg, to);
  const stop = avoid ? callNode(cfg, avoid) : undefined;
  return reachable(cfg.nodes, start.succ, (n) => n === stop).has(target.id);
}

/** Does some path from the entry run a call of `name`? */
function onSomePath(f: FunctionModel, name: string): boolean {
  const holders = f.cfg.nodes.filter((x) => x.events.some((e) => e.kind === 'call' && e.callee === name));
  const seen = reachable(f.cfg.nodes, [f.cfg.entry]);
  return holders.some((n) => seen.has(n.id));
}

const exitReachable = (f: FunctionModel): boolean => reachable(f.cfg.nodes, [f.cfg.entry]).has(f.cfg.exit);

describe('C control-flow graph', () => {
  it('if/else: both branches rejoin, neither follows the other', async () => {
    const f = await fn('if (a) x(); else y(); z();');
    expect(follows(f.cfg, 'x', 'z')).toBe(true);
    expect(follows(f.cfg, 'y', 'z')).toBe(true);
    expect(follows(f.cfg, 'x', 'y')).toBe(false);
  });

  it('short-circuit: each operand of || is its own condition node', async () => {
    const f = await fn('if (p() || q()) r(); s();');
    const p = callNode(f.cfg, 'p');
    expect(p.kind).toBe('cond');
    expect(callNode(f.cfg, 'q').kind).toBe('cond');
    // p true skips q
    expect(f.cfg.nodes[p.succ[0]!]!.events.some((e) => e.api === 'r')).toBe(true);
    expect(follows(f.cfg, 'q', 's')).toBe(true);
  });

  it('&& and ?: in conditions', async () => {
    const f = await fn('if (p() && (a ? q() : w())) r();');
    const p = callNode(f.cfg, 'p');
    expect(follows(f.cfg, 'p', 'q')).toBe(true);
    expect(f.cfg.nodes[p.succ[1]!]!.events.length).toBe(0); // false → skips the rest
    expect(follows(f.cfg, 'q', 'w')).toBe(false);
  });

  it('switch with fall-through and break', async () => {
    const f = await fn('switch (a) { case 1: x(); case 2: y(); break; default: w(); } z();');
    expect(follows(f.cfg, 'x', 'y')).toBe(true);
    expect(follows(f.cfg, 'y', 'w')).toBe(false);
    expect(follows(f.cfg, 'y', 'z')).toBe(true);
    expect(follows(f.cfg, 'w', 'z')).toBe(true);
  });

  it('loops: back edges, break, continue, constant conditions', async () => {
    const f = await fn('while (a) { x(); if (b) break; if (a) continue; y(); } z();');
    expect(follows(f.cfg, 'y', 'x')).toBe(true);
    expect(follows(f.cfg, 'x', 'z')).toBe(true);
    const forever = await fn('for (;;) { x(); }');
    expect(exitReachable(forever)).toBe(false);
    const once = await fn('do { x(); } while (0); y();');
    expect(follows(once.cfg, 'y', 'x')).toBe(false);
  });

  it('goto and labels', async () => {
    const f = await fn('if (a) goto fail; x(); return; fail: y();');
    expect(follows(f.cfg, 'x', 'y')).toBe(false);
    const g = await fn('again: x(); if (a) goto again; y();');
    expect(follows(g.cfg, 'x', 'x')).toBe(true);
  });

  it('return ends the path; code after it is unreachable from before', async () => {
    const f = await fn('x(); return; y();');
    expect(follows(f.cfg, 'x', 'y')).toBe(false);
  });

  it('#ifdef / #else branches are alternative paths', async () => {
    const f = await fn('#ifdef USE_X\n  x();\n#else\n  y();\n#endif\n  z();');
    expect(follows(f.cfg, 'x', 'y')).toBe(false);
    expect(follows(f.cfg, 'x', 'z')).toBe(true);
    expect(follows(f.cfg, 'y', 'z')).toBe(true);
    const g = await fn('#ifdef USE_X\n  x();\n#endif\n  z();');
    expect(reachable(g.cfg.nodes, [g.cfg.entry], (n) => n === callNode(g.cfg, 'x')).has(callNode(g.cfg, 'z').id)).toBe(true);
  });

  it('a branch only Windows compiles, or #if 0, is not a path; nor is the fallback of a feature test that is called', async () => {
    const f = await fn('#ifdef _WIN32\n  x();\n#elif defined(WINDOWS) || defined(__CYGWIN__)\n  w();\n#else\n  y();\n#endif\n  z();');
    expect(onSomePath(f, 'x')).toBe(false);
    expect(onSomePath(f, 'w')).toBe(false);
    expect(follows(f.cfg, 'y', 'z')).toBe(true);
    const zero = await fn('#if 0\n  x();\n#endif\n  z();');
    expect(onSomePath(zero, 'x')).toBe(false);
    // `#ifdef HAVE_X x() #else y() #endif`: the build users run has x(); y() is for platforms without it.
    const feature = await fn('#ifdef HAVE_X\n  x();\n#else\n  y();\n#endif\n  z();');
    expect(onSomePath(feature, 'y')).toBe(false);
    expect(onSomePath(feature, 'x')).toBe(true);
    const bare = await fn('#ifdef HAVE_X\n  x();\n#endif\n  z();');
    expect(reachable(bare.cfg.nodes, [bare.cfg.entry], (n) => n === callNode(bare.cfg, 'x')).has(callNode(bare.cfg, 'z').id)).toBe(false);
    // A fallback with privilege code of its own is a second real build.
    const both = await fn('#ifdef HAVE_SETRESUID\n  setresuid(a, a, a);\n#else\n  setreuid(a, a);\n#endif\n  z();');
    expect(follows(both.cfg, 'setreuid', 'z')).toBe(true);
  });

  it('records how a privilege call result is used', async () => {
    const f = await fn('(void)setuid(1); setgid(2); int r = seteuid(3); if (setegid(4) == -1) abort(); assert(setgroups(0, 0) == 0);');
    const use = (api: string) => f.cfg.nodes.flatMap((n) => n.events).find((e) => e.api === api)!.result!.kind;
    expect(use('setuid')).toBe('void-cast');
    expect(use('setgid')).toBe('discarded');
    expect(use('seteuid')).toBe('stored');
    expect(use('setegid')).toBe('tested');
    expect(use('setgroups')).toBe('assert');
  });

  it('knows which branch a test takes when the call fails', async () => {
    const cases: [string, boolean][] = [['setuid(1) == -1', true], ['setuid(1) != 0', true], ['setuid(1) < 0', true], ['!setuid(1)', false], ['setuid(1) == 0', false], ['setuid(1)', true]];
    for (const [cond, whenFails] of cases) {
      const f = await fn(`if (${cond}) abort();`);
      const node = callNode(f.cfg, 'setuid');
      expect(node.tests!.find((t) => 'event' in t.subject)!.whenFails, cond).toBe(whenFails);
    }
  });
});

describe('functions defined inside a function', () => {
  it('are their own functions: their calls are not the outer function\'s too', async () => {
    let id = 1;
    // A GCC nested function; a parse that an unreadable macro wrecked looks the same.
    const source = 'int outer(int a) {\n\tint inner(int u) {\n\t\treturn setuid(u);\n\t}\n\tif (inner(a) != 0)\n\t\treturn -1;\n\treturn 0;\n}\n';
    const model = await analyzeCFile('t.c', source, () => id++);
    const holders = model.functions.filter((f) => f.cfg.nodes.some((n) => n.events.some((e) => e.api === 'setuid')));
    expect(holders.map((f) => f.name)).toEqual(['inner']);
  });

  it('keeps where a pointer gets an address: a local array (never NULL), a member of a struct the function declares', async () => {
    let id = 1;
    const source = 'struct msg { char login[64]; };\nstruct opts { const char *user; };\nstatic struct opts o;\n' +
      'void f(struct msg *m, char p[], struct msg copy) {\n\tchar buf[8];\n\tchar *q;\n\to.user = m->login;\n\to.user = buf;\n\to.user = p;\n\to.user = copy.login;\n\to.user = q;\n}\n';
    const model = await analyzeCFile('t.c', source, () => id++);
    const nodes = model.functions[0]!.cfg.nodes.filter((n) => n.assigns?.includes('o.user'));
    expect(nodes.map((n) => [n.memberValues ?? null, n.constants ?? null])).toEqual([
      [[{ variable: 'o.user', type: 'msg', member: 'login' }], null],
      [null, { 'o.user': true }],
      // An array parameter is a pointer: it may be NULL.
      [null, null],
      [[{ variable: 'o.user', type: 'msg', member: 'login' }], null],
      [null, null],
    ]);
  });
});
