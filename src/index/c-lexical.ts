/**
 * A lexical index of a C file, without a parser: its function definitions (name, byte range, the identifiers each
 * one uses), its function-like macros, and the identifiers used outside functions. One linear pass that knows
 * comments, strings, character literals and preprocessor lines; of `#if`/`#else` alternatives only one branch
 * counts for brace matching, the one the front-end's parse recovery keeps (the branch a Unix build compiles).
 */
import { unixBranches } from '../c/unix-build.js';
import { directiveEnd, isIdentPart, isIdentStart, isSpaceInLine, literalEnd } from '../c/lexing.js';
import type { MacroModel } from '../model.js';

export interface LexicalFunction {
  name: string;
  /** Byte range of the whole definition (from the start of its declaration to the closing brace). */
  start: number;
  end: number;
  /** Identifiers used in the definition (header and body). */
  uses: Set<string>;
  /**
   * Of those, the ones it calls: followed by `(` (`f(x)`, `ops->f(x)`, a function-like macro). A name only referred
   * to (`signal(SIGHUP, on_hup)`, a test registered in a table) is not called by this function.
   */
  calls: Set<string>;
  /**
   * How often it calls each name (`counts[0]`), and how often with written text first (`counts[1]`): a string
   * literal, or one passed through a translation call (`die("…")`, `fatal(_("…"))`). The fix writer's way of
   * dying is the project's most called dying function that takes a message (sequence.ts).
   */
  callCounts: Map<string, [number, number]>;
  /** String literals that are a directory path (".", "/", "..", or ending in "/"): `open(".", …)` opens a directory. */
  directoryPath: boolean;
  /** The body calls one of the function's parameters (`proc(cycle, data)`): a function pointer handed in. */
  callsParameter: boolean;
  /** The last name called in the definition (`exit` in `usage() { …; exit(1); }`). */
  lastCall: string | undefined;
  /** The body has a `return` statement. */
  returns: boolean;
  /** Declared `static`: other files cannot call it (unless it is defined in a header they include). */
  isStatic: boolean;
  /**
   * The names its body assigns (`x = …`, `x += …`, `x++`, `--x`; `x.f = …` and `x->f = …`: the fields' path;
   * `x[i].f = …`: the name subscripted) whose base is none of its parameters and that it does not declare
   * (`uid_t x = …;`, `struct passwd *pw, *gr;`): the globals it may set. A superset where the text is ambiguous to
   * a scanner (a declaration behind a macro counts as an assignment); what a pointer points to (`*p = …`) is not
   * the name's.
   */
  assigns: Set<string>;
  /**
   * The last field of each fields' path its body assigns (`o->json = 1;`, `s.peer.port = 0;`: `json`, `port`),
   * whatever the base (a parameter's fields too): the fields a call may set in a struct it is handed. `ANY_FIELD`
   * when it writes through a pointer expression in parentheses (`*(void **)((char *)target + d->offset) = v;`, a
   * table-driven setter): which field, a scanner cannot tell.
   */
  fields: Set<string>;
  /**
   * The names it calls with one of its pointer parameters (`pointerParameters`) as a whole argument (`fill(c, argv)`
   * for `struct config *c`; not `c->user`, nor `*c`): a callee the unit does not define may set any of its fields.
   */
  handsPointerTo: Set<string>;
  /** How many arguments it takes (`variadic`: at least `count`, for `...`); absent for `()`, which says nothing. */
  arity?: Arity;
}

export interface CLexicalIndex {
  functions: LexicalFunction[];
  macros: MacroModel[];
  /** Identifiers used outside function definitions (declarations, initialisers, macro bodies). */
  topLevelUses: Set<string>;
  /** Brace matching failed (unbalanced braces): the file's function ranges cannot be trusted. */
  unbalanced: boolean;
}

/** Keywords that can start or continue a declaration's type (`static const unsigned long x`). */
const TYPE_KEYWORDS = new Set([
  'struct', 'union', 'enum', 'static', 'extern', 'const', 'volatile', 'inline', 'register', 'auto',
  'int', 'char', 'void', 'long', 'short', 'unsigned', 'signed', 'float', 'double',
]);

const KEYWORDS = new Set([
  'if', 'else', 'while', 'for', 'do', 'switch', 'case', 'default', 'return', 'break', 'continue', 'goto', 'sizeof',
  'struct', 'union', 'enum', 'typedef', 'static', 'extern', 'const', 'volatile', 'inline', 'register', 'auto',
  'int', 'char', 'void', 'long', 'short', 'unsigned', 'signed', 'float', 'double',
]);

