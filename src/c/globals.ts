/**
 * File-scope variables that nothing in the project ever sets: constants in all but name. `static int lenient;`
 * (or `int fallback = 0;`) that no code assigns, increments or takes the address of keeps its initial value for
 * the life of the process, so a test of it always goes the same way: a failure branch that goes on only "if
 * (lenient)" always ends. Read from the text of every file of the unit (the whole project, its parsed and its
 * unparsed functions, its headers and the branches of every `#if`), so that an assignment anywhere — in code of
 * another program of the same project, behind a build option, in a macro — keeps the variable a variable. A name
 * defined twice with different initial values, or with one that is not a number, is left out.
 */
import { treesRemembered } from '../parser.js';
import { numberOf, numericConstants } from './constants.js';

/**
 * What one file tells: the scalar variables it defines at file scope (with the text of their initialiser), the
 * names it may set, and its function-like macros that set what they are given (`#define SET(x) ((x) = 1)`).
 */
interface FileGlobals {
  defined: [string, string | undefined][];
  assigned: Set<string>;
  setters: string[];
}

/** Comments, string and character literals blanked (kept as spaces, newlines kept), so that nothing else moves. */
function blankLiterals(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'/g, (m) => m.replace(/[^\n]/g, ' '));
}

/** Preprocessor lines (with their continuations): what they set is read, and they are left out of the scopes. */
const DIRECTIVE = /^[ \t]*#(?:[^\n\\]|\\[\s\S])*/gm;

/** `name =`, `name += …`, `name <<= …` (not `==`, `<=`, `>=`, `!=`). */
const ASSIGNED = /\b([A-Za-z_]\w*)\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)/g;
/** `name++`, `name--`, `++name`, `--name`, `&name` (not `&&`): set in place, or through a pointer. */
const STEPPED = /\b([A-Za-z_]\w*)\s*(?:\+\+|--)|(?:\+\+|--)\s*([A-Za-z_]\w*)|(?<!&)&(?!&)\s*([A-Za-z_]\w*)/g;

/** Words that make a file-scope declaration no definition of a plain variable (or no declaration at all). */
const NOT_A_VARIABLE = new Set(['extern', 'typedef', 'struct', 'union', 'return', 'else', 'case', 'goto', 'sizeof', 'asm', '__asm__']);

function addMatches(text: string, into: Set<string>, withAssignments: boolean): void {
  // `(x) = 1`, `++(x)`, `&(x)`: a name in parentheses is set as well.
  text = text.replace(/\(\s*([A-Za-z_]\w*)\s*\)/g, ' $1 ');
  if (withAssignments) for (const m of text.matchAll(ASSIGNED)) into.add(m[1]!);
  for (const m of text.matchAll(STEPPED)) into.add(m[1] ?? m[2] ?? m[3]!);
}

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
  const parts = topLevelParts(statement);
  const first = /^((?:[A-Za-z_]\w*\s+)+)([A-Za-z_]\w*)\s*(?:=([\s\S]*))?$/.exec(parts[0] ?? '');
  if (!first) return null;
  const typeWords = first[1]!.trim().split(/\s+/);
  if (typeWords.some((w) => NOT_A_VARIABLE.has(w))) return null;
  const out: [string, string | undefined][] = [];
  const declarators = [[first[2]!, first[3]] as const, ...parts.slice(1).map((p) => {
    const m = /^([A-Za-z_]\w*)\s*(?:=([\s\S]*))?$/.exec(p);
    return m ? ([m[1]!, m[2]] as const) : null;
  })];
  for (const d of declarators) {
    // A pointer, an array or a function: not a plain variable (its name alone says nothing of its value).
    if (!d) continue;
    out.push([d[0], d[1]]);
  }
  return out;
}

function fileGlobals(text: string): FileGlobals {
  const assigned = new Set<string>();
  const defined: [string, string | undefined][] = [];
  const setters: string[] = [];
  let code = blankLiterals(text);
  // What a macro body sets counts wherever the macro is used; a macro that sets its argument sets what it is given.
  code = code.replace(DIRECTIVE, (line) => {
    const fn = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^)]*)\)/.exec(line);
    const body = line.replace(/^[ \t]*#[ \t]*define[ \t]+[A-Za-z_]\w*(?:\([^)]*\))?/, '');
    const sets = new Set<string>();
    addMatches(body, sets, true);
    for (const a of sets) assigned.add(a);
    if (fn && fn[2]!.split(',').some((p) => sets.has(p.trim()))) setters.push(fn[1]!);
    return line.replace(/[^\n]/g, ' ');
  });
  // Increments and addresses taken anywhere; assignments only inside braces (at file scope `=` initialises).
  addMatches(code, assigned, false);
  let depth = 0;
  let chunk = '';
  let inner = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === '{') {
      if (depth === 0) chunk = '';
      depth++;
      inner += ' ';
      continue;
    }
    if (c === '}') {
      depth = Math.max(0, depth - 1);
      inner += ' ';
      if (depth === 0) chunk = '';
      continue;
    }
    if (depth > 0) {
      inner += c;
      continue;
    }
    inner += c === '\n' ? '\n' : ' ';
    if (c === ';') {
      const defs = scalarDefinitions(chunk.trim());
      if (defs) defined.push(...defs);
      chunk = '';
    } else chunk += c;
  }
  addMatches(inner, assigned, true);
  return { defined, assigned, setters };
}

/** Kept per text while an editor's host keeps trees (edit after edit, most files are unchanged). */
const remembered = new Map<string, FileGlobals>();

function rememberedGlobals(text: string): FileGlobals {
  const kept = remembered.get(text);
  if (kept) return kept;
  const found = fileGlobals(text);
  const limit = treesRemembered() * 4;
  if (limit) {
    remembered.set(text, found);
    for (const oldest of remembered.keys()) {
      if (remembered.size <= limit) break;
      remembered.delete(oldest);
    }
  }
  return found;
}

/**
 * The file-scope scalar variables of a project's C files that no file of it ever sets, with the value they keep
 * (their initialiser, or 0). `known`: the numeric constants of the project's headers (an initialiser may name one).
 */
export function unassignedGlobals(files: Iterable<{ path: string; text: string }>, known: ReadonlyMap<string, number> = new Map()): Map<string, number> {
  const values = new Map<string, number | null>();
  const assigned = new Set<string>();
  const setters = new Set<string>();
  const texts: string[] = [];
  for (const f of files) {
    if (!/\.[ch]$/.test(f.path)) continue;
    texts.push(f.text);
    const g = rememberedGlobals(f.text);
    for (const [name, init] of g.defined) {
      // An initialiser may name a macro of the file itself.
      const value = init === undefined ? 0 : numberOf(init, known) ?? numberOf(init, numericConstants(f.text, known)) ?? null;
      const before = values.get(name);
      values.set(name, before === undefined || before === value ? value : null);
    }
    for (const a of g.assigned) assigned.add(a);
    for (const s of g.setters) setters.add(s);
  }
  const out = new Map<string, number>();
  for (const [name, value] of values) if (value !== null && !assigned.has(name)) out.set(name, value);
  // `SET(lenient)` with `#define SET(x) ((x) = 1)`: the names given to such a macro are set too.
  if (out.size && setters.size) {
    const use = new RegExp(`\\b(?:${[...setters].join('|')})\\s*\\(([^;{}]*)`, 'g');
    for (const text of texts) for (const m of text.matchAll(use)) for (const w of m[1]!.match(/[A-Za-z_]\w*/g) ?? []) out.delete(w);
  }
  return out;
}
