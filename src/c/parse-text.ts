/**
 * The text handed to the C parser: the file with the macros the grammar cannot place made readable, every byte
 * offset and line kept (same-length rewrites, as unixBranchOnly and the selection's blanking do), in one linear
 * pass over the text (no second parse).
 *
 * - Annotation macros: a macro that the project (a header) or the file defines as nothing but attributes
 *   (`#define FAST_FUNC __attribute__((regparm(3)))`, `#define NORETURN __attribute__((__noreturn__))`,
 *   `#define ALIGN1 __attribute__((aligned(1)))`, `#define THREAD_LOCAL __thread`, an empty `#define UNUSED_PARAM`,
 *   or another such macro) is blanked where it is used, as the compiler makes it vanish; a function-like one with
 *   its arguments (`ATTR_PRINTF(1, 2)`). The grammar reads `static int FAST_FUNC f(…)` or `void die(void) NORETURN;`
 *   as errors. (What the words said is still read from the file's own text: noreturn markers, frontend.ts.)
 * - Iteration macros: a call at statement position inside a function body directly followed by a block
 *   (`TAILQ_FOREACH(ifp, ifs, next) {`, `list_for_each_entry(pos, head, member) {`), or a call of a macro whose
 *   definition ends in a `for (…)`/`while (…)` head followed by any statement: the grammar reads a call missing its
 *   `;` then a block that always runs. It is a loop whose body runs zero or more times: the head is rewritten as
 *   `while(_____(ifp, ifs, next)) {`, the arguments in place and still read, as a call of a name that means
 *   nothing (`_…`) whose result decides each round.
 * - Loop-head macros: `for (ALL_ELEMENTS(list, node, next, data))`, a macro that expands to the three parts of a
 *   `for` head, is rewritten the same way (`while(____ELEMENTS(list, node, next, data))`).
 */
import { branchesLeftOut } from './unix-build.js';
import type { MacroDefinition } from './control-macros.js';
import { perText } from '../text-memory.js';
import { matchingParen } from './split.js';
import { directiveEnd, isIdentPart, isIdentStart, isSpaceInLine, literalEnd } from './lexing.js';

/** What a macro definition means for the parse: attributes only, a loop head, or neither. */
export type MacroShape = 'annotation' | 'iteration';

const ATTRIBUTE_WORDS = new Set(['__attribute__', '__attribute', '__declspec', '_Alignas', 'alignas']);
const QUALIFIER_WORDS = new Set(['__thread', '_Thread_local', 'thread_local', 'inline', '__inline', '__inline__', '__forceinline', '_Noreturn', '__extension__']);

/**
 * `annotation`: the body is empty (object-like macros only) or only attributes (`__attribute__((…))`,
 * `__declspec(…)`, `[[…]]`, `__thread`, `inline`) and names of other annotation macros (`annotations`, or any
 * upper-case name when `annotations` is not given: decided where used), and calls of annotation macros with their
 * arguments (of any name when `annotations` is not given and `calls` is: a candidate the fixpoint decides).
 * `iteration`: the body ends in a `for (…)` or `while (…)` head (the invocation's statement is its body).
 */