/** Names that take parentheses in a declaration's head without being the declared function. */
const HEAD_MACROS = /^(?:__attribute__|__declspec|__asm__|asm|__asm|_Alignas|alignas|__typeof__|typeof|__extension__|_Pragma)$/;

/** In `LexicalFunction.fields`: the body writes through a pointer expression, to any field. */
export const ANY_FIELD = '*';

/** A statement that assigns through a parenthesised pointer expression: `*(T *)(base + offset) = …`, `*(p + i) = …`. */
const WRITE_THROUGH_PARENTHESES = /(?:^|[;{})]|\belse)\s*\*\s*\([^;=]*\)\s*=(?!=)/m;

const SLASH = 47, STAR = 42, NL = 10, BACKSLASH = 92, DQUOTE = 34, SQUOTE = 39, HASH = 35;
const LBRACE = 123, RBRACE = 125, LPAREN = 40, RPAREN = 41, SEMI = 59, EQUALS = 61;


/** A function's parameters as a count of arguments: exactly `count`, or at least `count` with `...`. */
export interface Arity {
  count: number;
  variadic: boolean;
}

interface HeadToken {
  kind: 'ident' | '(' | ')' | '=' | 'other';
  text: string;
  at: number;
}

export function scanC(text: string): CLexicalIndex {
  const functions: LexicalFunction[] = [];
  const macros: MacroModel[] = [];
  const topLevelUses = new Set<string>();
  const n = text.length;
  let depth = 0;
  /** Tokens of the current top-level declaration, up to a `{` at depth 0. */
  let head: HeadToken[] = [];
  let headStart = 0;
  let current: { name: string; start: number; uses: Set<string>; calls: Set<string>; callCounts: Map<string, [number, number]>; directoryPath: boolean; params: Set<string>; arity: Arity | undefined; callsParameter: boolean; lastCall: string | undefined; returns: boolean; isStatic: boolean; body: BodyTokens } | undefined;
  /** Brace depth at each open `#if`, and whether its current branch is one that does not count. */
  const conditionals: { depth: number; skipping: boolean }[] = [];
  /** Per `#if`/`#elif`/`#else` (by the offset of its `#`): whether its branch is the one that counts. */
  const counted = unixBranches(text).chosen;
  let unbalanced = false;
  let lineStart = true;
  let i = 0;
  const skipping = (): boolean => conditionals.length > 0 && conditionals.some((c) => c.skipping);

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NL) {
      lineStart = true;
      i++;
      continue;
    }
    if (isSpaceInLine(c)) {
      i++;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      i = lineEnd(text, i);
      continue;
    }
    if (c === HASH && lineStart) {
      const end = directiveEnd(text, i);
      const directive = text.slice(i + 1, end);
      handleDirective(directive.trimStart(), i);
      i = end;
      continue;
    }
    lineStart = false;
    if (c === DQUOTE || c === SQUOTE) {
      const end = literalEnd(text, i);
      if (c === DQUOTE && current && isDirectoryPath(text.slice(i + 1, end - 1))) current.directoryPath = true;
      if (!skipping() && depth === 0) pushHead('other', '"', i);
      i = end;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      // Every branch of an #if uses its identifiers; only the first one shapes the braces.
      if (current) {
        bodyWord(current.body, word, text, j, depth);
        if (KEYWORDS.has(word)) {
          if (word === 'return') current.returns = true;
        } else {
          current.uses.add(word);
          if (nextNonSpace(text, j) === LPAREN) {
            current.calls.add(word);
            const counts = current.callCounts.get(word) ?? [0, 0];
            counts[0]++;
            if (startsWithText(text, text.indexOf('(', j) + 1)) counts[1]++;
            current.callCounts.set(word, counts);
            current.lastCall = word;
            if (current.params.has(word)) current.callsParameter = true;
          }
        }
      } else topLevelUses.add(word);
      if (!skipping() && depth === 0) pushHead('ident', word, i);
      i = j;
      continue;
    }
    // In a body: the punctuation the assignments are told by (every branch of an #if, as for the names used).
    if (current && depth > 0) {
      const width = bodyPunctuation(current.body, text, i, c, depth);
      if (width > 1) {
        i += width;
        continue;
      }
    }
    if (skipping()) {
      i++;
      continue;
    }
    if (c === LBRACE) {
      if (depth === 0) openTopLevel(i);
      depth++;
    } else if (c === RBRACE) {
      depth--;
      if (depth < 0) {
        unbalanced = true;
        depth = 0;
      }
      if (depth === 0) closeTopLevel(i + 1);
    } else if (depth === 0) {
      if (c === SEMI) resetHead(i + 1);
      else pushHead(c === LPAREN ? '(' : c === RPAREN ? ')' : c === EQUALS ? '=' : 'other', String.fromCharCode(c), i);
    }
    i++;
  }
  if (depth !== 0 || current) unbalanced = true;
  return { functions, macros, topLevelUses, unbalanced };

  function pushHead(kind: HeadToken['kind'], t: string, at: number): void {
    if (!head.length) headStart = at;
    head.push({ kind, text: t, at });
  }

  function resetHead(at: number): void {
    head = [];
    headStart = at;
  }

  function openTopLevel(at: number): void {
    const fn = functionHead(head);
    if (fn) {
      current = { name: fn.name, start: headStart, uses: new Set(head.filter((t) => t.kind === 'ident').map((t) => t.text)), calls: new Set(), callCounts: new Map(), directoryPath: false, params: fn.params, arity: fn.arity, callsParameter: false, lastCall: undefined, returns: false, isStatic: head.some((t) => t.kind === 'ident' && t.text === 'static'), body: newBody(fn.pointerParams) };
    }
    void at;
  }

  function closeTopLevel(end: number): void {
    if (current) {
      const { name, start, uses, calls, callCounts, directoryPath, callsParameter, lastCall, returns, isStatic, body, params, arity } = current;
      const base = (n: string): string => /^\w+/.exec(n)![0];
      const assigns = new Set([...body.assigned].filter((n) => !body.declared.has(base(n)) && !params.has(base(n))));
      const fields = new Set([...body.assigned].flatMap((n) => /(?:\.|->)([A-Za-z_]\w*)$/.exec(n)?.[1] ?? []));
      if (WRITE_THROUGH_PARENTHESES.test(text.slice(start, end))) fields.add(ANY_FIELD);
      functions.push({ name, start, end, uses, calls, callCounts, directoryPath, callsParameter, lastCall, returns, isStatic, assigns, fields, handsPointerTo: body.handed, ...(arity ? { arity } : {}) });
      current = undefined;
    }
    resetHead(end);
  }

  function handleDirective(d: string, at: number): void {
    const m = /^(\w+)/.exec(d);
    const word = m?.[1];
    if (word === 'if' || word === 'ifdef' || word === 'ifndef') conditionals.push({ depth, skipping: counted.get(at) === false });
    else if (word === 'elif' || word === 'elifdef' || word === 'elifndef' || word === 'else') {
      const top = conditionals[conditionals.length - 1];
      if (top) top.skipping = counted.get(at) !== true;
    } else if (word === 'endif') conditionals.pop();
    else if (word === 'define' && !skipping()) {
      const macro = /^define[ \t]+([A-Za-z_]\w*)\(([^)]*)\)([\s\S]*)$/.exec(d);
      if (macro) {
        const body = macro[3]!.replace(/\\\r?\n/g, ' ').trim();
        macros.push({ name: macro[1]!, params: macro[2]!.split(',').map((p) => p.trim()).filter(Boolean), body });
        for (const w of body.matchAll(/[A-Za-z_]\w*/g)) topLevelUses.add(w[0]);
      }
    }
  }
}

