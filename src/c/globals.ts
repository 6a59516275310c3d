/**
 * File-scope variables that nothing in the project ever sets: constants in all but name. `static int lenient;`
 * (or `int fallback = 0;`) that no code assigns, increments or takes the address of keeps its initial value for
 * the life of the process, so a test of it always goes the same way: a failure branch that goes on only "if
 * (lenient)" always ends. Read from the text of every file of the unit (the whole project, its parsed and its
 * unparsed functions, its headers and the branches of every `#if`), so that an assignment anywhere — in code of
 * another program of the same project, behind a build option, in a macro — keeps the variable a variable. A name
 * defined twice with different initial values, or with one that is not a number, is left out.
 */
import { perText } from '../text-memory.js';
import { numberOf, numericConstants } from './constants.js';
import { blankedKeepingLines } from '../line-index.js';

/**
 * What one file defines: the scalar variables it defines at file scope (with the text of their initialiser), and
 * its function-like macros that set what they are given (`#define SET(x) ((x) = 1)`).
 */
interface FileDefinitions {
  defined: [string, string | undefined][];
  setters: string[];
}

/** Where a file's braces, directives and file-scope statements are (comments and literals skipped). */
interface Scanned {
  /** Offsets of `{` and `}` outside comments, literals and directives, in order. */
  opens: number[];
  closes: number[];
  /** [start, end) of each preprocessor directive (with its continuation lines). */
  directives: [number, number][];
  /** [start, end) of the text at brace depth 0 between `;`, `{` and `}`, ending at a `;`. */
  statements: [number, number][];
}

/** Comments, string and character literals blanked (kept as spaces, newlines kept), so that nothing else moves. */
function blankLiterals(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'/g, blankedKeepingLines);
}

/** Comments, literals, directives (skipped, directives kept as ranges), and the punctuation that tells scopes and statements. */
const TOKENS = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'|^[ \t]*#(?:[^\n\\]|\\[\s\S])*|[{};]/gm;

/** One pass of the regular-expression engine over the text: braces, directives and file-scope statements found. */
function scan(text: string): Scanned {
  const opens: number[] = [];
  const closes: number[] = [];
  const directives: [number, number][] = [];
  const statements: [number, number][] = [];
  let depth = 0;
  let from = 0;
  for (const m of text.matchAll(TOKENS)) {
    const i = m.index;
    const c = m[0];
    if (c === '{') {
      opens.push(i);
      if (depth++ === 0) from = -1;
    } else if (c === '}') {
      closes.push(i);
      if (depth > 0) depth--;
      if (depth === 0) from = i + 1;
    } else if (c === ';') {
      if (depth > 0) continue;
      if (from >= 0) statements.push([from, i]);
      from = i + 1;
    } else if (c.trimStart().startsWith('#')) directives.push([i, i + c.length]);
  }
  return { opens, closes, directives, statements };
}

/** How many of the sorted offsets are below `at`. */
function countBelow(sorted: number[], at: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! < at) low = mid + 1;
    else high = mid;
  }
  return low;
}

function inDirective(s: Scanned, at: number): boolean {
  const i = countBelow(s.directives.map((r) => r[0]), at + 1) - 1;
  return i >= 0 && at < s.directives[i]![1];
}

/** Words that make a file-scope declaration no definition of a plain variable (or no declaration at all). */
const NOT_A_VARIABLE = new Set(['extern', 'typedef', 'struct', 'union', 'return', 'else', 'case', 'goto', 'sizeof', 'asm', '__asm__']);

/** Split on commas outside parentheses and braces. */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

