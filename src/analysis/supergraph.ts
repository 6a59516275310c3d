/**
 * The privilege flow of a program from one root function: its control-flow graph with the graphs of the
 * project functions it calls that change privileges inlined at each call, so that order rules see every path
 * across functions and files. Calls that are not inlined contribute their summary (input read, never returns).
 */
import { ACCOUNT_PARAMETER, NOT_ROOT, type CallEvent, type CfgNode, type FunctionModel, type IdClass, type InputEvent, type PrivilegeEvent, type Test } from '../model.js';
import { forwardFacts, reachable } from './flow.js';
import { failureOnlyNodes } from './failure-regions.js';
import { checkTime } from '../time-limit.js';
import type { ProgramKind } from '../config.js';
import { branchForNumber, isErrorExit, isSuccessfulExit, type ForkValues, type Project } from './project.js';
import { addressedPath, callerField, fieldOf, isValuePath } from '../value-paths.js';

export interface SuperNode {
  id: number;
  fn: FunctionModel;
  /** The CFG node this segment comes from. */
  origin: CfgNode;
  events: PrivilegeEvent[];
  succ: number[];
  /** For the last segment of a `cond` node: its tests (successors keep the [true, false] order). */
  tests?: Test[];
  /** The path ends here: a call that never returns. */
  dies: boolean;
  /** The path ends with a successful exit (`exit(0)`): the program did its work and finished. */
  exitsNormally?: boolean;
  /** The path ends because something went wrong (`exit(1)`, `fatal("...")`), not as the program's normal end. */
  exitsOnError?: boolean;
  /** Inlined calls leading here, outermost first. */
  chain: CallEvent[];
  /** The first segment after an inlined call: the call, and the variable its value is kept in (`r = f();`). */
  returnOf?: { call: number; variable?: string };
  /** Variables this segment stores the value of a call into that never returns NULL (a lookup that dies instead). */
  nonNull?: string[];
  /**
   * Variables (or structs) whose address this segment hands to a call that fills them whenever the path goes on:
   * the program survives the call only when it worked, or the callee is a project function that always fills them.
   */
  fills?: string[];
  /**
   * Globals a call this segment makes may set without being inlined (a project function that changes no privileges,
   * or one past the inlining limits, sets them, or a function it calls does): what was known of them is forgotten.
   */
  clobbers?: string[];
  /**
   * (A branch made for a call that is not inlined) The globals the callee sets only when the field this segment
   * tests is set (`Project.guardedGlobalsSetByCall`): its true branch forgets them, its false branch keeps them.
   */
  guards?: string[];
  /** Variables a call this segment makes sets to a positive number whenever the path goes on (getgrouplist's count). */
  positive?: string[];
  /**
   * (A branch made for a call that is not inlined) The callee ends the process unless the field this segment tests
   * is set (`Project.survivalGuard`): its false branch is that end.
   */
  survival?: true;
  /**
   * Structs whose address a call this segment makes hands to a function not inlined (`parse(&opts)`): what was known
   * of their fields is forgotten.
   */
  touches?: Touch[];
}

/** A struct (or a field of one) whose fields a segment may set: all of them, or those whose last field is in `fields`. */
export interface Touch {
  base: string;
  fields?: ReadonlySet<string>;
}

export interface Supergraph {
  root: FunctionModel;
  nodes: SuperNode[];
  entry: number;
  exit: number;
  /** Every function inlined at least once. */
  covered: Set<FunctionModel>;
  /** Where functions hold the value of a fork (the project's `forkValues`): tests of it tell child from parent. */
  forkValues?: ReadonlyMap<FunctionModel, ForkValues>;
  /** The project's nesting counters, with the value each starts with (`Project.counters`). */
  counters?: ReadonlyMap<string, number>;
  /** File-scope struct variables that start as zeros (`Project.zeroStructs`): their fields are 0 when `main` starts. */
  zeroStructs?: ReadonlySet<string>;
  /**
   * A set-user-ID program (`programKind: setuid`, or, unless configured `daemon`, one of its drops returns to the
   * invoking user): it starts with the invoker's real uid and root's effective one, so a test of the real uid
   * (`getuid() != 0`) does not tell whether the process is root until a permanent uid change makes them the same.
   */
  setUserId?: true;
  /**
   * (A root that is no program entry: a handler called through a pointer) Globals that only ever hold whether the
   * process is root (`Project.rootCopyGlobals`), with the copy's polarity: set before the handler runs, they agree
   * with the process the graph starts as.
   */
  rootCopyGlobals?: ReadonlyMap<string, boolean>;
}