/**
 * What a function body's tokens tell of its assignments, token by token: the names assigned, the names declared,
 * and the state that tells a declaration (`T x`, `T *x`, `T x, *y` at the start of a statement or of a `for`) from
 * an expression.
 */
interface BodyTokens {
  assigned: Set<string>;
  declared: Set<string>;
  /** The previous token (a name, or punctuation: `->`, `++` and `--` are one token), and the one before it. */
  prev: string;
  /** The token before the run of `*` that ends at `prev` (`char **p`: `char`). */
  beforeStars: string;
  /** Every token since the statement began is a type's (a name, a type keyword, `*`), and a name or keyword was one. */
  typeish: boolean;
  typed: boolean;
  /** Parentheses open in the body. */
  parens: number;
  /**
   * For each parenthesis open, the name it calls (`fill(`); null for a keyword's (`if (`, `sizeof(`), where an
   * argument list cannot continue outwards; undefined for a cast's or a grouping's.
   */
  opened: (string | null | undefined)[];
  /** The function's parameters declared as pointers to something other than characters (`struct config *c`). */
  pointerParams: ReadonlySet<string>;
  /** The names called with one of those as a whole argument (`LexicalFunction.handsPointerTo`). */
  handed: Set<string>;
  /** In a declaration statement: the parentheses and braces open where it began (its declarators' commas are there). */
  declaring: { parens: number; depth: number } | undefined;
  /** After such a comma: the next name (past `*`) is declared too. */
  nextDeclared: boolean;
}

