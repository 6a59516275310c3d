/** C front-end: one source file → functions with control-flow graphs and privilege events. */
import type { Node, Parser, Tree } from 'web-tree-sitter';
import { ACCOUNT_PARAMETER, type FileModel, type FunctionModel, type IdClass, type MacroModel, type MessageShape } from '../model.js';
import { createParser, InputLimitError, mirrorIfSafe, parseBefore, tooDeepToAnalyse } from '../parser.js';
import { deadlineIn, fileTimeLimitError, fileTimeLimitMs, modelWithin } from '../time-limit.js';
import type { CallVocabulary } from '../call-meaning.js';
import { idGetterClass } from './calls.js';
import { valueWhen } from './conditions.js';
import { composedControlDefinitions, controlMacro, type ControlMacro, type MacroDefinition } from './control-macros.js';
import { valueMacros, type ValueMacro } from './value-macros.js';
import { truthy } from '../values.js';
import { FunctionCfgBuilder } from './cfg.js';
import { unixBranchOnly } from './preprocess.js';
import { parseReadyText, shapeMacrosIn } from './parse-text.js';
import { numericConstants } from './constants.js';
import { compiledOnUnix } from './unix-build.js';
import { unsignedGlobals } from './unsigned.js';
import { callArguments, calleeName, declaratorName, descendantsOfType, locOf, stringValue, unwrap } from './syntax.js';
import { functionMemory } from './function-models.js';
import { addressedPath, isValuePath } from '../value-paths.js';

/**
 * A word that marks a declaration as never returning: the standard spellings (`noreturn`, C11 `_Noreturn`, BSD
 * `__dead`), and the attribute macros projects name after them, upper case with NORETURN as their last word
 * (`NORETURN`, `ATTRIB_NORETURN`, `G_GNUC_NORETURN`, `PROJ_GCC_NORETURN`) or lower case ending in noreturn
 * (`__noreturn__`, `__attribute_noreturn__`, flex's `yynoreturn`).
 */
// (Each alternative reads a word in one way only: the search runs over every file's text.)
const NORETURN_WORD = String.raw`(?:_Noreturn|__dead2?|_*(?:[a-z][a-z0-9_]*)?noreturn_*|(?:[A-Z_][A-Z0-9_]*_)?NORETURN)`;

const NORETURN_MARKERS = new RegExp(String.raw`\b${NORETURN_WORD}\b`);

let parserPromise: Promise<Parser> | undefined;
function cParser(): Promise<Parser> {
  parserPromise ??= createParser('c');
  return parserPromise;
}

function functionDeclarator(decl: Node | null): Node | undefined {
  let d = decl;
  while (d) {
    if (d.type === 'function_declarator') return d;
    d = d.childForFieldName('declarator');
  }
  return undefined;
}

function parameterNames(fnDecl: Node): string[] {
  const params = fnDecl.childForFieldName('parameters');
  if (!params) return [];
  return params.namedChildren
    .filter((p) => p !== null && p.type === 'parameter_declaration')
    .map((p) => declaratorName(p!.childForFieldName('declarator')) ?? '');
}