export function macroShape(definition: MacroDefinition, annotations?: ReadonlySet<string>, calls = false): MacroShape | undefined {
  const body = definition.body.replace(/\\\r?\n/g, ' ').replace(/\/\*[\s\S]*?(?:\*\/|$)|\/\/.*$/gm, ' ').trim();
  if (!body) return definition.params === undefined ? 'annotation' : undefined;
  if (/(?:^|[\s;{}])(?:for|while)\s*\(/.test(body) && endsInLoopHead(body)) return 'iteration';
  let i = 0;
  let words = 0;
  while (i < body.length) {
    const ws = /^\s+/.exec(body.slice(i));
    if (ws) {
      i += ws[0].length;
      continue;
    }
    if (body.startsWith('[[', i)) {
      const end = body.indexOf(']]', i);
      if (end < 0) return undefined;
      i = end + 2;
      words++;
      continue;
    }
    const word = /^[A-Za-z_]\w*/.exec(body.slice(i))?.[0];
    if (!word) return undefined;
    i += word.length;
    const open = body.slice(i).search(/\S/);
    const called = open >= 0 && body[i + open] === '(';
    if (ATTRIBUTE_WORDS.has(word)) {
      if (!called) return undefined;
      const close = matchingParen(body, i + open);
      if (close < 0) return undefined;
      i = close + 1;
    } else if (called && !QUALIFIER_WORDS.has(word) && (annotations ? annotations.has(word) : calls)) {
      // A function-like annotation macro invoked with its arguments (`#define scoped_fd scoped(close_fd)`, where
      // `scoped(f)` is `__attribute__((cleanup(f)))`): whatever its name's case, the least fixpoint (shapeMacros)
      // keeps it only once the name called is an annotation.
      const close = matchingParen(body, i + open);
      if (close < 0) return undefined;
      i = close + 1;
    } else if (!QUALIFIER_WORDS.has(word) && !(annotations ? annotations.has(word) : /^[A-Z_][A-Z0-9_]*$/.test(word))) return undefined;
    words++;
  }
  return words > 0 ? 'annotation' : undefined;
}

/** `for (x = a; x; x = x->next)` or `… while (cond)` at the end of a body, its parentheses balanced. */
function endsInLoopHead(body: string): boolean {
  if (!body.endsWith(')')) return false;
  let depth = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    if (body[i] === ')') depth++;
    else if (body[i] === '(' && --depth === 0) return /(?:^|[\s;{}])(?:for|while)\s*$/.test(body.slice(0, i)) && !/\bdo\b/.test(body.slice(0, i));
  }
  return false;
}

const DEFINE_AT = /#[ \t]*define[ \t]+([A-Za-z_]\w*)(\([^)\n]*\))?/g;

/**
 * The definitions in a text (a header, or the file itself) of the macros that shape the syntax: annotation and
 * iteration macros, of alternatives under `#if` the ones a Unix build compiles. Annotation bodies may name other
 * macros in upper case: which of those are annotations is decided where the macros are used (`shapeMacros`).
 */
export const shapeMacrosIn = perText((text: string): [string, MacroDefinition][] => {
  if (!text.includes('define')) return [];
  let leftOut: [number, number][] | undefined;
  const found: [string, MacroDefinition][] = [];
  const calling: [string, MacroDefinition][] = [];
  // (A search for `#…define` then a look back to the line's start: a `^`-anchored search is slow over blanked text.)
  for (const m of text.matchAll(DEFINE_AT)) {
    let start = m.index;
    while (start > 0 && (text.charCodeAt(start - 1) === 32 || text.charCodeAt(start - 1) === 9)) start--;
    if (start > 0 && text.charCodeAt(start - 1) !== 10) continue;
    const [, name, params] = m;
    const bodyStart = m.index + m[0].length;
    const bodyEnd = directiveEnd(text, bodyStart);
    const definition: MacroDefinition = { params: params === undefined ? undefined : params.slice(1, -1).split(',').map((p) => p.trim()).filter(Boolean), body: text.slice(bodyStart, bodyEnd).trim() };
    const shaped = macroShape(definition) !== undefined;
    if (!shaped && !macroShape(definition, undefined, true)) continue;
    leftOut ??= branchesLeftOut(text);
    if (leftOut.some(([from, to]) => start >= from && start < to)) continue;
    (shaped ? found : calling).push([name!, definition]);
  }
  // A body that calls another macro (`#define scoped_fd scoped(close_fd)`) is kept only when the text defines the
  // macro it calls as an annotation: any function-like wrapper would do otherwise (`#define xfree(p) free(p)`).
  if (calling.length) {
    const { annotations } = shapeMacros(new Map([...found, ...calling]));
    for (const entry of calling) if (annotations.has(entry[0])) found.push(entry);
  }
  return found;
});

/**
 * The annotation and iteration macros among `definitions` (the project's headers' and the file's own), names in an
 * annotation body checked to be annotations themselves (`#define MAIN_EXTERNALLY_VISIBLE EXTERNALLY_VISIBLE`).
 */