/** The events of a segment that has none (most have none): one shared array, never changed. */
const NO_EVENTS: PrivilegeEvent[] = Object.freeze([]) as unknown as PrivilegeEvent[];

function addEvent(seg: SuperNode, ev: PrivilegeEvent): void {
  if (seg.events === NO_EVENTS) seg.events = [ev];
  else seg.events.push(ev);
}

/** Inlining stops past this size of one program's graph: calls are then kept as plain calls. No budget is shared between programs. */
const MAX_NODES = 40_000;
const MAX_DEPTH = 24;
/*
 * Recursion. Functions that call one another (a recursive cluster: exim's logger, its string, store, ACL and SMTP helpers, any of
 * which may log, and logging opens the log file as the exim user in a child) are inlined only along calls that lead
 * nearer to privileged code (`Project.privilegeDistances`: fewer calls away from a function privileged by its own
 * code): a call from one member of a cluster to another that is as far or farther from it is kept as a plain call,
 * with its summary, as a call of a function that changes no privileges is. Inlined along every way its members call
 * one another, a cluster grows with the number of its call chains, not its code: each of exim's 232 program roots
 * reached the node budget inside it (9.4 M nodes in all), and what a graph held was where the budget ran out.
 */

export function buildSupergraph(project: Project, root: FunctionModel, budget = MAX_NODES): Supergraph {
  const nodes: SuperNode[] = [];
  const covered = new Set<FunctionModel>();
  const stack: FunctionModel[] = [];
  /** Module bodies already run on some path: Node runs a module once, at its first require. */
  const ranOnce = new Set<FunctionModel>();

  const add = (fn: FunctionModel, origin: CfgNode, chain: CallEvent[]): SuperNode => {
    checkTime();
    const n: SuperNode = { id: nodes.length, fn, origin, events: NO_EVENTS, succ: [], dies: false, chain };
    nodes.push(n);
    return n;
  };

  const { distance, cluster } = project.privilegeDistances();
  const inlineTarget = (call: CallEvent, fn: FunctionModel, bound?: FunctionModel): FunctionModel | undefined => {
    const callee = bound ?? project.resolveCall(call, fn.file);
    if (!callee || !(project.privileged.has(callee) || project.jailHelpers.has(callee)) || stack.includes(callee) || ranOnce.has(callee)) return undefined;
    if (stack.length >= MAX_DEPTH || nodes.length > budget) return undefined;
    // Inside a recursive cluster, only the calls that lead nearer to privileged code are inlined (Recursion, above).
    if (cluster.get(callee) !== undefined && cluster.get(callee) === cluster.get(fn) && distance.get(callee)! >= distance.get(fn)!) return undefined;
    return callee;
  };

  const expand = (fn: FunctionModel, chain: CallEvent[], binding: Binding): { entry: number; exit: number } => {
    stack.push(fn);
    covered.add(fn);
    if (fn.runsOnce) ranOnce.add(fn);
    const { cfg } = fn;
    // By the function's node ids (its nodes' indexes): the first and the last segment each node became.
    const first: SuperNode[] = new Array(cfg.nodes.length);
    const last: SuperNode[] = new Array(cfg.nodes.length);
    for (const node of cfg.nodes) {
      let seg = add(fn, node, chain);
      first[node.id] = seg;
      for (const original of node.events) {
        if (seg.dies) break;
        const ev = bindEvent(original, binding);
        const callee = ev.kind === 'call' ? inlineTarget(ev, fn, original.kind === 'call' ? binding.get(original.callee)?.fn : undefined) : undefined;
        if (callee && ev.kind === 'call') {
          const inner = expand(callee, [...chain, ev], bindParameters(project, fn, callee, ev));
          seg.succ.push(inner.entry);
          seg = add(fn, node, chain);
          const kept = ev.result?.kind === 'stored' || ev.result?.kind === 'tested' ? ev.result.variable : undefined;
          seg.returnOf = { call: ev.id, ...(kept ? { variable: kept } : {}) };
          nodes[inner.exit]!.succ.push(seg.id);
          continue;
        }
        // A call through a struct member (`auth->check(…)`) reaches one of the functions stored in it: each one that
        // changes privileges is inlined as a branch, and the others (which change none) are a branch straight on.
        const stored = ev.kind === 'call' && ev.member !== undefined ? project.memberTargets(ev, fn.file) : [];
        const alternatives = stored.map((t) => inlineTarget(ev as CallEvent, fn, t)).filter((t): t is FunctionModel => t !== undefined);
        if (alternatives.length && ev.kind === 'call') {
          const before = seg;
          seg = add(fn, node, chain);
          const kept = ev.result?.kind === 'stored' || ev.result?.kind === 'tested' ? ev.result.variable : undefined;
          seg.returnOf = { call: ev.id, ...(kept ? { variable: kept } : {}) };
          let inlined = 0;
          for (const t of alternatives) {
            if (nodes.length > budget) break;
            const inner = expand(t, [...chain, ev], bindParameters(project, fn, t, ev));
            before.succ.push(inner.entry);
            nodes[inner.exit]!.succ.push(seg.id);
            inlined++;
          }
          // Functions stored in the member that are not inlined (no privilege change, not parsed, or past the
          // budget): straight on.
          if (inlined < project.memberStoredCount(ev)) before.succ.push(seg.id);
          continue;
        }
        addEvent(seg, ev);
        if (ev.kind === 'call') {
          const callee2 = project.resolveCall(ev, fn.file);
          const input = callee2 && project.inputReaders.get(callee2);
          if (input) addEvent(seg, summaryInput(ev, input));
          const kept = ev.result?.kind === 'stored' || ev.result?.kind === 'tested' ? ev.result.variable : undefined;
          if (kept && callee2 && project.neverNull.has(callee2)) (seg.nonNull ??= []).push(kept);
          const setGlobals = project.globalsSetByCall(ev, fn, callee2);
          const guarded = setGlobals.length ? project.guardedGlobalsSetByCall(ev, fn, callee2) : undefined;
          const always = guarded?.size && !project.isDyingCall(ev) && !ev.execs ? setGlobals.filter((v) => !guarded.has(v)) : setGlobals;
          if (always.length) (seg.clobbers ??= []).push(...always);
          ev.args.forEach((a, i) => {
            const target = addressedPath(a.text);
            if (target && (project.endsOnFailure(fn, node) || (callee2 !== undefined && callee2 !== fn && project.fillsParameter(callee2, i)))) (seg.fills ??= []).push(target);
            // getgrouplist() counts the group it is given: the count it fills is positive once the call worked.
            if (target && ev.callee === 'getgrouplist' && i === 3 && (project.endsOnFailure(fn, node) || project.survivesOnlyIfWorked(fn, node, original.id))) (seg.positive ??= []).push(target);
          });
          // A reporter on a privilege call's failure branch that ends the process unless a field is set: a branch on
          // the field, its unset side the end (before the call's own writes to the struct, below).
          const survival = !project.isDyingCall(ev) && !ev.execs && failureOnlyNodes(project, fn).has(node.id) ? project.survivalGuard(ev, fn, callee2) : undefined;
          if (survival) {
            const split = add(fn, guardCondition(original, node, survival.field), chain);
            split.tests = split.origin.tests;
            split.survival = true;
            seg.succ.push(split.id);
            const end = add(fn, survivalEnd(original, node), chain);
            end.dies = true;
            if (survival.onError) end.exitsOnError = true;
            seg = add(fn, node, chain);
            split.succ.push(seg.id, end.id);
          }
          // A struct passed by address may have any field written, unless the callee writes through no argument.
          const touched = ev.writesNoArgument && !callee2 ? [] : ev.args.flatMap((a) => /^&\s*([A-Za-z_]\w*)$/.exec(a.text.trim())?.[1] ?? []);
          if (touched.length) {
            const fields = project.fieldsSetByCall(ev, fn);
            for (const base of touched) (seg.touches ??= []).push(fields ? { base, fields } : { base });
          }
          if (guarded?.size && !project.isDyingCall(ev) && !ev.execs) {
            // Each guard is a branch: the field set (the callee may set its globals) or unset (they keep their values).
            const byGuard = new Map<string, string[]>();
            for (const [v, guard] of guarded) (byGuard.get(guard) ?? byGuard.set(guard, []).get(guard)!).push(v);
            for (const [guard, globals] of byGuard) {
              const split = add(fn, guardCondition(original, node, guard), chain);
              split.tests = split.origin.tests;
              split.guards = globals;
              seg.succ.push(split.id);
              const set = add(fn, guardSetting(original, node, guard), chain);
              set.clobbers = globals;
              seg = add(fn, node, chain);
              split.succ.push(set.id, seg.id);
              set.succ.push(seg.id);
            }
          }
        }
        // exec() replaces the program: this one's path ends there (the other program goes on with its privileges;
        // the rules that care see the exec). An exec that returns has failed: that is an error path, not a path on.
        if (project.isDyingCall(ev) || (ev.kind === 'call' && ev.execs)) {
          seg.dies = true;
          // An end on a privilege call's failure branch is an end on an error, whatever status it gives (`if
          // (setuid(u)) { reply("421 …"); exit(0); }`).
          if (project.isDyingCall(ev) && failureOnlyNodes(project, fn).has(node.id)) seg.exitsOnError = true;
          else if (isSuccessfulExit(ev)) seg.exitsNormally = true;
          else if (isErrorExit(ev) || (ev.kind === 'call' && project.endsGivenNumbers(ev, project.resolveCall(ev, fn.file))?.onError)) seg.exitsOnError = true;
        }
      }
      // The program's own `return 3;` from main ends the process with that status, as exit(3) would.
      if (!chain.length && fn.isEntry && fn.language === 'c' && !seg.dies && node.kind === 'return' && node.returnsConstant !== undefined && node.returnsConstant !== 0) {
        seg.dies = true;
        seg.exitsOnError = true;
      }
      if (node.tests) seg.tests = bindTests(node.tests, binding, fn);
      // A field of a parameter written here (`o->json = 1;`) is the caller's field (`opts.json` for `f(&opts)`).
      if (binding.size && (node.assigns || node.updates)) for (const w of [...(node.assigns ?? []), ...(node.updates ?? [])]) {
        const field = callersField(w, binding);
        if (field !== undefined) (seg.touches ??= []).push({ base: field });
      }
      if (node.memberValues) for (const v of project.arrayAddressesSet(node)) (seg.nonNull ??= []).push(v);
      last[node.id] = seg;
    }
    for (const node of cfg.nodes) {
      const seg = last[node.id]!;
      if (seg.dies) continue;
      const impossible = impossibleBranch(fn, node, binding);
      node.succ.forEach((s, i) => {
        if (s < 0) return;
        // A branch the caller's arguments rule out leads where the other one does.
        const target = impossible === i ? node.succ[1 - i]! : s;
        seg.succ.push(first[target]!.id);
      });
    }
    stack.pop();
    return { entry: first[cfg.entry]!.id, exit: last[cfg.exit]!.id };
  };

  const { entry, exit } = expand(root, [], new Map());
  const graph: Supergraph = { root, nodes, entry, exit, covered, forkValues: project.forkValues, ...(project.counters.size ? { counters: project.counters } : {}), ...(project.zeroStructs.size && root.isEntry && root.language === 'c' ? { zeroStructs: project.zeroStructs } : {}), ...(!root.isEntry && root.language === 'c' && project.rootCopyGlobals().size ? { rootCopyGlobals: project.rootCopyGlobals() } : {}) };
  reclassifyRestores(graph);
  if (project.config.programKind !== 'setuid') returnsToRootInvoker(graph);
  if (isSetUserIdProgram(graph, project.config.programKind)) graph.setUserId = true;
  return graph;
}