/** Text that can hold an id getter's call (`getuid()`, `x_geteuid()`, `getpwuid(`): without it there is nothing to find. */
const ID_GETTER_TEXT = /get(?:e?[ug]id|res[ug]id|pwuid(?:_r)?)\s*\(/;

/**
 * `getresuid(&r, &e, &s)` (and getresgid): the real id read into the first, the effective and the saved ids into
 * the others: the ids the process had, put back by a restore (`setresuid(r, e, s)` after borrowing root).
 */
function savedIdsReadBy(call: Node, uidOnly: boolean): [string, IdClass][] {
  const callee = calleeName(call) ?? '';
  if (callee !== 'getresuid' && (uidOnly || callee !== 'getresgid')) return [];
  return callArguments(call).flatMap((a, i): [string, IdClass][] => {
    const read = addressedPath(unwrap(a).text);
    return read ? [[read, i === 0 ? 'invoker' : 'saved-effective']] : [];
  });
}

/** A getter of the process's user ids (`getuid`, `geteuid`, a project's `x_getuid`), not of its group ids. */
const UID_GETTER = /(?:^|_)gete?uid$/;

/** An id getter's call, through parentheses and casts: the class of id it reads (`getuid()`, `getpwuid(getuid())`). */
function getterClassOf(node: Node): IdClass | undefined {
  let n = node;
  while (n.type === 'parenthesized_expression' || n.type === 'cast_expression') {
    const inner = n.type === 'cast_expression' ? n.childForFieldName('value') : n.namedChild(0);
    if (!inner) return undefined;
    n = inner;
  }
  if (n.type !== 'call_expression') return undefined;
  const callee = calleeName(n) ?? '';
  const cls = idGetterClass(callee);
  if (cls || (callee !== 'getpwuid' && callee !== 'getpwuid_r')) return cls;
  // `pw = getpwuid(getuid())`: the invoking user's entry, so pw->pw_uid is the invoker.
  const arg = n.childForFieldName('arguments')?.namedChild(0);
  return arg && idGetterClass(calleeName(unwrap(arg)) ?? '') === 'invoker' ? 'invoker' : undefined;
}

/** `0`, `-1`, `(uid_t)-1`: a value that stands for no id. */
function isNoneValue(value: Node): boolean {
  return /^(?:0|-1|\([\w\s]+\)\s*-1)$/.test(unwrap(value).text.trim());
}

/** `pw = pwcopy(pw)`, `uid = (uid_t)uid`: the value is the variable's own, copied or converted. */
function copiesItself(value: Node, name: string): boolean {
  const v = unwrap(value);
  if (v.text === name) return true;
  if (v.type !== 'call_expression') return false;
  const args = callArguments(v);
  return args.length > 0 && args.every((a) => unwrap(a).text === name);
}

/**
 * Variables that hold an id read from the process: `saved = geteuid()`, `uid_t ruid = getuid()`, the ids
 * `getresuid(&r, &e, &s)` fills (`savedIdsReadBy`). A variable also
 * given a value that is none of the process's ids (`run.uid = getuid();` as the default, then `run.uid =
 * pw->pw_uid;` for a configured account) holds more than that id: it is another id, as one given two different
 * getters' values is.
 * `nodes`: the calls and assignments of `root`, when the caller has found them already.
 */
function idVariables(root: Node, text = root.text, nodes?: Node[], uidOnly = false): Map<string, IdClass> {
  const names = new Map<string, IdClass>();
  if (!ID_GETTER_TEXT.test(text)) return names;
  const found = nodes ?? descendantsOfType(root, ['call_expression', 'assignment_expression']);
  /** A name given the class of one id, or of two different ones: another id. */
  const record = (name: string, cls: IdClass): void => void names.set(name, names.has(name) && names.get(name) !== cls ? 'other' : cls);
  for (const call of found) {
    if (call.type !== 'call_expression') continue;
    for (const [name, cls] of savedIdsReadBy(call, uidOnly)) record(name, cls);
    const cls = getterClassOf(call);
    if (!cls || (uidOnly && !UID_GETTER.test(calleeName(call) ?? ''))) continue;
    let p = call.parent;
    while (p && (p.type === 'parenthesized_expression' || p.type === 'cast_expression')) p = p.parent;
    let name: string | undefined;
    if (p?.type === 'assignment_expression') name = unwrap(p.childForFieldName('left')!).text;
    if (p?.type === 'init_declarator') name = declaratorName(p.childForFieldName('declarator'));
    if (name) record(name, cls);
  }
  if (!names.size) return names;
  for (const a of found) {
    if (a.type !== 'assignment_expression') continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (!left || !right) continue;
    const name = unwrap(left).text;
    // Another of the process's ids (`elevuid = realuid;`, `x = geteuid();`) is not another account's, nor is 0 or
    // -1 put there to mean "none" (`oldgid = 0;` where the switch to group root failed: do not switch back).
    if (!names.has(name) || (a.childForFieldName('operator')?.text === '=' && (getterClassOf(right) !== undefined || names.has(unwrap(right).text) || copiesItself(right, name) || isNoneValue(right)))) continue;
    names.set(name, 'other');
  }
  return names;
}

/**
 * What the variables seen in one function hold: its own locals (`int retval = geteuid();` in one function says
 * nothing of `retval` in another), and the file's for the globals it uses.
 */
function functionIdVariables(def: Node, fileLevel: ReadonlyMap<string, IdClass>, locals: ReadonlySet<string>, text: string, uidOnly = false): Map<string, IdClass> {
  if (!fileLevel.size) return idVariables(def, text, undefined, uidOnly); // no file-level variables for a local to hide
  const names = new Map(fileLevel);
  for (const local of locals) names.delete(local);
  for (const [name, cls] of idVariables(def, text, undefined, uidOnly)) names.set(name, cls);
  return names;
}

/** The id variables that keep one of the process's ids (not 'other'). */
function uidNames(ids: ReadonlyMap<string, IdClass>): Set<string> {
  return new Set([...ids].flatMap(([name, cls]) => (cls === 'other' ? [] : [name])));
}

/** The names a function declares: its parameters and locals. */
function localNames(def: Node): Set<string> {
  return new Set(
    descendantsOfType(def, ['init_declarator', 'parameter_declaration', 'declaration'])
      // In `int rc = RS_RET_OK;` only `rc` is declared: the initial value names no local.
      .flatMap((d) => (d.type === 'declaration' ? descendantsOfType(d, ['identifier']).filter((i) => i.parent?.type === 'declaration' || (i.parent?.type === 'init_declarator' && i.parent.childForFieldName('declarator')?.id === i.id)) : [d.childForFieldName('declarator')]))
      .map((d) => (d ? declaratorName(d) ?? (d.type === 'identifier' ? d.text : undefined) : undefined))
      .filter((n): n is string => !!n),
  );
}

/** `__attribute__((cleanup(f)))` (or `__cleanup__`): the compiler calls f on the variable when its scope ends. */
const CLEANUP_ATTRIBUTE = /\b__attribute(?:__)?\s*\(\s*\((?:[^;{}]*?[\s(,])?_{0,2}cleanup_{0,2}\s*\(/;

/**
 * The attribute text of a declaration asks for a cleanup call, written out or through the macros that spell it
 * (`#define scoped(f) __attribute__((cleanup(f)))`, `#define scoped_fd scoped(close_fd)`): those of the project's
 * headers and of the file (`macros`), a few levels deep.
 */
function asksForCleanup(text: string, macros: ReadonlyMap<string, MacroDefinition>, depth = 0): boolean {
  if (CLEANUP_ATTRIBUTE.test(text)) return true;
  if (depth >= 4 || !macros.size) return false;
  for (const word of new Set(text.match(/[A-Za-z_]\w*/g) ?? [])) {
    const definition = macros.get(word);
    if (definition && asksForCleanup(definition.body, macros, depth + 1)) return true;
  }
  return false;
}

/**
 * The locals of a function declared with a cleanup attribute (`scoped_fd int dirfd = open(…);`), read from the
 * source as written: an annotation macro is blanked in the text parsed (parse-text.ts), so the words before the
 * declaration's first token, back to the end of the previous statement, are part of it too.
 */
function cleanupLocals(def: Node, source: string, macros: ReadonlyMap<string, MacroDefinition>): Set<string> {
  const names = new Set<string>();
  for (const declaration of descendantsOfType(def, ['declaration'])) {
    let start = declaration.startIndex;
    while (start > 0 && !';{}'.includes(source[start - 1]!)) start--;
    const inits = declaration.namedChildren.filter((c): c is Node => c?.type === 'init_declarator' || c?.type === 'identifier');
    const first = inits[0];
    if (!first) continue;
    // The attributes stand before the declarator, or after it before its initial value (`int fd __attribute__((…)) = …`).
    const value = first.type === 'init_declarator' ? first.childForFieldName('value') : null;
    // (Comments left out: one that names a cleanup macro declares nothing.)
    const written = source.slice(start, value ? value.startIndex : first.endIndex).replace(/\/\*[\s\S]*?(?:\*\/|$)|\/\/.*$/gm, ' ');
    if (!asksForCleanup(written, macros)) continue;
    for (const init of inits) {
      const name = init.type === 'identifier' ? init.text : declaratorName(init.childForFieldName('declarator'));
      if (name) names.add(name);
    }
  }
  return names;
}

/** The variable an expression's value is assigned to or initialises (`pw = …`, `struct passwd *pw = …`). */
function assignedName(expr: Node): string | undefined {
  let p = expr.parent;
  while (p && (p.type === 'parenthesized_expression' || p.type === 'cast_expression')) p = p.parent;
  if (p?.type === 'assignment_expression') return unwrap(p.childForFieldName('left')!).text;
  if (p?.type === 'init_declarator') return declaratorName(p.childForFieldName('declarator'));
  return undefined;
}

/** Calls that return a connected socket a peer opened. */
export const ACCEPT_CALLS: ReadonlySet<string> = new Set(['accept', 'accept4']);

/** The variables a function assigns an accepted connection to (`fd = accept(s, …)`, `int c = accept4(…)`). */
function acceptedInto(def: Node, text: string): string[] {
  if (!/\baccept4?\s*\(/.test(text)) return [];
  const names: string[] = [];
  for (const call of descendantsOfType(def, ['call_expression'])) {
    if (!ACCEPT_CALLS.has(calleeName(call) ?? '')) continue;
    const name = assignedName(call);
    if (name && /^[A-Za-z_]\w*$/.test(name)) names.push(name);
  }
  return names;
}

/** Socket domains of the machine itself: what is read from them comes from the kernel or a local process. */
const LOCAL_DOMAIN = /^(?:AF|PF)_(?:NETLINK|UNIX|LOCAL|ROUTE)$/;

/**
 * The variables a function assigns a local socket to (`nl = socket(AF_NETLINK, …)`), and the two ends of a local
 * socket pair (`socketpair(AF_UNIX, …, sv)`: `sv[0]`, `sv[1]`, and the variables the function copies them into,
 * `helper_fd = sv[0];`): the other end belongs to the process itself or to a child it starts.
 */
function localSocketsIn(def: Node, text: string): string[] {
  if (!/\b[AP]F_(?:NETLINK|UNIX|LOCAL|ROUTE)\b/.test(text)) return [];
  const names: string[] = [];
  const pairs: string[] = [];
  for (const call of descendantsOfType(def, ['call_expression'])) {
    const callee = calleeName(call);
    if (callee !== 'socket' && callee !== 'socketpair') continue;
    const args = call.childForFieldName('arguments');
    const domain = args?.namedChild(0);
    if (!domain || !LOCAL_DOMAIN.test(unwrap(domain).text)) continue;
    const pair = callee === 'socketpair' ? args?.namedChild(3) : undefined;
    const name = callee === 'socket' ? assignedName(call) : pair && unwrap(pair).type === 'identifier' ? unwrap(pair).text : undefined;
    if (!name) continue;
    if (callee === 'socket') names.push(name);
    else pairs.push(`${name}[0]`, `${name}[1]`);
  }
  if (!pairs.length) return names;
  names.push(...pairs);
  for (const assignment of descendantsOfType(def, ['assignment_expression', 'init_declarator'])) {
    const value = assignment.childForFieldName(assignment.type === 'init_declarator' ? 'value' : 'right');
    if (!value || !pairs.includes(unwrap(value).text.replace(/\s+/g, ''))) continue;
    const name = assignment.type === 'init_declarator' ? declaratorName(assignment.childForFieldName('declarator')) : unwrap(assignment.childForFieldName('left')!).text;
    if (name && isValuePath(name)) names.push(name);
  }
  return names;
}

/** The variable a descriptor's name is kept in: `sv` for `sv[0]`. */
function variableOf(name: string): string {
  return name.replace(/\[.*$/, '');
}

/** The first arguments of the function's read()/readv() calls that are plain names. */
function readDescriptors(def: Node, text: string): string[] {
  if (!/\breadv?\s*\(/.test(text)) return [];
  const names = new Set<string>();
  for (const call of descendantsOfType(def, ['call_expression'])) {
    const callee = calleeName(call);
    if (callee !== 'read' && callee !== 'readv') continue;
    const arg = call.childForFieldName('arguments')?.namedChild(0);
    if (arg && unwrap(arg).type === 'identifier') names.add(unwrap(arg).text);
  }
  return [...names];
}

/** Variables holding the passwd entry of a named account: `pw = getpwnam("nobody")`. */
function passwdUsers(root: Node, strings: ReadonlyMap<string, string>, text = root.text): Map<string, string> {
  const users = new Map<string, string>();
  if (!text.includes('getpwnam')) return users; // every entry below starts from a getpwnam() in this text
  for (const call of descendantsOfType(root, ['call_expression'])) {
    if (calleeName(call) !== 'getpwnam') continue;
    const arg = call.childForFieldName('arguments')?.namedChild(0);
    // A literal, a macro defined as one (`#define RUNAS "nobody"`), or a parameter the caller's argument names.
    const user = arg ? (stringValue(arg) ?? (arg.type === 'identifier' ? (strings.get(arg.text) ?? ACCOUNT_PARAMETER + arg.text) : undefined)) : undefined;
    const name = assignedName(call);
    if (user && name) users.set(name, users.has(name) && users.get(name) !== user ? '' : user);
  }
  // Ids copied out of such an entry belong to its account too: `uid = pw->pw_uid;`
  for (const field of descendantsOfType(root, ['field_expression'])) {
    if (!/^pw_[ug]id$/.test(field.childForFieldName('field')?.text ?? '')) continue;
    const base = field.childForFieldName('argument');
    const user = base ? users.get(unwrap(base).text) : undefined;
    const name = assignedName(field);
    if (user && name && !users.has(name)) users.set(name, user);
  }
  for (const [name, user] of users) if (!user) users.delete(name); // assigned different accounts: unknown
  return users;
}

/** Variables holding a capability set read from text: `caps = cap_from_text("cap_setgid=ep")`. */
function capabilityTexts(root: Node, text = root.text): Map<string, string> {
  const texts = new Map<string, string>();
  if (!text.includes('cap_from_text')) return texts; // every entry below starts from a cap_from_text() in this text
  for (const call of descendantsOfType(root, ['call_expression'])) {
    if (calleeName(call) !== 'cap_from_text') continue;
    const arg = call.childForFieldName('arguments')?.namedChild(0);
    const text = arg ? stringValue(arg) : undefined;
    const name = assignedName(call);
    if (text !== undefined && name) texts.set(name, text);
  }
  return texts;
}

/**
 * Variables the function sets to namespace flags that may include a new user namespace: `flags |= CLONE_NEWUSER;`,
 * `flags = CLONE_NEWNS | CLONE_NEWUSER;` (an `unshare(flags)` may then give the process a full capability set).
 */
function newUserFlags(text: string): Set<string> | undefined {
  if (!text.includes('CLONE_NEWUSER')) return undefined;
  const names = new Set<string>();
  for (const m of text.matchAll(/([A-Za-z_]\w*(?:\s*(?:\.|->)\s*[A-Za-z_]\w*)*)\s*\|?=(?!=)[^;{}]*\bCLONE_NEWUSER\b/g)) names.add(m[1]!.replace(/\s+/g, ''));
  return names.size ? names : undefined;
}

/** Object-like macros defined as a string literal: `#define RUNAS "nobody"`. */
function stringMacros(root: Node, defs = descendantsOfType(root, ['preproc_def'])): Map<string, string> {
  const values = new Map<string, string>();
  for (const def of defs) {
    const m = /^"([^"\\]*)"$/.exec(def.childForFieldName('value')?.text.trim() ?? '');
    const name = def.childForFieldName('name')?.text;
    if (name && m) values.set(name, m[1]!);
  }
  return values;
}

/**
 * Functions a Unix build compiles as `main` under another name (`#define server_main main` before `int
 * server_main(int argc, char **argv)`): program entries.
 */
function mainAliases(defs: Node[]): Set<string> {
  const names = new Set<string>();
  for (const def of defs) {
    const name = def.childForFieldName('name')?.text;
    if (name && def.childForFieldName('value')?.text.trim() === 'main' && compiledOnUnix(def)) names.add(name);
  }
  return names;
}

/** System headers only Windows has: a file that includes one whatever the build is a Windows-only file. */
const WINDOWS_ONLY_HEADER = /^[<"](?:windows|winsvc|winsock2?|tchar|strsafe|ws2tcpip|winbase|winnt)\.h[>"]$/i;

/** A directory of a project's Windows port (`ports/winnt/`, `src/os/win32/`): its files are no part of a Unix build. */
const WINDOWS_PORT_DIRECTORY = /(?:^|[\\/])(?:win32|win64|winnt|windows|mswin|w32)[\\/]/i;

function windowsOnlyFile(path: string, includes: Node[]): boolean {
  return WINDOWS_PORT_DIRECTORY.test(path) || includes.some((inc) => WINDOWS_ONLY_HEADER.test(inc.childForFieldName('path')?.text.trim() ?? '') && compiledOnUnix(inc));
}

/** Object-like macros defined as a number: `#define NOBODY_UID 65534`. */
function numericMacros(root: Node, defs = descendantsOfType(root, ['preproc_def'])): Map<string, number> {
  const values = new Map<string, number>();
  for (const def of defs) {
    const value = Number(def.childForFieldName('value')?.text.trim().replace(/^\((.*)\)$/, '$1').replace(/[uUlL]+$/, ''));
    const name = def.childForFieldName('name')?.text;
    if (name && Number.isInteger(value)) values.set(name, value);
  }
  return values;
}

function macrosOf(root: Node, defs = descendantsOfType(root, ['preproc_function_def'])): MacroModel[] {
  return defs.map((m) => ({
    name: m.childForFieldName('name')?.text ?? '',
    params: (m.childForFieldName('parameters')?.namedChildren ?? []).map((p) => p?.text ?? ''),
    body: m.childForFieldName('value')?.text ?? '',
  }));
}

/** `static void NORETURN\nerror(...)`: found in the text too, for prototypes the parser could not make sense of. */
const NORETURN_BEFORE_NAME = new RegExp(String.raw`\b${NORETURN_WORD}\b(?:\s*\)\s*\)|\s*\]\s*\])?\s*(?<=[\s)\]])(?:[A-Z_][A-Z0-9_]*\s*\([^()]*\)\s*|[A-Za-z_]\w*\s+|\*\s*)*?([A-Za-z_]\w*)\s*\(`, 'g');

/** `void die(const char *) NORETURN FAST_FUNC;`, `void fatal(...) __attribute__((noreturn));`: the marker after the parameters. */
const NORETURN_MARKER = new RegExp(String.raw`\b${NORETURN_WORD}\b|__attribute__\s*\(\((?:[^()]|\([^()]*\))*?\b_{0,2}noreturn_{0,2}\b`, 'g');

/**
 * A quick look before the exact scan: the text may declare a function that never returns, in any of the spellings
 * (`noreturn`, C11 `_Noreturn`, C23 `[[noreturn]]`, `__attribute__((__noreturn__))`, `NORETURN`, BSD `__dead`).
 */
export function mayDeclareNoreturn(text: string): boolean {
  return /noreturn|NORETURN|__dead/i.test(text);
}
/** The declared name before a marker: attribute macros, with their arguments, may stand between (`SVC_PRINTF(1, 2)`). */
const NAME_BEFORE_MARKER = /([A-Za-z_]\w*)\s*\((?:[^;{}()]|\([^;{}()]*\))*\)\s*(?:(?:[A-Z_][A-Z0-9_]*|__attribute__)\b\s*(?:\((?:[^;{}()]|\([^;{}()]*\))*\)\s*)?)*$/;

/** Names declared never to return, read from the text (also where the parser could not follow). */
export function noreturnNamesInText(source: string): string[] {
  const names: string[] = [];
  for (const m of source.matchAll(NORETURN_BEFORE_NAME)) {
    let name = m[1]!;
    let rest = source.slice(m.index! + m[0].length - 1);
    // Skip attribute macros such as PRINTFLIKE(1, 2) between the marker and the name.
    for (let hops = 0; /^[A-Z_][A-Z0-9_]*$/.test(name) && hops < 3; hops++) {
      const next = /^\([^()]*\)\s*(?:\*\s*)*([A-Za-z_]\w*)\s*\(/.exec(rest);
      if (!next) break;
      name = next[1]!;
      rest = rest.slice(next[0].length - 1);
    }
    names.push(name);
  }
  for (const m of source.matchAll(NORETURN_MARKER)) {
    // Only the text just before the marker, so that the search stays linear in the file size.
    const before = source.slice(Math.max(0, m.index! - 400), m.index!);
    const found = NAME_BEFORE_MARKER.exec(before);
    if (found) names.push(found[1]!);
  }
  return [...new Set(names)].filter((n) => !/^(if|while|for|switch|return|sizeof|__attribute__)$/.test(n));
}

/**
 * How a parameter list (its text, parentheses included or not) can take an error message: `(const char *msg)` one
 * message, `(const char *fmt, ...)` a format and its arguments; undefined for anything else (`(void)`, `(int, …)`).
 */
export function messageShape(paramText: string): MessageShape | undefined {
  const inner = paramText
    .trim()
    .replace(/^\(([\s\S]*)\)$/, '$1')
    // An annotation macro around a parameter (`FORMAT_STRING(const char *fmt)`): the parameter it wraps.
    .replace(/\b[A-Z_][A-Z0-9_]*\s*\(([^()]*)\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  if (/[()]/.test(inner)) return undefined;
  const parts = inner.split(',').map((p) => p.trim());
  if (!/^(?:const )?char ?\* ?(?:(?:const|restrict|__restrict) )?(?:[A-Za-z_]\w*)?$/.test(parts[0]!)) return undefined;
  if (parts.length === 1) return 'message';
  return parts.length === 2 && parts[1] === '...' ? 'format' : undefined;
}

/** The functions declared never to return in a text whose parameters take a message (see messageShape). */
export function noreturnShapesInText(source: string, names = noreturnNamesInText(source)): Record<string, MessageShape> {
  const shapes: Record<string, MessageShape> = {};
  for (const name of names) {
    for (const m of source.matchAll(new RegExp(`(?<![\\w.>])${name}\\s*\\(((?:[^()]|\\([^()]*\\))*)\\)`, 'g'))) {
      const shape = messageShape(m[1]!);
      if (shape) {
        shapes[name] = shape;
        break;
      }
    }
  }
  return shapes;
}

function noreturnDeclarations(root: Node, source: string, declarations = descendantsOfType(root, ['declaration', 'function_definition'])): string[] {
  const names: string[] = noreturnNamesInText(source);
  for (const d of declarations) {
    const fn = functionDeclarator(d.childForFieldName('declarator'));
    if (!fn) continue;
    const head = d.type === 'function_definition' ? d.text.slice(0, (d.childForFieldName('body')?.startIndex ?? d.endIndex) - d.startIndex) : d.text;
    if (NORETURN_MARKERS.test(head)) {
      const name = declaratorName(fn.childForFieldName('declarator'));
      if (name) names.push(name);
    }
  }
  return names;
}

/** Blocks at the top level of a file: function bodies whose head the parse did not join to them. */
function orphanBlocks(root: Node): number {
  let count = 0;
  for (const c of root.children) if (c.type === 'compound_statement') count++;
  return count;
}

/**
 * Where the parser could not make sense of the file: the ranges of its ERROR nodes (an ERROR inside another is in
 * its range) and of its missing tokens (empty). Only nodes that hold an error are gone into, and each node's parent
 * is the one the walk came from: no `parent` lookup, which recurses in the parser runtime over deep error recovery
 * (parser.ts, MAX_ERROR_NESTING), and no walk of the error-free code.
 */
function errorRanges(root: Node): [number, number][] {
  const out: [number, number][] = [];
  const work: Node[] = [root];
  while (work.length) {
    const node = work.pop()!;
    if (node.type === 'ERROR' || node.isMissing) {
      out.push([node.startIndex, node.endIndex]);
      if (node.type === 'ERROR') continue;
    }
    for (const child of node.children) if (child?.hasError || child?.isMissing) work.push(child);
  }
  return out;
}

/** How much of the file the parser could not make sense of: the bytes in its error ranges. */
function errorBytes(ranges: readonly [number, number][]): number {
  return ranges.reduce((n, [a, b]) => n + b - a, 0);
}

/**
 * What other files of the project tell about this one: string macros defined in headers (`#define RUNAS "nobody"`),
 * and the headers' control-flow macros (`#define ABORT_FINALIZE(e) do { iRet = e; goto finalize_it; } while (0)`).
 */
export interface ProjectContext {
  stringMacros?: ReadonlyMap<string, string>;
  /** Numeric constants of the project's headers the file names (`#define PR_ROOT_UID 0`, enumeration members). */
  numericConstants?: ReadonlyMap<string, number>;
  /** File-scope variables the project never sets that the file names, with the value they keep (c/globals.ts): read in conditions. */
  globalConstants?: ReadonlyMap<string, number>;
  /** Struct members the unit stores its functions in (c/members.ts): a call through one is a call event. */
  memberCalls?: ReadonlySet<string>;
  /** Control-flow macros of the project's headers, and those that shape the syntax (parse-text.ts). */
  controlMacros?: ReadonlyMap<string, MacroDefinition>;
  /** The project's checking wrappers and drop helpers (privlint.json). */
  vocabulary?: CallVocabulary;
  /** Value macros of the project's headers (value-macros.ts). */
  valueMacros?: ReadonlyMap<string, ValueMacro>;
}

/** The value macros a file can use: its own definitions, and its project's headers'. */
function valueMacrosOf(defs: Node[], fromHeaders: ReadonlyMap<string, ValueMacro> = new Map()): Map<string, ValueMacro> {
  const own: [string, ValueMacro][] = [];
  for (const def of defs) {
    const name = def.childForFieldName('name')?.text;
    const body = def.childForFieldName('value')?.text;
    if (!name || body === undefined) continue;
    own.push([name, { params: (def.childForFieldName('parameters')?.namedChildren ?? []).map((p) => p?.text ?? ''), body: body.replace(/\\\r?\n/g, ' ').trim() }]);
  }
  return own.length ? new Map([...fromHeaders, ...valueMacros(own, fromHeaders)]) : new Map(fromHeaders);
}

/** A function-like macro's parameters as written, `...` of a variadic one included (the parser gives it no node of its own). */
function macroParameters(def: Node): string[] {
  const list = def.childForFieldName('parameters');
  const named = (list?.namedChildren ?? []).map((p) => p?.text ?? '');
  return list?.text.includes('...') && !named.some((p) => p.endsWith('...')) ? [...named, '...'] : named;
}

/** The control-flow macros a file can use: its own definitions, else its project's headers'. */
function controlMacrosOf(root: Node, fromHeaders: ReadonlyMap<string, MacroDefinition> = new Map(), defs = descendantsOfType(root, ['preproc_function_def', 'preproc_def'])): Map<string, ControlMacro> {
  const definitions = new Map(fromHeaders);
  for (const def of defs) {
    const name = def.childForFieldName('name')?.text;
    const body = def.childForFieldName('value')?.text;
    if (!name || body === undefined) continue;
    const params = def.type === 'preproc_function_def' ? macroParameters(def) : undefined;
    definitions.set(name, { params, body });
  }
  // Macros that log, then invoke a control macro with their own parameters (`msg(flags, …)` → `EXIT_FATAL(flags)`).
  const known = new Map([...definitions].filter(([name, d]) => controlMacro(name, d) !== undefined));
  for (const [name, composed] of composedControlDefinitions(definitions, known)) definitions.set(name, composed);
  const macros = new Map<string, ControlMacro>();
  for (const [name, definition] of definitions) {
    const macro = controlMacro(name, definition);
    if (macro) macros.set(name, macro);
  }
  return macros;
}

/**
 * The truth of control macros' conditions for given values of their parameters: each condition is parsed once
 * (`(iRet = code) != RS_RET_OK` with code = -1), and evaluated like a condition in the code.
 */
class MacroConditions {
  private readonly parsed = new Map<string, { tree: Tree; condition: Node; subject: Node } | null>();

  /** `numbers`: the file's numeric macros (`#define RS_RET_OK 0`), read as their values in the conditions. */
  constructor(private readonly parser: Parser, private readonly numbers: ReadonlyMap<string, number>) {}

  truth(macro: ControlMacro, param: string, value: number | boolean): boolean | null {
    const key = `${macro.name}\0${param}`;
    let entry = this.parsed.get(key);
    if (entry === undefined) {
      entry = this.parse(macro.condition ?? '', param);
      this.parsed.set(key, entry);
    }
    if (!entry) return null;
    const v = valueWhen(entry.condition, entry.subject, value);
    return v === null ? null : truthy(v);
  }

  private parse(condition: string, param: string): { tree: Tree; condition: Node; subject: Node } | null {
    const text = condition.replace(/[A-Za-z_]\w*/g, (name) => (name === param ? MACRO_ARGUMENT : String(this.numbers.get(name) ?? name)));
    const tree = this.parser.parse(`void f(void) { if (${text}) ; }`);
    const cond = tree ? descendantsOfType(tree.rootNode, ['if_statement'])[0]?.childForFieldName('condition') : undefined;
    const subject = cond ? descendantsOfType(cond, ['identifier']).find((i) => i.text === MACRO_ARGUMENT) : undefined;
    if (!tree || !cond || !subject || tree.rootNode.hasError) {
      tree?.delete();
      return null;
    }
    return { tree, condition: cond, subject };
  }

  dispose(): void {
    for (const entry of this.parsed.values()) entry?.tree.delete();
  }
}

const MACRO_ARGUMENT = '__privlint_macro_argument';

/**
 * The nodes of the file-level kinds the model is read from, found in one walk of the tree (a walk per kind costs
 * as much each): `of(...)` gives those of some kinds, in document order, as separate `descendantsOfType` calls would.
 */
class FileNodes {
  private constructor(private readonly found: Node[]) {}

  static of(root: Node, source: string): FileNodes {
    // Calls and assignments are many: found only when the text can hold an id getter's call (what idVariables reads them for).
    // (ERROR is not asked for with other kinds: web-tree-sitter then finds nothing of any kind.)
    const kinds = ['declaration', 'function_definition', 'preproc_def', 'preproc_function_def', 'preproc_include', ...(ID_GETTER_TEXT.test(source) ? ['call_expression', 'assignment_expression'] : [])];
    return new FileNodes(descendantsOfType(root, kinds));
  }

  of(...types: string[]): Node[] {
    return this.found.filter((n) => types.includes(n.type));
  }
}

/**
 * The tree privlint reads a C text from: its parse, or — when conditionals split the syntax — the parse of its Unix
 * build (one branch of each `#if`), when that one makes more sense. Null when the parse was stopped at `deadline`.
 * The text parsed has the annotation and iteration macros of `macros` (the project's headers' shape macros) and of
 * the file made readable to the grammar, offsets kept (parse-text.ts).
 */
function parseForAnalysis(parser: Parser, path: string, source: string, deadline: number, macros?: ReadonlyMap<string, MacroDefinition>, errors?: [number, number][]): { tree: Tree; flattened: boolean; parsedText: string } | null {
  let parsedText = parseReadyText(source, macros);
  let tree = parseBefore(parser, parsedText, deadline, { memoryKey: path });
  if (!tree) return null;
  let flattened = false;
  if (tree.rootNode.hasError) {
    const firstErrors = errorRanges(tree.rootNode);
    // Conditionals that split the syntax can wreck the whole parse: retry with one branch of each, the Unix build's.
    const unixText = parseReadyText(unixBranchOnly(source), macros);
    const retry = parseBefore(parser, unixText, deadline, { memoryKey: `${path}\0unix build`, from: { tree, text: parsedText } });
    const retryErrors = retry ? errorRanges(retry.rootNode) : [];
    errors?.push(...firstErrors, ...retryErrors);
    // A function head split by `#if` (`#if A int f(x, y) #else int f(x) #endif { … }`) parses with made-up `;`s
    // only, no ERROR bytes: its body is left as a block outside any function. A retry without such a block wins.
    const before = errorBytes(firstErrors);
    const after = retry ? errorBytes(retryErrors) : Infinity;
    if (retry && (after < before || (after === before && orphanBlocks(tree.rootNode) > orphanBlocks(retry.rootNode)))) {
      tree.delete();
      tree = retry;
      flattened = true;
      parsedText = unixText;
    } else retry?.delete();
  }
  return { tree, flattened, parsedText };
}

/** What the parse tells the user about a file: that part of it could not be parsed, or that its Unix build was read. */
function syntaxDiagnostics(path: string, root: Node, flattened: boolean): FileModel['diagnostics'] {
  if (root.hasError) {
    const first = firstError(root);
    return [{
      file: path, level: 'warning', line: first ? first.startPosition.row + 1 : undefined,
      message: `part of this file could not be parsed (macros or syntax errors); the rest was analysed${flattened ? ', read as a Unix build compiles it (one branch of each #if, feature macros\' code as code)' : ''}`,
    }];
  }
  return flattened
    ? [{ file: path, level: 'warning', message: 'conditional compilation or feature macros split the syntax of this file: it was analysed as a Unix build compiles it (one branch of each #if, feature macros\' code as code)' }]
    : [];
}

/** The first ERROR node in document order, going only into nodes that hold an error. */
function firstError(root: Node): Node | undefined {
  if (root.type === 'ERROR') return root;
  for (const child of root.children) {
    if (!child?.hasError) continue;
    const found = firstError(child);
    if (found) return found;
  }
  return undefined;
}

/**
 * The diagnostics `analyzeCFile` gives for this text (the file's text as it is parsed: its irrelevant functions
 * blanked), from its parse alone; undefined when the parse was stopped or its tree is one the analysis refuses
 * (errors nested too deep): only a whole analysis says what then. An editor's host answers with this for a file
 * that has nothing a finding can be placed at, while its lexical index stays the same (project-index.ts).
 * `errors` receives the ranges of the ERROR nodes and missing tokens of the trees parsed (the first, and the Unix
 * build's retry): white space changed outside all of them leaves both trees as they were.
 */
export async function diagnosticsOfParse(path: string, source: string, macros?: ReadonlyMap<string, MacroDefinition>, errors?: [number, number][]): Promise<FileModel['diagnostics'] | undefined> {
  const parsed = parseForAnalysis(await cParser(), path, source, deadlineIn(fileTimeLimitMs()), macros, errors);
  if (!parsed) return undefined;
  const { tree, flattened } = parsed;
  try {
    // The analysis reads a copy of the tree, and refuses a tree with errors nested too deep (`mirrorIfSafe`): so
    // does this, with the same walk, counting the depth only.
    if (tooDeepToAnalyse(tree)) return undefined;
    return syntaxDiagnostics(path, tree.rootNode, flattened);
  } finally {
    tree.delete();
  }
}

export async function analyzeCFile(path: string, source: string, nextEventId: () => number, project: ProjectContext = {}): Promise<FileModel> {
  const parser = await cParser();
  const deadline = deadlineIn(fileTimeLimitMs());
  const parsed = parseForAnalysis(parser, path, source, deadline, project.controlMacros);
  if (!parsed) throw fileTimeLimitError();
  const { tree, parsedText, flattened } = parsed;
  // The model is read from a copy of the tree in plain objects (syntax-mirror.ts): the tree itself is let go.
  const root = mirrorIfSafe(tree, parsedText);
  const diagnostics = root instanceof InputLimitError ? [] : syntaxDiagnostics(path, tree.rootNode, flattened);
  tree.delete();
  if (root instanceof InputLimitError) throw root;
  const nodes = FileNodes.of(root, source);
  // The headers' constants, then the file's own (its macros as parsed, then as a Unix build defines them, and its enumerations).
  const numbers = new Map([...(project.numericConstants ?? []), ...numericMacros(root, nodes.of('preproc_def')), ...numericConstants(source, project.numericConstants)]);
  const macroConditions = new MacroConditions(parser, numbers);
  // In conditions, a variable nothing sets reads as the value it keeps (the file's macros and constants first).
  const conditionConstants = project.globalConstants?.size ? new Map([...project.globalConstants, ...numbers]) : numbers;
  try {
    // Building the model counts against the file's time limit too.
    return modelWithin(deadline, () => {
      const model: FileModel = {
        path,
        language: 'c',
        functions: [],
        noreturnNames: noreturnDeclarations(root, source, nodes.of('declaration', 'function_definition')),
        macros: macrosOf(root, nodes.of('preproc_function_def')),
        idVariables: Object.fromEntries(idVariables(root, source, nodes.of('call_expression', 'assignment_expression'))),
        diagnostics,
      };
      const unsignedGlobalNames = unsignedGlobals(nodes.of('declaration'));
      // The same, of the user ids only (`real_uid == 0` tests whether the process is root; `real_gid == 0` does not).
      const fileUidVariables = idVariables(root, source, nodes.of('call_expression', 'assignment_expression'), true);
      const fileCtx = {
        file: path, nextEventId, idVariables: new Map(Object.entries(model.idVariables)), numericMacros: numbers, conditionConstants,
        controlMacros: controlMacrosOf(root, project.controlMacros, nodes.of('preproc_function_def', 'preproc_def')), vocabulary: project.vocabulary, memberCalls: project.memberCalls,
        macroCondition: (macro: ControlMacro, param: string, value: number | boolean) => macroConditions.truth(macro, param, value),
        unsignedGlobals: new Set(unsignedGlobalNames),
        valueMacros: valueMacrosOf(nodes.of('preproc_function_def'), project.valueMacros),
      };
      const strings = new Map([...(project.stringMacros ?? []), ...stringMacros(root, nodes.of('preproc_def'))]);
      // An editor's host analyses the same file after each edit: functions whose text, place and file context are
      // unchanged take their model from the previous analysis (function-models.ts).
      const entryAliases = mainAliases(nodes.of('preproc_def'));
      const reuse = functionMemory?.forFile(path, [model.noreturnNames, model.idVariables, [...numbers], [...(project.globalConstants ?? [])], [...(project.memberCalls ?? [])], [...fileCtx.controlMacros], [...fileCtx.valueMacros], project.vocabulary ?? null, [...strings], [...entryAliases], unsignedGlobalNames]);
      // A file that includes Windows' own headers whatever the build (a service wrapper another file includes under
      // `#ifdef _WIN32`) is not part of the programs privlint checks.
      const functions = windowsOnlyFile(path, nodes.of('preproc_include')) ? [] : nodes.of('function_definition');
      /** The macros that may spell a cleanup attribute: the project's headers' and the file's own (read when first needed). */
      let spellingMacros: Map<string, MacroDefinition> | undefined;
      for (const def of functions) {
        // `#ifdef _WIN32 void WINAPI ServiceMain(…) { … } #endif`: not a function of the programs privlint checks.
        if (!compiledOnUnix(def)) continue;
        const defText = def.text;
        // What the file as a whole holds (globals an accepted connection or a local socket is kept in) is read from
        // every function, the ones whose model is taken from the memory too.
        const accepted = acceptedInto(def, defText);
        const ownSockets = localSocketsIn(def, defText);
        let locals = accepted.length || ownSockets.length ? localNames(def) : undefined;
        for (const n of ownSockets) if (!locals!.has(variableOf(n)) && !(model.localSocketGlobals ??= []).includes(n)) model.localSocketGlobals.push(n);
        for (const n of accepted) if (!locals!.has(n) && !(model.socketGlobals ??= []).includes(n)) model.socketGlobals.push(n);
        const kept = reuse?.take(def, nextEventId);
        if (kept) {
          model.functions.push(kept);
          continue;
        }
        const counted = reuse?.counting(nextEventId);
        // Which account each passwd variable holds is read per function: `pw` names different accounts in different functions.
        locals ??= localNames(def);
        // Only a directory descriptor's cleanup matters (leaked-dirfd): read where the function opens something.
        const scoped = defText.includes('open') ? cleanupLocals(def, source, (spellingMacros ??= new Map([...(project.controlMacros ?? []), ...shapeMacrosIn(source)]))) : undefined;
        const ctx = { ...fileCtx, passwdUsers: passwdUsers(def, strings, defText), idVariables: functionIdVariables(def, fileCtx.idVariables, locals, defText), uidVariables: uidNames(functionIdVariables(def, fileUidVariables, locals, defText, true)), capabilityTexts: capabilityTexts(def, defText), newUserFlags: newUserFlags(defText), locals, ...(scoped?.size ? { cleanedUp: scoped } : {}) };
        const fn = functionDeclarator(def.childForFieldName('declarator'));
        const body = def.childForFieldName('body');
        const name = fn ? declaratorName(fn.childForFieldName('declarator')) : undefined;
        if (!fn || !body || !name) continue;
        const params = parameterNames(fn);
        const takesMessage = messageShape(fn.childForFieldName('parameters')?.text ?? '');
        const sockets = accepted.filter((n) => locals.has(n));
        const localDescriptors = readDescriptors(def, defText).filter((n) => locals.has(n) && !sockets.includes(n));
        const localSockets = ownSockets.filter((n) => locals.has(variableOf(n)));
        const isEntry = name === 'main' || entryAliases.has(name);
        const builder = new FunctionCfgBuilder(counted ? { ...ctx, nextEventId: counted.next } : ctx, isEntry ? { argv: params[1], envp: params[2] } : {});
        const typeText = def.childForFieldName('type')?.text ?? '';
        const pointerReturn = def.childForFieldName('declarator')?.type === 'pointer_declarator';
        let cfg;
        try {
          cfg = builder.build(body);
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
          model.diagnostics.push({ file: path, level: 'warning', line: def.startPosition.row + 1, message: `function ${name} is nested too deeply to analyse; skipped (the rest of the file was analysed)` });
          continue;
        }
        // A field of a parameter or local (`o->user`, `pw.pw_uid`) is the function's own too: only the base name tells.
        const baseOf = (n: string): string => /^[A-Za-z_]\w*/.exec(n)?.[0] ?? n;
        const assignsGlobals = [...new Set(cfg.nodes.flatMap((n) => n.assigns ?? []))].filter((n) => !locals.has(baseOf(n)) && !params.includes(baseOf(n)));
        const fnModel: FunctionModel = {
          name,
          file: path,
          language: 'c',
          loc: locOf(path, fn),
          params,
          ...(takesMessage ? { takesMessage } : {}),
          isLocal: def.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static'),
          returnsVoid: typeText === 'void' && !pointerReturn,
          isEntry,
          declaredNoreturn: model.noreturnNames.includes(name),
          ...(sockets.length ? { sockets } : {}),
          ...(localDescriptors.length ? { localDescriptors } : {}),
          ...(localSockets.length ? { localSockets } : {}),
          ...(assignsGlobals.length ? { assignsGlobals } : {}),
          cfg,
        };
        model.functions.push(fnModel);
        if (counted) reuse!.keep(def, fnModel, counted);
      }
      reuse?.done();
      return model;
    });
  } finally {
    macroConditions.dispose();
  }
}