function shapeMacros(definitions: ReadonlyMap<string, MacroDefinition>): { annotations: Map<string, MacroDefinition>; iterations: Set<string> } {
  const candidates = new Map<string, MacroDefinition>();
  const iterations = new Set<string>();
  for (const [name, d] of definitions) {
    const shape = macroShape(d, undefined, true);
    if (shape === 'annotation') candidates.set(name, d);
    else if (shape === 'iteration' && d.params !== undefined) iterations.add(name);
  }
  // The least fixpoint: a body that names other macros is an annotation once those are, so that a macro defined as
  // itself (`#define SHUT_WR SHUT_WR`) or two defined as each other (`O_NONBLOCK`, `O_NDELAY`) are not.
  const annotations = new Map<string, MacroDefinition>();
  for (let added = true; added; ) {
    added = false;
    const names = new Set(annotations.keys());
    for (const [name, d] of candidates) {
      if (annotations.has(name) || macroShape(d, names) !== 'annotation') continue;
      annotations.set(name, d);
      added = true;
    }
  }
  return { annotations, iterations };
}

const NO_SHAPES = { annotations: new Map<string, MacroDefinition>(), iterations: new Set<string>() };
/** The last few sets of definitions read, by their text: the files of one project share their headers' macros. */
const shapesKept = new Map<string, ReturnType<typeof shapeMacros>>();

function shapesOf(definitions: ReadonlyMap<string, MacroDefinition>): ReturnType<typeof shapeMacros> {
  if (!definitions.size) return NO_SHAPES;
  let key = '';
  for (const [name, d] of definitions) key += `${name}\0${d.params?.join(',') ?? '\u0001'}\0${d.body}\0`;
  let shapes = shapesKept.get(key);
  if (!shapes) {
    shapes = shapeMacros(definitions);
    shapesKept.set(key, shapes);
    if (shapesKept.size > 4) shapesKept.delete(shapesKept.keys().next().value!);
  }
  return shapes;
}

const NOT_CALLS = new Set([
  'if', 'while', 'for', 'switch', 'return', 'sizeof', 'do', 'else', 'case', 'default', 'goto', 'typeof', '__typeof__', '__typeof',
  '_Alignof', 'alignof', '__alignof__', 'offsetof', 'defined', '__attribute__', '__attribute', '__asm__', '__asm', 'asm', '_Generic',
  '_Static_assert', 'static_assert', 'va_arg', '__builtin_offsetof', '__extension__',
]);
const LOOP_HEAD_WORDS = new Set(['if', 'while', 'for', 'switch']);
/** A type written as a call's argument: qualifiers, `struct`/`union`/`enum` or a built-in type, a name, stars. */
const TYPE_ARGUMENT = /^([ \t]*)((?:(?:const|volatile|struct|union|enum|unsigned|signed|long|short)[ \t]+)*)([A-Za-z_]\w*)((?:[ \t]*\*)*)([ \t]*)$/;
const PRIMITIVE_TYPES = new Set(['char', 'short', 'int', 'long', 'float', 'double', 'void', '_Bool', 'unsigned', 'signed']);

/**
 * The text to parse: `source` with annotation macros blanked and iteration macros' heads made loops (see above).
 * `project`: macro definitions of the project's headers (those that shape the syntax among them); the file's own
 * `#define`s are read here. Returns `source` itself when nothing changes.
 */