/**
 * Whether a graph is a set-user-ID program's: `programKind` when it says `setuid` or `daemon`, else inferred from
 * its drops (one that returns to the invoking user, uid or gid, for good or for a while: a daemon started by root
 * has no invoker to return to, its real ids are root's).
 */
export function isSetUserIdProgram(g: Supergraph, configured: ProgramKind | undefined): boolean {
  if (configured === 'setuid' || configured === 'daemon') return configured === 'setuid';
  return g.nodes.some((n) => n.events.some((e) => e.kind === 'set-id' && e.direction === 'drop' && e.target === 'invoker'));
}

const guardConditions = new WeakMap<object, Map<string, CfgNode>>();
const guardSettings = new WeakMap<object, Map<string, CfgNode>>();

/**
 * The condition made for a guarded call (one object per call of the source and guard, shared by every inlined copy,
 * as a condition of the source is): the field tested for being set, true branch first.
 */
function guardCondition(call: object, node: CfgNode, guard: string): CfgNode {
  const known = guardConditions.get(call) ?? guardConditions.set(call, new Map()).get(call)!;
  let made = known.get(guard);
  if (!made) {
    const test: Test = { subject: { variable: guard }, whenFails: true, whenNull: false, whenPositive: true, boolean: true };
    made = { id: node.id, kind: 'cond', events: [], succ: [], tests: [test], ...(node.loc ? { loc: node.loc } : {}) };
    known.set(guard, made);
  }
  return made;
}

