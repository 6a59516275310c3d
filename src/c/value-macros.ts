/**
 * Value macros: function-like macros whose body is an expression of their arguments alone, changing nothing
 * (`#define SC_SPECIFIED(scp, a) M_IS_SET((scp)->specified, (a))`, `#define ISSET(o) ((o)->flags & 2)`). A condition
 * that invokes one (`if (SC_SPECIFIED(scp, A_USER))`) has the same value each time it is tested with the same
 * arguments until something they name changes: the CFG builder follows it, expanded, as a flag of its own
 * (cfg.ts, `valueMacroTest`), as it follows `if (options & OPT_X)`.
 */
import { perText } from '../text-memory.js';
import { branchesLeftOut } from './unix-build.js';

/** A value macro: its parameters and its body. */
export interface ValueMacro {
  params: string[];
  body: string;
}

const FUNCTION_DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^)\n]*)\)((?:[^\n\\]|\\\r?\n|\\)*)$/gm;
/** Words a pure expression may name besides its parameters, value macros and constants. */
const EXPRESSION_WORDS = new Set(['sizeof', 'unsigned', 'signed', 'int', 'long', 'short', 'char', '__builtin_expect']);
/** The names a macro body calls (`f(` in it), words of C's expressions (`sizeof(`, a cast's `int(`) left out. */
export function namesCalledIn(body: string): string[] {
  return [...body.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]!).filter((w) => !EXPRESSION_WORDS.has(w));
}