export function parseReadyText(source: string, project: ReadonlyMap<string, MacroDefinition> = new Map()): string {
  const own = shapeMacrosIn(source);
  const definitions = own.length ? new Map([...project, ...own]) : project;
  const { annotations, iterations } = shapesOf(definitions);
  /** Same-length replacements, applied at the end in order of place (one that overlaps an earlier one is dropped). */
  const edits: [number, number, string][] = [];
  const replace = (start: number, end: number, text: string): void => {
    edits.push([start, end, text]);
  };
  let loopCall = false;
  // Look-aheads over a call's arguments, bounded in all to a few times the file's length (hostile input stays linear).
  const budget = { left: 4 * source.length + 4096 };
  const n = source.length;
  /** Brace kinds: a function body (or a block inside one), or anything else (struct, initializer, `extern "C"`). */
  const braces: boolean[] = [];
  /** Each open parenthesis: whether it opens the head of an if/while/for/switch, or a call's arguments inside a function body (and where the current argument starts). */
  const parens: { head: boolean; call: boolean; arg: number }[] = [];
  /** A call's argument that is a type (`list_entry(p, struct item, link)`, `va_arg(ap, char *)`): one name instead. */
  const typeArgument = (start: number, end: number): void => {
    if (end - start > 120) return;
    const text = source.slice(start, end);
    const m = TYPE_ARGUMENT.exec(text);
    if (!m || !(m[2] || m[4] || PRIMITIVE_TYPES.has(m[3]!))) return;
    const from = start + m[1]!.length;
    const to = end - m[5]!.length;
    replace(from, to, source.slice(from, to).replace(/[\s*]/g, '_'));
  };
  // The previous significant token: ';', '{', '}', ':', ')', 'head)' (the close of a statement head), a word, or other.
  let prev = ';';
  let prevWord = '';
  let lineStart = true;
  let i = 0;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      i++;
      continue;
    }
    if (isSpaceInLine(c)) {
      i++;
      continue;
    }
    if (c === 35 /* # */ && lineStart) {
      i = directiveEnd(source, i);
      continue;
    }
    if (c === 47 /* / */ && source.charCodeAt(i + 1) === 42) {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === 47 && source.charCodeAt(i + 1) === 47) {
      i = endOfLineComment(source, i);
      continue;
    }
    lineStart = false;
    if (c === 34 || c === 39) {
      i = literalEnd(source, i);
      prev = 'other';
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(source.charCodeAt(j))) j++;
      const word = source.slice(i, j);
      const annotation = annotations.get(word);
      if (annotation) {
        if (annotation.params === undefined) {
          replace(i, j, ' '.repeat(j - i));
          i = j;
          continue;
        }
        const open = nextSignificant(source, j);
        if (source.charCodeAt(open) === 40) {
          const close = closingParen(source, open, budget);
          if (close > 0) {
            replace(i, close + 1, blank(source.slice(i, close + 1)));
            i = close + 1;
            continue;
          }
        }
      }
      const inBody = braces.length > 0 && braces[braces.length - 1]!;
      if (inBody && word === 'for') {
        const head = macroForHead(source, i, j, budget);
        if (head) replace(i, head.nameEnd, head.text);
      }
      if (inBody && !NOT_CALLS.has(word) && (prev === ';' || prev === '{' || prev === '}' || prev === ':' || prev === 'head)' || (prev === 'word' && (prevWord === 'else' || prevWord === 'do')))) {
        const loop = loopHead(source, i, j, iterations.has(word), budget);
        if (loop) {
          // The arguments are scanned on as a call's (types among them made names), then closed as a loop's head.
          replace(i, j, loop.head);
          replace(loop.close, loop.close + 1, ')');
          loopCall = true;
        }
      }
      prev = 'word';
      prevWord = word;
      i = j;
      continue;
    }
    switch (c) {
      case 123 /* { */:
        braces.push((braces.length > 0 && braces[braces.length - 1]!) || prev === ')' || prev === 'head)');
        prev = '{';
        break;
      case 125 /* } */:
        // A `}` that starts a line ends a function or a file-level definition: braces an `#if` doubled are forgotten.
        if (i === 0 || source.charCodeAt(i - 1) === 10) braces.length = 0;
        else braces.pop();
        prev = '}';
        break;
      case 40 /* ( */:
        parens.push({
          head: loopCall || (prev === 'word' && LOOP_HEAD_WORDS.has(prevWord)),
          call: prev === 'word' && (!NOT_CALLS.has(prevWord) || prevWord === 'va_arg') && braces.length > 0 && braces[braces.length - 1]!,
          arg: i + 1,
        });
        loopCall = false;
        prev = '(';
        break;
      case 41 /* ) */:
        {
          const p = parens.pop();
          if (p?.call) typeArgument(p.arg, i);
          prev = p?.head ? 'head)' : ')';
        }
        break;
      case 59 /* ; */:
        prev = ';';
        break;
      case 44 /* , */: {
        const p = parens[parens.length - 1];
        if (p?.call) {
          typeArgument(p.arg, i);
          p.arg = i + 1;
        }
        prev = 'other';
        break;
      }
      case 58 /* : */:
        prev = source.charCodeAt(i + 1) === 58 ? 'other' : ':';
        break;
      default:
        prev = 'other';
    }
    i++;
  }
  if (!edits.length) return source;
  edits.sort((a, b) => a[0] - b[0]);
  const out: string[] = [];
  let copied = 0;
  for (const [start, end, text] of edits) {
    if (start < copied) continue;
    out.push(source.slice(copied, start), text);
    copied = end;
  }
  out.push(source.slice(copied));
  return out.join('');
}