const survivalEnds = new WeakMap<object, CfgNode>();

/** The statement made for the end of a call that dies unless a field is set (one per call of the source). */
function survivalEnd(call: object, node: CfgNode): CfgNode {
  let made = survivalEnds.get(call);
  if (!made) survivalEnds.set(call, (made = { id: node.id, kind: 'stmt', events: [], succ: [], ...(node.loc ? { loc: node.loc } : {}) }));
  return made;
}

/** The statement made for the branch where a guarded call's field is set (it carries nothing of its own). */
function guardSetting(call: object, node: CfgNode, guard: string): CfgNode {
  const known = guardSettings.get(call) ?? guardSettings.set(call, new Map()).get(call)!;
  let made = known.get(guard);
  if (!made) {
    made = { id: node.id, kind: 'stmt', events: [], succ: [], ...(node.loc ? { loc: node.loc } : {}) };
    known.set(guard, made);
  }
  return made;
}

/** What the caller passed for each parameter of an inlined function (and the function, for a function pointer). */
type Binding = Map<string, { text: string; id: IdClass; fn?: FunctionModel; value?: number; neverNull?: true }>;

function bindParameters(project: Project, caller: FunctionModel, callee: FunctionModel, call: CallEvent): Binding {
  const binding: Binding = new Map();
  callee.params.forEach((p, i) => {
    const arg = call.args[i];
    if (!p || !arg) return;
    const fn = 'fn' in arg ? (arg as { fn?: FunctionModel }).fn : /^[A-Za-z_]\w*$/.test(arg.text) ? project.resolve(arg.text, caller.file) : undefined;
    binding.set(p, fn ? { ...arg, fn } : arg);
  });
  return binding;
}

