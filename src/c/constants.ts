/**
 * Numeric constants a C file can name: object-like macros defined as a number (`#define PR_ROOT_UID 0`,
 * `#define NOBODY_UID (65534U)`, `#define ROOT ROOT_UID` of one already known) and enumeration members
 * (`enum { ROOT_ID, DAEMON_ID = 2 }`), read from the text of the branches a Unix build compiles (the `#else` of a
 * `#ifdef __CYGWIN__` that gives root another id). A name given two different values is left out: which one holds
 * depends on the build.
 */
import { perText } from '../text-memory.js';
import { unixBranchOnly } from './preprocess.js';
import { blankedKeepingLines } from '../line-index.js';

/** A number as C writes it: decimal, hex or octal, with integer suffixes, a sign, parentheses and a cast to an id type. */
export function numberOf(text: string, known: ConstantLookup): number | undefined {
  let t = text.trim();
  for (let previous = ''; previous !== t; ) {
    previous = t;
    t = t.replace(/^\((.*)\)$/s, '$1').trim();
    // `(uid_t)0`, `(gid_t) -1`, `(unsigned int)0`
    t = t.replace(/^\(\s*(?:unsigned\s+|signed\s+)?[A-Za-z_]\w*\s*\)\s*(?=[-+(\w])/, '').trim();
  }
  const sign = /^[-+]/.test(t) ? (t[0] === '-' ? -1 : 1) : 1;
  if (/^[-+]/.test(t)) t = t.slice(1).trim().replace(/^\((.*)\)$/s, '$1').trim();
  const literal = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)[uUlL]*$/.exec(t);
  if (literal) {
    const digits = literal[1]!;
    const value = /^0[xX]/.test(digits) ? parseInt(digits, 16) : /^0\d/.test(digits) ? parseInt(digits, 8) : Number(digits);
    return Number.isSafeInteger(value) ? sign * value : undefined;
  }
  if (/^[A-Za-z_]\w*$/.test(t) && known.has(t)) return sign * known.get(t)!;
  // `(1u << 4)`, `(M_FATAL | M_ERRNO)`: an expression of numbers and known names.
  const value = /[|&^<>+\-*~]/.test(t) ? integerExpression(text, known) : undefined;
  return value;
}

/** The operators of a constant integer expression, by precedence level (lowest first). */
const BINARY_LEVELS: readonly (readonly string[])[] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
const TOKEN = /\s*(0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|[A-Za-z_]\w*|<<|>>|[|^&+\-*/%~!()])/y;

/**
 * What `integerExpression`'s parser throws at the first thing that is not a constant: one object, made once (an
 * error made at each throw records the stack, and most of a large tree's macros are no constant).
 */
const NOT_CONSTANT = new RangeError('not a constant');

/**
 * The value of a constant integer expression over numbers and `known` names (`(1u << 4) | M_ERRNO`), or undefined
 * when it names anything else, casts, or leaves the safe integers. Shifts stay below 32 bits, as C's int would.
 */
function integerExpression(text: string, known: ConstantLookup): number | undefined {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) tokens.push(m[1]!);
  // Every character read as a token (the sticky scan stops at the first that is none: a string, a cast's type).
  if (!tokens.length || tokens.join('').length !== text.replace(/\s+/g, '').length) return undefined;
  let at = 0;
  const fail = (): never => {
    throw NOT_CONSTANT;
  };
  const primary = (): number => {
    const t = tokens[at++] ?? fail();
    if (t === '(') {
      const v = binary(0);
      if (tokens[at++] !== ')') fail();
      return v;
    }
    if (t === '-') return -primary();
    if (t === '+') return primary();
    if (t === '~') return ~primary();
    if (t === '!') return primary() === 0 ? 1 : 0;
    // A name or a number; an operator out of place (`*`, `a | | b`) is none (and numberOf would read it as an
    // expression again, without end).
    const n = /^[A-Za-z_]/.test(t) ? known.get(t) : /^\d/.test(t) ? numberOf(t, known) : undefined;
    return n ?? fail();
  };
  const apply = (op: string, a: number, b: number): number => {
    switch (op) {
      case '|': return a | b;
      case '^': return a ^ b;
      case '&': return a & b;
      case '<<': return b >= 0 && b < 31 ? a * 2 ** b : fail();
      case '>>': return b >= 0 && b < 32 ? a >> b : fail();
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/': return b === 0 ? fail() : Math.trunc(a / b);
      default: return b === 0 ? fail() : a % b;
    }
  };
  const binary = (level: number): number => {
    if (level === BINARY_LEVELS.length) return primary();
    let v = binary(level + 1);
    while (at < tokens.length && BINARY_LEVELS[level]!.includes(tokens[at]!)) {
      const op = tokens[at++]!;
      v = apply(op, v, binary(level + 1));
    }
    return v;
  };
  try {
    const v = binary(0);
    return at === tokens.length && Number.isSafeInteger(v) ? v : undefined;
  } catch (e) {
    // (An expression nested deeper than the stack allows is none either.)
    if (e === NOT_CONSTANT || e instanceof RangeError) return undefined;
    throw e;
  }
}

