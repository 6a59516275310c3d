/** Project-wide facts: which functions exist, which never return, which drop privileges or read input. */
import type { PrivlintConfig } from '../config.js';
import { NOT_ROOT, testOfEvent, VALUE_CLASSES, type IdClass, type CallEvent, type CfgNode, type FileModel, type FunctionModel, type InputEvent, type MacroModel, type MessageShape, type PrivilegeEvent, type Test } from '../model.js';
import { cycleComponents, forwardFacts } from './flow.js';
import { copyPlain } from '../plain.js';

import { BUILTIN_NORETURN } from '../noreturn.js';
import { ANY_FIELD, type Arity } from '../index/c-lexical.js';
import { READ_ONLY_LIBRARY } from '../c/calls.js';
import { callerField, testedParameterFields } from '../value-paths.js';

export { BUILTIN_NORETURN };

/** `exit(0)`: the program finished its work. */
export function isSuccessfulExit(e: PrivilegeEvent): boolean {
  return e.kind === 'call' && /^_?_?[eE]xit$/.test(e.callee) && exitStatus(e) === 0;
}

/** `_exit(serve())`, `exit(run(argc, argv))`: the process ends with the status of work done first. */
function exitsWithWorkStatus(e: PrivilegeEvent): boolean {
  const status = e.kind === 'call' && /^_?_?[eE]xit$/.test(e.callee) ? e.args[0]?.text : undefined;
  return !!status && /\b(?!sizeof\b)[A-Za-z_]\w*\s*\(/.test(status);
}

/** The status a call ending the process gives, when the code shows it (`1`, `EXIT_FAILURE`, a constant the project defines). */
function exitStatus(e: CallEvent): number | undefined {
  const arg = e.args[0];
  if (!arg) return undefined;
  if (arg.value !== undefined) return arg.value;
  if (/^(?:0|EXIT_SUCCESS)$/.test(arg.text)) return 0;
  if (/^(?:[1-9]\d*|EXIT_FAILURE)$/.test(arg.text)) return Number(arg.text) || 1;
  return undefined;
}

/**
 * A call that ends the process because something went wrong: `abort()`, `exit(1)`, `exit(EXIT_FAILURE)`, or an
 * error function given a message (`err(1, "...")`, `fatal("...")`). `exit(status)` with a computed status may be
 * the program's normal end.
 */
export function isErrorExit(e: PrivilegeEvent): boolean {
  if (e.kind !== 'call') return false;
  if (e.failsProcess || /^(?:abort|__assert_fail)$/.test(e.callee)) return true;
  if (/^(?:_?_?[eE]xit|quick_exit|process\.exit)$/.test(e.callee)) {
    const status = exitStatus(e);
    return status !== undefined && status !== 0;
  }
  return /"|'|`/.test(e.text);
}

/** Reads from a descriptor: network input when the descriptor is an accepted connection. */
const SOCKET_READS = new Set(['read', 'readv']);

/** An id written as a call of a function-like macro (`MY_UID(pw)`): the macro's name. */
const MACRO_CALL = /^([A-Za-z_]\w*)\s*\([^()]*\)$/;

/** A macro body that reads an id from the process (`getuid()`, `(getegid())`): '' for the real id, 'e' for the effective one. */
/** A macro body that is one exec call: `execvp(prog, argv)`, `(execv(p, a))`; group 1 the first argument, when a name. */
const MACRO_EXEC = /^\(?\s*f?exec(?:[lv]p?e?|vpe)\s*\(\s*(?:([A-Za-z_]\w*)\s*,|[^,]*,)[^;]*\)\s*\)?$/;
const ID_GETTER_BODY = /^\(*\s*get(e?)[ug]id\s*\(\s*\)\s*\)*$/;

const SHIM_NAMES = /^(?:set(?:e|re|res)?[ug]id|setgroups|initgroups|chroot)$/;

const PRIVILEGE_KINDS = new Set<PrivilegeEvent['kind']>(['set-id', 'set-groups', 'chroot', 'capability']);

/** The events of a function whose value is a fork's result, and the variables that keep it. */
export interface ForkValues {
  events: Set<number>;
  variables: Set<string>;
}

/** Calls that release what a failing path holds on its way out (`free(p); close(fd); exit(1);`): no work. */
const CLEANUP_CALLS: ReadonlySet<string> = new Set(['free', 'close', 'fclose', 'closedir', 'closelog', 'fflush', 'endpwent', 'endgrent']);

/** A C function definition as the lexical index sees it: where it is, and whether it is static. */
export interface LexicalDefinition {
  file: string;
  isStatic: boolean;
  /** The names it assigns that it does not declare: the globals it may set (index/c-lexical.ts). */
  assigns?: string[];
  /** The last field of each fields' path it assigns, whatever the base (index/c-lexical.ts). */
  fields?: string[];
  /** The names it calls that the unit defines. */
  calls?: string[];
  /** The arguments it takes, where its parameter list says (index/c-lexical.ts). */
  arity?: Arity;
}

/** A call of a project function: the function and node it is made in, and the call. */
export interface CallSite {
  caller: FunctionModel;
  node: CfgNode;
  call: CallEvent;
}

export class Project {
  readonly functions: FunctionModel[];
  private readonly byName = new Map<string, FunctionModel[]>();
  /** Node functions, by key: Node calls carry the key of the function they reach. */
  private readonly byKey = new Map<string, FunctionModel>();
  /** Names the configuration declares never to return: they end a path under any resolution. */
  private readonly configuredNoreturn: Set<string>;
  private readonly nodeFiles: Set<string>;
  private readonly macros = new Map<string, MacroModel>();
  /**
   * Names that never return: the known ones, those declared or configured so, macros that call them, and (Node)
   * the keys of functions found to. A C function found to never return is one definition (`dyingDefinitions`):
   * another definition of its name (a test's stand-in) may return.
   */
  readonly dying = new Set<string>();
  /** C definitions that never return: every path from their entry ends the process. */
  private readonly dyingDefinitions = new Set<FunctionModel>();
  /** Function-like macros that test their argument and end the process. */
  readonly checkingMacros = new Set<string>();
  /** Functions that change privileges, directly or through callees, or leak a directory handle to their caller. */
  readonly privileged = new Set<FunctionModel>();
  /**
   * Helpers that change the working directory (`xchdir("/")` after a chroot) or close descriptors: inlined where
   * privileged code calls them, without making their callers privileged.
   */
  readonly jailHelpers = new Set<FunctionModel>();
  /**
   * The functions that are privileged or jail helpers by their own code (not through a callee), and, for every
   * function, those an inlined copy of it may inline in turn: the functions it calls (by name or through a struct
   * member) and, for one that calls a parameter, the functions passed to it. What `supergraph.ts` orders recursive
   * calls by (`Project.privilegeDistances`).
   */
  private readonly ownPrivileged = new Set<FunctionModel>();
  private readonly inliningCallees = new Map<FunctionModel, FunctionModel[]>();
  /** Functions that read input, directly or through callees: the first input event reached. */
  readonly inputReaders = new Map<FunctionModel, InputEvent>();
  /** Functions with at least one caller in the project. */
  readonly called = new Set<FunctionModel>();
  /**
   * Where each function holds the value of a fork (fork() itself, or a function that returns its result): the
   * events whose value it is, and the variables it is kept in. Tests of them tell the child from the parent.
   */
  readonly forkValues = new Map<FunctionModel, ForkValues>();
  /**
   * Functions that return a pointer and never NULL: every return the function can reach gives a variable its path
   * has just tested non-NULL (`if ((pw = getpwnam(n)) != NULL) return pw; fatal(…);`). A lookup that dies when the
   * account is missing: its caller's `if (pw == NULL) return;` is never taken.
   */
  readonly neverNull = new Set<FunctionModel>();

  /** Function-like macros of the project: those of the parsed files and those read from the text of the others. */
  private readonly allMacros: MacroModel[];

  /** The models analysed: those given, with a copy of each function whose events the project rewrites. */
  readonly files: FileModel[];

  /**
   * How often the unit's C code calls each name, and how often with written text first. From the lexical index of
   * every file, parsed or not: the fix writer's way of dying must not depend on what was parsed.
   */
  readonly callCounts: ReadonlyMap<string, readonly [number, number]>;
  /**
   * (C) Nesting counters: file-scope integers that the project only counts up and down by one and sets to numbers
   * (c/globals.ts `counterGlobals`), with the value each starts with. Paths follow their exact small values.
   */
  readonly counters: ReadonlyMap<string, number>;
  /** (C) File-scope struct variables that start as zeros (c/globals.ts `zeroStructGlobals`): their fields are 0 when `main` starts. */
  readonly zeroStructs: ReadonlySet<string>;
  /** (C) Every definition of each name in the unit's files, parsed or not (the lexical index), for call resolution. */
  private readonly definitions: ReadonlyMap<string, readonly LexicalDefinition[]>;

  /** (C) Struct members the unit defines as arrays, as `type.member` (c/members.ts `arrayMembers`): never NULL. */
  private readonly arrayMembers: ReadonlySet<string>;
  constructor(given: FileModel[], readonly config: PrivlintConfig, unparsedMacros: MacroModel[] = [], private readonly declaredMessages: Readonly<Record<string, MessageShape>> = {}, private readonly members: ReadonlyMap<string, readonly string[]> = new Map(), lexical: { callCounts?: ReadonlyMap<string, readonly [number, number]>; definitions?: ReadonlyMap<string, readonly LexicalDefinition[]>; counters?: ReadonlyMap<string, number>; zeroStructs?: ReadonlySet<string>; arrayMembers?: ReadonlySet<string> } = {}) {
    this.arrayMembers = lexical.arrayMembers ?? new Set();
    this.callCounts = lexical.callCounts ?? new Map();
    this.counters = lexical.counters ?? new Map();
    this.zeroStructs = lexical.zeroStructs ?? new Set();
    this.definitions = lexical.definitions ?? new Map();
    const files = (this.files = withOwnRewrites(given));
    this.allMacros = [...files.flatMap((f) => f.macros), ...unparsedMacros];
    this.functions = files.flatMap((f) => f.functions);
    for (const fn of this.functions) {
      const list = this.byName.get(fn.name) ?? [];
      list.push(fn);
      this.byName.set(fn.name, list);
      if (fn.key) this.byKey.set(fn.key, fn);
    }
    this.configuredNoreturn = new Set(config.noreturn);
    this.nodeFiles = new Set(files.filter((f) => f.language === 'node').map((f) => f.path));
    for (const m of this.allMacros) if (!this.macros.has(m.name)) this.macros.set(m.name, m);
    for (const n of [...BUILTIN_NORETURN, ...config.noreturn, ...files.flatMap((f) => f.noreturnNames)]) this.dying.add(n);
    this.classifyGlobalTargets();
    this.classifyMacroTargets();
    this.classifySocketReads();
    this.inferDying();
    this.dyingKeys = new Map();
    for (const fn of this.functions) if (fn.language === 'c' && !fn.returnsVoid && this.returnsNonNull(fn)) this.neverNull.add(fn);
    this.findCheckingMacros();
    this.markProbes();
    for (const fn of this.functions) for (const callee of this.calleesOf(fn)) if (callee && callee !== fn) this.called.add(callee);
    // A function stored in a struct member the unit calls through (`commands[i].run(…)`) is called there: its callers'
    // graphs reach it, and what they do with its status is seen (no graph of its own assumes an unknown caller).
    for (const fn of this.functions) for (const call of this.callsIn(fn)) for (const target of this.memberTargets(call, fn.file)) if (target !== fn) this.called.add(target);
    this.findPrivileged();
    this.findInputReaders();
    this.findForkValues();
  }

  /**
   * `setuid(uid)` where `uid` is a global another file sets from getuid() (`uid = getuid();` in main): a return to
   * the invoking user. Only when every file that sets it agrees.
   */
  private classifyGlobalTargets(): void {
    const globals = new Map<string, IdClass>();
    for (const f of this.files) for (const [name, cls] of Object.entries(f.idVariables)) globals.set(name, globals.has(name) && globals.get(name) !== cls ? 'other' : cls);
    if (!globals.size) return;
    // A name also assigned anything else, anywhere, holds more than the id.
    for (const fn of this.functions) for (const name of ownFactsOf(fn).assignedOtherThanId) if (globals.has(name)) globals.set(name, 'other');
    const accounts = this.assignedInOtherFiles(globals);
    for (const fn of this.rewritable()) for (const node of fn.cfg.nodes) for (const e of node.events) {
      if (e.kind !== 'set-id' || !e.targetGlobal) continue;
      const cls = globals.get(e.targetText);
      // Its own file reads the id from the process into it (`ServerUID = getuid();`, often only to record the ids
      // after the drop), another file gives it an account's (`ServerUID = pw->pw_uid;` in the configuration).
      if (e.target === 'invoker') {
        if (accounts.has(e.targetText)) e.target = 'other';
      } else if (cls === 'invoker') e.target = 'invoker';
      else if (cls === 'saved-effective' && e.direction === 'drop') Object.assign(e, { target: cls, direction: 'raise' });
    }
  }

  /**
   * (C) Globals that only ever hold the real uid read from the process: every function that sets one, anywhere in
   * the project, sets it only by `name = getuid();` (`static uid_t ruid;` set in main, tested in a helper). An
   * unparsed function that sets the name (the lexical index) leaves it unknown. Locals of the same name elsewhere
   * are other variables (`isRealUidCopyIn` checks the function of a test). A test of one (`if (ruid == 0)`) tells
   * who started the process (or what a permanent uid change before the assignment left).
   */
  realUidCopies(): ReadonlySet<string> {
    if (this.realUidCopyCache) return this.realUidCopyCache;
    const names = new Set<string>();
    const parsed = new Set<string>();
    for (const fn of this.functions) if (fn.language === 'c') {
      parsed.add(`${fn.file}\0${fn.name}`);
      for (const name of fn.assignsGlobals ?? []) if (this.fileIdClass(fn.file, name) === 'invoker') names.add(name);
    }
    for (const fn of this.functions) if (fn.language === 'c') for (const name of fn.assignsGlobals ?? []) if (names.has(name) && !this.onlyReadsRealUidInto(fn, name)) names.delete(name);
    for (const [fnName, defs] of this.definitions) for (const d of defs) for (const name of d.assigns ?? []) if (names.has(name) && !parsed.has(`${d.file}\0${fnName}`)) names.delete(name);
    return (this.realUidCopyCache = names);
  }

  /**
   * (C) Globals that only ever hold whether the process is root, with the copy's polarity (`notRoot`): every
   * assignment of one, anywhere in the project, is a root copy of that polarity (`ps.is_superuser = (geteuid() ==
   * 0);` in an init function). An unparsed function that sets the name (the lexical index) leaves it unknown.
   */
  rootCopyGlobals(): ReadonlyMap<string, boolean> {
    if (this.rootCopyGlobalCache) return this.rootCopyGlobalCache;
    const polarity = new Map<string, boolean | null>();
    const parsed = new Set<string>();
    for (const fn of this.functions) if (fn.language === 'c') {
      parsed.add(`${fn.file}\0${fn.name}`);
      const globals = fn.assignsGlobals;
      if (globals) for (const n of fn.cfg.nodes) for (const v of [...(n.assigns ?? []), ...(n.updates ?? [])]) if (globals.includes(v)) {
        const copy = n.rootCopies?.find((c) => c.variable === v);
        const before = polarity.get(v);
        polarity.set(v, copy && (before === undefined || before === copy.notRoot) ? copy.notRoot : null);
      }
    }
    for (const [fnName, defs] of this.definitions) for (const d of defs) for (const name of d.assigns ?? []) if (polarity.has(name) && !parsed.has(`${d.file}\0${fnName}`)) polarity.set(name, null);
    return (this.rootCopyGlobalCache = new Map([...polarity].filter((e): e is [string, boolean] => e[1] !== null)));
  }

  /** (C) `name`, tested in `fn`, is a global of `realUidCopies`: not a parameter, nor a local given anything else. */
  isRealUidCopyIn(fn: FunctionModel, name: string): boolean {
    return fn.language === 'c' && this.realUidCopies().has(name) && !fn.params.includes(name) && this.onlyReadsRealUidInto(fn, name) && !fn.cfg.nodes.some((n) => n.events.some((e) => e.kind === 'call' && e.args.some((a) => a.text.replace(/\s+/g, '') === `&${name}`)));
  }

  /** Every assignment of `name` in `fn` is `name = getuid();` alone (its file finds it read from the real id only). */
  private onlyReadsRealUidInto(fn: FunctionModel, name: string): boolean {
    const isRealUidRead = (e: PrivilegeEvent): boolean => e.kind === 'call' && /(?:^|_)getuid$/.test(e.callee);
    return fn.cfg.nodes.every((node) => {
      if (!node.assigns?.includes(name) && !node.updates?.includes(name)) return true;
      return node.assigns?.length === 1 && !node.updates?.length && node.events.length === 1 && isRealUidRead(node.events[0]!) && this.fileIdClass(fn.file, name) === 'invoker';
    });
  }

  private fileIdClass(file: string, name: string): IdClass | undefined {
    if (!this.idClassesByFile) this.idClassesByFile = new Map(this.files.map((f) => [f.path, f.idVariables]));
    return this.idClassesByFile.get(file)?.[name];
  }

  private idClassesByFile?: Map<string, Record<string, IdClass>>;
  private realUidCopyCache?: Set<string>;
  private rootCopyGlobalCache?: Map<string, boolean>;

  /**
   * Globals that a file which never reads an id from the process into them assigns another value (`ServerUID =
   * pw->pw_uid;` in the configuration's file): an account's id, not the process's. 0 and -1 ("none") are not one.
   * A file that also reads an id into the name has already told its assignments apart (`idVariables`).
   */
  private assignedInOtherFiles(globals: ReadonlyMap<string, IdClass>): Set<string> {
    const names = new Set<string>();
    const ownIds = new Map(this.files.map((f) => [f.path, f.idVariables]));
    for (const fn of this.functions) {
      const set = fn.assignsGlobals?.filter((name) => globals.has(name) && !(name in (ownIds.get(fn.file) ?? {})));
      if (!set?.length) continue;
      for (const node of fn.cfg.nodes) for (const name of node.assigns ?? []) {
        if (!set.includes(name)) continue;
        const value = node.values?.[name];
        if (value === 0 || value === -1) continue;
        if (node.events.some((e) => e.kind === 'call' && /(?:^|_)get[e]?[ug]id$/.test(e.callee))) continue;
        names.add(name);
      }
    }
    return names;
  }

  /**
   * `RUN(prog, argv)` where no project function of that name is defined and the project defines `#define RUN(p, a)
   * execvp(p, a)`: the call is that exec. The argument the call passes as the program (undefined when the macro's
   * program is not one of its parameters, `execl("/bin/x", …)`), or null when the call is no such macro.
   */
  macroExecProgram(e: CallEvent, fromFile: string): CallEvent['args'][number] | undefined | null {
    const macro = this.macros.get(e.callee);
    if (!macro || this.resolveCall(e, fromFile)) return null;
    const body = MACRO_EXEC.exec(macro.body.trim());
    if (!body) return null;
    const index = macro.params.indexOf(body[1]!);
    return index >= 0 ? e.args[index] : undefined;
  }

  /**
   * `setuid(MY_UID(pw))` where the project defines `#define MY_UID(pw) getuid()`: the macro reads the id from the
   * process, as the call it stands for would (the invoker's, or the saved effective id).
   */
  private classifyMacroTargets(): void {
    for (const fn of this.rewritable()) for (const node of fn.cfg.nodes) for (const e of node.events) {
      if (e.kind !== 'set-id' || e.target !== 'other') continue;
      const name = MACRO_CALL.exec(e.targetText)?.[1];
      const macro = name !== undefined ? this.macros.get(name) : undefined;
      const getter = macro && ID_GETTER_BODY.exec(macro.body.trim())?.[1];
      if (getter === undefined) continue;
      if (getter === '') e.target = 'invoker';
      else if (e.direction === 'drop') Object.assign(e, { target: 'saved-effective', direction: 'raise' });
    }
  }

  /**
   * `read(fd, …)` where `fd` holds a connection from `accept()` reads network data: the descriptor kept in the
   * function's own variable, in a global any file assigns it to (`clientfd = accept(…)` in one file, read in another),
   * or in a parameter every caller hands one to (`handle(conn)`). Other reads of descriptors are not input.
   */
  private classifySocketReads(): void {
    this.unmarkLocalSocketReads();
    const globals = new Set(this.files.flatMap((f) => f.socketGlobals ?? []));
    const sockets = new Map<FunctionModel, Set<string>>();
    for (const fn of this.functions) if (fn.sockets?.length) sockets.set(fn, new Set(fn.sockets));
    if (!globals.size && !sockets.size) return;
    const holds = (fn: FunctionModel, name: string): boolean =>
      sockets.get(fn)?.has(name) || (globals.has(name) && !fn.params.includes(name) && !fn.localDescriptors?.includes(name));
    // A parameter holds a connection when every call of its function hands one in: a helper that reads any
    // descriptor it is given (`read_write(fd, …)`, called with files too) does not read the network for all callers.
    const callSites = new Map<FunctionModel, readonly CallSite[]>();
    for (const callee of this.functions) if (callee.language === 'c' && callee.params.length) {
      const sites = this.callSitesOf(callee);
      if (sites.length) callSites.set(callee, sites);
    }
    for (let changed = true; changed; ) {
      changed = false;
      for (const [callee, sites] of callSites) callee.params.forEach((param, i) => {
        if (!param || holds(callee, param)) return;
        if (!sites.every(({ caller, call }) => holds(caller, call.args[i]?.text ?? ''))) return;
        const set = sockets.get(callee) ?? new Set<string>();
        set.add(param);
        sockets.set(callee, set);
        changed = true;
      });
    }
    for (const fn of this.rewritable()) {
      let converted = false;
      for (const node of fn.cfg.nodes) for (const e of node.events) {
        if (e.kind === 'input' && e.source === 'network' && e.descriptor !== undefined && holds(fn, e.descriptor)) e.connection = true;
        if (e.kind !== 'call' || !SOCKET_READS.has(e.callee) || !holds(fn, e.args[0]?.text ?? '')) continue;
        const input = e as unknown as InputEvent & Partial<Pick<CallEvent, 'callee' | 'args' | 'target' | 'execs' | 'failsProcess'>>;
        delete input.callee;
        delete input.args;
        delete input.target;
        delete input.result;
        Object.assign(input, { kind: 'input', source: 'network', connection: true });
        converted = true;
      }
      if (converted) ownFacts.delete(fn);
    }
  }

  /**
   * `recv(daemon->netlinkfd, …)` where the descriptor is a socket of the machine itself (`socket(AF_NETLINK, …)`,
   * `socket(AF_UNIX, …)`), kept in the function's own variable or in a global or field some file assigns it to:
   * the kernel's or a local process's answer, not network data.
   */
  private unmarkLocalSocketReads(): void {
    const globals = new Set(this.files.flatMap((f) => f.localSocketGlobals ?? []));
    if (!globals.size && !this.functions.some((fn) => fn.localSockets?.length)) return;
    for (const fn of this.rewritable()) {
      let changed = false;
      for (const node of fn.cfg.nodes) for (const e of node.events) {
        if (e.kind !== 'input' || e.source !== 'network' || e.descriptor === undefined) continue;
        const d = e.descriptor;
        if (!fn.localSockets?.includes(d) && !(globals.has(d) && !fn.params.includes(d))) continue;
        const call = e as unknown as CallEvent & Partial<Pick<InputEvent, 'source' | 'descriptor' | 'via'>>;
        delete call.source;
        delete call.descriptor;
        delete call.via;
        Object.assign(call, { kind: 'call', callee: e.api, args: [] });
        changed = true;
      }
      if (changed) ownFacts.delete(fn);
    }
  }

  /** Follow fork results through variables, and through functions that return them (`pid = start_child(); if (pid == 0)`). */
  private findForkValues(): void {
    const returners = new Set<FunctionModel>();
    for (let changed = true; changed; ) {
      changed = false;
      for (const fn of this.functions) {
        // Only a fork, or a call of a function that returns one, gives a function fork values.
        if (!ownFactsOf(fn).forks && !(returners.size && this.calleesOf(fn).some((c) => c && returners.has(c)))) continue;
        const values: ForkValues = { events: new Set(), variables: new Set() };
        let returns = false;
        for (const node of fn.cfg.nodes) for (const e of node.events) {
          const isFork = e.kind === 'fork' || (e.kind === 'call' && returners.has(this.resolveCall(e, fn.file)!));
          if (!isFork) continue;
          values.events.add(e.id);
          const use = e.result;
          if ((use?.kind === 'stored' || use?.kind === 'tested') && use.variable) values.variables.add(use.variable);
          if (use?.kind === 'returned') returns = true;
        }
        if (!values.events.size) continue;
        this.forkValues.set(fn, values);
        returns ||= fn.cfg.nodes.some((n) => n.kind === 'return' && n.returnedVariables?.some((v) => values.variables.has(v)));
        if (returns && !returners.has(fn) && !fn.isEntry) {
          returners.add(fn);
          changed = true;
        }
      }
    }
  }

  macro(name: string): MacroModel | undefined {
    return this.macros.get(name);
  }

  /** The function a call reaches: the one resolved along the module graph (Node), else by name (C). */
  resolveCall(call: CallEvent, fromFile: string): FunctionModel | undefined {
    if (call.target === undefined) return this.resolve(call.callee, fromFile, call.args.length);
    return call.target === null ? undefined : this.byKey.get(call.target);
  }

  /**
   * (C) The functions a call through a struct member may reach (`ops->change(op)`): those the unit stores in the
   * member (c/members.ts), each resolved as a call of its name from the caller's file would be.
   */
  memberTargets(call: CallEvent, fromFile: string): FunctionModel[] {
    if (call.member === undefined) return [];
    const found: FunctionModel[] = [];
    for (const name of this.members.get(call.member) ?? []) {
      // A static function stored in a table of its own file is reached from the files that call through the table.
      const fn = this.resolve(name, fromFile) ?? (this.byName.get(name)?.length === 1 ? this.byName.get(name)![0] : undefined);
      if (fn && !found.includes(fn)) found.push(fn);
    }
    return found;
  }

  /** (C) How many functions the unit stores in the member a call goes through (parsed or not). */
  memberStoredCount(call: CallEvent): number {
    return call.member === undefined ? 0 : (this.members.get(call.member)?.length ?? 0);
  }

  /**
   * The definition a name used in `fromFile` reaches, as a linker would find it: the same file first, then (C) the
   * exported one nearest in the tree (same directory, then the closest common ancestor). A Node module reaches
   * other modules' functions only through what it imports (`resolveCall`), never by name.
   */
  resolve(name: string, fromFile: string, arity?: number): FunctionModel | undefined {
    const defs = this.byName.get(name);
    if (!defs) return undefined;
    if (defs.length === 1 && (this.definitions.get(name)?.length ?? 0) <= 1) return defs[0]!.file === fromFile || (linkable(defs[0]!) && !this.nodeFiles.has(fromFile)) ? defs[0] : undefined;
    // (C) Two programs' functions of one name (`read_file(file, fd)` of one, `read_file(name, cf, startup)` of
    // another, in one directory): a call reaches one that takes its arguments.
    const lexical = this.definitions.get(name);
    const fits = (a: Arity | undefined): boolean => a === undefined || (a.variadic ? arity! >= a.count : arity === a.count);
    const fittingLexical = arity !== undefined && lexical && lexical.length > 1 ? lexical.filter((d) => fits(d.arity)) : undefined;
    const narrowed = fittingLexical !== undefined && fittingLexical.length > 0 && fittingLexical.length < lexical!.length;
    if (!narrowed) arity = undefined;
    const key = `${name}\0${fromFile}\0${arity ?? ''}`;
    if (this.resolved.has(key)) return this.resolved.get(key);
    const found = narrowed ? this.resolveAmongLexical(defs, fittingLexical!, fromFile) : this.resolveAmong(defs, fromFile);
    this.resolved.set(key, found);
    return found;
  }

  private readonly resolved = new Map<string, FunctionModel | undefined>();

  /**
   * (C) Whether code in `file` can call `name` as far as the definitions tell: not when every definition is static
   * in another source file (a header's static functions are compiled into each file that includes it).
   */
  callableFrom(name: string, file: string): boolean {
    const defs = this.definitions.get(name);
    return !defs?.length || defs.some((d) => d.file === file || !d.isStatic || isHeader(d.file));
  }

  /** The parsed definition of the linker's choice among `lexical` (some of the name's definitions), if it is parsed. */
  private resolveAmongLexical(defs: FunctionModel[], lexical: LexicalDefinition[], fromFile: string): FunctionModel | undefined {
    const nearest = nearestDefinition(lexical, fromFile, (d) => !d.isStatic || isHeader(d.file), this.programFiles());
    return nearest && defs.find((d) => d.file === nearest.file);
  }

  private resolveAmong(defs: FunctionModel[], fromFile: string): FunctionModel | undefined {
    if (this.nodeFiles.has(fromFile)) return defs.find((d) => d.file === fromFile);
    // Where some definitions of the name were not parsed (C), the linker's choice is made among all of them: a call
    // whose nearest definition was left unparsed reaches a function whose summary does not matter, not a farther
    // definition that happens to be parsed.
    const lexical = defs[0]!.language === 'c' ? this.definitions.get(defs[0]!.name) : undefined;
    if (lexical && lexical.length > defs.length) {
      const nearest = nearestDefinition(lexical, fromFile, (d) => !d.isStatic || isHeader(d.file), this.programFiles());
      return nearest && defs.find((d) => d.file === nearest.file);
    }
    return nearestDefinition(defs, fromFile, linkable, this.programFiles());
  }

  private programFileSet: ReadonlySet<string> | undefined;

  /**
   * (C) The files that define `main`, parsed or not: each is the entry file of a program of its own, which a linker
   * builds apart from the other programs of the tree.
   */
  private programFiles(): ReadonlySet<string> {
    return (this.programFileSet ??= new Set([...(this.definitions.get('main') ?? []), ...(this.byName.get('main') ?? []).filter((f) => f.language === 'c')].map((d) => d.file)));
  }

  callsIn(fn: FunctionModel): CallEvent[] {
    return ownFactsOf(fn).calls;
  }

  /** The calls that reach `callee` (as `calleesOf` resolves them), with the function and node each is made in. */
  callSitesOf(callee: FunctionModel): readonly CallSite[] {
    if (!this.callSites) {
      this.callSites = new Map();
      for (const caller of this.functions) {
        const { calls, callNodes } = ownFactsOf(caller);
        this.calleesOf(caller).forEach((target, i) => {
          if (!target) return;
          const sites = this.callSites!.get(target) ?? [];
          sites.push({ caller, node: caller.cfg.nodes[callNodes[i]!]!, call: calls[i]! });
          this.callSites!.set(target, sites);
        });
      }
    }
    return this.callSites.get(callee) ?? [];
  }

  private callSites: Map<FunctionModel, CallSite[]> | undefined;

  private distances: PrivilegeDistances | undefined;

  /**
   * For the functions an inlined graph may inline (privileged ones and jail helpers): how many calls away each is from
   * code that is privileged on its own (0 for that code), and the recursive cluster it belongs to (the strongly
   * connected components of the inlining calls, `cycleComponents`; -1 outside any cycle).
   */
  privilegeDistances(): PrivilegeDistances {
    if (this.distances) return this.distances;
    const inlinable = (f: FunctionModel): boolean => this.privileged.has(f) || this.jailHelpers.has(f);
    const fns = this.functions.filter(inlinable);
    const index = new Map(fns.map((f, i) => [f, i]));
    const nodes = fns.map((f, id) => ({ id, succ: [...new Set((this.inliningCallees.get(f) ?? []).filter(inlinable).map((c) => index.get(c)!))] }));
    const components = cycleComponents(nodes);
    const callers: number[][] = fns.map(() => []);
    for (const n of nodes) for (const s of n.succ) callers[s]!.push(n.id);
    const distance = new Map<FunctionModel, number>();
    let layer = fns.filter((f) => this.ownPrivileged.has(f)).map((f) => index.get(f)!);
    for (const id of layer) distance.set(fns[id]!, 0);
    for (let d = 1; layer.length; d++) {
      const next: number[] = [];
      for (const id of layer) for (const c of callers[id]!) if (!distance.has(fns[c]!)) {
        distance.set(fns[c]!, d);
        next.push(c);
      }
      layer = next;
    }
    const cluster = new Map<FunctionModel, number>();
    components.forEach((c, id) => {
      if (c >= 0) cluster.set(fns[id]!, c);
    });
    return (this.distances = { distance, cluster });
  }

  /** The function each call of `fn` reaches (`resolveCall`, in `callsIn` order), resolved once per project. */
  calleesOf(fn: FunctionModel): (FunctionModel | undefined)[] {
    const calls = this.callsIn(fn);
    const known = this.callees.get(fn);
    if (known?.calls === calls) return known.callees;
    const callees = calls.map((c) => this.resolveCall(c, fn.file));
    this.callees.set(fn, { calls, callees });
    return callees;
  }

  private readonly callees = new Map<FunctionModel, { calls: CallEvent[]; callees: (FunctionModel | undefined)[] }>();

  /**
   * The globals a call `call` in `caller` may set when it is not inlined. For C, read from the lexical index of the
   * whole unit (`definitionsOf`): the definition the call reaches as a linker would find it and the definitions it
   * calls, however deep, whether they are parsed or not, so that the answer does not depend on which functions the
   * selection parsed. Otherwise (Node, or no index) from the parsed functions (`globalsSetBy`).
   */
  globalsSetByCall(call: CallEvent, caller: FunctionModel, callee: FunctionModel | undefined): readonly string[] {
    if (caller.language === 'c' && this.definitions.size) {
      const def = /^[A-Za-z_]\w*$/.test(call.callee) ? this.lexicalTarget(call.callee, caller.file) : undefined;
      return def ? this.lexicalGlobalsSet(def) : [];
    }
    return callee ? this.globalsSetBy(callee) : [];
  }

  /**
   * Of the globals a call that is not inlined may set (`globalsSetByCall`), those the callee sets only when a field
   * of one of its parameters is set (`if (o->user) { … uid = pw->pw_uid; }`), with that field as the caller names it
   * (`o.user` for `f(&o)`, `cfg->user` for `f(cfg)`): where the caller's path knows the field is unset, the call
   * leaves them as they were. A global that a function the callee calls may set is not one of them.
   */
  guardedGlobalsSetByCall(call: CallEvent, caller: FunctionModel, callee: FunctionModel | undefined): ReadonlyMap<string, string> {
    if (!callee || callee.language !== 'c') return NO_GUARDS;
    const own = guardedAssigns(callee);
    if (!own.size) return NO_GUARDS;
    const deeper = new Set<string>();
    if (caller.language === 'c' && this.definitions.size) {
      const def = /^[A-Za-z_]\w*$/.test(call.callee) ? this.lexicalTarget(call.callee, caller.file) : undefined;
      if (!def) return NO_GUARDS;
      // What the text assigns that the parsed function does not (another build's branch) is not known to be guarded.
      for (const n of def.assigns ?? []) if (!own.has(n)) deeper.add(n);
      for (const c of def.calls ?? []) {
        const d = this.lexicalTarget(c, def.file);
        if (d) for (const n of this.lexicalGlobalsSet(d)) deeper.add(n);
      }
    } else for (const c of this.calleesOf(callee)) if (c && c !== callee) for (const n of this.globalsSetBy(c)) deeper.add(n);
    const out = new Map<string, string>();
    for (const [global, guard] of own) {
      if (deeper.has(global)) continue;
      const arg = call.args[guard.index]?.text.trim();
      if (arg === undefined) continue;
      const field = callerField(arg, guard.rest);
      if (field !== undefined) out.set(global, field);
    }
    return out;
  }

  /**
   * (C) A call of a project function that is not inlined and that, given the numbers the call passes, ends the
   * process on every path unless a field of one of its parameters is set, and returns on some path where it is set:
   * a reporter that prints a record in a machine-readable mode and otherwise calls `error(status, …)`, called with a
   * status that is not 0 (`report(&opts, -1, "setuid")`). The field as the caller names it (`opts.json` for
   * `f(&opts, …)`, `o->json` for `f(o, …)`); undefined for any other call. The function must change neither the
   * parameter nor the field (the caller's field is the one tested at its entry), nor the parameters whose numbers
   * decide its tests. `onError`: each of its ends is an error exit (`error(1, …)`, `exit(1)`).
   */
  survivalGuard(call: CallEvent, caller: FunctionModel, callee: FunctionModel | undefined): { field: string; onError: boolean } | undefined {
    if (!callee || callee.language !== 'c' || caller.language !== 'c' || callee.isEntry || !callee.params.length || this.dyingDefinitions.has(callee)) return undefined;
    const key = call.args.map((a) => (a.value === undefined ? '' : String(a.value))).join(',');
    let byArgs = this.survivalGuards.get(callee);
    if (!byArgs) this.survivalGuards.set(callee, (byArgs = new Map()));
    let guard = byArgs.get(key);
    if (guard === undefined) byArgs.set(key, (guard = this.computeSurvivalGuard(call, callee) ?? null));
    if (!guard) return undefined;
    const arg = call.args[guard.index]?.text.trim();
    const field = arg === undefined ? undefined : callerField(arg, guard.rest);
    return field === undefined ? undefined : { field, onError: guard.onError };
  }

  private readonly survivalGuards = new Map<FunctionModel, Map<string, SurvivalGuard | null>>();

  /**
   * (C) A call of a project function that is not inlined and that, given the numbers the call passes, ends the
   * process on every path: a logger that returns for most levels and exits for the fatal one, called with that
   * level (`log_msg(LOG_FATAL, "setuid")`). What it ends with: `onError` when each end is an error exit. Undefined
   * when the call passes no number that decides one of its tests (a function that always ends dies without this).
   * A parameter the function writes counts only where each write sets the number the call passed (`level =
   * LOG_FATAL;` when the format is bad, in a call made with LOG_FATAL).
   */
  endsGivenNumbers(call: CallEvent, callee: FunctionModel | undefined): { onError: boolean } | undefined {
    if (!callee || callee.language !== 'c' || callee.isEntry || !callee.params.length || this.dyingDefinitions.has(callee)) return undefined;
    if (!call.args.some((a) => a.value !== undefined)) return undefined;
    const key = call.args.map((a) => (a.value === undefined ? '' : String(a.value))).join(',');
    let byArgs = this.numberEnds.get(callee);
    if (!byArgs) this.numberEnds.set(callee, (byArgs = new Map()));
    let ends = byArgs.get(key);
    if (ends === undefined) {
      byArgs.set(key, null); // a call that leads back here with the same numbers ends nothing
      byArgs.set(key, (ends = this.computeEndsGivenNumbers(call, callee) ?? null));
    }
    return ends ?? undefined;
  }

  private readonly numberEnds = new Map<FunctionModel, Map<string, { onError: boolean } | null>>();

  private computeEndsGivenNumbers(call: CallEvent, callee: FunctionModel): { onError: boolean } | undefined {
    const { nodes, entry, exit } = callee.cfg;
    const { numbers, bound } = numbersPassed(call, callee);
    if (!numbers.size) return undefined;
    const { dies, onError } = this.deathsAsCalled(callee, bound);
    if (!dies.some(Boolean)) return undefined;
    // No path from the entry returns: each reaches an end, the tests of the numbers taking the branch their values
    // decide (a loop whose ways out all end the process is walked, not taken for a way back to the caller). At least
    // one end is reached, and one of the tests was decided: else the function dies for every argument, which
    // `inferDying` already knows.
    let decided = false;
    let ended = false;
    const seen = new Set<number>([entry]);
    const work = [entry];
    while (work.length) {
      const id = work.pop()!;
      const n = nodes[id]!;
      if (dies[id]) {
        ended = true;
        continue;
      }
      if (id === exit || n.kind === 'return' || !n.succ.length) return undefined;
      let next = n.succ.map((s, i) => [s, i] as const).filter(([s]) => s >= 0);
      if (n.kind === 'cond' && n.succ.length === 2) for (const t of n.tests ?? []) {
        if (!('variable' in t.subject) || !numbers.has(t.subject.variable)) continue;
        const taken = branchForNumber(n, t, numbers.get(t.subject.variable)!);
        if (taken === undefined) continue;
        next = next.filter(([, i]) => i === taken);
        decided = true;
      }
      for (const [s] of next) if (!seen.has(s)) {
        seen.add(s);
        work.push(s);
      }
    }
    return ended && decided ? { onError } : undefined;
  }

  /**
   * Which of a function's nodes end the process as a call makes them (`bound`: see `numbersPassed`), and whether
   * each such end is an error exit.
   */
  private deathsAsCalled(callee: FunctionModel, bound: (e: PrivilegeEvent) => PrivilegeEvent): { dies: boolean[]; onError: boolean } {
    const { nodes } = callee.cfg;
    const dies = nodes.map((n) => n.events.some((e) => this.isDyingCall(bound(e))));
    const onError = nodes.every((n, i) => !dies[i] || n.events.some((e) => this.isDyingCall(bound(e)) && isErrorExit(bound(e))));
    return { dies, onError };
  }

  private computeSurvivalGuard(call: CallEvent, callee: FunctionModel): SurvivalGuard | undefined {
    const { nodes, entry, exit } = callee.cfg;
    const written = new Set(nodes.flatMap((n) => [...(n.assigns ?? []), ...(n.updates ?? [])]));
    const { numbers, bound } = numbersPassed(call, callee);
    const { dies, onError } = this.deathsAsCalled(callee, bound);
    if (!dies.some(Boolean)) return undefined;
    // Candidate fields: `p->f` tested for being set, neither `p` nor the field (or a part of it) written.
    const fields = new Map<string, { index: number; rest: string }>();
    testedParameterFields(nodes, callee.params, written, (_, field, guard) => {
      if (!fields.has(field)) fields.set(field, guard);
    });
    for (const [field, guard] of fields) {
      // Every path ends the process, with the field unset (false) or set (true): a loop with no way out is no end.
      const mustDie = (set: boolean): boolean => {
        const memo = new Map<number, boolean>();
        const from = (id: number): boolean => {
          const known = memo.get(id);
          if (known !== undefined) return known;
          memo.set(id, false);
          const n = nodes[id]!;
          let result: boolean;
          if (dies[id]) result = true;
          else if (id === exit || n.kind === 'return' || !n.succ.length) result = false;
          else {
            let next = n.succ.map((s, i) => [s, i] as const).filter(([s]) => s >= 0);
            if (n.kind === 'cond' && n.succ.length === 2) for (const t of n.tests ?? []) {
              if (!('variable' in t.subject)) continue;
              const name = t.subject.variable;
              let taken: number | undefined;
              if (name === field && typeof t.whenNull === 'boolean') taken = t.whenNull !== set ? 0 : 1;
              else if (numbers.has(name)) taken = branchForNumber(n, t, numbers.get(name)!);
              if (taken !== undefined) next = next.filter(([, i]) => i === taken);
            }
            result = next.every(([s]) => from(s));
          }
          memo.set(id, result);
          return result;
        };
        return from(entry);
      };
      if (mustDie(false) && !mustDie(true)) return { ...guard, onError };
    }
    return undefined;
  }

  /**
   * (C) The fields a call that is not inlined may set in a struct it is handed (`report(&opts, …)`): the last field
   * of each fields' path the definition it reaches assigns, and the definitions it calls, however deep (`json` for
   * `o->json = 1;`). Undefined where the call reaches no definition of the unit (a library's function), or one that
   * writes through a pointer expression (`ANY_FIELD`: a table-driven setter): any field.
   */
  fieldsSetByCall(call: CallEvent, caller: FunctionModel): ReadonlySet<string> | undefined {
    if (caller.language !== 'c' || !this.definitions.size) return undefined;
    const def = /^[A-Za-z_]\w*$/.test(call.callee) ? this.lexicalTarget(call.callee, caller.file) : undefined;
    if (!def) return undefined;
    let known = this.lexicalFields.get(def);
    if (!known) this.lexicalFields.set(def, (known = new Set(namesReached(def, this.lexicalFieldNames, (d) => d.fields ?? [], (d) => (d.calls ?? []).map((c) => this.lexicalTarget(c, d.file))))));
    return known.has(ANY_FIELD) ? undefined : known;
  }

  /** (C) The call reaches a definition of the unit (parsed or not), not a library's function. */
  reachesDefinition(call: CallEvent, caller: FunctionModel): boolean {
    return caller.language === 'c' && /^[A-Za-z_]\w*$/.test(call.callee) && this.lexicalTarget(call.callee, caller.file) !== undefined;
  }

  private readonly lexicalFieldNames = new Map<LexicalDefinition, readonly string[]>();
  private readonly lexicalFields = new Map<LexicalDefinition, ReadonlySet<string>>();

  /** (C) The lexical definition a call of `name` from `fromFile` reaches: its own file's, else the nearest linkable one. */
  private lexicalTarget(name: string, fromFile: string): LexicalDefinition | undefined {
    const defs = this.definitions.get(name);
    if (!defs?.length) return undefined;
    if (defs.length === 1) return defs[0]!.file === fromFile || !defs[0]!.isStatic || isHeader(defs[0]!.file) ? defs[0] : undefined;
    const key = `${name}\0${fromFile}`;
    if (this.lexicalTargets.has(key)) return this.lexicalTargets.get(key);
    const found = nearestDefinition(defs, fromFile, (d) => !d.isStatic || isHeader(d.file));
    this.lexicalTargets.set(key, found);
    return found;
  }

  private readonly lexicalTargets = new Map<string, LexicalDefinition | undefined>();

  /** (C) What `def` and the definitions it calls, however deep, assign (`LexicalDefinition.assigns`), once per definition. */
  private lexicalGlobalsSet(def: LexicalDefinition): readonly string[] {
    return namesReached(def, this.lexicalSets, (d) => d.assigns ?? [], (d) => (d.calls ?? []).map((c) => this.lexicalTarget(c, d.file)));
  }

  private readonly lexicalSets = new Map<LexicalDefinition, readonly string[]>();

  /**
   * The globals (file statics, fields of them) that a call of `fn` may set: those it assigns and those the project
   * functions it calls, however deep, assign. A path that goes past such a call without inlining it (the callee
   * changes no privileges) no longer knows what they hold: `uid = 0; parse_options(…); if (uid) setuid(uid);`.
   */
  globalsSetBy(fn: FunctionModel): readonly string[] {
    return namesReached(fn, this.globalsSet, (f) => f.assignsGlobals ?? [], (f) => this.calleesOf(f));
  }

  private readonly globalsSet = new Map<FunctionModel, readonly string[]>();

  /** The functions with an event the project may rewrite (the copies `withOwnRewrites` made): the others have none. */
  private rewritable(): FunctionModel[] {
    return (this.rewritableFunctions ??= this.functions.filter((fn) => ownFactsOf(fn).mayBeRewritten));
  }

  private rewritableFunctions: FunctionModel[] | undefined;

  /**
   * A node that lets the path go on only when its calls worked: a condition one of whose branches ends the process
   * on an error (`if (sscanf(arg, "%u:%u", &u, &g) < 2) errx(…)`, `if (!parse(u, s)) die(…)`).
   */
  endsOnFailure(fn: FunctionModel, node: CfgNode): boolean {
    return node.kind === 'cond' && node.succ.some((s) => s >= 0 && fn.cfg.nodes[s]!.events.some((e) => this.isDyingCall(e) && isErrorExit(e)));
  }

  /**
   * The condition tests the call `eventId` made in it, and every path from its failure branch ends the process
   * (`if (getgrouplist(…) < 0) { fprintf(…); exit(1); }`): a path that goes on past it is one where the call worked.
   */
  survivesOnlyIfWorked(fn: FunctionModel, node: CfgNode, eventId: number): boolean {
    if (node.kind !== 'cond' || node.succ.length !== 2) return false;
    const t = testOfEvent(node, eventId);
    if (typeof t?.whenFails !== 'boolean') return false;
    const start = node.succ[t.whenFails ? 0 : 1]!;
    if (start < 0) return false;
    const memo = new Map<number, boolean>();
    const dies = (id: number): boolean => {
      const known = memo.get(id);
      if (known !== undefined) return known;
      memo.set(id, false);
      const n = fn.cfg.nodes[id]!;
      const result = this.isDyingNode(n) ? !n.events.some((e) => isSuccessfulExit(e)) : id !== fn.cfg.exit && n.kind !== 'return' && n.succ.length > 0 && n.succ.every((s) => s >= 0 && dies(s));
      memo.set(id, result);
      return result;
    };
    return dies(start);
  }

  private readonly fillCache = new Map<FunctionModel, Map<number, boolean>>();

  /**
   * The function fills what its `index`-th parameter points to on every path on which it returns: it hands the
   * pointer to a call it survives only when the call worked, or to a project function that fills it in turn
   * (`void xparse(struct ug *u, const char *s) { if (!parse(u, s)) die(…); }`).
   */
  fillsParameter(fn: FunctionModel, index: number): boolean {
    let known = this.fillCache.get(fn);
    if (!known) this.fillCache.set(fn, (known = new Map()));
    const cached = known.get(index);
    if (cached !== undefined) return cached;
    known.set(index, false); // a call that leads back here fills nothing
    const param = fn.params[index];
    let result = false;
    if (param && fn.language === 'c') {
      const fills = (node: CfgNode): boolean =>
        node.events.some((e) => {
          if (e.kind !== 'call') return false;
          return e.args.some((a, i) => {
            if (a.text.trim() !== param) return false;
            if (this.endsOnFailure(fn, node)) return true;
            const callee = this.resolveCall(e, fn.file);
            return callee !== undefined && callee !== fn && this.fillsParameter(callee, i);
          });
        });
      const { nodes, entry, exit } = fn.cfg;
      const seen = new Set<number>([entry]);
      const work = [entry];
      result = true;
      while (work.length) {
        const id = work.pop()!;
        const n = nodes[id]!;
        if (id === exit) {
          result = false;
          break;
        }
        if (this.isDyingNode(n) || fills(n)) continue;
        for (const s of n.succ) if (s >= 0 && !seen.has(s)) {
          seen.add(s);
          work.push(s);
        }
      }
    }
    known.set(index, result);
    return result;
  }

  /** A node whose events include a call that never returns: the path ends there. */
  isDyingNode(node: CfgNode): boolean {
    return node.events.some((e) => this.isDyingCall(e));
  }

  /** `reached`: the definition the call reaches from its own file, when the caller has resolved it already. */
  isDyingCall(e: PrivilegeEvent, reached?: () => FunctionModel | undefined): boolean {
    if (e.kind !== 'call') return false;
    if (e.target !== undefined) return (e.target !== null && this.dying.has(e.target)) || this.configuredNoreturn.has(e.callee);
    if (this.dying.has(e.callee)) return true;
    // A C function dies as the definition the call reaches does.
    const def = this.dyingDefinitions.size ? (reached ? reached() : this.resolve(e.callee, e.loc.file)) : undefined;
    if (def && this.dyingDefinitions.has(def)) return true;
    // glibc error(3)/error_at_line(3) exit when their status is not 0.
    if (e.callee === 'error' || e.callee === 'error_at_line') {
      const status = exitStatus(e);
      return status !== undefined && status !== 0;
    }
    // A project function that ends the process for the numbers this call passes (`log_msg(LOG_FATAL, …)`), asked
    // once every function that always dies is known (the answer depends on them).
    if (this.dyingKeys && e.args.some((a) => a.value !== undefined)) {
      const fn = reached ? reached() : this.resolve(e.callee, e.loc.file);
      if (fn && this.endsGivenNumbers(e, fn)) return true;
    }
    return false;
  }

  /** A project function that stands in for a libc privilege call (a compatibility shim such as its own seteuid()). */
  isShim(fn: FunctionModel): boolean {
    return SHIM_NAMES.test(fn.name);
  }

  /**
   * A function dies when every path from its entry reaches a call that never returns
   * (a server loop that never ends is not dying: it keeps running).
   */
  private inferDying(): void {
    const macros = this.allMacros.filter((m) => !/\bif\b|\?/.test(m.body));
    // Whether a function's calls die changes only when a name it calls dies (or, Node, the function a call reaches):
    // after the first round, only the callers of what died in the last one are looked at again.
    const callersOf = new Map<string, Set<FunctionModel>>();
    for (const fn of this.functions) for (const c of this.callsIn(fn)) for (const name of c.target ? [c.callee, c.target] : [c.callee]) {
      let callers = callersOf.get(name);
      if (!callers) callersOf.set(name, (callers = new Set()));
      callers.add(fn);
    }
    let pending: readonly FunctionModel[] = this.functions;
    for (let died: string[] = ['']; died.length; ) {
      died = [];
      for (const m of macros) {
        if (this.dying.has(m.name) || !this.callsDying(m.body)) continue;
        this.dying.add(m.name);
        died.push(m.name);
      }
      for (const fn of pending) {
        const name = fn.key ?? fn.name;
        if (this.dying.has(name) || this.dyingDefinitions.has(fn) || fn.isEntry) continue;
        if (fn.declaredNoreturn || this.alwaysDies(fn)) {
          if (fn.key === undefined) this.dyingDefinitions.add(fn);
          else this.dying.add(name);
          died.push(name);
        }
      }
      // Macros are looked at again after anything died: they die by the names they use.
      const again = new Set(died.flatMap((name) => [...(callersOf.get(name) ?? [])]));
      pending = again.size ? this.functions.filter((fn) => again.has(fn)) : [];
    }
  }

  /**
   * The nodes of `fn` that end the process, as a key: those of its calls that never return. Once the project knows
   * every dying function (after `inferDying`) the key of each function is kept.
   */
  private dyingKeyOf(fn: FunctionModel): string {
    let key = this.dyingKeys?.get(fn);
    if (key !== undefined) return key;
    const { calls, callNodes } = ownFactsOf(fn);
    key = '';
    let last = -1;
    calls.forEach((call, i) => {
      // A call made from the function's own file reaches what `calleesOf` resolved.
      const reached = call.loc.file === fn.file ? (): FunctionModel | undefined => this.calleesOf(fn)[i] : undefined;
      if (callNodes[i] !== last && this.isDyingCall(call, reached)) key += `${(last = callNodes[i]!)},`;
    });
    this.dyingKeys?.set(fn, key);
    return key;
  }

  /** Set once the dying functions are all known: each function's `dyingKeyOf`. */
  private dyingKeys: Map<FunctionModel, string> | undefined;

  /** The facts of `fn` that depend on which of its nodes die, remembered across projects (`DyingFacts`). */
  private dyingFactsOf(fn: FunctionModel): DyingFacts {
    let byKey = dyingFacts.get(fn);
    if (!byKey) dyingFacts.set(fn, (byKey = new Map()));
    const key = this.dyingKeyOf(fn);
    let facts = byKey.get(key);
    if (!facts) byKey.set(key, (facts = {}));
    return facts;
  }

  /** Every return `fn` can reach returns a variable tested non-NULL on every path to it since it was last assigned. */
  private returnsNonNull(fn: FunctionModel): boolean {
    const facts = this.dyingFactsOf(fn);
    return (facts.returnsNonNull ??= this.computeReturnsNonNull(fn));
  }

  private computeReturnsNonNull(fn: FunctionModel): boolean {
    const { nodes, entry } = fn.cfg;
    // Must facts: the variables known non-NULL on every path into each node (undefined: not reached yet).
    const known = new Map<number, Set<string>>([[entry, new Set()]]);
    const work = [entry];
    let returns = 0;
    while (work.length) {
      const id = work.pop()!;
      const node = nodes[id]!;
      if (this.isDyingNode(node)) continue;
      const facts = new Set(known.get(id));
      for (const v of node.assigns ?? []) facts.delete(v);
      if (node.kind === 'return') {
        if (!node.returnsVariable || !facts.has(node.returnsVariable)) return false;
        returns++;
        continue;
      }
      node.succ.forEach((s, i) => {
        if (s < 0) return;
        const out = new Set(facts);
        if (node.kind === 'cond') for (const t of node.tests ?? []) {
          if (!('variable' in t.subject) || typeof t.whenNull !== 'boolean') continue;
          // The successor taken when the variable is NULL, and the other one (where it is not, if the test says so).
          const nullIndex = t.whenNull ? 0 : 1;
          if (i === nullIndex) out.delete(t.subject.variable);
          else if (t.whenFails === (i === 0) && t.whenPositive === (i === 0)) out.add(t.subject.variable);
        }
        const cur = known.get(s);
        if (!cur) {
          known.set(s, out);
          work.push(s);
          return;
        }
        let changed = false;
        for (const v of cur) if (!out.has(v)) {
          cur.delete(v);
          changed = true;
        }
        if (changed) work.push(s);
      });
    }
    return returns > 0;
  }

  private callsDying(text: string): boolean {
    for (const m of text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) if (this.nameDies(m[1]!)) return true;
    return false;
  }

  /**
   * A name that never returns wherever it is called from: a known or declared one, or a C function whose
   * definitions all never return (a test's stand-in aside, when the program has its own).
   */
  /**
   * How a C function takes an error message (`(const char *msg)`, `(const char *fmt, ...)`): from its definitions
   * (all alike), else from a declaration of it (read from the text); undefined when it takes none or nothing tells.
   */
  messageShape(name: string): MessageShape | undefined {
    const defs = this.byName.get(name)?.filter((d) => d.language === 'c');
    if (!defs?.length) return Object.hasOwn(this.declaredMessages, name) ? this.declaredMessages[name] : undefined;
    const real = defs.filter((d) => !isStandIn(d.file));
    const shapes = new Set((real.length ? real : defs).map((d) => d.takesMessage));
    return shapes.size === 1 ? [...shapes][0] : undefined;
  }

  nameDies(name: string): boolean {
    if (this.dying.has(name)) return true;
    const defs = this.byName.get(name)?.filter((d) => d.language === 'c');
    if (!defs?.length) return false;
    const real = defs.filter((d) => !isStandIn(d.file));
    return (real.length ? real : defs).every((d) => this.dyingDefinitions.has(d));
  }

  private alwaysDies(fn: FunctionModel): boolean {
    const facts = this.dyingFactsOf(fn);
    return (facts.alwaysDies ??= this.computeAlwaysDies(fn));
  }

  private computeAlwaysDies(fn: FunctionModel): boolean {
    const { nodes, entry, exit } = fn.cfg;
    const seen = new Set<number>();
    const onStack = new Set<number>();
    let escapes = false;
    const visit = (id: number): void => {
      if (escapes) return;
      if (id === exit) {
        escapes = true;
        return;
      }
      if (onStack.has(id)) {
        // A loop that need not end: the function keeps running. A counted walk ends, and goes on past its end.
        if (nodes[id]!.loop !== 'counted') escapes = true;
        return;
      }
      if (seen.has(id)) return;
      seen.add(id);
      const node = nodes[id]!;
      if (this.isDyingNode(node)) return;
      onStack.add(id);
      for (const s of node.succ) if (s >= 0) visit(s);
      onStack.delete(id);
    };
    visit(entry);
    return !escapes;
  }

  /**
   * A set-id call whose success ends the process is a probe that verifies an earlier drop
   * (`if (setuid(0) != -1) fatal(...)`, `if (setgid(old_gid) != -1 || setegid(old_gid) != -1) fatal(...)`), and so is
   * one whose success the function reports as its own failure (`if (setuid(old_uid) != -1) { log(...); return -1; }`):
   * the callers learn that the drop did not hold.
   */
  private markProbes(): void {
    for (const fn of this.rewritable()) {
      for (const node of fn.cfg.nodes) {
        if (node.kind !== 'cond') continue;
        for (const t of node.tests ?? []) {
          if (!('event' in t.subject) || t.whenFails === null) continue;
          const id = t.subject.event;
          const ev = node.events.find((e) => e.id === id);
          if (ev?.kind !== 'set-id' || ev.direction !== 'drop') continue;
          const succeeded = node.succ[t.whenFails ? 1 : 0]!;
          if (this.diesFrom(fn, succeeded, new Map(), true) || (!fn.returnsVoid && this.failsFrom(fn, succeeded))) ev.direction = 'probe';
        }
      }
    }
  }

  /** The variables a node sets to an array member of a struct (`o.user = m->login;`): addresses, never NULL. */
  arrayAddressesSet(node: CfgNode): string[] {
    return node.memberValues?.filter((m) => this.arrayMembers.has(`${m.type}.${m.member}`)).map((m) => m.variable) ?? [];
  }

  /** The function refuses to go on as root, or as non-root (`if (geteuid() == 0) errx(...)`): callers learn which. */
  private gatesOnRoot(fn: FunctionModel): boolean {
    const facts = this.dyingFactsOf(fn);
    return (facts.gatesOnRoot ??= this.computeGatesOnRoot(fn));
  }

  private computeGatesOnRoot(fn: FunctionModel): boolean {
    return fn.cfg.nodes.some(
      (n) => n.kind === 'cond' && n.tests?.some((t) => 'variable' in t.subject && t.subject.variable === NOT_ROOT) && n.succ.some((s) => this.diesFrom(fn, s)),
    );
  }

  /**
   * Every path from node `id` goes straight to an error exit (`fatal(...)`, `exit(1)`), doing nothing else first.
   * `atOnce`: not even the work whose status the exit gives (`_exit(serve())`), as a probe's success must end.
   */
  private diesFrom(fn: FunctionModel, id: number, memo = new Map<number, boolean>(), atOnce = false): boolean {
    const known = memo.get(id);
    if (known !== undefined) return known;
    memo.set(id, false);
    const n = fn.cfg.nodes[id]!;
    let result: boolean;
    if (this.isDyingNode(n)) result = n.events.every((e) => e.kind === 'call') && !n.events.some((e) => isSuccessfulExit(e) || (atOnce && exitsWithWorkStatus(e)));
    else if (id === fn.cfg.exit || n.kind === 'return' || n.events.length > 0) result = false;
    else result = n.succ.length > 0 && n.succ.every((s) => this.diesFrom(fn, s, memo, atOnce));
    memo.set(id, result);
    return result;
  }

  /**
   * Every path from the node returns a failure (`return -1;`, `return false;`) or ends the process, through nothing
   * but calls that report or clean up: no privilege change, no loop. In C, a path that ends the process after other
   * work (`serve(); exit(1);` of a daemon whose loop returns only on an error, a helper that execs a shell, then
   * `_exit(111)`) does not report a failure by that end. `memos`: per node, without and with work done on the way.
   */
  private failsFrom(fn: FunctionModel, id: number, memos: [Map<number, boolean>, Map<number, boolean>] = [new Map(), new Map()], worked = false): boolean {
    const memo = memos[worked ? 1 : 0];
    const known = memo.get(id);
    if (known !== undefined) return known;
    memo.set(id, false);
    const n = fn.cfg.nodes[id]!;
    let result: boolean;
    if (n.kind === 'return') result = n.returnsFailure === true;
    else if (this.isDyingNode(n)) result = !worked && this.diesFrom(fn, id, new Map(), true);
    else if (id === fn.cfg.exit || n.events.some((e) => e.kind !== 'call')) result = false;
    else {
      const works = worked || (fn.language === 'c' && n.events.some((e) => e.kind === 'call' && !this.reportsOrCleansUp(e, fn.file)));
      result = n.succ.length > 0 && n.succ.every((s) => this.failsFrom(fn, s, memos, works));
    }
    memo.set(id, result);
    return result;
  }

  /**
   * (C) A call that reports (a message written out: a string literal among its arguments, a C library writer such
   * as `syslog()`, or a function of the project that takes a message and neither execs nor changes privileges: a
   * `run_shell(char *shell)` takes a string too) or cleans up on the way out (`free`, `close`).
   */
  private reportsOrCleansUp(call: CallEvent, fromFile: string): boolean {
    if (call.args.some((a) => a.literal) || READ_ONLY_LIBRARY.has(call.callee) || CLEANUP_CALLS.has(call.callee)) return true;
    const callee = this.messageShape(call.callee) !== undefined ? this.resolve(call.callee, fromFile) : undefined;
    return callee !== undefined && !callee.cfg.nodes.some((n) => n.events.some((e) => e.kind !== 'call' || e.execs));
  }

  private findCheckingMacros(): void {
    for (const m of this.allMacros) {
      const testsArgument = m.params.some((p) => new RegExp(`\\b${p.replace(/\W/g, '')}\\b`).test(m.body));
      if (testsArgument && /\bif\b|\?|\|\||&&/.test(m.body) && (this.callsDying(m.body) || /\breturn\b/.test(m.body))) {
        this.checkingMacros.add(m.name);
      }
    }
  }

  private findPrivileged(): void {
    for (const fn of this.functions) {
      if (this.isShim(fn)) continue;
      const own = ownFactsOf(fn);
      if (own.changesPrivileges || own.leaksDirectoryHandle || this.gatesOnRoot(fn)) this.privileged.add(fn);
    }
    for (const fn of this.globalRootCopiers()) this.privileged.add(fn);
    for (const fn of this.privileged) this.ownPrivileged.add(fn);
    if (this.functions.some((f) => ownFactsOf(f).chroots)) {
      for (const fn of this.functions) {
        if (this.privileged.has(fn) || this.isShim(fn)) continue;
        if (ownFactsOf(fn).changesDirectory) {
          this.jailHelpers.add(fn);
          this.ownPrivileged.add(fn);
        }
      }
      // and their wrappers (`xchdir()` → `chdir_or_warn()` → chdir)
      for (let changed = true; changed; ) {
        changed = false;
        for (const fn of this.functions) {
          if (this.privileged.has(fn) || this.jailHelpers.has(fn)) continue;
          // By name (a Node call too: the function of that name in its own module).
          const callees = this.calleesOf(fn);
          if (this.callsIn(fn).some((c, i) => { const callee = c.target === undefined ? callees[i] : this.resolve(c.callee, fn.file); return callee !== undefined && this.jailHelpers.has(callee); })) {
            this.jailHelpers.add(fn);
            changed = true;
          }
        }
      }
      // A function that closes its caller's directory handle (`dir_close(&dir)`), but not its callers: they
      // close nothing of their callers', and a caller that opened the handle is inlined for that.
      for (const fn of this.functions) {
        if (this.privileged.has(fn) || this.jailHelpers.has(fn) || this.isShim(fn) || !closesCallersHandle(fn)) continue;
        this.jailHelpers.add(fn);
        this.ownPrivileged.add(fn);
      }
    }
    // Functions that call through a function-pointer parameter (`proc(cycle, data)`), by parameter name.
    const callsThroughParameter = new Set(this.functions.filter((f) => ownFactsOf(f).callsParameter));
    // What a function's becoming privileged makes privileged: its callers, and the functions that call a parameter
    // it is handed to (`spawn(cycle, worker)`). One pass over the calls, then a worklist.
    const spreadsTo = new Map<FunctionModel, FunctionModel[]>();
    const spread = (from: FunctionModel, to: FunctionModel): void => {
      (spreadsTo.get(from) ?? spreadsTo.set(from, []).get(from)!).push(to);
      (this.inliningCallees.get(to) ?? this.inliningCallees.set(to, []).get(to)!).push(from);
    };
    for (const fn of this.functions) {
      const callees = this.calleesOf(fn);
      for (const [i, c] of this.callsIn(fn).entries()) {
        // A call through a struct member may reach any function stored in it.
        if (c.member !== undefined) for (const t of this.memberTargets(c, fn.file)) spread(t, fn);
        const callee = callees[i];
        if (!callee) continue;
        spread(callee, fn);
        if (!callsThroughParameter.has(callee)) continue;
        for (const a of c.args) {
          const passed = /^[A-Za-z_]\w*$/.test(a.text) ? this.resolve(a.text, fn.file) : undefined;
          if (passed) spread(passed, callee);
        }
      }
    }
    const work = [...this.privileged];
    while (work.length) for (const next of spreadsTo.get(work.pop()!) ?? []) if (!this.privileged.has(next)) {
      this.privileged.add(next);
      work.push(next);
    }
  }

  /**
   * Functions that keep whether the process is root in a global (`ps.is_superuser = (geteuid() == 0);` in an init
   * function) that a function making privilege calls tests (`if (ps.is_superuser) { setgid(…); … }`): inlined as
   * privilege code is, so that the test reads as one of the process itself (paths.ts, rootCopyTests) on the paths
   * where the copy was made and no uid change came since.
   */
  private globalRootCopiers(): FunctionModel[] {
    const tested = new Set<string>();
    for (const fn of this.functions) if (ownFactsOf(fn).changesPrivileges) for (const n of fn.cfg.nodes) for (const t of n.tests ?? []) if ('variable' in t.subject) tested.add(t.subject.variable);
    if (!tested.size) return [];
    return this.functions.filter((fn) => !this.isShim(fn) && fn.assignsGlobals !== undefined && fn.cfg.nodes.some((n) => n.rootCopies?.some((c) => tested.has(c.variable) && fn.assignsGlobals!.includes(c.variable))));
  }

  /**
   * On the paths of `fn` that return to its caller: the first input read (not argv), and the calls (indexes into
   * `callsIn`), in order.
   */
  private returningReads(fn: FunctionModel): { direct?: InputEvent; calls: number[] } {
    const facts = this.dyingFactsOf(fn);
    if (facts.returningReads) return facts.returningReads;
    const returning = this.returningNodes(fn);
    let direct: InputEvent | undefined;
    for (const n of fn.cfg.nodes) if (returning.has(n.id)) {
      direct = n.events.find((e): e is InputEvent => e.kind === 'input' && e.source !== 'argv');
      if (direct) break;
    }
    const { callNodes } = ownFactsOf(fn);
    const calls = direct ? [] : callNodes.flatMap((node, i) => (returning.has(node) ? [i] : []));
    return (facts.returningReads = { ...(direct ? { direct } : {}), calls });
  }

  /** The nodes of a function from which its end can be reached without a call that never returns. */
  private returningNodes(fn: FunctionModel): Set<number> {
    const { nodes, exit } = fn.cfg;
    const predecessors: number[][] = nodes.map(() => []);
    for (const n of nodes) for (const s of n.succ) if (s >= 0) predecessors[s]!.push(n.id);
    const found = new Set<number>();
    const work = [exit];
    while (work.length) {
      const id = work.pop()!;
      if (found.has(id) || this.isDyingNode(nodes[id]!)) continue;
      found.add(id);
      work.push(...predecessors[id]!);
    }
    return found;
  }

  private findInputReaders(): void {
    const configured = new Set(this.config.inputFunctions);
    // Only a read on a path that returns to the caller comes before what the caller does next: one followed by the
    // end of the process (`_EXIT()` → a cleanup that asks a helper process over a socket) reads nothing for it.
    /** The calls of each function on a path that returns (indexes into `callsIn`). */
    const calls = new Map<FunctionModel, number[]>();
    for (const fn of this.functions) {
      const reads = this.returningReads(fn);
      if (reads.direct) this.inputReaders.set(fn, reads.direct);
      else if (configured.has(fn.name)) this.inputReaders.set(fn, { kind: 'input', source: 'config', id: -1, api: fn.name, text: fn.name, loc: fn.loc });
      else calls.set(fn, reads.calls);
    }
    for (let changed = true; changed; ) {
      changed = false;
      for (const fn of this.functions) {
        if (this.inputReaders.has(fn)) continue;
        const callees = this.calleesOf(fn);
        for (const i of calls.get(fn)!) {
          const callee = callees[i];
          const input = callee && this.inputReaders.get(callee);
          if (input) {
            this.inputReaders.set(fn, input);
            changed = true;
            break;
          }
        }
      }
    }
  }
}

/**
 * A definition other files can reach: an exported one, or (C) a static one in a header (`static inline` helpers),
 * which every file that includes the header compiles as its own.
 */
function linkable(d: FunctionModel): boolean {
  return !d.isLocal || (d.language === 'c' && isHeader(d.file));
}

function isHeader(file: string): boolean {
  return /\.(?:h|hh|hpp|hxx)$/i.test(file);
}

/**
 * The definition a name used in `fromFile` reaches, as a linker would find it: the file's own, else the linkable one
 * nearest in the tree (sharing the most leading directories), a test's stand-in only from a test. Of equally near
 * ones, the first that is not in another program's entry file (`programFiles`: a control tool's stubs of the
 * daemon's helpers are linked into the tool, not into the daemon), else the first.
 */
function nearestDefinition<T extends { file: string }>(defs: readonly T[], fromFile: string, isLinkable: (d: T) => boolean, programFiles: ReadonlySet<string> = new Set()): T | undefined {
  const local = defs.find((d) => d.file === fromFile);
  if (local) return local;
  let candidates = defs.filter(isLinkable);
  // A test's, fuzzer's or example's stand-in is linked into that test, not into the program: where the program
  // has a definition of its own, the stand-in is not the one its calls reach.
  if (!isStandIn(fromFile)) {
    const real = candidates.filter((d) => !isStandIn(d.file));
    if (real.length) candidates = real;
  }
  let best: T | undefined;
  let bestShared = -1;
  for (const d of candidates) {
    const shared = sharedDirectoryDepth(d.file, fromFile);
    // The caller's own file was taken above: a definition in a file that defines `main` here is another program's.
    if (shared > bestShared || (shared === bestShared && programFiles.has(best!.file) && !programFiles.has(d.file))) {
      best = d;
      bestShared = shared;
    }
  }
  return best;
}

/** How many leading directories two paths share. */
/** Directories and files of tests, fuzzers, examples and mocks: what they define stands in for the program's own. */
const STAND_IN_DIRECTORY = /^(?:tests?|testing|unit[-_]?tests?|test[-_]?suite|fuzz|fuzzing|fuzzers?|examples?|mocks?|stubs?)$/i;
const STAND_IN_FILE = /^(?:tests?|fuzz|fuzzer|mock|stub)[-_]|[-_](?:tests?|fuzz|fuzzer|mock|mocks|stub|stubs)\.[ch]$/i;

/**
 * What one function's model alone tells, whatever the rest of the project: remembered per model object, since
 * models are not changed after parsing (a cache hands the same C model to every analysis of its file, so an edit
 * of one file leaves the others' facts as they were). A copy the project rewrites (`withOwnRewrites`) forgets them.
 */
interface OwnFacts {
  calls: CallEvent[];
  /** The node of each call (`calls[i]` is in node `callNodes[i]`). */
  callNodes: number[];
  /** A uid, gid, groups, chroot or capability change. */
  changesPrivileges: boolean;
  chroots: boolean;
  changesDirectory: boolean;
  leaksDirectoryHandle: boolean;
  mayBeRewritten: boolean;
  /** Names the function assigns other than from an id getter (`uid = getuid();` is one). */
  assignedOtherThanId: ReadonlySet<string>;
  forks: boolean;
  /** It calls through a function-pointer parameter (`proc(cycle, data)`), by the parameter's name. */
  callsParameter: boolean;
}

const ownFacts = new WeakMap<FunctionModel, OwnFacts>();

const NOTHING_ASSIGNED: ReadonlySet<string> = new Set();

/**
 * What a function's model tells once it is known which of its nodes end the process (they call a function that
 * never returns): remembered per model object and per set of such nodes, which is all these facts read of the rest
 * of the project. An edit elsewhere that leaves a function's dying calls as they were leaves them as they were.
 */
interface DyingFacts {
  alwaysDies?: boolean;
  returnsNonNull?: boolean;
  gatesOnRoot?: boolean;
  returningReads?: { direct?: InputEvent; calls: number[] };
}

const dyingFacts = new WeakMap<FunctionModel, Map<string, DyingFacts>>();

function ownFactsOf(fn: FunctionModel): OwnFacts {
  let facts = ownFacts.get(fn);
  if (facts) return facts;
  const { nodes } = fn.cfg;
  const calls: CallEvent[] = [];
  const callNodes: number[] = [];
  let changesPrivileges = false;
  let chroots = false;
  let changesDirectory = false;
  let forks = false;
  let assignedOtherThanId: Set<string> | undefined;
  for (const n of nodes) {
    if (n.assigns?.length && !n.events.some((e) => e.kind === 'call' && /(?:^|_)get[e]?[ug]id$/.test(e.callee))) for (const name of n.assigns) (assignedOtherThanId ??= new Set()).add(name);
    for (const e of n.events) {
      if (e.kind === 'call') {
        calls.push(e);
        callNodes.push(n.id);
      } else if (e.kind === 'chdir') changesDirectory = true;
      if (PRIVILEGE_KINDS.has(e.kind)) changesPrivileges = true;
      if (e.kind === 'chroot') chroots = true;
      if (e.kind === 'fork') forks = true;
    }
  }
  facts = { calls, callNodes, changesPrivileges, chroots, changesDirectory, leaksDirectoryHandle: leaksDirectoryHandle(fn), mayBeRewritten: mayBeRewritten(fn), assignedOtherThanId: assignedOtherThanId ?? NOTHING_ASSIGNED, forks, callsParameter: calls.some((c) => fn.params.includes(c.callee)) };
  ownFacts.set(fn, facts);
  return facts;
}

/**
 * The models with a copy of each function that has an event the project may rewrite (`classifyGlobalTargets`,
 * `classifySocketReads`, `unmarkLocalSocketReads`, `markProbes`), and of its file: the models given stay as they
 * are, so that a cache can hand the same model to every analysis of its file. The others are shared.
 */
function withOwnRewrites(files: FileModel[]): FileModel[] {
  const rewritten = (fn: FunctionModel): boolean => ownFactsOf(fn).mayBeRewritten;
  return files.map((f) => (f.functions.some(rewritten) ? { ...f, functions: f.functions.map((fn) => (rewritten(fn) ? copyPlain(fn) : fn)) } : f));
}

function mayBeRewritten(fn: FunctionModel): boolean {
  return fn.cfg.nodes.some((node) =>
    node.events.some(
      (e) =>
        (e.kind === 'set-id' && (e.targetGlobal || (node.kind === 'cond' && e.direction === 'drop') || (fn.language === 'c' && e.target === 'other' && MACRO_CALL.test(e.targetText)))) ||
        (e.kind === 'input' && e.source === 'network' && e.descriptor !== undefined) ||
        (e.kind === 'call' && SOCKET_READS.has(e.callee)),
    ),
  );
}

export function isStandIn(file: string): boolean {
  const parts = file.split('/');
  const base = parts.pop() ?? '';
  return STAND_IN_FILE.test(base) || parts.some((p) => STAND_IN_DIRECTORY.test(p));
}

function sharedDirectoryDepth(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  let n = 0;
  while (n < x.length - 1 && n < y.length - 1 && x[n] === y[n]) n++;
  return n;
}

/**
 * The function closes a handle its caller holds: one passed to it (`closedir(dp)`, `closedir(dir->handle)` of a
 * parameter), or every descriptor (`closefrom(3)`). Inlined, its close is seen where the caller opened the handle.
 */
function closesCallersHandle(fn: FunctionModel): boolean {
  return fn.cfg.nodes.some((n) => n.events.some((e) => e.kind === 'dir-close' && (e.handle === '*' || fn.params.includes(/^[A-Za-z_]\w*/.exec(e.handle)?.[0] ?? ''))));
}

/** A directory handle still open on some path when the function returns (kept in a global, returned, or forgotten). */
function leaksDirectoryHandle(fn: FunctionModel): boolean {
  const { nodes, entry, exit } = fn.cfg;
  if (!nodes.some((n) => n.events.some((e) => e.kind === 'dir-open'))) return false;
  // Handles that a failed open leaves NULL (opendir) rather than -1 (open).
  const nullOnFailure = new Set(nodes.flatMap((n) => n.events.flatMap((e) => (e.kind === 'dir-open' && /opendir$/.test(e.api) ? [e.handle] : []))));
  const states = forwardFacts(nodes, entry, [], (facts, node) => {
    for (const e of node.events) {
      if (e.kind === 'dir-open' && e.adopts) facts.delete(e.adopts);
      if (e.kind === 'dir-open' && e.handle) facts.add(e.handle);
      if (e.kind === 'dir-close') {
        if (e.handle === '*') facts.clear();
        else facts.delete(e.handle);
      }
    }
  }, (facts, node, index) => {
    // The branch where the open failed (`if (!dir) continue;`) holds no handle to leak.
    let out: Set<string> | undefined;
    for (const handle of facts) if (failedOpenBranch(node, handle, nullOnFailure.has(handle)) === index) (out ??= new Set(facts)).delete(handle);
    return out;
  });
  return (states.get(exit)?.size ?? 0) > 0;
}

/** The successor of a condition taken when the directory handle kept in `handle` is not open (NULL, or -1). */
function failedOpenBranch(node: CfgNode, handle: string, nullOnFailure: boolean): number | undefined {
  if (node.kind !== 'cond') return undefined;
  for (const t of node.tests ?? []) {
    if (!('variable' in t.subject) || t.subject.variable !== handle) continue;
    const when = nullOnFailure ? t.whenNull : t.whenFails;
    if (typeof when === 'boolean') return when ? 0 : 1;
  }
  return undefined;
}

/**
 * The names `start` and everything it reaches through `next`, however deep, give by `own`; remembered per node in
 * `memo` (a node's finished answer is the whole of what it reaches, so a walk that meets one takes it whole).
 */
function namesReached<T>(start: T, memo: Map<T, readonly string[]>, own: (t: T) => readonly string[], next: (t: T) => readonly (T | undefined)[]): readonly string[] {
  const known = memo.get(start);
  if (known) return known;
  const names = new Set<string>();
  const seen = new Set<T>([start]);
  const work = [start];
  while (work.length) {
    const t = work.pop()!;
    const done = t === start ? undefined : memo.get(t);
    if (done) {
      for (const n of done) names.add(n);
      continue;
    }
    for (const n of own(t)) names.add(n);
    for (const c of next(t)) if (c !== undefined && !seen.has(c)) {
      seen.add(c);
      work.push(c);
    }
  }
  const out = [...names];
  memo.set(start, out);
  return out;
}

/**
 * The numbers a call passes to a function's parameters (`log_msg(LOG_FATAL, …)`: `level` is LOG_FATAL), where the
 * function keeps them (it never changes the parameter but to set that same number again); and the function's calls
 * as this call makes them (`bound`): a parameter passed on is the caller's number (`error(status, …)`).
 */
function numbersPassed(call: CallEvent, callee: FunctionModel): { numbers: Map<string, number>; bound: (e: PrivilegeEvent) => PrivilegeEvent } {
  const { nodes } = callee.cfg;
  const numbers = new Map<string, number>();
  callee.params.forEach((p, i) => {
    const v = call.args[i]?.value;
    if (!p || v === undefined) return;
    if (nodes.some((n) => n.updates?.includes(p) || (n.assigns?.includes(p) && n.values?.[p] !== v))) return;
    numbers.set(p, v);
  });
  const bound = (e: PrivilegeEvent): PrivilegeEvent => {
    if (e.kind !== 'call' || !e.args.some((a) => numbers.has(a.text.trim()))) return e;
    return { ...e, args: e.args.map((a) => { const v = numbers.get(a.text.trim()); return v === undefined ? a : { ...a, text: String(v), value: v }; }) };
  };
  return { numbers, bound };
}

/**
 * The branch a test takes (0: true, 1: false) where its variable holds a known number (an argument the caller
 * passes), where the test tells it: by an exact comparison, by 0, by -1 or sign (a negative number takes
 * `whenFails`'s branch where the test decides by sign alone), or by the condition's value table; undefined where it
 * does not.
 */
export function branchForNumber(node: CfgNode, t: Test, value: number): number | undefined {
  // An exact comparison (`level == LOG_FATAL`) first: a value class tries only a few of its numbers.
  if (t.equals) return (value === t.equals.value) === t.equals.holds ? 0 : 1;
  if (value === 0 && typeof t.whenNull === 'boolean') return t.whenNull ? 0 : 1;
  if (value !== 0 && t.classes) return (value === -1 ? t.classes.minusOne : value < 0 ? t.classes.negative : t.classes.positive) ? 0 : 1;
  if (value > 0 && typeof t.whenPositive === 'boolean') return t.whenPositive ? 0 : 1;
  if (value < 0 && typeof t.whenPositive === 'boolean' && typeof t.whenFails === 'boolean') return t.whenFails ? 0 : 1;
  const table = node.valueTable;
  if (table && table.variables.length === 1 && 'variable' in t.subject && table.variables[0] === t.subject.variable) {
    const cls = VALUE_CLASSES.findIndex((c) => (c.values as readonly number[]).includes(value) || (c.name === 'many' && value > 1) || (c.name === 'negative' && value < -1));
    const truth = cls >= 0 ? table.truth[cls] : null;
    if (typeof truth === 'boolean') return truth ? 0 : 1;
  }
  return undefined;
}

/** See `Project.survivalGuard`: the parameter, the field's path after it, and whether the ends are error exits. */
interface SurvivalGuard {
  index: number;
  rest: string;
  onError: boolean;
}

const NO_GUARDS: ReadonlyMap<string, string> = new Map();

const guardedCache = new WeakMap<FunctionModel, Map<string, { index: number; rest: string }>>();

/**
 * The globals a C function assigns only on the branch where a field of one of its parameters is set (not 0, not
 * NULL): for each, the parameter's index and the field's path after it (`->user`). The function must assign neither
 * the parameter nor that field, so that the caller's field is the one tested.
 */
function guardedAssigns(fn: FunctionModel): Map<string, { index: number; rest: string }> {
  let out = guardedCache.get(fn);
  if (out) return out;
  out = new Map();
  guardedCache.set(fn, out);
  const globals = fn.assignsGlobals ?? [];
  if (!globals.length || !fn.params.length) return out;
  const { nodes } = fn.cfg;
  const written = new Set(nodes.flatMap((n) => [...(n.assigns ?? []), ...(n.updates ?? [])]));
  const guards = new Map<string, { index: number; rest: string; nullBranch: Map<number, number> }>();
  const branches = nodes.filter((n) => n.kind === 'cond' && n.succ.length === 2);
  testedParameterFields(branches, fn.params, written, (n, field, { index, rest }, whenNull) => {
    const g = guards.get(field) ?? guards.set(field, { index, rest, nullBranch: new Map() }).get(field)!;
    g.nullBranch.set(n.id, whenNull ? 0 : 1);
  });
  for (const [, guard] of guards) {
    // The nodes a path reaches from the entry while the field stays unset (only the null branch of its tests).
    const seen = new Uint8Array(nodes.length);
    const work = [fn.cfg.entry];
    seen[fn.cfg.entry] = 1;
    while (work.length) {
      const n = nodes[work.pop()!]!;
      const only = guard.nullBranch.get(n.id);
      n.succ.forEach((s, i) => {
        if (s < 0 || seen[s] || (only !== undefined && i !== only)) return;
        seen[s] = 1;
        work.push(s);
      });
    }
    for (const global of globals) {
      if (out.has(global)) continue;
      const setAt = nodes.filter((n) => n.assigns?.includes(global) || n.updates?.includes(global));
      if (setAt.length && setAt.every((n) => !seen[n.id])) out.set(global, { index: guard.index, rest: guard.rest });
    }
  }
  return out;
}

/** `Project.privilegeDistances`: calls away from code privileged on its own, and recursive clusters. */
export interface PrivilegeDistances {
  distance: ReadonlyMap<FunctionModel, number>;
  cluster: ReadonlyMap<FunctionModel, number>;
}