/** An assignment (not a comparison), an update, a statement, a block, a stringized or pasted argument, a call through a pointer (or a cast's operand in parentheses). */
const NOT_PURE = /(?<![=!<>])=(?!=)|\+\+|--|[;{}#]|\)\s*\(/;

/** The function-like macros a text defines (of alternatives under `#if`, those a Unix build compiles), as written. */
const functionMacrosIn = perText((text: string): [string, ValueMacro][] => {
  if (!text.includes('define')) return [];
  let leftOut: [number, number][] | undefined;
  const found: [string, ValueMacro][] = [];
  for (const m of text.matchAll(FUNCTION_DEFINE)) {
    leftOut ??= branchesLeftOut(text);
    if (leftOut.some(([from, to]) => m.index >= from && m.index < to)) continue;
    const body = m[3]!.replace(/\\\r?\n/g, ' ').replace(/\/\*[^]*?\*\//g, ' ').replace(/\/\/.*$/, '').trim();
    found.push([m[1]!, { params: m[2]!.split(',').map((p) => p.trim()).filter(Boolean), body }]);
  }
  return found;
});

/**
 * Of `definitions`, the value macros: at least one parameter, a body that assigns, updates and declares nothing,
 * whose words are its parameters, fields (`->f`, `.f`), upper-case constants, and calls of value macros only (`known`:
 * value macros defined elsewhere). A name defined twice differently is none.
 */
export function valueMacros(definitions: Iterable<[string, ValueMacro]>, known: ReadonlyMap<string, ValueMacro> = new Map()): Map<string, ValueMacro> {
  const candidates = new Map<string, ValueMacro | null>();
  for (const [name, d] of definitions) {
    const before = candidates.get(name);
    const pure = d.params.length > 0 && d.body.length > 0 && !NOT_PURE.test(withoutCasts(d)) && !d.params.includes('...');
    candidates.set(name, pure && (before === undefined || (before !== null && before.body === d.body && before.params.join() === d.params.join())) ? d : null);
  }
  const calledIn = (d: ValueMacro): string[] => namesCalledIn(d.body);
  const wordsReadBy = (d: ValueMacro): boolean =>
    // (a name called is judged below, with the macros it calls)
    [...withoutCasts(d).matchAll(/(->|\.)?\s*\b([A-Za-z_]\w*)\b(\s*\()?/g)].every(([, field, w, called]) => field !== undefined || called !== undefined || d.params.includes(w!) || EXPRESSION_WORDS.has(w!) || /^[A-Z_][A-Z0-9_]*$/.test(w!));
  const pure = new Map<string, ValueMacro>();
  for (const [name, d] of candidates) if (d && wordsReadBy(d)) pure.set(name, d);
  // Down to those whose calls are all of value macros.
  for (let dropped = true; dropped; ) {
    dropped = false;
    for (const [name, d] of pure) if (!calledIn(d).every((c) => c !== name && (pure.has(c) || known.has(c)))) {
      pure.delete(name);
      dropped = true;
    }
  }
  return pure;
}

/** A type name in parentheses before an operand (`(mask_t)1`, `(unsigned long)(x)`), not a parameter: a cast. */
const CAST = /\(\s*((?:(?:const|unsigned|signed|struct|long)\s+)*[A-Za-z_]\w*)\s*\**\s*\)(?=\s*[\w(])/g;

/** The body without its casts (their type names are no values read). */
function withoutCasts(d: ValueMacro): string {
  return d.body.replace(CAST, (cast, type: string) => (d.params.includes(type.trim()) ? cast : ' '));
}

/** The value macros of the project's headers, by name. */
export function headerValueMacros(sources: readonly { path: string; text: string }[]): [string, ValueMacro][] {
  return [...valueMacros(sources.filter((s) => s.path.endsWith('.h')).flatMap((s) => functionMacrosIn(s.text)))];
}

/** How deep value macros are expanded inside one another. */
const MAX_EXPANSION_DEPTH = 8;

/**
 * `text` with the value macros it invokes expanded (arguments in parentheses), whitespace made single spaces; undefined
 * when an invocation cannot be read (unbalanced, wrong number of arguments) or expansions nest too deep.
 */
export function expandValueMacros(text: string, macros: ReadonlyMap<string, ValueMacro>, depth = 0): string | undefined {
  if (depth > MAX_EXPANSION_DEPTH) return undefined;
  let out = '';
  let at = 0;
  const call = /\b([A-Za-z_]\w*)\s*\(/g;
  for (let m = call.exec(text); m; m = call.exec(text)) {
    const macro = macros.get(m[1]!);
    if (!macro) continue;
    const args = argumentsFrom(text, m.index + m[0].length);
    if (!args || args.list.length !== macro.params.length) return undefined;
    const expandedArgs: string[] = [];
    for (const a of args.list) {
      const e = expandValueMacros(a, macros, depth + 1);
      if (e === undefined) return undefined;
      expandedArgs.push(e);
    }
    const substituted = macro.body.replace(/\b[A-Za-z_]\w*\b/g, (w, offset: number) => {
      const i = macro.params.indexOf(w);
      const isField = /(?:->|\.)\s*$/.test(macro.body.slice(0, offset));
      return i < 0 || isField ? w : `(${expandedArgs[i]})`;
    });
    const body = expandValueMacros(substituted, macros, depth + 1);
    if (body === undefined) return undefined;
    out += `${text.slice(at, m.index)}(${body})`;
    at = args.end;
    call.lastIndex = args.end;
  }
  return withoutNameParentheses((out + text.slice(at)).replace(/\s+/g, ' ').trim());
}

/**
 * `((c))->specified` as `c->specified`: a name (or a name's field) alone in parentheses, not a call's arguments, loses
 * them, so that the expansion names `c->specified` as an assignment to it does.
 */
function withoutNameParentheses(text: string): string {
  for (let before = ''; before !== text; ) {
    before = text;
    text = text.replace(/(^|[^\w\s]|[^\w]\s)\(\s*([A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*)*)\s*\)(?!\s*[\w(])/g, '$1$2');
  }
  return text;
}

/** The arguments of a call whose `(` ends just before `from`, split at top-level commas, and the index past its `)`. */
function argumentsFrom(text: string, from: number): { list: string[]; end: number } | undefined {
  const list: string[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (c === ')') {
      list.push(text.slice(start, i).trim());
      return { list: list.length === 1 && list[0] === '' ? [] : list, end: i + 1 };
    } else if (c === ',' && depth === 0) {
      list.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return undefined;
}

/**
 * The argument a call's value is, where the callee passes one through unchanged but for a branch hint or a cast
 * (`nxt_slow_path(x)` = `nxt_expect(0, x)` = `__builtin_expect((long) (x), (0))`, `likely(x)`, `__builtin_expect(x, 0)`):
 * its index; undefined for any other callee.
 */
export function passedThrough(callee: string, macros: ReadonlyMap<string, ValueMacro> | undefined, depth = 0): number | undefined {
  if (callee === '__builtin_expect') return 0;
  const macro = macros?.get(callee);
  if (!macro || depth > MAX_EXPANSION_DEPTH) return undefined;
  let body = macro.body.trim();
  for (let before = ''; before !== body; ) {
    before = body;
    // (`!!(x)` keeps the truth of `x`, all a test reads of it)
    body = body.replace(CAST, (cast, type: string) => (macro.params.includes(type.trim()) ? cast : '')).replace(/^!!/, '').trim();
    if (body.startsWith('(') && argumentsFrom(body, 1)?.end === body.length) body = body.slice(1, -1).trim();
  }
  const param = macro.params.indexOf(body);
  if (param >= 0) return param;
  const call = /^([A-Za-z_]\w*)\s*\(/.exec(body);
  const args = call ? argumentsFrom(body, call[0].length) : undefined;
  if (!call || !args || args.end !== body.length) return undefined;
  const inner = passedThrough(call[1]!, macros, depth + 1);
  if (inner === undefined) return undefined;
  const passed = args.list[inner]!.replace(CAST, (cast, type: string) => (macro.params.includes(type.trim()) ? cast : '')).trim().replace(/^!!\s*/, '').replace(/^\(\s*([A-Za-z_]\w*)\s*\)$/, '$1').trim();
  const index = macro.params.indexOf(passed);
  return index >= 0 ? index : undefined;
}
