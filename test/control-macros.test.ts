/** Control-flow macros: which macro definitions are error exits, and what the CFG makes of a statement using one. */
import { describe, expect, it } from 'vitest';
import { composedControlDefinition, controlMacro, headerControlMacros } from '../src/c/control-macros.js';
import { numberOf } from '../src/c/constants.js';
import { analyzeCFile } from '../src/c/frontend.js';
import type { FunctionModel } from '../src/model.js';

describe('control-flow macros', () => {
  it('reads unconditional and conditional jumps, with the assignments before them', () => {
    expect(controlMacro('ABORT_FINALIZE', { params: ['e'], body: 'do { \\\n iRet = (e); \\\n goto finalize_it; \\\n } while (0)' })).toEqual({
      name: 'ABORT_FINALIZE', params: ['e'], assignments: [{ variable: 'iRet', value: '(e)' }], jump: { kind: 'goto', label: 'finalize_it' },
    });
    expect(controlMacro('CHKiRet', { params: ['code'], body: 'if((iRet = code) != RS_RET_OK) goto finalize_it' })).toMatchObject({
      condition: '(iRet = code) != RS_RET_OK', assignments: [], jump: { kind: 'goto', label: 'finalize_it' },
    });
    expect(controlMacro('CHKiRet', { params: ['code'], body: 'if (__builtin_expect(((iRet = code) != RS_RET_OK), 0)) goto finalize_it' })?.condition).toBe('((iRet = code) != RS_RET_OK)');
    // The condition stores the argument: everything right of the `=`, up to the parenthesis that closes it.
    expect(controlMacro('CHKiRet', { params: ['code'], body: 'if((iRet = (code)) != RS_RET_OK) goto finalize_it' })?.conditionAssignments).toEqual([{ variable: 'iRet', value: '(code)' }]);
    expect(controlMacro('CHK', { params: ['x'], body: 'if ((rc = x != 0, rc)) goto out' })?.conditionAssignments).toEqual([{ variable: 'rc', value: 'x != 0' }]);
    expect(controlMacro('CHK', { params: ['x'], body: 'if ((x) == r || r <= 0 || r >= 2) goto out' })?.conditionAssignments).toBeUndefined();
    expect(controlMacro('RETiRet', { params: undefined, body: 'return iRet' })?.jump).toEqual({ kind: 'return', value: 'iRet' });
    expect(controlMacro('MAIN_RETURN', { params: ['x'], body: 'return (x)' })?.jump).toEqual({ kind: 'return', value: '(x)' });
    expect(controlMacro('NEXT', { params: undefined, body: '{ log_it("skip"); continue; }' })?.jump).toEqual({ kind: 'continue' });
  });

  it('leaves other macros alone', () => {
    expect(controlMacro('LOG', { params: ['m'], body: 'fprintf(stderr, "%s\\n", m)' })).toBeUndefined();
    expect(controlMacro('CHOOSE', { params: ['c'], body: 'if (c) goto a; else goto b' })).toBeUndefined();
    expect(controlMacro('LOOP', { params: ['n'], body: 'for (i = 0; i < n; i++) if (f(i)) break' })).toBeUndefined();
    expect(controlMacro('RET_IF_MIDDLE', { params: ['x'], body: 'return x; cleanup()' })).toBeUndefined();
  });

  it('takes the headers\' definitions, not a name two headers define differently', () => {
    const alternatives = '#ifdef HAVE_BUILTIN_EXPECT\n#define CHK(x) if (__builtin_expect((x) != 0, 0)) goto fail\n#else\n#define CHK(x) if ((x) != 0) goto fail\n#endif\n';
    expect(headerControlMacros([{ path: 'r.h', text: alternatives }]).get('CHK')?.body).toContain('__builtin_expect');
    const found = headerControlMacros([
      { path: 'a.h', text: '#define BAIL goto done\n#define FAIL(x) do { \\\n  rc = (x); \\\n  goto out; \\\n} while (0)\n#define TWICE return 1\n' },
      { path: 'b.h', text: '#define TWICE return 2\n#define FAIL(x) do { \\\n  rc = (x); \\\n  goto out; \\\n} while (0)\n' },
      { path: 'c.c', text: '#define LOCAL goto x\n' },
    ]);
    expect([...found.keys()].sort()).toEqual(['BAIL', 'FAIL']);
  });

  it('turns a statement that invokes one into its jump, testing the macro argument', async () => {
    let id = 1;
    const source = [
      '#define CHECK(x) if ((x) < 0) goto fail',
      '#define GIVE_UP(code) do { rc = (code); goto fail; } while (0)',
      'int f(int a) {',
      '\tint rc = 0;',
      '\tCHECK(setuid(a));',
      '\tif (a) GIVE_UP(-1);',
      '\tserve();',
      '\treturn 0;',
      'fail:',
      '\treturn rc;',
      '}',
    ].join('\n');
    const fn: FunctionModel = (await analyzeCFile('m.c', source, () => id++)).functions[0]!;
    const check = fn.cfg.nodes.find((n) => n.events.some((e) => e.api === 'setuid'))!;
    expect(check.kind).toBe('cond');
    expect(check.tests?.find((t) => 'event' in t.subject)?.whenFails).toBe(true);
    const fail = fn.cfg.nodes.find((n) => n.loc?.line === 9)!; // `fail:`
    expect(fn.cfg.nodes[check.succ[0]!]!.id).toBe(fail.id);
    const giveUp = fn.cfg.nodes.find((n) => n.constants?.rc === true)!;
    expect(giveUp.succ).toEqual([fail.id]);
  });

  it('records the variable a macro\'s condition stores the call\'s status in, as the condition written out does', async () => {
    let id = 1;
    const body = (check: string): string => [
      '#define ST_OK 0',
      '#define CHECK_OK(e) if ((st = (e)) != ST_OK) goto out',
      'void f(int a) {',
      '\tint st = ST_OK;',
      `\t${check};`,
      '\tserve();',
      'out:',
      '\tif (st != ST_OK) exit(1);',
      '}',
    ].join('\n');
    for (const check of ['CHECK_OK(setuid(a))', 'if ((st = setuid(a)) != ST_OK) goto out']) {
      const fn: FunctionModel = (await analyzeCFile('m.c', body(check), () => id++)).functions[0]!;
      const node = fn.cfg.nodes.find((n) => n.events.some((e) => e.api === 'setuid'))!;
      expect(node.events.find((e) => e.api === 'setuid')?.result).toEqual({ kind: 'tested', node: node.id, variable: 'st' });
      expect(node.assigns).toContain('st');
      expect(node.tests?.find((t) => 'variable' in t.subject && t.subject.variable === 'st')?.whenFails).toBe(true);
      // `int st = ST_OK;` declares `st` only: ST_OK stays the constant 0 in the label's test.
      const label = fn.cfg.nodes.find((n) => n.kind === 'cond' && n.loc?.line === 8)!;
      expect(label.tests?.find((t) => 'variable' in t.subject && t.subject.variable === 'st')?.whenFails).toBe(true);
    }
  });
});