/** `static int a = 0, b;` → [[a, '0'], [b, undefined]]; null for a declaration of anything but plain scalar variables. */
function scalarDefinitions(statement: string): [string, string | undefined][] | null {
  if (!statement || statement.includes('(') && !statement.includes('=')) return null;
  const parts = topLevelParts(statement);
  const first = /^((?:[A-Za-z_]\w*\s+)+)([A-Za-z_]\w*)\s*(?:=([\s\S]*))?$/.exec(parts[0] ?? '');
  if (!first) return null;
  const typeWords = first[1]!.trim().split(/\s+/);
  if (typeWords.some((w) => NOT_A_VARIABLE.has(w))) return null;
  const out: [string, string | undefined][] = [[first[2]!, first[3]]];
  for (const p of parts.slice(1)) {
    // A pointer, an array or a function: not a plain variable (its name alone says nothing of its value).
    const m = /^([A-Za-z_]\w*)\s*(?:=([\s\S]*))?$/.exec(p);
    if (m) out.push([m[1]!, m[2]]);
  }
  return out;
}

/** `name =`, `name += …`, `name <<= …` (not `==`); `name++`, `name--`; `(name) = …`. */
const SET_AFTER = /^[\s)]*(?:(?:[-+*/%&|^]|<<|>>)?=(?!=)|\+\+|--)/;
/** `++name`, `--name`, `&name` (not `&&`), `&(name)`. */
const SET_BEFORE = /(?:\+\+|--|(?<!&)&)[\s(]*$/;

function definitions(text: string): FileDefinitions {
  const s = scan(text);
  const defined: [string, string | undefined][] = [];
  const setters: string[] = [];
  for (const [start, end] of s.directives) {
    const fn = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^)]*)\)([\s\S]*)$/.exec(text.slice(start, end));
    if (!fn) continue;
    const body = blankLiterals(fn[3]!);
    if (fn[2]!.split(',').some((p) => {
      const name = p.trim();
      if (!/^[A-Za-z_]\w*$/.test(name)) return false;
      for (const m of body.matchAll(new RegExp(`\\b${name}\\b`, 'g'))) if (SET_AFTER.test(body.slice(m.index + name.length, m.index + name.length + 12)) || SET_BEFORE.test(body.slice(Math.max(0, m.index - 12), m.index))) return true;
      return false;
    })) setters.push(fn[1]!);
  }
  let d = 0;
  for (const [start, end] of s.statements) {
    // Directives inside the statement's text (an `#ifdef` between two declarations) are left out of it.
    while (d < s.directives.length && s.directives[d]![1] <= start) d++;
    let t = text.slice(start, end);
    for (let k = d; k < s.directives.length && s.directives[k]![0] < end; k++) {
      const [a, b] = s.directives[k]!;
      t = t.slice(0, Math.max(0, a - start)) + ' '.repeat(Math.min(end, b) - Math.max(start, a)) + t.slice(Math.min(end, b) - start);
    }
    const defs = scalarDefinitions(blankLiterals(t).trim());
    if (defs) defined.push(...defs);
  }
  return { defined, setters };
}

/** Kept per text while an editor's host keeps trees (edit after edit, most files are unchanged). */
const rememberedDefinitions = perText(definitions);

/**
 * What the readers of one unit's texts share (`unitScans`): each text's definitions, found once for the unit's
 * unassigned globals, counters and zeroed structs. A one-shot run remembers nothing across units, and without this
 * scanned every file three times.
 */
export interface UnitScans {
  definitions: Map<string, FileDefinitions>;
}

export function unitScans(): UnitScans {
  return { definitions: new Map() };
}

/** The text's definitions, from the unit's scans when given. */
function definitionsIn(text: string, scans: UnitScans | undefined): FileDefinitions {
  if (!scans) return rememberedDefinitions(text);
  let found = scans.definitions.get(text);
  if (!found) scans.definitions.set(text, (found = rememberedDefinitions(text)));
  return found;
}

/** What each text sets of each set of candidates (by the pattern that finds them), in an editor's host. */
const candidatesSetIn = perText((): Map<string, Set<string>> => new Map());

/** namesSet for every candidate (whether a text sets one name does not depend on the others asked). */
function candidatesSet(text: string, candidates: ReadonlySet<string>, pattern: RegExp): Set<string> {
  const known = candidatesSetIn(text);
  let found = known.get(pattern.source);
  if (!found) known.set(pattern.source, (found = namesSet(text, candidates, pattern)));
  return found;
}