/**
 * The successor of a condition that the caller's arguments rule out: `if (restore_privs != NULL)` where the caller
 * passed a function, or where it passed NULL; `if (name)` where it passed a pointer never NULL (a string, an
 * account entry's name: `neverNull`) and the function never changes the parameter; `if (op == RAISE)` where the
 * caller passed a number the code names
 * (`change(RAISE)`, an enumeration member), and the function never changes the parameter. Returns the branch that
 * is NOT taken.
 */
function impossibleBranch(fn: FunctionModel, node: CfgNode, binding: Binding): number | undefined {
  if (node.kind !== 'cond' || node.succ.length !== 2 || !binding.size) return undefined;
  for (const t of node.tests ?? []) {
    if (!('variable' in t.subject)) continue;
    const bound = binding.get(t.subject.variable);
    if (!bound) continue;
    const isNull = bound.text === 'NULL' || bound.text === '0' || bound.text === 'nullptr';
    if ((bound.fn || isNull || (bound.neverNull && !changesParameter(fn, t.subject.variable))) && typeof t.whenNull === 'boolean') {
      const nullBranch = t.whenNull ? 0 : 1;
      return isNull ? 1 - nullBranch : nullBranch;
    }
    if (bound.value === undefined || changesParameter(fn, t.subject.variable)) continue;
    const taken = branchForNumber(node, t, bound.value);
    if (taken !== undefined) return 1 - taken;
  }
  return undefined;
}

/** The function assigns or otherwise changes the parameter (`op = …`, `op++`): a test of it no longer sees the argument. */
function changesParameter(fn: FunctionModel, name: string): boolean {
  return assignsParameter(fn, name) || fn.cfg.nodes.some((n) => n.updates?.includes(name));
}

/**
 * Tests as they happen in one calling context: a test of a parameter the function never assigns is a test of the
 * variable or field the caller passed (`to_uid <= 0` in the callee, `global.uid > 0` in the caller: one value).
 */