function newBody(pointerParams: ReadonlySet<string>): BodyTokens {
  return { assigned: new Set(), declared: new Set(), prev: '{', beforeStars: '', typeish: true, typed: false, parens: 0, opened: [], pointerParams, handed: new Set(), declaring: undefined, nextDeclared: false };
}

const ASSIGNING = /^(?:=(?!=)|[-+*/%&|^]=|<<=|>>=|\+\+|--)/;

/** A name in a body (`end`: just past it): a declaration, an assignment of it, or neither. */
function bodyWord(b: BodyTokens, word: string, text: string, end: number, depth: number): void {
  const prev = b.prev;
  b.prev = word;
  if (KEYWORDS.has(word)) {
    if (TYPE_KEYWORDS.has(word)) b.typed = true;
    else b.typeish = false;
    return;
  }
  if (prev === '.' || prev === '->') {
    b.typeish = false;
    return;
  }
  const afterType = (p: string): boolean => p !== '' && (TYPE_KEYWORDS.has(p) || (isIdentStart(p.charCodeAt(0)) && !KEYWORDS.has(p)));
  if ((b.typeish && b.typed && (afterType(prev) || (prev === '*' && afterType(b.beforeStars)))) || b.nextDeclared) {
    b.declared.add(word);
    b.declaring ??= { parens: b.parens, depth };
    b.nextDeclared = false;
    return;
  }
  b.typed = true;
  if (b.pointerParams.has(word) && prev !== '*' && prev !== '&') handedWhole(b, word, text, end);
  if (prev === '++' || prev === '--') {
    b.assigned.add(word);
    return;
  }
  // Past the fields and subscripts (`x.f[i]->g`), the operator. The name assigned is the fields' path up to the first
  // subscript (`st.caps = …` sets `st.caps`, not `st.uid`; `ids[i].uid = …` sets some of `ids`).
  let k = end;
  let assigned = word;
  let subscripted = false;
  for (;;) {
    while (k < text.length && isSpace(text.charCodeAt(k))) k++;
    const ch = text.charCodeAt(k);
    if (ch === 46 || (ch === 45 && text.charCodeAt(k + 1) === 62)) {
      const op = ch === 46 ? '.' : '->';
      k += op.length;
      while (k < text.length && isSpace(text.charCodeAt(k))) k++;
      const field = k;
      while (k < text.length && isIdentPart(text.charCodeAt(k))) k++;
      if (!subscripted) assigned += op + text.slice(field, k);
    } else if (ch === 91) {
      subscripted = true;
      let open = 0;
      for (; k < text.length; k++) {
        const d = text.charCodeAt(k);
        if (d === 91) open++;
        else if (d === 93 && --open === 0) break;
        else if (d === SEMI || d === LBRACE || d === RBRACE) break;
      }
      if (text.charCodeAt(k) !== 93) return;
      k++;
    } else break;
  }
  const op = ASSIGNING.exec(text.slice(k, k + 3))?.[0];
  if (!op) return;
  // `*p = …` sets what p points to; `*p++` moves p.
  if (prev === '*' && op !== '++' && op !== '--') return;
  b.assigned.add(assigned);
}

/**
 * A pointer parameter named at `end` (just past it): when it is a whole argument of a call (followed by `,` or
 * `)`, not by a field or a subscript), the call is recorded as handed it.
 */
function handedWhole(b: BodyTokens, word: string, text: string, end: number): void {
  const next = nextNonSpace(text, end);
  if (next !== 44 && next !== RPAREN) return;
  // The innermost call open (past a cast's or a grouping's parentheses: `fill((void *)c)`; not past a keyword's:
  // `use(x, sizeof(c))`, `if (c)`).
  for (let k = b.opened.length - 1; k >= 0; k--) {
    const callee = b.opened[k];
    if (callee === null) return;
    if (callee === undefined) continue;
    b.handed.add(callee);
    return;
  }
}