describe('macros that end the process by a flag bit', () => {
  it('reads a test after logging calls as the macro\'s condition, not after an assignment', () => {
    expect(controlMacro('notice', { params: ['f', 't'], body: 'do { log_line((f), (t)); if ((f) & M_FATAL) _exit(2); } while (0)' })).toMatchObject({
      condition: '(f) & M_FATAL', jump: { kind: 'dies', callee: '_exit', args: ['2'] },
    });
    expect(controlMacro('notice', { params: ['f'], body: 'do { x = f; if ((f) & M_FATAL) _exit(2); } while (0)' })).toBeUndefined();
  });

  it('composes a logging macro that invokes a control macro with its own parameters', () => {
    const known = new Map([['EXIT_FATAL', { params: ['flags'], body: 'do { if ((flags) & M_FATAL) _exit(1); } while (0)' }]]);
    const composed = composedControlDefinition({ params: ['flags', '...'], body: 'do { log_line((flags), __VA_ARGS__); EXIT_FATAL(flags); } while (0)' }, known);
    expect(composed && controlMacro('msg', composed)).toMatchObject({ params: ['flags', '...'], condition: '((flags)) & M_FATAL', jump: { kind: 'dies', callee: '_exit' } });
    expect(composedControlDefinition({ params: ['flags'], body: 'do { EXIT_FATAL(flags); n++; } while (0)' }, known)).toBeUndefined();
  });

  it('evaluates constant integer expressions of numbers and known names, and nothing else', () => {
    const known = new Map([['M_FATAL', 16], ['M_ERRNO', 256]]);
    expect(numberOf('(1u << 4)', known)).toBe(16);
    expect(numberOf('(M_FATAL | M_ERRNO)', known)).toBe(272);
    expect(numberOf('M_FATAL & ~M_ERRNO', known)).toBe(16);
    expect(numberOf('3 * (2 + 1)', known)).toBe(9);
    for (const text of ['M_OTHER | 1', 'sizeof(int)', '(1 << 40)', '"a-b"', '1 +']) expect(numberOf(text, known)).toBeUndefined();
  });
});