/** What a constant expression's names are read from. */
export interface ConstantLookup {
  has(name: string): boolean;
  get(name: string): number | undefined;
}

const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([^\n]*?)[ \t]*$/gm;
const ENUM_BODY = /\benum\b\s*(?:[A-Za-z_]\w*\s*)?\{([^{}]*)\}/g;

/** Comments out of the way (kept as spaces so that nothing else moves). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, blankedKeepingLines);
}

/** The code a Unix build compiles, without comments (kept per text in an editor's host: edit after edit, most files are unchanged). */
const unixCode = perText((text: string): string => withoutComments(unixBranchOnly(text)));

/**
 * The numeric constants a file defines, given those already known from elsewhere (its headers), which it may
 * refer to. Returns the file's own; names it defines twice with different values are left out.
 */
export function numericConstants(text: string, known: ReadonlyMap<string, number> = new Map()): Map<string, number> {
  return definesConstants(text) ? constantsOfCode(unixCode(text), known) : new Map();
}

/** Whether a text can define a constant at all (a directive or an enumeration). */
function definesConstants(text: string): boolean {
  return text.includes('#') || text.includes('enum');
}

/** `numericConstants` of a text's code as a Unix build compiles it, comments blanked (`unixCode`). */
function constantsOfCode(code: string, known: ReadonlyMap<string, number>): Map<string, number> {
  // The file's own values (null: defined twice, differently) over those known: a name the file defines hides the known one.
  const found = new Map<string, number | null>();
  const lookup: ConstantLookup = {
    has: (name) => (found.has(name) ? found.get(name) !== null : known.has(name)),
    get: (name) => (found.has(name) ? found.get(name) ?? undefined : known.get(name)),
  };
  // How many names the lookup answers, less known's: the rounds below end when it stays.
  let answered = 0;
  const record = (name: string, value: number | undefined): void => {
    if (value === undefined) return;
    const before = found.get(name);
    if (before === undefined) {
      found.set(name, value);
      if (!known.has(name)) answered++;
    } else if (before !== value) {
      found.set(name, null);
      if (before !== null) answered--;
    }
  };
  // Macros may name each other in any order: a few rounds settle the aliases.
  const defines = [...code.matchAll(DEFINE)].map((m) => [m[1]!, m[2]!.replace(/\\$/, '').trim()] as const).filter(([, v]) => v !== '');
  for (let round = 0; round < 3; round++) {
    const size = answered;
    for (const [name, value] of defines) if (!found.has(name)) record(name, numberOf(value, lookup));
    if (answered === size) break;
  }
  for (const [name, value] of defines) if (found.get(name) !== null) {
    const v = numberOf(value, lookup);
    if (v !== undefined && v !== found.get(name)) record(name, v);
  }
  if (code.includes('enum')) {
    for (const m of code.matchAll(ENUM_BODY)) {
      let next: number | undefined = 0;
      for (const member of m[1]!.split(',')) {
        const e = /^\s*([A-Za-z_]\w*)\s*(?:=\s*([\s\S]+?))?\s*$/.exec(member);
        if (!e) continue;
        const value: number | undefined = e[2] !== undefined ? numberOf(e[2], lookup) : next;
        record(e[1]!, value);
        next = value === undefined ? undefined : value + 1;
      }
    }
  }
  const out = new Map<string, number>();
  for (const [name, value] of found) if (value !== null) out.set(name, value);
  return out;
}