function bindTests(tests: Test[], binding: Binding, fn: FunctionModel): Test[] {
  if (!binding.size) return tests;
  let out = tests;
  tests.forEach((t, i) => {
    if (!('variable' in t.subject)) return;
    const name = t.subject.variable;
    const bound = binding.get(name);
    let renamed: string | undefined;
    if (bound) {
      if (bound.fn || !isValuePath(bound.text) || assignsParameter(fn, name)) return;
      renamed = bound.text;
    } else {
      // A field of a parameter (`o->user`) the function never sets is the caller's field (`opts.user` for `f(&opts)`).
      renamed = callersField(name, binding);
      if (renamed === undefined || setsField(fn, /^\w+/.exec(name)![0], name)) return;
    }
    if (out === tests) out = [...tests];
    out[i] = { ...t, subject: { variable: renamed } };
  });
  return out;
}

/** A field of a parameter (`o->json`) as the caller names it (`opts.json` where it passed `&opts`). */
function callersField(name: string, binding: Binding): string | undefined {
  const field = fieldOf(name);
  const base = field ? binding.get(field.base) : undefined;
  return base && !base.fn ? callerField(base.text, field!.rest) : undefined;
}

/** A parameter (`dp`) or a field of one (`dir->handle`) as the caller names it, where it passed a variable or its address. */
function callersName(name: string, binding: Binding): string | undefined {
  const bound = binding.get(name);
  if (!bound) return callersField(name, binding);
  const text = bound.text.trim();
  return !bound.fn && isValuePath(text) ? text : undefined;
}

const assignedCache = new WeakMap<FunctionModel, Set<string>>();
const writtenCache = new WeakMap<FunctionModel, Set<string>>();

/** Whether `fn` assigns or updates the parameter `param`, the field `field` of it, or a part of that field or a whole it is part of. */
function setsField(fn: FunctionModel, param: string, field: string): boolean {
  let written = writtenCache.get(fn);
  if (!written) {
    written = new Set(fn.cfg.nodes.flatMap((n) => [...(n.assigns ?? []), ...(n.updates ?? [])]));
    writtenCache.set(fn, written);
  }
  for (const w of written) if (w === param || w === field || field.startsWith(w + '.') || field.startsWith(w + '->') || w.startsWith(field + '.') || w.startsWith(field + '->')) return true;
  return false;
}

function assignsParameter(fn: FunctionModel, name: string): boolean {
  let assigned = assignedCache.get(fn);
  if (!assigned) {
    assigned = new Set(fn.cfg.nodes.flatMap((n) => n.assigns ?? []));
    assignedCache.set(fn, assigned);
  }
  return assigned.has(name);
}

/** An event as it happens in one calling context: parameters replaced by what the caller passed. */
function bindEvent(ev: PrivilegeEvent, binding: Binding): PrivilegeEvent {
  if (!binding.size) return ev;
  switch (ev.kind) {
    case 'set-id': {
      const account = ev.targetUser?.startsWith(ACCOUNT_PARAMETER) ? binding.get(ev.targetUser.slice(ACCOUNT_PARAMETER.length)) : undefined;
      if (account) ev = { ...ev, targetUser: account.text };
      // `seteuid(on ? saved_euid : getuid())` called with a constant for `on`: the side it picks.
      const chooser = ev.targetChoice ? binding.get(ev.targetChoice.variable) : undefined;
      const chosen = chooser ? constantTruthOf(chooser.text) : undefined;
      if (ev.targetChoice && chosen !== undefined && ev.direction !== 'probe') {
        const id = chosen ? ev.targetChoice.whenTrue : ev.targetChoice.whenFalse;
        return { ...ev, target: id, direction: id === 'root' || id === 'saved-effective' ? 'raise' : 'drop' };
      }
      const bound = binding.get(ev.targetText) ?? boundPasswdField(ev.targetText, binding);
      if (!bound || ev.direction === 'probe' || bound.id === ev.target) return ev;
      const direction = bound.id === 'root' || bound.id === 'saved-effective' ? 'raise' : 'drop';
      return { ...ev, target: bound.id, direction };
    }
    case 'chroot':
    case 'chdir': {
      const bound = binding.get(ev.path);
      return bound ? { ...ev, path: bound.text } : ev;
    }
    // A handle kept or closed through a parameter (`dir->handle = opendir(p)` in a helper passed `&dir`) is the
    // caller's (`dir.handle`), which closes it by that name. The open keeps its own name too: the helper tests it.
    case 'dir-open': {
      const callers = callersName(ev.callersHandle ?? ev.handle, binding);
      const adopts = ev.adopts === undefined ? undefined : callersName(ev.adopts, binding);
      return callers === undefined && adopts === undefined ? ev : { ...ev, ...(callers !== undefined ? { callersHandle: callers } : {}), ...(adopts !== undefined ? { adopts } : {}) };
    }
    case 'dir-close': {
      const handle = callersName(ev.handle, binding);
      return handle === undefined ? ev : { ...ev, handle };
    }
    case 'call': {
      // A call through a function-pointer parameter calls what the caller passed (`drop_privs(pw)`).
      const target = binding.get(ev.callee);
      if (!target && !ev.args.some((a) => binding.has(a.text))) return ev;
      const callee = target && /^[A-Za-z_]\w*$/.test(target.text) ? target.text : ev.callee;
      // (Node) The call now reaches the function the caller passed.
      const resolved = ev.target !== undefined && target ? { target: target.fn?.key ?? null } : {};
      return { ...ev, callee, ...resolved, args: ev.args.map((a) => binding.get(a.text) ?? a) };
    }
    default:
      return ev;
  }
}