/** Punctuation in a body at `i`: the state of `BodyTokens`; how many characters the token takes. */
function bodyPunctuation(b: BodyTokens, text: string, i: number, c: number, depth: number): number {
  const next = text.charCodeAt(i + 1);
  let token = String.fromCharCode(c);
  if ((c === 45 && (next === 62 || next === 45)) || (c === 43 && next === 43)) token += String.fromCharCode(next);
  const prev = b.prev;
  if (token === '*') {
    if (prev !== '*') b.beforeStars = prev;
  } else if (c === SEMI || c === LBRACE || c === RBRACE || (c === LPAREN && prev === 'for')) {
    b.typeish = true;
    b.typed = false;
    b.declaring = undefined;
    b.nextDeclared = false;
  } else b.typeish = false;
  // A statement's or a block's edge closes every parenthesis (the branches of an `#if`, both read, may leave some
  // open), but a `for (…;…;…)` header's own.
  if ((c === LBRACE || c === RBRACE || (c === SEMI && !b.opened.includes(null))) && b.opened.length) b.opened = [];
  if (c === LPAREN) {
    b.parens++;
    b.opened.push(prev !== '' && isIdentStart(prev.charCodeAt(0)) ? (KEYWORDS.has(prev) ? null : prev) : undefined);
  } else if (c === RPAREN) {
    b.parens--;
    b.opened.pop();
  }
  if (c === 44 && b.declaring && b.declaring.parens === b.parens && b.declaring.depth === depth) b.nextDeclared = true;
  b.prev = token;
  return token.length;
}

/** The function a top-level `{` opens, from the tokens of its declaration's head; undefined for types and initialisers. */
function functionHead(head: HeadToken[]): { name: string; params: Set<string>; pointerParams: Set<string>; arity: Arity | undefined } | undefined {
  if (!head.length) return undefined;
  let parenDepth = 0;
  for (let k = 0; k < head.length; k++) {
    const t = head[k]!;
    if (t.kind === '(') parenDepth++;
    else if (t.kind === ')') parenDepth--;
    else if (t.kind === '=' && parenDepth === 0) return undefined; // an initialiser
  }
  const last = head[head.length - 1]!;
  if (last.kind === 'ident' && head.length >= 2 && /^(?:struct|union|enum)$/.test(head[head.length - 2]!.text)) return undefined;
  if (last.kind === 'ident' && /^(?:struct|union|enum)$/.test(last.text)) return undefined;
  if (head.some((t) => t.kind === 'ident' && (t.text === 'extern' ? head.some((u) => u.text === '"') : false))) return undefined; // extern "C" {
  parenDepth = 0;
  for (let k = 0; k < head.length - 1; k++) {
    const t = head[k]!;
    if (t.kind === '(') parenDepth++;
    else if (t.kind === ')') parenDepth--;
    else if (parenDepth === 0 && t.kind === 'ident' && head[k + 1]!.kind === '(' && !HEAD_MACROS.test(t.text) && !KEYWORDS.has(t.text)) {
      return { name: t.text, params: parameterNames(head, k + 1), pointerParams: pointerParameters(head, k + 1), arity: arityOf(head, k + 1) };
    }
  }
  return undefined;
}

/**
 * The names a parameter list declares: the last identifier of each parameter, and every identifier of one that
 * nests parentheses (`void (*fn)(void)` declares `fn`; its other words are type names, never called).
 */
function parameterNames(head: HeadToken[], open: number): Set<string> {
  const names = new Set<string>();
  let parenDepth = 0;
  let lastIdent: string | undefined;
  for (let k = open; k < head.length; k++) {
    const t = head[k]!;
    if (t.kind === '(') parenDepth++;
    else if (t.kind === ')') {
      parenDepth--;
      if (parenDepth === 0) break;
    } else if (t.kind === 'ident') {
      if (parenDepth > 1) names.add(t.text);
      lastIdent = t.text;
    } else if (t.text === ',' && parenDepth === 1) {
      if (lastIdent) names.add(lastIdent);
      lastIdent = undefined;
    }
  }
  if (lastIdent) names.add(lastIdent);
  return names;
}