/** The names of `names` that the text may set: assigns (inside braces or a macro), increments, takes the address of. */
function namesSet(text: string, names: ReadonlySet<string>, pattern: RegExp): Set<string> {
  const found = new Set<string>();
  pattern.lastIndex = 0;
  const mentioned = pattern.test(text);
  pattern.lastIndex = 0;
  if (!mentioned) return found;
  // Where the braces are is needed only for an `=` after a name (an initialiser at file scope, else an assignment).
  let s: Scanned | undefined;
  const code = text;
  for (const m of code.matchAll(pattern)) {
    const name = m[0];
    if (found.has(name) || !names.has(name)) continue;
    const at = m.index;
    const after = code.slice(at + name.length, at + name.length + 12);
    const before = code.slice(Math.max(0, at - 12), at);
    if (SET_BEFORE.test(before) || /^[\s)]*(?:\+\+|--)/.test(after)) found.add(name);
    else if (SET_AFTER.test(after)) {
      // At file scope `=` initialises (`int x = 0;`); inside braces or in a macro it assigns.
      s ??= scan(text);
      const depth = countBelow(s.opens, at) - countBelow(s.closes, at);
      if (depth > 0 || inDirective(s, at)) found.add(name);
    }
  }
  return found;
}

/**
 * The file-scope scalar variables of a project's C files that no file of it ever sets, with the value they keep
 * (their initialiser, or 0). `known`: the numeric constants of the project's headers (an initialiser may name one).
 */
export function unassignedGlobals(files: Iterable<{ path: string; text: string }>, known: ReadonlyMap<string, number> = new Map(), usedIn?: readonly ReadonlySet<string>[], scans?: UnitScans): Map<string, number> {
  const values = new Map<string, number | null>();
  const setters = new Set<string>();
  const texts: string[] = [];
  // `usedIn`: the names each text analysed uses (`wordsOf`).
  const wanted = (name: string): boolean => !usedIn || usedIn.some((w) => w.has(name));
  const asked = new Map<string, boolean>();
  for (const f of files) {
    if (!/\.[ch]$/.test(f.path)) continue;
    texts.push(f.text);
    const g = definitionsIn(f.text, scans);
    let own: Map<string, number> | undefined;
    for (const [name, init] of g.defined) {
      // Only the names the code analysed mentions (`usedIn`: the texts parsed) can matter.
      let want = asked.get(name);
      if (want === undefined) asked.set(name, (want = wanted(name)));
      if (!want || values.get(name) === null) continue;
      // An initialiser may name a macro of the file itself (its constants read once, and only then).
      let value = init === undefined ? 0 : numberOf(init, known) ?? null;
      if (value === null && /^[\s(]*[A-Za-z_]\w*[\s)]*$/.test(init!)) value = numberOf(init!, (own ??= numericConstants(f.text, known))) ?? null;
      const before = values.get(name);
      values.set(name, before === undefined || before === value ? value : null);
    }
    for (const s of g.setters) setters.add(s);
  }
  const out = new Map<string, number>();
  for (const [name, value] of values) if (value !== null) out.set(name, value);
  if (!out.size) return out;
  const candidates: ReadonlySet<string> = new Set(out.keys());
  const names = new Set(candidates);
  const pattern = new RegExp(`\\b(?:${[...names].join('|')})\\b`, 'g');
  for (const text of texts) {
    for (const n of candidatesSet(text, candidates, pattern)) if (names.delete(n)) out.delete(n);
    if (!names.size) return out;
  }
  // `SET(lenient)` with `#define SET(x) ((x) = 1)`: the names given to such a macro are set too.
  if (setters.size) {
    const use = new RegExp(`\\b(?:${[...setters].join('|')})\\s*\\(([^;{}]*)`, 'g');
    const left = new RegExp(`\\b(?:${[...out.keys()].join('|')})\\b`);
    const key = `${use.source}\0${left.source}`;
    for (const text of texts) for (const w of namesGivenToSetters(text, use, left, key)) out.delete(w);
  }
  return out;
}

/** What each text hands to the setter macros of each unit (by the two patterns), in an editor's host. */
const givenToSettersIn = perText((): Map<string, string[]> => new Map());

