/**
 * Parse only what can matter. From the lexical index of every file of a program's unit, decide which functions can
 * affect a finding: those that touch privileges (set-id calls, groups, chroot, directory handles, root tests),
 * every function that uses them up to the program entries, and the callees whose summaries matter (functions that
 * die, read input, change directory, close descriptors, exec or fork — directly or through their callees — and
 * functions that call a function pointer handed to them). C files are parsed with every other function blanked out
 * (offsets and lines kept); files with none of them are not parsed at all. Node modules are chosen whole: those
 * that touch privileges, the modules that load them (up to the entries), and what those load.
 */
import { vocabularyPrivilegeNames, wrappersOf, type CallVocabulary } from '../call-meaning.js';
import type { MacroModel } from '../model.js';
import { ASSERT_NAMES, CAPABILITY_CALLS, INPUT_CALLS, READ_ONLY_LIBRARY, STATUS_CALLS } from '../c/calls.js';
import { BUILTIN_NORETURN, type LexicalDefinition } from '../analysis/project.js';
import { ANY_FIELD, scanC, type CLexicalIndex, type LexicalFunction } from './c-lexical.js';
import { callsMember, memberFunctions } from '../c/members.js';
import { treesRemembered } from '../parser.js';
import { wordsOf } from '../text-memory.js';
import { namesCalledIn } from '../c/value-macros.js';
import { scanJs, specifierTargets, stemIndex } from './js-lexical.js';
import { blankedKeepingLines } from '../line-index.js';
import { contentDigest } from '../engine/cache.js';

export interface SelectableSource {
  path: string;
  text: string;
  language: 'c' | 'node';
}

export interface Selection {
  /** The text to parse for each chosen file: the file itself, or (C) the file with irrelevant functions blanked. */
  parse: Map<string, string>;
  /** Function-like macros of C files that are not parsed whole (they may test and die: checking macros). */
  macros: MacroModel[];
  /** Functions kept / functions found, for progress and the bench. */
  functionsKept: number;
  functionsFound: number;
  /** (C) Struct members the unit stores its functions in, with those functions (c/members.ts). */
  members?: Map<string, string[]>;
  /** (C) How often the unit's functions call each name, and how often with written text first (c-lexical.ts). */
  callCounts?: Map<string, [number, number]>;
  /** (C) Every function definition of the unit, parsed or not, by name (`definitionsOf`). */
  definitions?: Map<string, LexicalDefinition[]>;
}

/** Identifiers that make a C function privilege code: the privilege and capability calls. */
const PRIVILEGE_NAMES = new Set([...[...STATUS_CALLS].filter((name) => name !== 'chdir' && name !== 'fchdir'), ...CAPABILITY_CALLS]);
/** Directory handles: a function that opens one and closes nothing may hand it to its callers, into a jail. */
const DIRECTORY_OPENERS = new Set(['opendir', 'fdopendir', 'O_DIRECTORY', 'O_PATH', 'O_SEARCH']);
const CLOSERS = new Set(['close', 'closedir', 'closefrom', 'close_range']);
/** The closers that close a directory handle, or every descriptor (plain close() closes any descriptor: too common). */
const DIRECTORY_CLOSERS = new Set(['closedir', 'closefrom', 'close_range']);
/** Root tests (`if (geteuid() == 0) errx(…)`): a function that tests them and dies is a root gate. */
const ID_GETTERS = new Set(['geteuid', 'getuid', 'getegid', 'getgid']);
/**
 * An assignment of whether the process is root (`ps.is_root = (geteuid() == 0);`, `root = !getuid();`, `x = 0 !=
 * geteuid();`): the name assigned (a fields' path as written) is group 1.
 */