/**
 * The numeric constants of a project's headers: names defined the same way wherever they are defined (a name
 * two headers give different values is left out).
 */
export function headerNumericConstants(headers: Iterable<{ path: string; text: string }>): Map<string, number> {
  return new Map(headerConstantsOf(headers).constants);
}

/**
 * The numeric constants a file of the unit can name from its project's headers: those every header agrees on,
 * and, of the names two headers give different values (`M_ERR` of a program and of its Windows service), the value
 * the headers of the file's own directory agree on.
 */
export function headerNumericConstantsFor(headers: Iterable<{ path: string; text: string }>): (file: string) => ReadonlyMap<string, number> {
  const { constants, byDirectory } = headerConstantsOf(headers);
  if (!byDirectory.size) return () => constants;
  const perDirectory = new Map<string, Map<string, number>>();
  return (file) => {
    const dir = directoryOf(file);
    const own = byDirectory.get(dir);
    if (!own) return constants;
    let map = perDirectory.get(dir);
    if (!map) perDirectory.set(dir, (map = new Map([...constants, ...own])));
    return map;
  };
}

function directoryOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

interface HeaderConstants {
  constants: Map<string, number>;
  /** Of the names headers disagree on, the values each directory's headers agree on. */
  byDirectory: Map<string, Map<string, number>>;
}

function headerConstantsOf(headers: Iterable<{ path: string; text: string }>): HeaderConstants {
  const list = [...headers].filter((h) => h.path.endsWith('.h') && (/#[ \t]*define/.test(h.text) || h.text.includes('enum')));
  // The same headers as last time (an edit of a .c file in an editor's host): the same constants.
  if (lastHeaders && lastHeaders.list.length === list.length && lastHeaders.list.every((h, i) => h.path === list[i]!.path && h.text === list[i]!.text)) return lastHeaders.found;
  const found = computeHeaderConstants(list);
  lastHeaders = { list, found };
  return found;
}

let lastHeaders: { list: { path: string; text: string }[]; found: HeaderConstants } | undefined;

function computeHeaderConstants(list: { path: string; text: string }[]): HeaderConstants {
  const merged = new Map<string, number | null>();
  // Two passes: a header may name constants another header defines.
  let known = new Map<string, number>();
  let own: [string, Map<string, number>][] = [];
  // Each header's code read once for both passes.
  const codes = list.map((h) => (definesConstants(h.text) ? unixCode(h.text) : undefined));
  for (let pass = 0; pass < 2; pass++) {
    merged.clear();
    own = list.map((h, i) => [h.path, codes[i] === undefined ? new Map() : constantsOfCode(codes[i], known)]);
    for (const [, constants] of own) for (const [name, value] of constants) {
      const before = merged.get(name);
      merged.set(name, before === undefined || before === value ? value : null);
    }
    known = new Map([...merged].filter((e): e is [string, number] => e[1] !== null));
  }
  const byDirectory = new Map<string, Map<string, number | null>>();
  for (const [path, constants] of own) for (const [name, value] of constants) {
    if (merged.get(name) !== null) continue;
    const dir = directoryOf(path);
    let values = byDirectory.get(dir);
    if (!values) byDirectory.set(dir, (values = new Map()));
    const before = values.get(name);
    values.set(name, before === undefined || before === value ? value : null);
  }
  const agreed = new Map<string, Map<string, number>>();
  for (const [dir, values] of byDirectory) {
    const kept = new Map([...values].filter((e): e is [string, number] => e[1] !== null));
    if (kept.size) agreed.set(dir, kept);
  }
  return { constants: known, byDirectory: agreed };
}

/** The constants of `known` among the names a file uses (`wordsOf` its text): what its analysis needs of its project's headers. */
export function constantsUsedBy(words: Iterable<string>, known: ReadonlyMap<string, number>): [string, number][] {
  if (!known.size) return [];
  const out: [string, number][] = [];
  for (const w of words) {
    const v = known.get(w);
    if (v !== undefined) out.push([w, v]);
  }
  return out;
}