/**
 * The names a text hands to a setter macro (`use`: `SET(lenient)`), if it names one of `left` at all; remembered
 * per text and patterns (`key`, made once: the patterns are long) in an editor's host (each edit looked through
 * every text of the unit again).
 */
function namesGivenToSetters(text: string, use: RegExp, left: RegExp, key: string): string[] {
  const known = givenToSettersIn(text);
  let words = known.get(key);
  if (!words) {
    words = [];
    if (left.test(text)) for (const m of text.matchAll(use)) for (const w of m[1]!.match(/[A-Za-z_]\w*/g) ?? []) words.push(w);
    known.set(key, words);
  }
  return words;
}

/** A step by one: `name++`, `name--`, `name += 1`, `name -= 1` (after the name); `++name`, `--name` (before it). */
const STEP_AFTER = /^[\s)]*(?:\+\+|--|[-+]=\s*1\s*[;),])/;
const STEP_BEFORE = /(?:\+\+|--)[\s(]*$/;
/** `name = 0;`, `name = other = 0;`, `name = (unsigned) 1,`: a number (or a constant's name), alone. */
const CONSTANT_AFTER = /^[\s)]*=(?!=)\s*(?:[A-Za-z_]\w*\s*=(?!=)\s*)*([-+(\w][\w\s()+-]*?)\s*[;),]/;
/** Names counted by one somewhere (`n++`, `--n`, `n += 1`): the candidates for nesting counters. */
const STEPPED = /([A-Za-z_]\w*)[\s)]*(?:\+\+|--|[-+]=\s*1\s*[;),])|(?:\+\+|--)[\s(]*([A-Za-z_]\w*)/g;

/** The names a text counts by one (`STEPPED`), kept per text in an editor's host: an edit rescans only its own text. */
const steppedIn = perText((text: string): readonly string[] => {
  if (!text.includes('++') && !text.includes('--') && !/[-+]=/.test(text)) return [];
  const names = new Set<string>();
  for (const m of text.matchAll(STEPPED)) names.add(m[1] ?? m[2]!);
  return [...names];
});

/** A counter candidate set otherwise than by a step or to a number: in a macro, or to another value. */
const OTHERWISE = 'otherwise';

/** What a text does to the candidates of a pattern, remembered per text and pattern in an editor's host. */
const counterWritesIn = perText((): Map<string, Map<string, typeof OTHERWISE | string[]>> => new Map());

/**
 * How a text sets the counter candidates `pattern` names, apart from steps and file-scope initialisers: for each
 * name, the values it is assigned in code (to be read as numbers with the unit's constants), or OTHERWISE.
 */
function counterWrites(text: string, pattern: RegExp): Map<string, typeof OTHERWISE | string[]> {
  const memo = counterWritesIn(text);
  const known = memo.get(pattern.source);
  if (known) return known;
  const found = new Map<string, typeof OTHERWISE | string[]>();
  let s: Scanned | undefined;
  for (const m of text.matchAll(pattern)) {
    const name = m[0];
    if (found.get(name) === OTHERWISE) continue;
    const at = m.index;
    const after = text.slice(at + name.length, at + name.length + 80);
    const before = text.slice(Math.max(0, at - 12), at);
    const step = STEP_BEFORE.test(before) || STEP_AFTER.test(after);
    const sets = step || SET_BEFORE.test(before) || SET_AFTER.test(after);
    if (!sets) continue;
    s ??= scan(text);
    if (inDirective(s, at)) {
      found.set(name, OTHERWISE);
      continue;
    }
    // At file scope `=` initialises (read by the caller); a step is what a counter does.
    const inCode = countBelow(s.opens, at) - countBelow(s.closes, at) > 0;
    if (!inCode || step) continue;
    const constant = CONSTANT_AFTER.exec(after);
    if (!constant) found.set(name, OTHERWISE);
    else {
      const values = found.get(name);
      if (values === undefined) found.set(name, [constant[1]!]);
      else (values as string[]).push(constant[1]!);
    }
  }
  memo.set(pattern.source, found);
  return found;
}

/**
 * Nesting counters: the file-scope integer variables of a project's C files (defined once, or always with the same
 * initial value) that some code counts up or down by one, and that every file sets only so or to a number
 * (`depth++`, `depth--`, `depth = 0`, `a = b = 0`): never through a pointer, a macro, or to another value. With the
 * value each starts with (the initialiser, or 0). Their exact small values are followed along paths. `known`: the
 * numeric constants of the project's headers (an initialiser or an assignment may name one).
 */
export function counterGlobals(files: Iterable<{ path: string; text: string }>, known: ReadonlyMap<string, number> = new Map(), usedIn?: readonly ReadonlySet<string>[], scans?: UnitScans): Map<string, number> {
  const texts: string[] = [];
  const stepped = new Set<string>();
  for (const f of files) {
    if (!/\.[ch]$/.test(f.path)) continue;
    texts.push(f.text);
    for (const name of steppedIn(f.text)) stepped.add(name);
  }
  const wanted = (name: string): boolean => stepped.has(name) && (!usedIn || usedIn.some((w) => w.has(name)));
  const values = new Map<string, number | null>();
  for (const text of texts) {
    for (const [name, init] of definitionsIn(text, scans).defined) {
      if (!wanted(name) || values.get(name) === null) continue;
      const value = init === undefined ? 0 : numberOf(init, known) ?? null;
      const before = values.get(name);
      values.set(name, before === undefined || before === value ? value : null);
    }
  }
  const out = new Map<string, number>();
  for (const [name, value] of values) if (value !== null) out.set(name, value);
  if (!out.size) return out;
  const pattern = new RegExp(`\\b(?:${[...out.keys()].join('|')})\\b`, 'g');
  for (const text of texts) {
    for (const [name, writes] of counterWrites(text, pattern)) {
      if (out.has(name) && (writes === OTHERWISE || writes.some((c) => numberOf(c, known) === undefined))) out.delete(name);
    }
    if (!out.size) return out;
  }
  return out;
}

/** `struct tag {` or `struct {` (a definition of the type, maybe of variables after its `}`). */
const STRUCT_BODY = /\b(?:struct|union)\s+(?:[A-Za-z_]\w*\s*)?\{/g;
/** `struct tag name;` (a variable of a type defined elsewhere), no initialiser. */
const STRUCT_VARIABLE = /\b(?:struct|union)\s+[A-Za-z_]\w*\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*;/g;

/** What a text defines at file scope as struct variables: with no initialiser (true) or with one (false). */
function structDefinitions(text: string): [string, boolean][] {
  if (!text.includes('struct') && !text.includes('union')) return [];
  const code = blankLiterals(text);
  const s = scan(code);
  const out: [string, boolean][] = [];
  const atTop = (at: number): boolean => countBelow(s.opens, at) - countBelow(s.closes, at) === 0 && !inDirective(s, at);
  // The words of the statement before `at` (from the last `;`, `{`, `}` or directive): `static`, and no typedef or
  // extern. Only a static struct is seen whole: every write of it is in this file.
  const plainDefinition = (at: number): boolean => {
    const before = code.slice(Math.max(0, at - 200), at);
    const cut = Math.max(before.lastIndexOf(';'), before.lastIndexOf('}'), before.lastIndexOf('{'), before.lastIndexOf('\n#'), before.lastIndexOf(')'));
    const words = before.slice(cut + 1);
    return /\bstatic\b/.test(words) && !/\b(?:typedef|extern)\b/.test(words);
  };
  // A struct whose address is taken (`parse(&state)`, `p = &state`) may be written through a pointer.
  const addressTaken = (name: string): boolean => new RegExp(`&[\\s(]*${name}\\b(?![\\s)]*(?:\\.|->))`).test(code);
  for (const m of code.matchAll(STRUCT_BODY)) {
    const at = m.index;
    if (!atTop(at)) continue;
    const zeroable = plainDefinition(at);
    // The `}` that closes this body.
    const open = at + m[0].length - 1;
    let depth = 0;
    let close = -1;
    let i = countBelow(s.opens, open);
    let j = countBelow(s.closes, open);
    while (i < s.opens.length || j < s.closes.length) {
      const o = s.opens[i] ?? Infinity;
      const c = s.closes[j] ?? Infinity;
      if (o < c) {
        depth++;
        i++;
      } else {
        depth--;
        j++;
        if (depth === 0) {
          close = c;
          break;
        }
      }
    }
    if (close < 0) continue;
    const after = /^\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(;|=)/.exec(code.slice(close + 1, close + 400));
    if (after) for (const name of after[1]!.split(',')) out.push([name.trim(), zeroable && after[2] === ';' && !addressTaken(name.trim())]);
  }
  for (const m of code.matchAll(STRUCT_VARIABLE)) {
    if (!atTop(m.index)) continue;
    for (const name of m[1]!.split(',')) out.push([name.trim(), plainDefinition(m.index) && !addressTaken(name.trim())]);
  }
  // `struct tag name = { … };`: defined with an initialiser.
  for (const m of code.matchAll(/\b(?:struct|union)\s+[A-Za-z_]\w*\s+([A-Za-z_]\w*)\s*=/g)) if (atTop(m.index)) out.push([m[1]!, false]);
  return out;
}

/**
 * Whether a text can define a struct that starts as zeros: a `static` and a `struct` or `union` (each a whole word of
 * the code, so of the text too). A text without them defines such names only otherwise, which matters only for names
 * some other text may zero.
 */
function mayZeroStruct(text: string): boolean {
  return /\bstatic\b/.test(text) && /\b(?:struct|union)\b/.test(text);
}

/**
 * Whether a text may define a struct that starts as zeros (`mayZeroStruct`), and its struct definitions once read:
 * kept per text in an editor's host, so that an update neither reads nor tests again a text that has not changed.
 */
interface StructsKnown {
  may: boolean;
  found?: [string, boolean][];
  /** Whether the text names one of the candidates, by the pattern that finds them. */
  names?: Map<string, boolean>;
}

const structsOf = perText((text: string): StructsKnown => ({ may: mayZeroStruct(text) }));

/**
 * File-scope struct variables of a project's C files that start as zeros: defined `static` with no initialiser in
 * every file that defines them (C gives static storage zero), never as a scalar, and whose address no file takes. Their fields (`state.uid`) are 0 when the
 * program starts. `usedIn`: the names each text analysed uses (only those can matter).
 */
export function zeroStructGlobals(files: Iterable<{ path: string; text: string }>, usedIn?: readonly ReadonlySet<string>[], scans?: UnitScans): Set<string> {
  const zero = new Map<string, boolean>();
  const note = (text: string, known: StructsKnown): void => {
    for (const [name, plain] of (known.found ??= structDefinitions(text))) zero.set(name, (zero.get(name) ?? true) && plain);
  };
  const texts: string[] = [];
  const others: [string, StructsKnown][] = [];
  for (const f of files) {
    if (!/\.[ch]$/.test(f.path)) continue;
    texts.push(f.text);
    const known = structsOf(f.text);
    if (known.may) note(f.text, known);
    else others.push([f.text, known]);
  }
  const candidates = [...zero].filter(([name, plain]) => plain && (!usedIn || usedIn.some((w) => w.has(name)))).map(([name]) => name);
  if (!candidates.length) return new Set();
  // The other texts define no struct that starts as zeros, but may define a candidate otherwise (not static, or
  // with an initialiser): only one that names a candidate is read.
  const named = new RegExp(`\\b(?:${candidates.join('|')})\\b`);
  for (const [text, known] of others) {
    const names = (known.names ??= new Map());
    let mentioned = names.get(named.source);
    if (mentioned === undefined) names.set(named.source, (mentioned = named.test(text)));
    if (mentioned) note(text, known);
  }
  const scalars = new Set<string>();
  for (const text of texts) for (const [name] of definitionsIn(text, scans).defined) scalars.add(name);
  const out = new Set<string>();
  for (const name of candidates) if (zero.get(name) && !scalars.has(name)) out.add(name);
  return out;
}