/** The truth of an argument's text when it is a constant: a number, `true`/`false`, `NULL`. */
function constantTruthOf(text: string): boolean | undefined {
  const t = text.trim();
  if (/^(?:NULL|nullptr|false)$/.test(t)) return false;
  if (t === 'true') return true;
  const n = /^-?(?:0x[0-9a-f]+|\d+)[uUlL]*$/i.test(t) ? Number(t.replace(/[uUlL]+$/, '')) : NaN;
  return Number.isFinite(n) ? n !== 0 : undefined;
}

/** `pw->pw_uid` where the caller passed the invoking user's passwd entry as `pw`. */
function boundPasswdField(text: string, binding: Binding): { text: string; id: IdClass } | undefined {
  const m = /^(\w+)\s*->\s*pw_[ug]id$/.exec(text);
  const base = m ? binding.get(m[1]!) : undefined;
  return base?.id === 'invoker' ? { text, id: 'invoker' } : undefined;
}

/**
 * `setuid(getuid())` while only the effective uid is dropped to another account is a restore in a daemon started
 * by root (OpenSSH's restore_uid() where saved ids do not work): the real uid is root there. So is
 * `seteuid(ruid)` with the real uid kept from before the drop (`ruid = getuid()`), the effective form of the same
 * switch back. After an effective drop to the invoking user (`seteuid(getuid())` in a set-user-ID program) it is
 * the permanent drop it looks like.
 */
function reclassifyRestores(g: Supergraph): void {
  const track = (facts: Set<string>, e: PrivilegeEvent): void => {
    if (e.kind !== 'set-id' || e.direction === 'probe') return;
    if (e.scope === 'effective' && e.direction === 'drop') {
      if (e.target !== 'invoker') facts.add(e.idKind);
      else facts.delete(e.idKind);
    } else facts.delete(e.idKind);
  };
  // Only a return to the invoker (for good or effectively) after an effective drop to another account is changed:
  // most graphs have neither.
  const returnsToInvoker = (e: PrivilegeEvent): boolean => e.kind === 'set-id' && e.direction === 'drop' && e.target === 'invoker';
  const dropsEffectively = (e: PrivilegeEvent): boolean => e.kind === 'set-id' && e.scope === 'effective' && e.direction === 'drop' && e.target !== 'invoker';
  if (!g.nodes.some((n) => n.events.some(returnsToInvoker)) || !g.nodes.some((n) => n.events.some(dropsEffectively))) return;
  const pending = forwardFacts(g.nodes, g.entry, [], (facts, node) => {
    for (const e of node.events) track(facts, e);
  });
  for (const node of g.nodes) {
    if (!node.events.some(returnsToInvoker)) continue;
    const facts = new Set(pending.get(node.id));
    node.events = node.events.map((e) => {
      if (e.kind !== 'set-id') return e;
      // Back to the real id while an effective drop to another account holds: permanently (`setuid(getuid())`), or
      // effectively (`seteuid(ruid)` with `ruid = getuid()` kept from before): the end of the temporary drop.
      const restore = e.direction === 'drop' && e.target === 'invoker' && facts.has(e.idKind);
      track(facts, e);
      return restore ? { ...e, direction: 'raise' } : e;
    });
  }
}