const ROOT_COPY = /([A-Za-z_]\w*(?:\s*(?:\.|->)\s*[A-Za-z_]\w*)*)\s*=(?!=)[\s(]*(?:!\s*[\s(]*gete?uid\s*\(\s*\)|gete?uid\s*\(\s*\)[\s)]*[!=]=\s*0\b|0\s*[!=]=\s*[\s(]*gete?uid\s*\(\s*\))/g;
const INPUT_NAMES = new Set([...Object.keys(INPUT_CALLS), 'environ']);
const DIRECTORY_CHANGES = new Set(['chdir', 'fchdir']);
/** Account and group lookups: they return NULL when the name or id is unknown. */
const ACCOUNT_LOOKUPS = new Set(['getpwnam', 'getpwuid', 'getgrnam', 'getgrgid', 'getpwnam_r', 'getpwuid_r', 'getgrnam_r', 'getgrgid_r']);
const ACCEPT_NAMES = new Set(['accept', 'accept4']);
/** The exec family (c/calls.ts EXEC_FAMILY). */
const EXEC_CALLS = ['execl', 'execlp', 'execle', 'execv', 'execvp', 'execve', 'execvpe', 'fexecve', 'fexecl', 'fexeclp', 'fexecle', 'fexecv', 'fexecvp'];
const SOCKET_READ_NAMES = ['read', 'readv'];
const LOCAL_DOMAINS = new Set(['AF_NETLINK', 'PF_NETLINK', 'AF_UNIX', 'PF_UNIX', 'AF_LOCAL', 'PF_LOCAL', 'AF_ROUTE', 'PF_ROUTE']);

export interface SelectionVocabulary {
  /** Names the project or its configuration says never return. */
  noreturn: Iterable<string>;
  /** Names the configuration says read input. */
  inputFunctions: Iterable<string>;
  /** The configuration's checking wrappers and drop helpers: their calls are privilege code. */
  calls?: CallVocabulary;
}

export function selectForParsing(sources: SelectableSource[], vocabulary: SelectionVocabulary): Selection {
  const parse = new Map<string, string>();
  const macros: MacroModel[] = [];
  const c = sources.filter((s) => s.language === 'c');
  const counts = selectC(c, vocabulary, parse, macros);
  selectNode(sources.filter((s) => s.language === 'node'), parse, vocabularyPrivilegeNames(vocabulary.calls));
  return { parse, macros, ...counts };
}

/** How often the functions of the C sources call each name, and how often with written text first. */
export function callCountsOf(sources: SelectableSource[]): Map<string, [number, number]> {
  const total = new Map<string, [number, number]>();
  for (const src of sources) if (src.language === 'c') for (const f of scanned(src).functions) for (const [name, [all, withText]] of f.callCounts) {
    const sum = total.get(name) ?? [0, 0];
    sum[0] += all;
    sum[1] += withText;
    total.set(name, sum);
  }
  return total;
}

/**
 * Every function definition of the C sources, by name, in the sources' order: what a call's resolution chooses among;
 * with the names each assigns that it does not declare (`assigns`) and the unit's functions it calls (`calls`), read
 * from the text whether it is parsed or not: the globals a call may set (`Project.globalsSetByCall`).
 */
export function definitionsOf(sources: SelectableSource[]): Map<string, LexicalDefinition[]> {
  const found = new Map<string, LexicalDefinition[]>();
  const called: [LexicalDefinition, Set<string>, Set<string>][] = [];
  for (const src of sources) if (src.language === 'c') for (const f of scanned(src).functions) {
    const list = found.get(f.name) ?? [];
    const def: LexicalDefinition = { file: src.path, isStatic: f.isStatic, ...(f.assigns.size ? { assigns: [...f.assigns] } : {}), ...(f.fields.size ? { fields: [...f.fields] } : {}), ...(f.arity ? { arity: f.arity } : {}) };
    list.push(def);
    found.set(f.name, list);
    called.push([def, f.calls, f.handsPointerTo]);
  }
  for (const [def, calls, handsPointerTo] of called) {
    const own = [...calls].filter((c) => found.has(c));
    if (own.length) def.calls = own;
    // A struct handed to a function the unit does not define (a library's, another program's) may have any field
    // set, unless the function is one the C library declares to read its pointers only (printf, strcmp, assert).
    if ([...handsPointerTo].some((c) => !found.has(c) && !READ_ONLY_LIBRARY.has(c) && !ASSERT_NAMES.has(c))) def.fields = [...(def.fields ?? []), ANY_FIELD];
  }
  return found;
}

const definitionDigests = new WeakMap<CLexicalIndex, string>();

/**
 * A digest of what `callCountsOf` and `definitionsOf` read of the C sources: each file's path and, per function, its
 * name, whether it is static, what it assigns, the fields it sets, what it calls and how often (positions left
 * out). Equal digests, equal counts and definitions. Each file's part is remembered per index, so that in an
 * editor's host only the edited file's is made again (the counts and definitions themselves are hundreds of
 * kilobytes to write out and hash at each edit).
 */
export function definitionsDigest(sources: SelectableSource[]): string {
  const parts: string[] = [];
  for (const src of sources) {
    if (src.language !== 'c') continue;
    const index = scanned(src);
    let digest = definitionDigests.get(index);
    if (digest === undefined) {
      digest = contentDigest(JSON.stringify(index.functions.map((f) => [f.name, f.isStatic, [...f.assigns], [...f.fields], [...f.handsPointerTo], [...f.calls], [...f.callCounts], f.arity ?? null])));
      definitionDigests.set(index, digest);
    }
    parts.push(src.path, digest);
  }
  return contentDigest(parts.join('\0'));
}

/** The last call counts and definitions made in an editor's host, with the digest of what they were made from. */
let lastTotals: { digest: string; callCounts: Map<string, [number, number]>; definitions: Map<string, LexicalDefinition[]> } | undefined;

/**
 * `callCountsOf` and `definitionsOf`, or in an editor's host the last ones again when `definitionsDigest` is the
 * same (an edit of a comment, a number, or of code that calls and assigns nothing new): nothing changes them once
 * made (the project reads them only).
 */
export function callCountsAndDefinitions(sources: SelectableSource[]): { callCounts: Map<string, [number, number]>; definitions: Map<string, LexicalDefinition[]> } {
  if (!treesRemembered()) return { callCounts: callCountsOf(sources), definitions: definitionsOf(sources) };
  const digest = definitionsDigest(sources);
  if (lastTotals?.digest !== digest) lastTotals = { digest, callCounts: callCountsOf(sources), definitions: definitionsOf(sources) };
  return lastTotals;
}

/** The struct members of the C sources that hold their functions (for a run that parses every file whole). */
export function membersOf(sources: SelectableSource[]): Map<string, string[]> {
  const c = sources.filter((s) => s.language === 'c');
  return memberFunctions(c.map((s) => s.text), new Set(c.flatMap((s) => scanned(s).functions.map((f) => f.name))));
}

/**
 * The lexical index of each file's latest text, when the tree memory is on (an editor's host, which selects again
 * after each edit of one file: the others are not scanned again).
 */
const scans = new Map<string, { text: string; index: CLexicalIndex }>();

/** The index of each source object, for the passes of one unit over the same sources (selection, counts, definitions). */
const scansOfSource = new WeakMap<SelectableSource, { text: string; index: CLexicalIndex }>();

function scanned(src: SelectableSource): CLexicalIndex {
  if (!treesRemembered()) {
    const known = scansOfSource.get(src);
    if (known?.text === src.text) return known.index;
    const index = scanC(src.text);
    scansOfSource.set(src, { text: src.text, index });
    return index;
  }
  const kept = scans.get(src.path);
  if (kept?.text === src.text) return kept.index;
  const index = scanC(src.text);
  scans.set(src.path, { text: src.text, index });
  return index;
}

interface Located extends LexicalFunction {
  file: string;
}

function selectC(sources: SelectableSource[], vocabulary: SelectionVocabulary, parse: Map<string, string>, macros: MacroModel[]): { functionsKept: number; functionsFound: number; members: Map<string, string[]> } {
  const indexes = new Map<string, CLexicalIndex>();
  const byName = new Map<string, Located[]>();
  const all: Located[] = [];
  const allMacros: MacroModel[] = [];
  for (const src of sources) {
    const index = scanned(src);
    indexes.set(src.path, index);
    allMacros.push(...index.macros);
    for (const f of index.functions) {
      const located = Object.assign(f, { file: src.path });
      all.push(located);
      const list = byName.get(f.name) ?? [];
      list.push(located);
      byName.set(f.name, list);
    }
  }
  const members = memberFunctions(sources.map((s) => s.text), new Set(byName.keys()));
  const relevant = chosenRelevant(sources, indexes, members, vocabulary, () => chooseRelevant(sources, all, byName, allMacros, members, vocabulary));
  const privilegeNames = new Set([...PRIVILEGE_NAMES, ...vocabularyPrivilegeNames(vocabulary.calls)]);
  const relevantNames = new Set([...relevant].map((f) => f.name));
  for (const src of sources) {
    const index = indexes.get(src.path)!;
    const kept = index.functions.filter((f) => relevant.has(f as Located));
    if (index.unbalanced) {
      // Function ranges cannot be trusted: parse the whole file if it has anything to do with the program's privilege code.
      if (index.functions.some((f) => relevantNames.has(f.name)) || [...index.topLevelUses].some((u) => privilegeNames.has(u) || relevantNames.has(u))) parse.set(src.path, src.text);
      else macros.push(...index.macros);
      continue;
    }
    if (!kept.length) {
      macros.push(...index.macros);
      continue;
    }
    parse.set(src.path, kept.length === index.functions.length ? src.text : blanked(src, index.functions, kept));
    if (kept.length !== index.functions.length) macros.push(...index.macros);
  }
  return { functionsKept: relevant.size, functionsFound: all.length, members };
}

/**
 * The functions that can affect a finding (see the file's comment), from the lexical indexes of the unit: privilege
 * code and its users up to the entries, and the callees whose summaries matter.
 */
function chooseRelevant(sources: SelectableSource[], all: Located[], byName: Map<string, Located[]>, allMacros: MacroModel[], members: Map<string, string[]>, vocabulary: SelectionVocabulary): Set<Located> {
  // Who uses each defined name (calls it or refers to it), and who calls it: the reverse edges of the lexical
  // call graph. A privilege function only referred to (a signal handler, a table's entry) makes its user relevant;
  // a summary (input read, dying) reaches a caller only through calls, as the analysis applies it.
  const usersOf = new Map<string, Located[]>();
  const callersOf = new Map<string, Located[]>();
  /** `unique`: `f` cannot be on the list yet (each name a function uses is visited once). */
  const addEdge = (edges: Map<string, Located[]>, name: string, f: Located, unique = false): void => {
    const list = edges.get(name) ?? [];
    if (unique || !list.includes(f)) list.push(f);
    edges.set(name, list);
  };
  const texts = new Map(sources.map((s) => [s.path, s.text]));
  // Calls made through a function-like macro are followed down only, to the callees whose summaries matter (a
  // reporter's `fatal(m)` → `die2(111, m)` → the program's exiting function): as edges up, to the users of what a
  // logging macro calls, they made most of a program relevant (openssh's `fatal()` reaches its cleanup, which
  // restores ids: every function that can fail was parsed).
  const throughMacro = macroCallees(allMacros);
  /** Member calls, added once every direct edge is in (a name a function also calls directly is not added twice). */
  const memberUses: [Located, string[]][] = [];
  for (const f of all) for (const u of f.uses) {
    if (byName.has(u) && u !== f.name) {
      addEdge(usersOf, u, f, true);
      if (f.calls.has(u)) addEdge(callersOf, u, f, true);
    }
    // A call through a struct member the unit stores functions in uses and calls each of them (`auth->check(…)`).
    const stored = members.size ? members.get(u) : undefined;
    if (stored && callsMember(texts.get(f.file)!.slice(f.start, f.end), u)) memberUses.push([f, stored]);
  }
  for (const [f, stored] of memberUses) for (const name of stored) if (name !== f.name) {
    addEdge(usersOf, name, f);
    addEdge(callersOf, name, f);
  }
  const closeOver = (edges: Map<string, Located[]>, seed: Iterable<Located>): Set<Located> => {
    const found = new Set(seed);
    const work = [...found];
    while (work.length) for (const user of edges.get(work.pop()!.name) ?? []) if (!found.has(user)) {
      found.add(user);
      work.push(user);
    }
    return found;
  };
  const closeOverUsers = (seed: Iterable<Located>): Set<Located> => closeOver(usersOf, seed);
  const usesAny = (f: LexicalFunction, names: ReadonlySet<string>): boolean => {
    // Through the smaller of the two sets.
    if (names.size < f.uses.size) {
      for (const n of names) if (f.uses.has(n)) return true;
      return false;
    }
    for (const u of f.uses) if (names.has(u)) return true;
    return false;
  };
  // Names that end the process: known ones, macros that call them, and functions whose last act is to call them
  // without a return before (the lexical shadow of "every path dies"; more is harmless, it only costs a parse).
  const dying = new Set<string>([...BUILTIN_NORETURN, ...vocabulary.noreturn]);
  for (let grew = true; grew; ) {
    grew = addMacrosNaming(allMacros, dying);
    for (const f of all) if (!dying.has(f.name) && !f.returns && f.lastCall !== undefined && dying.has(f.lastCall)) {
      dying.add(f.name);
      grew = true;
    }
  }
  const diesOrGates = (f: LexicalFunction): boolean => usesAny(f, dying);
  // Privilege code, root gates, and everything that uses them, up to the entries.
  const opensDirectory = (f: LexicalFunction): boolean => (usesAny(f, DIRECTORY_OPENERS) || (f.directoryPath && (f.uses.has('open') || f.uses.has('openat')))) && !usesAny(f, CLOSERS);
  const privilegeNames = new Set([...PRIVILEGE_NAMES, ...vocabularyPrivilegeNames(vocabulary.calls)]);
  const privilegeUsers = all.filter((f) => usesAny(f, privilegeNames));
  // A global the function sets to whether the process is root, named by a function that makes privilege calls
  // (`ps.is_root = (geteuid() == 0);` in an init function, `if (ps.is_root) setgid(…)` in the drop): the project
  // inlines the function that sets it (Project.globalRootCopiers), so it is parsed, with its callers.
  const copiesRootToGlobal = (f: Located): boolean => {
    if (!f.uses.has('geteuid') && !f.uses.has('getuid')) return false;
    for (const m of texts.get(f.file)!.slice(f.start, f.end).matchAll(ROOT_COPY)) {
      const name = m[1]!.replace(/\s+/g, '');
      const field = name.split(/\.|->/).at(-1)!;
      if (f.assigns.has(name) && privilegeUsers.some((u) => u.uses.has(field))) return true;
    }
    return false;
  };
  const relevant = closeOverUsers(all.filter((f) => privilegeUsers.includes(f) || opensDirectory(f) || (usesAny(f, ID_GETTERS) && (diesOrGates(f) || copiesRootToGlobal(f)))));
  // Callees whose summaries matter: they die, read input, or (with a chroot in the unit) change directory.
  const inputNames = new Set([...INPUT_NAMES, ...vocabulary.inputFunctions]);
  // The functions that open a socket of the machine itself (netlink, Unix, a Unix socket pair) are parsed: what is
  // read from it is no network data. A unit that accepts connections reads network data with plain read(): the
  // functions that accept (where the descriptor is kept) and those that read are parsed, and the project tells which
  // reads are of a connection.
  for (const f of all) if ((f.uses.has('socket') || f.uses.has('socketpair')) && usesAny(f, LOCAL_DOMAINS)) relevant.add(f);
  const accepting = all.filter((f) => usesAny(f, ACCEPT_NAMES));
  if (accepting.length) {
    for (const name of SOCKET_READ_NAMES) inputNames.add(name);
    for (const f of accepting) relevant.add(f);
  }
  const chrootNames = ['chroot', ...wrappersOf(vocabulary.calls, 'chroot')];
  const hasChroot = all.some((f) => chrootNames.some((n) => f.uses.has(n)));
  const directoryChanges = new Set([...DIRECTORY_CHANGES, ...wrappersOf(vocabulary.calls, 'chdir', 'fchdir')]);
  // A function that dies on some paths only (`if (!p) fatal(…)`) needs no parse for that: only whole deaths,
  // and input read or directory changes made anywhere below, are part of a callee's summary.
  // So does a directory closed below (`dir_close(&dir)` → `closedir(dir->handle)`): the caller's handle is closed.
  const summarised = closeOver(callersOf, all.filter((f) => usesAny(f, inputNames) || (hasChroot && (usesAny(f, directoryChanges) || usesAny(f, DIRECTORY_CLOSERS)))));
  for (const f of all) if (dying.has(f.name)) summarised.add(f);
  // An account lookup that dies when the account is missing (`if (!(pw = getpwnam(n))) fatal(…); return pw;`) never
  // returns NULL: its caller's `if (pw == NULL) return;` before a drop is then never taken.
  for (const f of all) if (usesAny(f, ACCOUNT_LOOKUPS) && diesOrGates(f)) summarised.add(f);
  // Down from the relevant functions, along what they call. A function they only refer to is reached when they hand
  // it to a function that calls its parameter (`run(handler)`): the analysis binds it there.
  const takesFunctions = (f: LexicalFunction): boolean => {
    for (const c of f.calls) if (byName.get(c)?.some((callee) => callee.callsParameter)) return true;
    return false;
  };
  // A dying function's exec, in its body or in a function it calls, two deep (`run_or_die(argv)` → `run(argv[0],
  // argv)` → `execvp`), makes its call the start of a command: a jail launcher (chroot-without-drop's
  // `execsChosen`). Those functions are parsed below a dying one kept: the exec calls and the macros that stand for one.
  const execNames = new Set(EXEC_CALLS);
  addMacrosNaming(allMacros, execNames);
  const execs = (f: LexicalFunction): boolean => usesAny(f, execNames);
  // A reporter with no `return` that may end the process (`if (o->json) print(…); else error(status, …);`), called
  // by a function that makes privilege calls: it may end the process on every path but where a field of its
  // parameter is set (`Project.survivalGuard`, asked of the calls on a privilege call's failure branch), which the
  // scan cannot judge.
  // A logger that returns for most levels and ends the process for one (`if (level == FATAL) exit(1);` after an
  // early `return;` when the level is not logged) may end it for the number a failure branch passes
  // (`Project.endsGivenNumbers`): kept too, though it returns.
  const mayEnd = (f: LexicalFunction, caller: LexicalFunction): boolean => (!f.returns ? diesOrGates(f) || f.uses.has('error') || f.uses.has('error_at_line') : diesOrGates(f)) && usesAny(caller, privilegeNames);
  /** Kept below a dying function on the way to an exec: the functions they call that exec are kept too. */
  const towardExec = new Set<LexicalFunction>();
  const work = [...relevant];
  while (work.length) {
    const f = work.pop()!;
    const launching = dying.has(f.name);
    for (const u of withMacroCallees(takesFunctions(f) ? f.uses : f.calls, throughMacro)) for (const callee of byName.get(u) ?? []) {
      if (relevant.has(callee)) continue;
      // and functions that call a function pointer they are handed (`ngx_spawn_process(cycle, proc, …)`)
      const toExec = launching && (execs(callee) || [...callee.calls].some((c) => byName.get(c)?.some(execs)));
      if (summarised.has(callee) || callee.callsParameter || toExec || (towardExec.has(f) && execs(callee)) || mayEnd(callee, f)) {
        if (toExec) towardExec.add(callee);
        relevant.add(callee);
        work.push(callee);
      }
    }
  }
  // Functions that read an id (`uid = getuid();` in main): a global set there names the account a drop elsewhere
  // returns to (the project resolves such globals from every parsed file's id variables).
  for (const f of all) if (usesAny(f, ID_GETTERS)) relevant.add(f);
  return relevant;
}

/**
 * Add to `names` each macro whose body names one of them, and the macros that name those, however deep (a macro
 * that calls a dying function dies, one that calls an exec execs): whether any was added. Every word of the body
 * counts, not its calls only (`#define DIE die_now` names it too): more is harmless, it only costs a parse.
 */
function addMacrosNaming(macros: readonly MacroModel[], names: Set<string>): boolean {
  let added = false;
  for (let grew = true; grew; ) {
    grew = false;
    for (const m of macros) if (!names.has(m.name) && usesAnyWord(wordsOf(m.body), names)) {
      names.add(m.name);
      grew = added = true;
    }
  }
  return added;
}

/**
 * The names a call of each function-like macro calls: those its body calls, and theirs in turn where they are
 * macros too (`fatal(m)` for `#define fatal(m) die2(111, m)` and `#define die2(c, m) say_and_exit((c), (m), 0)`:
 * `die2`, `say_and_exit`). A name that is no macro calls nothing here.
 */
function macroCallees(macros: readonly MacroModel[]): (name: string) => ReadonlySet<string> {
  // Each macro's own calls, its parameters left out (`#define CALL(f, x) f(x)` calls nothing of its own).
  const direct = new Map<string, Set<string>>();
  for (const m of macros) {
    const calls = direct.get(m.name) ?? direct.set(m.name, new Set()).get(m.name)!;
    for (const name of namesCalledIn(m.body)) if (!m.params.includes(name)) calls.add(name);
  }
  const closed = new Map<string, ReadonlySet<string>>();
  const none: ReadonlySet<string> = new Set();
  return (name) => {
    if (!direct.has(name)) return none;
    let out = closed.get(name);
    if (out) return out;
    // Through the macros it calls, however deep (each macro's closure made whole before it is kept).
    const reached = new Set<string>();
    const work = [...direct.get(name)!];
    while (work.length) {
      const called = work.pop()!;
      if (called === name || reached.has(called)) continue;
      reached.add(called);
      for (const deeper of direct.get(called) ?? []) work.push(deeper);
    }
    closed.set(name, (out = reached));
    return out;
  };
}

/** `names` and the names the macros among them call (`macroCallees`). */
function* withMacroCallees(names: Iterable<string>, throughMacro: (name: string) => ReadonlySet<string>): Iterable<string> {
  for (const name of names) {
    yield name;
    yield* throughMacro(name);
  }
}

/** The last choice of relevant functions in an editor's host: what it was made from, and where the chosen were. */
let lastChoice: { vocabulary: string; paths: string[]; shapes: string[]; places: Set<number>[] } | undefined;

/**
 * `choose()`, or in an editor's host the last choice again when nothing it reads changed: each file's index without
 * its positions, the member calls of its functions, and the vocabulary (an edit of a comment, a string, a number, or
 * of code that names nothing new). The chosen functions are taken over by place (file, function).
 */
function chosenRelevant(sources: SelectableSource[], indexes: Map<string, CLexicalIndex>, members: Map<string, string[]>, vocabulary: SelectionVocabulary, choose: () => Set<Located>): Set<Located> {
  if (!treesRemembered()) return choose();
  const membersKey = JSON.stringify([...members]);
  // Paths and shapes apart: an unchanged file's shape is the string remembered for its index, compared by reference
  // (joined to its path, each edit made and compared every file's shape whole).
  const paths = sources.map((src) => src.path);
  const shapes = sources.map((src) => shapeOf(indexes.get(src.path)!, src.text, members, membersKey));
  const vocabularyKey = JSON.stringify([[...vocabulary.noreturn], [...vocabulary.inputFunctions], vocabulary.calls ?? null]);
  const last = lastChoice;
  if (last && last.vocabulary === vocabularyKey && last.shapes.length === shapes.length && last.paths.every((p, i) => p === paths[i]) && last.shapes.every((k, i) => k === shapes[i])) {
    const relevant = new Set<Located>();
    sources.forEach((src, i) => indexes.get(src.path)!.functions.forEach((f, j) => last.places[i]!.has(j) && relevant.add(f as Located)));
    return relevant;
  }
  const relevant = choose();
  lastChoice = { vocabulary: vocabularyKey, paths, shapes, places: sources.map((src) => new Set(indexes.get(src.path)!.functions.flatMap((f, j) => (relevant.has(f as Located) ? [j] : [])))) };
  return relevant;
}

const shapes = new WeakMap<CLexicalIndex, { members: string; shape: string }>();

/** What the choice reads of one file's index: everything but positions, and the struct members its functions call through. */
function shapeOf(index: CLexicalIndex, text: string, members: Map<string, string[]>, membersKey: string): string {
  const known = shapes.get(index);
  if (known?.members === membersKey) return known.shape;
  const shape = JSON.stringify([
    index.unbalanced,
    [...index.topLevelUses].sort(),
    index.macros.map((m) => [m.name, m.params, m.body]),
    index.functions.map((f) => [
      f.name, [...f.uses].sort(), [...f.calls].sort(), f.directoryPath, f.callsParameter, f.lastCall ?? null, f.returns, f.isStatic,
      members.size ? [...f.uses].filter((u) => members.has(u) && callsMember(text.slice(f.start, f.end), u)).sort() : [],
    ]),
  ]);
  shapes.set(index, { members: membersKey, shape });
  return shape;
}

/** The latest blanked text of each file, in an editor's host (the same text and the same functions kept: the same text). */
const blanks = new Map<string, { text: string; kept: string; blanked: string }>();

function blanked(src: SelectableSource, functions: LexicalFunction[], kept: LexicalFunction[]): string {
  if (!treesRemembered()) return blankExcept(src.text, functions, new Set(kept));
  const keptKey = kept.map((f) => f.start).join(',');
  const known = blanks.get(src.path);
  if (known?.text === src.text && known.kept === keptKey) return known.blanked;
  const text = blankExcept(src.text, functions, new Set(kept));
  blanks.set(src.path, { text: src.text, kept: keptKey, blanked: text });
  return text;
}

/** The text with every function but `keep` replaced by spaces (newlines kept, so offsets, lines and columns stay). */
export function blankExcept(text: string, functions: LexicalFunction[], keep: Set<LexicalFunction>): string {
  const parts: string[] = [];
  let at = 0;
  for (const f of functions) {
    if (keep.has(f)) continue;
    parts.push(text.slice(at, f.start), blankedKeepingLines(text.slice(f.start, f.end)));
    at = f.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/**
 * Whether the choice of functions reads `name` as more than a name of the unit's own functions, macros or struct
 * members: one of the names of its tables (privilege, directory, input, dying, exec, account, socket calls and
 * constants) or of the vocabulary. Every test `chooseRelevant` and `selectC` make of a function's `uses` (or of
 * its top level's) is against these or against the unit's own names: a name that is neither, used by one function
 * only, leaves the choice as it is (project-index.ts: a new name typed in). A table added to the choice must be
 * added here.
 */
export function selectionReadsName(name: string, vocabulary: SelectionVocabulary): boolean {
  const calls = vocabulary.calls;
  return (
    PRIVILEGE_NAMES.has(name) || DIRECTORY_OPENERS.has(name) || CLOSERS.has(name) || ID_GETTERS.has(name) || INPUT_NAMES.has(name) ||
    DIRECTORY_CHANGES.has(name) || ACCOUNT_LOOKUPS.has(name) || ACCEPT_NAMES.has(name) || EXEC_CALLS.includes(name) ||
    SOCKET_READ_NAMES.includes(name) || LOCAL_DOMAINS.has(name) || BUILTIN_NORETURN.includes(name) ||
    ['socket', 'open', 'openat', 'error', 'error_at_line', 'chroot'].includes(name) ||
    [...vocabulary.noreturn].includes(name) || [...vocabulary.inputFunctions].includes(name) ||
    vocabularyPrivilegeNames(calls).includes(name) || wrappersOf(calls, 'chroot', 'chdir', 'fchdir').includes(name) ||
    (calls !== undefined && (Object.hasOwn(calls.checkingWrappers, name) || calls.dropHelpers.includes(name)))
  );
}

function usesAnyWord(words: ReadonlySet<string>, names: ReadonlySet<string>): boolean {
  for (const w of words) if (names.has(w)) return true;
  return false;
}

function selectNode(sources: SelectableSource[], parse: Map<string, string>, privilegeFunctions: string[]): void {
  if (!sources.length) return;
  const byStem = stemIndex(sources.map((s) => s.path));
  const imports = new Map<string, string[]>();
  const importers = new Map<string, string[]>();
  const privileged: string[] = [];
  for (const src of sources) {
    const index = scanJs(src.text, privilegeFunctions);
    if (index.privileged) privileged.push(src.path);
    const targets = index.specifiers.flatMap((s) => specifierTargets(src.path, s, byStem));
    imports.set(src.path, targets);
    for (const t of targets) importers.set(t, [...(importers.get(t) ?? []), src.path]);
  }
  const chosen = new Set(privileged);
  const up = [...privileged];
  while (up.length) for (const user of importers.get(up.pop()!) ?? []) if (!chosen.has(user)) {
    chosen.add(user);
    up.push(user);
  }
  const down = [...chosen];
  while (down.length) for (const dep of imports.get(down.pop()!) ?? []) if (!chosen.has(dep)) {
    chosen.add(dep);
    down.push(dep);
  }
  for (const src of sources) if (chosen.has(src.path)) parse.set(src.path, src.text);
}