/**
 * The parameters the list starting at `open` declares as pointers to something other than characters and not
 * `const` (`struct config *c`, `void *arg`, `uid_t *out`; not `char *name`, `const struct config *c`, nor a function
 * pointer): those whose fields a callee handed them may set.
 */
function pointerParameters(head: HeadToken[], open: number): Set<string> {
  const names = new Set<string>();
  let parenDepth = 0;
  let words: string[] = [];
  let star = false;
  let nested = false;
  /** A `const` before the first `*`: what the pointer points to cannot be written through it. */
  let constPointee = false;
  const end = (): void => {
    if (star && !nested && !constPointee && words.length >= 2 && !words.includes('char')) names.add(words.at(-1)!);
    words = [];
    star = false;
    nested = false;
    constPointee = false;
  };
  for (let k = open; k < head.length; k++) {
    const t = head[k]!;
    if (t.kind === '(') {
      parenDepth++;
      if (parenDepth > 1) nested = true;
    } else if (t.kind === ')') {
      parenDepth--;
      if (parenDepth === 0) break;
    } else if (parenDepth === 1 && t.kind === 'ident') {
      if (t.text === 'const' && !star) constPointee = true;
      words.push(t.text);
    } else if (parenDepth === 1 && t.text === '*') star = true;
    else if (parenDepth === 1 && t.text === ',') end();
  }
  end();
  return names;
}

/** The arguments the parenthesised parameter list starting at `open` takes: `(void)` none, `(a, ...)` at least one. */
function arityOf(head: HeadToken[], open: number): Arity | undefined {
  let depth = 0;
  let commas = 0;
  let dots = 0;
  const words: string[] = [];
  for (let k = open; k < head.length; k++) {
    const t = head[k]!;
    if (t.kind === '(') depth++;
    else if (t.kind === ')') {
      if (--depth === 0) break;
    } else if (depth === 1 && t.text === ',') commas++;
    else if (depth === 1 && t.text === '.') dots++;
    else if (depth === 1 && t.kind === 'ident') words.push(t.text);
  }
  if (!words.length && !dots) return undefined;
  if (!commas && !dots && words.length === 1 && words[0] === 'void') return { count: 0, variadic: false };
  return dots ? { count: commas, variadic: true } : { count: commas + 1, variadic: false };
}

function isDirectoryPath(s: string): boolean {
  return s === '.' || s === '/' || s === '..' || (s.length > 1 && s.endsWith('/'));
}

function lineEnd(text: string, i: number): number {
  const e = text.indexOf('\n', i);
  return e < 0 ? text.length : e;
}

/**
 * The argument list starting at `i` begins with written text: a string literal, or a translation call of one
 * (`_("…")`, `gettext("…")`), as the front-end's `literal` arguments are.
 */
function startsWithText(text: string, i: number): boolean {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  const c = text.charCodeAt(i);
  if (c === DQUOTE) return true;
  if (!isIdentStart(c)) return false;
  TRANSLATED_TEXT.lastIndex = i;
  return TRANSLATED_TEXT.test(text);
}

const TRANSLATED_TEXT = /[A-Za-z_]\w*\s*\(\s*"/y;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === NL || c === 13;
}

function nextNonSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== NL && c !== 13) return c;
    i++;
  }
  return -1;
}

/**
 * All the analysis of a project reads from a C file that it does not parse: its lexical index without offsets
 * (which functions it defines, what each uses, its macros, what its top level uses) and the noreturn names its text
 * declares (`noreturnNames`, given by the caller: the front-end's reading of the text). Two texts of a file that is
 * not parsed with the same fingerprint give the project the same analysis, and the file itself no findings: the
 * ESLint plugin answers such an edit without asking the engine (eslint/sync-engine.ts).
 */
export function lexicalFingerprint(text: string, noreturnNames: (text: string) => string[], index: CLexicalIndex = scanC(text)): string {
  return JSON.stringify([
    index.functions.map((f) => [f.name, [...f.uses], [...f.callCounts], f.directoryPath, f.callsParameter, f.lastCall ?? null, f.returns, f.isStatic, [...f.assigns], [...f.fields], [...f.handsPointerTo], f.arity ?? null]),
    index.macros,
    [...index.topLevelUses],
    index.unbalanced,
    /noreturn|NORETURN|__dead/.test(text) ? noreturnNames(text) : [],
  ]);
}