/**
 * A return to the invoking user (`setuid(getuid())`) after which the program goes on to drop its uid for good to
 * another account (`setuid(pw->pw_uid)`) without testing whether it is root: only root can make that second drop,
 * so the invoker is root, as for a daemon started by root that ends a jail helper with `setuid(getuid())`. Every
 * return to the invoker in the graph then sets root's id (a raise: no drop, and no sign of a set-user-ID program).
 * A drop reached only past a test of being root (`if (getuid() == 0 || geteuid() == 0) droproot(user);`, or of a
 * variable that keeps it) is a program that also runs set-user-ID: nothing changes. Not where `programKind` says
 * set-user-ID.
 */
function returnsToRootInvoker(g: Supergraph): void {
  const toInvoker = (e: PrivilegeEvent): boolean => e.kind === 'set-id' && e.direction === 'drop' && e.target === 'invoker';
  const uidForGood = (e: PrivilegeEvent): boolean => e.kind === 'set-id' && e.idKind === 'uid' && e.scope === 'permanent';
  const toAccount = (e: PrivilegeEvent): boolean => uidForGood(e) && e.kind === 'set-id' && e.direction === 'drop' && e.target === 'other';
  const returns = g.nodes.filter((n) => n.events.some((e) => toInvoker(e) && uidForGood(e)));
  if (!returns.length || !g.nodes.some((n) => n.events.some(toAccount))) return;
  const rootCopies = new Set(g.nodes.flatMap((n) => n.origin.rootCopies?.map((c) => c.variable) ?? []));
  const testsRoot = (n: SuperNode): boolean => !!n.tests?.some((t) => 'variable' in t.subject && (t.subject.variable === NOT_ROOT || rootCopies.has(t.subject.variable)));
  const followedByAccountDrop = returns.some((start) => {
    const at = start.events.findIndex((e) => toInvoker(e) && uidForGood(e));
    if (start.events.slice(at + 1).some(toAccount)) return true;
    for (const id of reachable(g.nodes, start.succ, testsRoot)) if (g.nodes[id]!.events.some(toAccount)) return true;
    return false;
  });
  if (!followedByAccountDrop) return;
  for (const node of g.nodes) {
    if (node.events.some(toInvoker)) node.events = node.events.map((e) => (toInvoker(e) ? { ...e, target: 'root', direction: 'raise' } : e)) as PrivilegeEvent[];
  }
}

/** The input read inside a called function, seen at the call. */
function summaryInput(call: CallEvent, input: InputEvent): InputEvent {
  return { ...input, id: call.id, api: call.callee, text: call.text, loc: call.loc, via: input.via ?? input };
}

export interface GraphOptions {
  /** Only the roots this accepts (the roots' order puts program entries first, so nothing else changes). */
  only?: (root: FunctionModel) => boolean;
  /** A graph of the root already made (the same as `buildSupergraph` would make: the project has not changed). */
  made?: (root: FunctionModel) => Supergraph | undefined;
}

/**
 * Roots: program entries, privileged functions nobody calls (callbacks, library API), and any left uncovered.
 * Graphs are made one at a time, so that a caller can analyse each and let it go before the next.
 */
export function* supergraphs(project: Project, options: GraphOptions = {}): Generator<Supergraph> {
  const { only, made } = options;
  const covered = new Set<FunctionModel>();
  const roots = [
    ...project.functions.filter((f) => f.isEntry && project.privileged.has(f)),
    // Functions nobody calls directly: callbacks and library API.
    ...project.functions.filter((f) => !f.isEntry && project.privileged.has(f) && !project.called.has(f)),
  ];
  const isRoot = new Set(roots);
  const rest = project.functions.filter((f) => project.privileged.has(f) && !isRoot.has(f));
  for (const root of [...roots, ...rest]) {
    if ((covered.has(root) && !isRoot.has(root)) || (only && !only(root))) continue;
    const g = made?.(root) ?? buildSupergraph(project, root);
    for (const f of g.covered) covered.add(f);
    yield g;
  }
}

export function buildSupergraphs(project: Project): Supergraph[] {
  return [...supergraphs(project)];
}