/**
 * `for (ALL_ELEMENTS(list, node, next, data))`: a `for` whose parentheses hold one call and no `;` is no C: the macro
 * expands to the three parts of the head (`node = list->head; node; node = next`). The loop runs its body zero or
 * more times: `for (NAME` is rewritten as `while(____`, the arguments kept in place and read, as a call whose result
 * decides each round. Undefined when the head is anything else, or too short to rewrite.
 */
function macroForHead(source: string, start: number, forEnd: number, budget: { left: number }): { nameEnd: number; text: string } | undefined {
  const open = nextSignificant(source, forEnd);
  if (source.charCodeAt(open) !== 40) return undefined;
  const name = nextSignificant(source, open + 1);
  if (name >= source.length || !isIdentStart(source.charCodeAt(name))) return undefined;
  let nameEnd = name + 1;
  while (nameEnd < source.length && isIdentPart(source.charCodeAt(nameEnd))) nameEnd++;
  const args = nextSignificant(source, nameEnd);
  if (source.charCodeAt(args) !== 40) return undefined;
  const close = closingParen(source, args, budget);
  if (close < 0 || source.charCodeAt(nextSignificant(source, close + 1)) !== 41) return undefined;
  const length = nameEnd - start;
  if (length < 7 || /[\n/]/.test(source.slice(forEnd, name))) return undefined;
  return { nameEnd, text: `while(${'_'.repeat(length - 6)}` };
}

/**
 * At a call at statement position (`name` from `start` to `nameEnd`): the loop head it stands for, when its
 * arguments are followed by a block (or, for a known iteration macro, by any statement): what replaces the name, and
 * the place of the `)` that closes the head (a space or tab before the body).
 */
function loopHead(source: string, start: number, nameEnd: number, iteration: boolean, budget: { left: number }): { head: string; close: number } | undefined {
  let open = nameEnd;
  while (source.charCodeAt(open) === 32 || source.charCodeAt(open) === 9) open++;
  if (source.charCodeAt(open) !== 40) return undefined; // `name(` or `name (` on one line
  const close = closingParen(source, open, budget);
  if (close < 0) return undefined;
  const next = nextSignificant(source, close + 1);
  if (next >= source.length) return undefined;
  const block = source.charCodeAt(next) === 123;
  if (!block && !(iteration && /[A-Za-z_({*&+\-!~]/.test(source[next]!))) return undefined;
  const nameLength = nameEnd - start;
  // `while(` then a name of underscores to the argument list, and one more `)` in the space before the body.
  const gap = source.slice(close + 1, next);
  const room = gap.search(/[ \t]/);
  if (nameLength < 7 || room < 0 || /\/[*/]/.test(gap.slice(0, room))) return undefined;
  const head = `while(${'_'.repeat(nameLength - 6)}`;
  return { head, close: close + 1 + room };
}

function blank(text: string): string {
  return text.replace(/[^\n\r]/g, ' ');
}

function endOfLineComment(source: string, i: number): number {
  const n = source.length;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 10) return i;
    if (c === 92 && source.charCodeAt(i + 1) === 10) i += 2;
    else i++;
  }
  return n;
}

/** The offset of the next character that is not space or a comment. */
function nextSignificant(source: string, i: number): number {
  const n = source.length;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) i++;
    else if (c === 47 && source.charCodeAt(i + 1) === 42) {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === 47 && source.charCodeAt(i + 1) === 47) i = endOfLineComment(source, i);
    else return i;
  }
  return n;
}

/**
 * The `)` that closes the `(` at `open`, strings and comments skipped; -1 when none, when a `;`, `{` or `}` comes
 * first (no macro call's arguments: a statement), or when the look-ahead budget of the file is spent.
 */
function closingParen(source: string, open: number, budget: { left: number }): number {
  const n = source.length;
  let depth = 0;
  const start = open;
  let i = open;
  while (i < n) {
    if (i - start > budget.left) {
      budget.left = 0;
      return -1;
    }
    const c = source.charCodeAt(i);
    if (c === 34 || c === 39) {
      i = literalEnd(source, i);
      continue;
    }
    if (c === 47 && (source.charCodeAt(i + 1) === 42 || source.charCodeAt(i + 1) === 47)) {
      i = nextSignificant(source, i);
      continue;
    }
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) {
      budget.left -= i - start;
      return i;
    }
    else if (c === 123 || c === 125 || c === 59) break;
    i++;
    if (depth === 0) break;
  }
  budget.left -= i - start;
  return -1;
}
