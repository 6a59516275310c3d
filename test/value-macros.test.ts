/** Value macros: which function-like macros read their arguments and change nothing, and how a test of one is named. */
import { describe, expect, it } from 'vitest';
import { expandValueMacros, headerValueMacros, passedThrough, valueMacros, type ValueMacro } from '../src/c/value-macros.js';

const macro = (params: string[], body: string): ValueMacro => ({ params, body });

describe('value macros', () => {
  it('takes expressions of the arguments, fields, casts and constants, through other value macros', () => {
    const found = valueMacros([
      ['XMASK', macro(['v'], '( (mask_t)1 << ( (v)-1 ) )')],
      ['M_IS_SET', macro(['mask', 'v'], '( (mask) & XMASK(v) )')],
      ['SPECIFIED', macro(['scp', 'attr'], 'M_IS_SET( (scp)->sc_specified_attributes, (attr) )')],
      ['IS_UP', macro(['s'], '((s)->state == STATE_UP)')],
    ]);
    expect([...found.keys()].sort()).toEqual(['IS_UP', 'M_IS_SET', 'SPECIFIED', 'XMASK']);
  });

  it('leaves out what assigns, updates, calls a function or a pointer, reads a global, or takes no argument', () => {
    const found = valueMacros([
      ['M_SET', macro(['mask', 'v'], '(mask) |= (1 << (v))')],
      ['NEXT', macro(['p'], '((p)++)')],
      ['IS_ROOT', macro(['x'], '(geteuid() == 0 && (x))')],
      ['INVOKE', macro(['bp', 'serp'], '(*(bp)->b_handler)( serp )')],
      ['DEBUGGING', macro(['x'], '(debug.on && (x))')],
      ['ALWAYS', macro([], '(1)')],
      ['BLOCK', macro(['x'], '{ (x); }')],
    ]);
    expect([...found.keys()]).toEqual([]);
  });

  it('leaves out a macro that calls one that is not a value macro, and a name defined twice differently', () => {
    const found = valueMacros([
      ['TWICE', macro(['x'], '((x) & 1)')],
      ['TWICE', macro(['x'], '((x) & 2)')],
      ['VIA_CALL', macro(['x'], 'lookup(x)')],
      ['VIA_KNOWN', macro(['x'], 'KNOWN(x)')],
    ], new Map([['KNOWN', macro(['y'], '((y) != 0)')]]));
    expect([...found.keys()]).toEqual(['VIA_KNOWN']);
  });

  it('reads headers only, as a Unix build compiles them', () => {
    const sources = [
      { path: 'mask.h', text: '#ifdef _WIN32\n#define ON(x) ((x) & 4)\n#else\n#define ON(x) \\\n  ((x) & 1)\n#endif\n' },
      { path: 'main.c', text: '#define LOCAL(x) ((x) & 2)\n' },
    ];
    expect(headerValueMacros(sources)).toEqual([['ON', { params: ['x'], body: '((x) & 1)' }]]);
  });

  it('expands an invocation with its arguments, names in parentheses unwrapped, casts kept', () => {
    const macros = valueMacros([
      ['XMASK', macro(['v'], '( (mask_t)1 << ( (v)-1 ) )')],
      ['SPECIFIED', macro(['scp', 'attr'], '( ((scp)->specified) & XMASK(attr) )')],
    ]);
    expect(expandValueMacros('SPECIFIED( scp, A_USER )', macros)).toBe('(( scp->specified & (( (mask_t)1 << ( A_USER-1 ) )) ))');
    expect(expandValueMacros('SPECIFIED(scp)', macros)).toBeUndefined();
    expect(expandValueMacros('SPECIFIED(scp, A_USER', macros)).toBeUndefined();
  });

  it('tells which argument a branch hint passes through (its truth, for a test), through other hints and casts', () => {
    const macros = valueMacros([
      ['app_expect', macro(['c', 'x'], '__builtin_expect((long) (x), (c))')],
      ['app_slow_path', macro(['x'], 'app_expect(0, x)')],
      ['unlikely', macro(['x'], '__builtin_expect(!!(x), 0)')],
      ['negated', macro(['x'], '(!(x))')],
      ['same', macro(['a', 'b'], '((b))')],
      ['masked', macro(['x'], '((x) & 1)')],
    ]);
    expect(passedThrough('app_slow_path', macros)).toBe(0);
    expect(passedThrough('app_expect', macros)).toBe(1);
    expect(passedThrough('__builtin_expect', macros)).toBe(0);
    expect(passedThrough('same', macros)).toBe(1);
    expect(passedThrough('unlikely', macros)).toBe(0);
    expect(passedThrough('negated', macros)).toBeUndefined();
    expect(passedThrough('masked', macros)).toBeUndefined();
    expect(passedThrough('printf', macros)).toBeUndefined();
  });
});
