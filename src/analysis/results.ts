/**
 * Is a privilege call's failure handled? (SPEC, "What counts as checked".) A result is checked when every
 * path reaches a test whose failing branch ends the process, returns an error to the caller, or retries,
 * instead of running on into the code that assumes the call succeeded.
 */
import { EFFECTIVE_ID, testOfEvent, testsEvent, type CallEvent, type CfgNode, type FunctionModel, type PrivilegeEvent, type ResultUse, type Test } from '../model.js';
import { cyclicNodes, forwardFacts, reachable } from './flow.js';
import { isSuccessfulExit, type Project } from './project.js';
import { ANY_FIELD } from '../index/c-lexical.js';
import { continuesAfterFailure } from '../wording.js';

export type Verdict =
  | { status: 'checked' }
  // passed to the caller: the duty moves to every caller. `thrown`: (Node) as an exception the function does not
  // catch, not as a value it returns.
  | { status: 'returned'; thrown?: true }
  // `alsoReturned`: on other failure paths the status reaches the caller (`return -1;`), so the callers still
  // have the duty for those, besides this call's own finding.
  | { status: 'unchecked'; why: string; alsoReturned?: boolean };

const CHECKED: Verdict = { status: 'checked' };

/** A chroot ran and no chdir has entered the jail since. */
const JAIL_OPEN = 'jail-open';
const CWD = 'cwd=';

/** How one event moves the working directory relative to a jail (facts JAIL_OPEN and `cwd=<path>`). */
function jailStep(facts: Set<string>, e: PrivilegeEvent): void {
  if (e.kind === 'chdir' && !e.relative) {
    for (const f of [...facts]) if (f === JAIL_OPEN || f.startsWith(CWD)) facts.delete(f);
    facts.add(CWD + e.path);
  } else if (e.kind === 'chroot' && e.path !== '.') {
    // chroot(dir) right after chdir(dir): the working directory is the new root already.
    const cwd = [...facts].filter((f) => f.startsWith(CWD));
    if (!(cwd.length === 1 && cwd[0] === CWD + e.path)) facts.add(JAIL_OPEN);
  }
}

/** The flags known after `n`: those it assigns or updates forgotten, the constants it assigns known. */
function knownAfter(n: CfgNode, known: ReadonlyMap<string, boolean>): ReadonlyMap<string, boolean> {
  const changed = [...(n.assigns ?? []), ...(n.updates ?? [])];
  if (!changed.length && !n.constants) return known;
  const out = new Map(known);
  for (const v of changed) out.delete(v);
  for (const [v, truth] of Object.entries(n.constants ?? {})) out.set(v, truth);
  return out;
}

const NO_FLAGS: ReadonlyMap<string, boolean> = new Map();

/** How many (node, flags) states an error path's walk tells apart before it stops following flags (`errorPathFrom`). */
const ERROR_PATH_STATES = 4096;

/** The flags a walk knows, as a key that does not depend on the order they were learnt in. */
function flagsKey(known: ReadonlyMap<string, boolean>): string {
  return [...known].map(([k, v]) => `${k}=${v}`).sort().join(',');
}

export class ResultJudge {
  /** Functions that report a privilege call's failure to their caller, with the call. */
  readonly statusFunctions = new Map<FunctionModel, PrivilegeEvent>();
  /**
   * (Node) How each status function hands a failure to its callers: as an exception it lets through (`throws`), or
   * as a value it returns (`value`: what it returns on failure — 0 for `false`, or null when that is not known),
   * after catching the exception (`catch { return false; }`).
   */
  private readonly nodeChannels = new Map<FunctionModel, { throws: boolean; value?: 0 | null }>();
  /**
   * (C) Status functions that return 0 for a failure and a positive number otherwise (`if (setgid(g) == -1) return
   * 0; … return 1;`): their callers' tests read 0 as the failure (`if (!become(…)) return 0;`).
   */
  private readonly zeroOnFailure = new Set<FunctionModel>();
  private readonly cycles = new Map<FunctionModel, Set<number>>();

  constructor(private readonly project: Project) {
    for (let changed = true; changed; ) {
      changed = false;
      for (const fn of project.functions) {
        // A Node function with no `return` value still hands its uncaught exceptions to its callers.
        if (fn.isEntry || (fn.returnsVoid && fn.language === 'c') || project.isShim(fn)) continue;
        // A Node function may hand failures on both ways: every call is looked at until nothing more is learnt.
        if (fn.language === 'node') {
          for (const node of fn.cfg.nodes) for (const ev of node.events) if (this.needsCheck(fn, ev) && this.learnChannels(fn, ev)) changed = true;
          continue;
        }
        // A status function's calls of others may be known as status calls only later: whether it returns 0 for a
        // failure is asked again until nothing more is learnt (only ever learnt, so the loop ends).
        if (this.statusFunctions.has(fn)) {
          if (!this.zeroOnFailure.has(fn) && this.returnsZeroOnFailure(fn)) {
            this.zeroOnFailure.add(fn);
            changed = true;
          }
          continue;
        }
        for (const node of fn.cfg.nodes) for (const ev of node.events) {
          if (!this.statusFunctions.has(fn) && this.needsCheck(fn, ev) && returnsStatus(this.judge(fn, ev))) {
            this.statusFunctions.set(fn, this.underlying(fn, ev));
            if (this.returnsZeroOnFailure(fn)) this.zeroOnFailure.add(fn);
            changed = true;
          }
        }
      }
    }
  }

  /** (Node) Record how the failure of `ev` reaches the callers of `fn`, if it does; true when that is new. */
  private learnChannels(fn: FunctionModel, ev: PrivilegeEvent): boolean {
    const inner = this.underlying(fn, ev);
    // A temporary drop that fails and returns an error leaves the caller as privileged as it was (see `judge`).
    if (inner.kind === 'set-id' && inner.scope === 'effective') return false;
    let grew = false;
    this.judging.push(ev);
    try {
      for (const { verdict, channel } of this.nodePieces(fn, ev)) {
        if (!returnsStatus(verdict)) continue;
        if (!this.statusFunctions.has(fn)) {
          this.statusFunctions.set(fn, inner);
          grew = true;
        }
        let known = this.nodeChannels.get(fn);
        if (!known) this.nodeChannels.set(fn, (known = { throws: false }));
        if (channel === 'throws' && !known.throws) {
          known.throws = true;
          grew = true;
        }
        if (channel === 'value' && known.value === undefined) {
          known.value = failureValue(fn);
          grew = true;
        }
      }
    } finally {
      this.judging.pop();
    }
    return grew;
  }

  /**
   * (Node) The verdicts on a call's failure, by the way it reaches this function: the exception (its `result`: a
   * `try` around it, or none), unless the callee never lets one through; the value a status function returns on
   * failure (its `value`). `channel` is how a failure this function does not handle reaches its own callers.
   */
  private nodePieces(fn: FunctionModel, ev: PrivilegeEvent): { verdict: Verdict; channel: 'throws' | 'value' }[] {
    const callee = ev.kind === 'call' ? this.statusCallee(fn, ev) : undefined;
    const known = callee ? this.nodeChannels.get(callee) : undefined;
    const pieces: { verdict: Verdict; channel: 'throws' | 'value' }[] = [];
    if (!known || known.throws) {
      const verdict = this.judgeResult(fn, ev, ev.result);
      // A function with no `return` value can hand a failure on only as an exception.
      pieces.push({ verdict, channel: fn.returnsVoid || (verdict.status === 'returned' && verdict.thrown) ? 'throws' : 'value' });
    }
    // A value other than `false` on failure (an error object, null, -1): either branch of its test may be the failure.
    if (known?.value !== undefined && ev.kind === 'call') pieces.push({ verdict: valueWording(this.judgeResult(fn, ev, ev.value, known.value === 0 ? 0 : null)), channel: 'value' });
    return pieces;
  }

  /**
   * (Node) The call's callee reports a failure only by the value it returns (`catch { return false; }`), never by
   * an exception: what it returns then (0 for `false`, null when not known); undefined for other calls.
   */
  failureReturned(fn: FunctionModel, ev: PrivilegeEvent): { value: 0 | null } | undefined {
    const callee = ev.kind === 'call' ? this.statusCallee(fn, ev) : undefined;
    const known = callee ? this.nodeChannels.get(callee) : undefined;
    return known?.value !== undefined && !known.throws ? { value: known.value } : undefined;
  }

  /** The library call behind an event (itself, or the call inside a status-returning wrapper). */
  underlying(fn: FunctionModel, ev: PrivilegeEvent): PrivilegeEvent {
    if (ev.kind !== 'call') return ev;
    const callee = this.statusCallee(fn, ev);
    return (callee && this.statusFunctions.get(callee)) ?? ev;
  }

  /**
   * The status function a call reaches: its callee, or (a call through a struct member, `ops->change(op)`) one of
   * the functions stored in the member that returns a privilege call's status — the call may be that one.
   */
  private statusCallee(fn: FunctionModel, ev: CallEvent): FunctionModel | undefined {
    const callee = this.project.resolveCall(ev, fn.file);
    if (callee) return callee !== fn && this.statusFunctions.has(callee) ? callee : undefined;
    return this.project.memberTargets(ev, fn.file).find((t) => t !== fn && this.statusFunctions.has(t));
  }

  /** Calls whose failure must be handled: drops, setgroups, chroot, chdir next to a chroot, status-returning wrappers. */
  needsCheck(fn: FunctionModel, ev: PrivilegeEvent): boolean {
    if (!ev.result) return false;
    switch (ev.kind) {
      case 'set-id':
        return ev.direction === 'drop';
      case 'set-groups':
      case 'chroot':
        return true;
      case 'chdir':
        return this.jailChdirs(fn).has(ev.id);
      case 'call':
        return this.statusCallee(fn, ev) !== undefined;
      default:
        return false;
    }
  }

  private readonly jailChdirCache = new Map<FunctionModel, Set<number>>();

  /**
   * The chdir calls of a function that enter a jail: one a chroot into the same directory follows (`chdir(jail);
   * chroot(".")`, `chdir(jail); chroot(jail)`; not `chdir("/")` before a chroot of another path), or one
   * made after a chroot before any other chdir entered it. A later chdir (a daemon's `chdir("/")` once the jail
   * was entered with a checked one, or by `chdir(dir)` then `chroot(dir)`, which leaves the working directory at
   * the new root) moves around inside the jail: its failure leaves nothing outside.
   */
  private jailChdirs(fn: FunctionModel): Set<number> {
    let ids = this.jailChdirCache.get(fn);
    if (ids) return ids;
    ids = new Set();
    const { nodes, entry } = fn.cfg;
    if (nodes.some((n) => n.events.some((e) => e.kind === 'chroot'))) {
      const states = forwardFacts(nodes, entry, [], (facts, node) => {
        for (const e of node.events) jailStep(facts, e);
      });
      for (const node of nodes) {
        const facts = new Set(states.get(node.id));
        node.events.forEach((e, i) => {
          if (e.kind === 'chdir') {
            // A chroot after it into the directory it enters: `chroot(".")`, or the same path (`chdir(d); chroot(d)`).
            const into = (x: PrivilegeEvent): boolean => x.kind === 'chroot' && (x.path === '.' || x.path === e.path);
            const beforeChroot = node.events.slice(i + 1).some(into) || [...reachable(nodes, node.succ)].some((id) => nodes[id]!.events.some(into));
            if (facts.has(JAIL_OPEN) || beforeChroot) ids!.add(e.id);
          }
          jailStep(facts, e);
        });
      }
    }
    this.jailChdirCache.set(fn, ids);
    return ids;
  }

  /**
   * The calls being judged, innermost last: a failure path that reaches a retry of the same effect judges the retry
   * (see `retryOf`), and a retry that leads back to a call on this stack repairs nothing.
   */
  private readonly judging: PrivilegeEvent[] = [];

  judge(fn: FunctionModel, ev: PrivilegeEvent): Verdict {
    this.judging.push(ev);
    let v: Verdict;
    try {
      v = this.judgeUse(fn, ev);
    } finally {
      this.judging.pop();
    }
    // A temporary drop that fails and returns an error has not entered the section meant to run unprivileged:
    // the caller stays as privileged as it was, which is what it expects on an error.
    if (returnsStatus(v) && this.underlying(fn, ev).kind === 'set-id' && (this.underlying(fn, ev) as { scope: string }).scope === 'effective') return v.status === 'unchecked' ? { status: 'unchecked', why: v.why } : CHECKED;
    return v;
  }

  private judgeUse(fn: FunctionModel, ev: PrivilegeEvent): Verdict {
    if (fn.language === 'node' && ev.kind === 'call') {
      const pieces = this.nodePieces(fn, ev).map((p) => p.verdict);
      return pieces.find((v) => v.status === 'unchecked') ? worst(pieces) : (pieces.find((v) => v.status === 'returned') ?? CHECKED);
    }
    return this.judgeResult(fn, ev, ev.result, this.failsAsZero(fn, ev) ? 0 : undefined);
  }

  /** (C) A call of a status function that returns 0 for a failure (`zeroOnFailure`). */
  private failsAsZero(fn: FunctionModel, ev: PrivilegeEvent): boolean {
    if (ev.kind !== 'call' || !this.zeroOnFailure.size) return false;
    const callee = this.statusCallee(fn, ev);
    return callee !== undefined && this.zeroOnFailure.has(callee);
  }

  /**
   * (C) Every failure branch of the function's checked calls goes straight (through nothing but calls: a log line)
   * to `return 0;`, and the function returns a positive constant elsewhere, never a negative one: 0 is its failure.
   */
  private returnsZeroOnFailure(fn: FunctionModel): boolean {
    const { nodes } = fn.cfg;
    const returns = nodes.filter((n) => n.kind === 'return' && n.returnsValue);
    if (!returns.some((n) => (n.returnsConstant ?? 0) > 0) || returns.some((n) => (n.returnsConstant ?? 0) < 0)) return false;
    /** The constant returned straight from a node, if it leads to a return through nothing but calls; 'dies' at an end of the process. */
    const returnedFrom = (id: number): number | 'dies' | undefined => {
      const seen = new Set<number>();
      for (let n = nodes[id]; n && !seen.has(n.id); n = nodes[n.succ[0]!]) {
        seen.add(n.id);
        if (this.project.isDyingNode(n)) return 'dies';
        if (n.kind === 'return') return n.returnsConstant;
        if (n.succ.length !== 1 || n.events.some((e) => e.kind !== 'call')) return undefined;
      }
      return undefined;
    };
    let zeros = 0;
    for (const n of nodes) {
      if (n.kind !== 'cond' || n.succ.length !== 2) continue;
      for (const e of n.events) {
        if (!this.needsCheck(fn, e)) continue;
        const t = testOfEvent(n, e.id);
        const fails = this.failsAsZero(fn, e) ? t?.whenNull : t?.whenFails;
        if (typeof fails !== 'boolean') continue;
        const value = returnedFrom(n.succ[fails ? 0 : 1]!);
        if (value === 'dies') continue;
        if (value !== 0) return false;
        zeros++;
      }
    }
    return zeros > 0;
  }

  /**
   * The verdict on one use of a call's result; `failsAs`: the value a failure gives, where the callee says it (a
   * Node status function's returned value, 0 for a C status function that returns 0 for a failure), else the use's
   * own (-1 unless it records another).
   */
  private judgeResult(fn: FunctionModel, ev: PrivilegeEvent, use: ResultUse | undefined, failsAs?: 0 | -1 | null): Verdict {
    if (!use) return CHECKED;
    switch (use.kind) {
      case 'discarded':
        return { status: 'unchecked', why: 'its result is ignored' };
      case 'void-cast':
        return { status: 'unchecked', why: 'its result is cast to (void) and ignored' };
      case 'assert':
        return { status: 'unchecked', why: 'its result is only tested inside assert(), which is compiled out under NDEBUG' };
      case 'swallowed':
        return { status: 'unchecked', why: use.why };
      case 'handled':
        return CHECKED;
      case 'passed': {
        const macro = this.project.macro(use.callee);
        if (!macro || this.project.checkingMacros.has(use.callee)) return CHECKED;
        return { status: 'unchecked', why: `it is passed to ${use.callee}(), a macro that does not end the process when it fails` };
      }
      case 'returned':
        return fn.isEntry ? CHECKED : fn.language === 'node' && failsAs === undefined ? { status: 'returned', thrown: true } : { status: 'returned' };
      case 'tested':
        return this.judgeTest(fn, use.node, (t) => testsEvent(t, ev.id), use.node, use.variable, failsAs ?? -1);
      case 'stored':
        return this.judgeStored(fn, use.variable, use.node, failsAs ?? use.failsAs ?? -1);
    }
  }

  private judgeStored(fn: FunctionModel, variable: string, storeNode: number, failsAs: 0 | -1 | null): Verdict {
    const { nodes } = fn.cfg;
    const seen = new Set<number>();
    const work = [...nodes[storeNode]!.succ];
    let returned = false;
    const isSubject = (t: Test): boolean => 'variable' in t.subject && t.subject.variable === variable;
    while (work.length) {
      const id = work.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const node = nodes[id]!;
      if (node.tests?.some(isSubject)) {
        const v = this.judgeTest(fn, id, isSubject, storeNode, variable, failsAs);
        if (v.status === 'unchecked') return v;
        if (v.status === 'returned') returned = true;
        continue;
      }
      if (node.kind === 'return' && node.returnedVariables?.includes(variable)) {
        if (!fn.isEntry) returned = true;
        continue;
      }
      // A path that gives up with a failure status (`return -1;`) hands the failure to the caller either way.
      if (node.kind === 'return' && node.returnsFailure && !fn.isEntry) {
        returned = true;
        continue;
      }
      if (this.project.isDyingNode(node)) continue;
      if (node.assigns?.includes(variable) && !node.accumulates?.includes(variable)) return { status: 'unchecked', why: `its result is stored in \`${variable}\`, which is overwritten before it is tested` };
      if (id === fn.cfg.exit) return { status: 'unchecked', why: `its result is stored in \`${variable}\` but never tested` };
      work.push(...node.succ);
    }
    return returned ? { status: 'returned' } : CHECKED;
  }

  /** At a condition: does the branch taken on failure stop (die, return an error, retry) before rejoining the code that assumes success? */
  private judgeTest(fn: FunctionModel, nodeId: number, isSubject: (t: Test) => boolean, callNode: number, variable?: string, failsAs: 0 | -1 | null = -1): Verdict {
    const node = fn.cfg.nodes[nodeId]!;
    const found = node.tests?.find(isSubject);
    // A variable that holds `call() == 0` is 0 when the call failed.
    const test = found && failsAs !== -1 ? { ...found, whenFails: failsAs === 0 ? (found.whenNull ?? null) : null } : found;
    if (!test || node.succ.length < 2) return CHECKED;
    const failCase = node.cases && (node.cases.find((c) => c.value === -1) ?? (node.cases.some((c) => c.value === 0) ? node.cases.find((c) => c.value === 'default') : undefined));
    const candidates: [number, number[]][] = failCase
      ? [[failCase.target, node.succ.filter((s) => s !== failCase.target)]]
      :
      test.whenFails === null || node.kind !== 'cond'
        ? node.succ.map((s, i) => [s, node.succ.filter((_, j) => j !== i)])
        : [[node.succ[test.whenFails ? 0 : 1]!, [node.succ[test.whenFails ? 1 : 0]!]]];
    let best: Verdict | undefined;
    for (const [fail, ok] of candidates) {
      const v = this.failureBranch(fn, fail, ok, callNode, variable, failsAs === -1 ? variable : undefined, failsAs);
      if (v.status === 'checked') return v;
      if (v.status === 'returned') best = v;
      best ??= v;
    }
    return best ?? CHECKED;
  }

  /**
   * The success continuation of a tested call: what runs when it succeeded, assuming the other privilege calls
   * tested on the way succeed too (their failure handlers are not part of it).
   */
  private successRegion(fn: FunctionModel, okStarts: number[], variable: string | undefined, failsAs: 0 | -1 | null = -1): Set<number> {
    const { nodes } = fn.cfg;
    const seen = new Set<number>();
    const work = [...okStarts];
    /** The event a node's test is of, among the node's own. */
    const eventOf = (n: CfgNode, t: Test): PrivilegeEvent | undefined => ('event' in t.subject ? n.events.find((e) => e.id === (t.subject as { event: number }).event) : undefined);
    // A privilege call tested in place, or (C) a status function's call (read with 0 as the failure where it returns
    // 0 for one); another C call's test is no success or failure of the drop (`if (!set_env(…)) return 0;` read with
    // C's -1, its `return 0` is no success): both its branches are followed.
    const readsCall = (t: Test, e: PrivilegeEvent | undefined): boolean =>
      (e?.kind !== 'call' || fn.language !== 'c' || this.needsCheck(fn, e)) && (e !== undefined && this.failsAsZero(fn, e) ? typeof t.whenNull === 'boolean' : t.whenFails !== null);
    while (work.length) {
      const id = work.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const n = nodes[id]!;
      if (this.project.isDyingNode(n)) continue;
      // The variable holding the status: where it holds 0 on failure (`ok = call() == 0`, a Node `false`), its
      // test takes the branch for 0.
      let tested: PrivilegeEvent | undefined;
      const privilegeTest =
        n.kind === 'cond'
          ? n.tests?.find((t) => ('event' in t.subject ? readsCall(t, (tested = eventOf(n, t))) : t.subject.variable === variable && (failsAs === 0 ? typeof t.whenNull === 'boolean' : failsAs === -1 && t.whenFails !== null)))
          : undefined;
      const readsZero = privilegeTest && ('variable' in privilegeTest.subject ? failsAs === 0 : tested !== undefined && this.failsAsZero(fn, tested));
      const fails = privilegeTest && (readsZero ? privilegeTest.whenNull : privilegeTest.whenFails);
      if (privilegeTest) work.push(n.succ[fails ? 1 : 0]!);
      else work.push(...n.succ);
    }
    return seen;
  }

  /** The constant every return of a success region gives, when they all give the same one (and there is one). */
  private successReturns(region: ReadonlySet<number>, nodes: readonly CfgNode[]): number | undefined {
    let value: number | undefined;
    for (const id of region) {
      const n = nodes[id]!;
      if (n.kind !== 'return') continue;
      if (n.returnsConstant === undefined || n.returnsFailure || (value !== undefined && value !== n.returnsConstant)) return undefined;
      value = n.returnsConstant;
    }
    return value;
  }

  /**
   * From node `id` every path ends — the process dies, or a `return <value>` reports the error — without
   * privilege calls or loops: an error path. 'returns' when some of those paths return to the caller. `known`: the
   * flags the failure path knows on its way here, which decide the tests they are the subject of (`if (failed)
   * exit(1); exit(0);` after `failed = 1;`). `beforeWork`: the failure path joined the success path ahead of its
   * work, so an `exit(0)` there is the end of that work, the program's normal end, as `return 0;` is a function's
   * (see `joinsBeforeWork`).
   */
  private errorPathFrom(fn: FunctionModel, id: number, failing?: string, known: ReadonlyMap<string, boolean> = NO_FLAGS, beforeWork = false, memo = new Map<string, 'dies' | 'returns' | false>()): 'dies' | 'returns' | false {
    const n = fn.cfg.nodes[id]!;
    // The variable holding the call's failure until it is assigned again: its tests take their failing branch
    // (`finalize_it: if (iRet != RS_RET_OK) exit(1);`).
    const still = failing !== undefined && keepsFailure(n, failing) ? failing : undefined;
    const key = `${id}|${still ?? ''}|${flagsKey(known)}`;
    const memoized = memo.get(key);
    if (memoized !== undefined) return memoized;
    memo.set(key, false); // a cycle is not an error path
    let result: 'dies' | 'returns' | false;
    // `return 0;` (a constant that is not an error status) at the end of the success path is no error return.
    if (n.kind === 'return' && n.returnsValue) result = n.returnsConstant !== undefined && n.returnsConstant >= 0 && !n.returnsFailure ? false : 'returns';
    // Closing descriptors on the way out is cleanup, not work (`errret: if (fd >= 0) close(fd); return -1;`).
    else if (id === fn.cfg.exit || n.events.some((e) => e.kind !== 'call' && e.kind !== 'input' && e.kind !== 'dir-close')) result = false;
    else if (this.project.isDyingNode(n)) result = beforeWork && n.events.some(isSuccessfulExit) ? false : 'dies';
    else if (!n.succ.length) result = false;
    else {
      const test = still !== undefined && n.kind === 'cond' ? failingTest(n, still) : undefined;
      const decided = test ? (test.whenFails ? 0 : 1) : n.kind === 'cond' ? decidedBranch(n, known) : undefined;
      const next = decided !== undefined ? [n.succ[decided]!] : n.succ;
      // The flags told apart per path multiply the states: past ERROR_PATH_STATES the walk goes on knowing none (each
      // test's both branches followed, as before flags were followed here).
      const after = memo.size < ERROR_PATH_STATES ? knownAfter(n, known) : NO_FLAGS;
      const outs = next.map((s) => this.errorPathFrom(fn, s, still, after, beforeWork, memo));
      result = outs.includes(false) ? false : outs.includes('returns') ? 'returns' : 'dies';
    }
    memo.set(key, result);
    return result;
  }

  private failureBranch(fn: FunctionModel, failStart: number, okStarts: number[], callNode: number, variable: string | undefined, failing?: string, failsAs: 0 | -1 | null = -1): Verdict {
    const { nodes, exit } = fn.cfg;
    const okRegion = this.successRegion(fn, okStarts, variable, failsAs);
    const cyclic = this.cyclesOf(fn);
    const doesWork = (n: CfgNode): boolean => n.events.length > 0 || cyclic.has(n.id) || n.id === exit;
    const passesDuty = !fn.isEntry && !fn.returnsVoid;
    // The walk keeps the flags it knows on its path (`chroot_error` still 0 when the chdir before it failed), so
    // branches the failure path cannot take are not followed.
    const seen = new Set<string>();
    const atCall = new Map(this.mustConstants(fn).get(callNode));
    for (const v of nodes[callNode]!.assigns ?? []) atCall.delete(v);
    if (variable !== undefined) atCall.delete(variable);
    const work: [number, Map<string, boolean>][] = [[failStart, atCall]];
    let returned = false;
    // (Node) A retry on the failure path whose own exception the function lets through.
    let thrownOn = false;
    // The first path on which the failure goes on unnoticed; the walk goes on to learn whether other failure paths
    // report it to the caller.
    let unchecked: { status: 'unchecked'; why: string } | undefined;
    // Variables the failure path sets to a failure status (`i = EXIT_FAILURE;` before `goto cleanup`).
    const failureStatus = new Set<string>();
    while (work.length) {
      const [id, known] = work.pop()!;
      const key = `${id}|${flagsKey(known)}`;
      if (seen.has(key) || id === callNode || seen.size > 5000) continue;
      seen.add(key);
      const n = nodes[id]!;
      if (this.project.isDyingNode(n) || n.jump) continue;
      // A second attempt at the same effect, whose own failure ends the process or returns an error (`(set_groups(a)
      // != 0 && set_groups(b) != 0) || setgid(g) != 0` → die): its success made the effect, its failure is handled.
      const retry = this.retryOf(fn, n);
      if (retry?.status === 'checked') continue;
      if (retry?.status === 'returned') {
        if (retry.thrown) thrownOn = true;
        else returned = true;
        continue;
      }
      // A restore of the original ids, each checked (`if (seteuid(0) != 0 || setegid(egid) != 0) abort();`), reached
      // straight from the failure (the work the switch guarded skipped): nothing ran believing the call worked, and
      // after a restore of the same id the process is what it is whichever way the call went.
      const restore = this.restoreAt(fn, n);
      if (restore === 'restores') continue;
      // The call's status, as long as nothing on this path assigned the variable again.
      const holding = failing !== undefined && !known.has(OVERWRITTEN) && keepsFailure(n, failing) ? failing : undefined;
      // The end of an entry is the end of the program, unless it started a server that goes on serving.
      if (id === exit && fn.isEntry && !fn.keepsRunning) continue;
      for (const [v, truth] of Object.entries(n.constants ?? {})) if (truth) failureStatus.add(v);
      // A status the failure branch itself (before it rejoins the success path) sets to a value not known to mean
      // success (`status = FC_ECONFIG; goto done;`).
      if (!okRegion.has(id)) for (const v of n.assigns ?? []) if (n.constants?.[v] !== false) failureStatus.add(v);
      // A failure recorded in a flag (`failed = 1;`) while the rest of the drop sequence is attempted: judged where
      // the flag is tested, or where the path does other work.
      const recorded = [...failureStatus].some((v) => known.get(v) === true) && n.events.length > 0 && n.events.every(isPrivilegeStep);
      if (okRegion.has(id) && doesWork(n) && !recorded && restore !== 'passes') {
        // A shared error path (`err: perror(); exit(1);`, or cleanup then `return -1`) is not the success path;
        // nor is the program's shared cleanup when it returns the failure status the failure path set.
        // Outside main, only where some path does return the status to the caller (a tail that only dies is judged
        // as an error path below).
        // A status set before the call (`int r = -1;`, `int r = 255;` in main) that the failure path still holds, where
        // the success path changed it on the way here (`r = 0;` before `finish:`): it tells the two paths apart.
        const joined = this.mustConstants(fn).get(id);
        const statuses = new Set(failureStatus);
        for (const [v, truth] of known) if (truth && atCall.get(v) === true && joined?.get(v) !== true) statuses.add(v);
        const reported = fn.isEntry || (passesDuty && this.reachesReturnOf(fn, id, failing !== undefined ? new Set([...statuses, failing]) : statuses));
        const beforeWork = this.joinsBeforeWork(fn, okStarts, id, doesWork);
        if (reported && this.returnsOnly(fn, id, statuses, failing, known, beforeWork)) {
          if (!fn.isEntry) returned = true;
          continue;
        }
        const error = this.errorPathFrom(fn, id, holding, known, beforeWork);
        if (error === 'dies' || (error === 'returns' && passesDuty)) {
          if (error === 'returns') returned = true;
          continue;
        }
        if (id === exit && this.statusLeftForCallers(fn, known)) continue;
        unchecked ??= { status: 'unchecked', why: continuesAfterFailure(fn.language, id === exit && fn.returnsVoid && !fn.keepsRunning ? 'returns' : 'continues') };
        continue;
      }
      // The success path's own `return 0;` (a constant that is not an error status, the same whichever way the call
      // went): the caller cannot tell the failure apart, so no duty passes to it. A shared error exit (`errret:
      // return -1;`) still hands the failure on.
      if (passesDuty && okRegion.has(id) && n.kind === 'return' && n.returnsConstant !== undefined && n.returnsConstant >= 0 && !n.returnsFailure) {
        unchecked ??= { status: 'unchecked', why: continuesAfterFailure(fn.language, 'returns') };
        continue;
      }
      // The same for a variable that holds 0 when the failure path reaches the shared `return r;`, as on every path
      // there (`int r = 0; if (chroot(d) < 0) goto out; … out: return r;`): success and failure look alike.
      if (passesDuty && okRegion.has(id) && n.kind === 'return' && n.returnsVariable !== undefined && zeroOnEveryPath(known, this.mustConstants(fn).get(id), n.returnsVariable)) {
        unchecked ??= { status: 'unchecked', why: continuesAfterFailure(fn.language, 'returns') };
        continue;
      }
      // A return of its own with the constant every return of the success path gives (`catch (e) { log(e); return
      // true; }` where the `try` ends with `return true;`): the caller cannot tell the failure apart either.
      if (passesDuty && n.kind === 'return' && n.returnsConstant !== undefined && n.returnsConstant >= 0 && !n.returnsFailure && this.successReturns(okRegion, nodes) === n.returnsConstant) {
        unchecked ??= { status: 'unchecked', why: continuesAfterFailure(fn.language, 'returns') };
        continue;
      }
      if (n.kind === 'return' && n.returnsValue && !fn.returnsVoid) {
        if (passesDuty) returned = true;
        continue;
      }
      if (id === exit) {
        if (fn.returnsVoid && !this.statusLeftForCallers(fn, known)) unchecked ??= { status: 'unchecked', why: continuesAfterFailure(fn.language, 'returns') };
        else if (!fn.returnsVoid) returned = true;
        continue;
      }
      const next = new Map(knownAfter(n, known));
      if (!okRegion.has(id)) for (const field of this.parameterFieldsWritten(fn, n)) next.set(field, true);
      if (variable !== undefined) next.delete(variable);
      if (failing !== undefined && holding === undefined) next.set(OVERWRITTEN, true);
      const stillFailing = variable !== undefined && n.kind === 'cond' && !next.has(OVERWRITTEN) ? failingTest(n, variable, failsAs) : undefined;
      if (stillFailing) {
        work.push([n.succ[stillFailing.whenFails ? 0 : 1]!, next]);
        continue;
      }
      const decided = n.kind === 'cond' ? (decidedBranch(n, next) ?? this.noDropBranch(n)) : undefined;
      if (decided !== undefined) work.push([n.succ[decided]!, next]);
      else for (const s of n.succ) work.push([s, next]);
    }
    if (unchecked) return returned || thrownOn ? { ...unchecked, alsoReturned: true } : unchecked;
    return returned ? { status: 'returned' } : thrownOn ? { status: 'returned', thrown: true } : CHECKED;
  }

  /**
   * (C) The fields of the structs its pointer parameters point to that node `n` writes: `p->logged_in = 0;`, or a
   * call handed `p` whole whose definition sets fields (`end_login(p)`, which clears the login; `ANY_FIELD` where
   * which is not known): each as a flag `FIELD_LEFT` + `p` + `\0` + the field.
   */
  private parameterFieldsWritten(fn: FunctionModel, n: CfgNode): string[] {
    if (fn.language !== 'c' || !fn.params.length) return [];
    const out: string[] = [];
    for (const v of n.assigns ?? []) {
      const m = /^([A-Za-z_]\w*)->([A-Za-z_]\w*)$/.exec(v);
      if (m && fn.params.includes(m[1]!)) out.push(`${FIELD_LEFT}${m[1]}\0${m[2]}`);
    }
    for (const e of n.events) {
      if (e.kind !== 'call') continue;
      const handed = e.args.map((a) => a.text.trim()).filter((t) => fn.params.includes(t));
      if (!handed.length) continue;
      // A project function that may set any field (it writes through a pointer expression, or hands the struct on:
      // `memset(p, 0, sizeof *p)`), or those it sets.
      const fields = this.project.fieldsSetByCall(e, fn) ?? (this.project.reachesDefinition(e, fn) ? [ANY_FIELD] : []);
      for (const p of handed) for (const f of fields) out.push(`${FIELD_LEFT}${p}\0${f}`);
    }
    return out;
  }

  /**
   * (C) A void function whose failure path ends having written a field of a struct its caller handed it (`p->logged_in
   * = 0`, directly or by a helper given `p`), where every caller tests that field of what it passed before it can
   * return (`complete_login(&cred); if (cred.logged_in) …`): the failure is reported through the struct, as a
   * status, and the callers look. Not where some call of the function passes something else, or none is seen.
   */
  private statusLeftForCallers(fn: FunctionModel, known: ReadonlyMap<string, boolean>): boolean {
    if (fn.language !== 'c' || !fn.returnsVoid) return false;
    const left = [...known.keys()].filter((k) => k.startsWith(FIELD_LEFT)).map((k) => k.slice(FIELD_LEFT.length).split('\0') as [string, string]);
    if (!left.length) return false;
    // Calls by the function's name (not through a member or a pointer, whose arguments may be for another function).
    const sites = this.project.callSitesOf(fn).filter((s) => s.call.callee === fn.name);
    return sites.length > 0 && sites.every(({ caller, node, call }) => left.some(([param, field]) => {
      const arg = call.args[fn.params.indexOf(param)]?.text.trim();
      const struct = arg && /^&\s*([A-Za-z_][\w.]*)$/.exec(arg)?.[1];
      const base = struct ? `${struct}.` : arg && /^[A-Za-z_]\w*$/.test(arg) ? `${arg}->` : undefined;
      return base !== undefined && this.testedBeforeReturn(caller, node, (v) => (field === ANY_FIELD ? v.startsWith(base) && /^\w+$/.test(v.slice(base.length)) : v === base + field));
    }));
  }

  /** Every path of `fn` from `node` on tests a variable `is` accepts before it returns (or ends the process). */
  private testedBeforeReturn(fn: FunctionModel, node: CfgNode, is: (variable: string) => boolean): boolean {
    const { nodes, exit } = fn.cfg;
    const seen = new Set<number>();
    const work = [...node.succ];
    while (work.length) {
      const id = work.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const n = nodes[id]!;
      if (n.tests?.some((t) => 'variable' in t.subject && is(t.subject.variable))) continue;
      if (this.project.isDyingNode(n)) continue;
      if (id === exit || n.kind === 'return' || n.assigns?.some(is)) return false;
      work.push(...n.succ);
    }
    return true;
  }

  /**
   * `n` only restores ids, each restore checked (a raise back to root or to a saved id, whose failure ends the
   * process): 'restores' when one of them sets the kind of id (uid, gid) of the call being judged; 'passes' when they
   * are of the other kind and every way on from `n` goes only through such restores (or dies) to one of the judged
   * kind (`seteuid(0) != 0 || setegid(egid) != 0` after a failed setegid()); else undefined.
   */
  private restoreAt(fn: FunctionModel, n: CfgNode, depth = 0): 'restores' | 'passes' | undefined {
    const ev = this.judging.at(-1);
    if (!ev || !n.events.length || depth > 8) return undefined;
    const judged = this.underlying(fn, ev);
    if (judged.kind !== 'set-id' || judged.direction !== 'drop') return undefined;
    let same = false;
    for (const e of n.events) {
      const u = this.underlying(fn, e);
      if (e.id === ev.id || u.kind !== 'set-id' || u.direction !== 'raise' || this.judging.some((j) => j.id === e.id)) return undefined;
      if (this.judge(fn, e).status !== 'checked') return undefined;
      if (u.idKind === judged.idKind) same = true;
    }
    if (same) return 'restores';
    // The restore's own failure branch ends the process (`syslog(…); exit(1);`): only the other way goes on.
    const onward = n.succ.filter((s) => this.errorPathFrom(fn, s) !== 'dies').map((s) => fn.cfg.nodes[s]!);
    return onward.length && onward.every((s) => this.restoreAt(fn, s, depth + 1) !== undefined) ? 'passes' : undefined;
  }

  /**
   * On the failure path of an id change, a test that tells where the call had nothing to drop; the index of the
   * branch where it had, or undefined. Only that branch can go on after a failed drop:
   * - the id it was asked to set (`if (setuid(pw->pw_uid) < 0 && pw->pw_uid) exit(1);`): where it is 0 the call
   *   changes to root, which is no drop (SPEC: calls that raise privilege are exempt; the process stays what it was);
   * - the id compared with the effective one (`&& pw->pw_uid != geteuid()`): where they are the same the process has
   *   that id already. (Not the real id: a set-user-ID program's drop to its invoker always has it.)
   * - errno ENOSYS (`if (errno == ENOSYS) return;`) after a set-id or set-groups call: those calls are missing only
   *   from a kernel built without multi-user support, where every process is root and there is no id to drop to.
   */
  private noDropBranch(n: CfgNode): number | undefined {
    const ev = this.judging.at(-1);
    if (!ev || n.succ.length !== 2 || !((ev.kind === 'set-id' && ev.direction === 'drop') || ev.kind === 'set-groups')) return undefined;
    const flag = (name: string): Test | undefined => n.tests?.find((t) => 'variable' in t.subject && t.subject.variable === name && t.boolean && typeof t.whenNull === 'boolean');
    const notMissing = flag('errno == ENOSYS') ?? flag('ENOSYS == errno');
    if (notMissing) return notMissing.whenNull ? 0 : 1;
    if (ev.kind !== 'set-id' || !ev.targetText) return undefined;
    const other = flag(`${EFFECTIVE_ID}${ev.idKind}:${ev.targetText}`);
    if (other) return other.whenNull ? 0 : 1;
    const test = n.tests?.find((t) => 'variable' in t.subject && t.subject.variable === ev.targetText && typeof t.whenNull === 'boolean' && !t.alsoWhenAbsent);
    return test ? (test.whenNull ? 1 : 0) : undefined;
  }

  /**
   * The verdict on a retry at `n` of the effect of the call being judged: the first privilege step of `n` is a call
   * that makes the same effect (through a status-returning wrapper or not) and needs a check. Undefined when `n`
   * makes no such retry, or when the retry is itself being judged (a failure loop repairs nothing).
   */
  private retryOf(fn: FunctionModel, n: CfgNode): Verdict | undefined {
    const ev = this.judging.at(-1);
    if (!ev || !n.events.length) return undefined;
    const effect = this.underlying(fn, ev);
    for (const e of n.events) {
      if (e.id === ev.id) return undefined;
      if (!this.needsCheck(fn, e)) {
        if (isPrivilegeStep(e)) return undefined;
        continue;
      }
      if (!sameEffect(effect, this.underlying(fn, e)) || this.judging.some((j) => j.id === e.id)) return undefined;
      return this.judge(fn, e);
    }
    return undefined;
  }

  private readonly constantsCache = new Map<FunctionModel, Map<number, Map<string, boolean>>>();

  /** Flags known on every path into each node (`int err = 0;` … `err = chdir(d);` forgets it). */
  private mustConstants(fn: FunctionModel): Map<number, Map<string, boolean>> {
    let states = this.constantsCache.get(fn);
    if (states) return states;
    states = new Map([[fn.cfg.entry, new Map()]]);
    const work = [fn.cfg.entry];
    while (work.length) {
      const id = work.pop()!;
      const n = fn.cfg.nodes[id]!;
      const out = new Map(states.get(id));
      for (const v of n.assigns ?? []) out.delete(v);
      for (const [v, truth] of Object.entries(n.constants ?? {})) out.set(v, truth);
      for (const s of n.succ) {
        const cur = states.get(s);
        if (!cur) {
          states.set(s, new Map(out));
          work.push(s);
          continue;
        }
        let changed = false;
        for (const [k, v] of cur) if (out.get(k) !== v) {
          cur.delete(k);
          changed = true;
        }
        if (changed) work.push(s);
      }
    }
    this.constantsCache.set(fn, states);
    return states;
  }

  /**
   * Some path from the success branch (`okStarts`) reaches `id` with no work done on the way (`id`'s own aside): a
   * failure path that joins there goes on into the work the success path does (`if (rv && errno == EPERM) rv = 0;`
   * then the serving), and the `exit(0)` that ends that work is the program's normal end. Where every success path
   * works first (`if (drop() != 0) result = NULL; else work(&result);` then report and `_exit(0)`), the failure
   * skipped the work, and what follows is its report.
   */
  private joinsBeforeWork(fn: FunctionModel, okStarts: number[], id: number, doesWork: (n: CfgNode) => boolean): boolean {
    const seen = new Set<number>();
    const work = [...okStarts];
    while (work.length) {
      const cur = work.pop()!;
      if (cur === id) return true;
      if (seen.has(cur)) continue;
      seen.add(cur);
      const n = fn.cfg.nodes[cur]!;
      if (!doesWork(n)) work.push(...n.succ);
    }
    return false;
  }

  /**
   * Every path from `id` ends the process or returns one of `variables` (the program's shared cleanup). A
   * `return 0;` reached only through a test of one of them is the cleanup's success exit (`if (status == OK)
   * return 0;`), which a path that set the failure status does not take.
   */
  private returnsOnly(fn: FunctionModel, id: number, given: ReadonlySet<string>, failing?: string, knownAt: ReadonlyMap<string, boolean> = new Map(), beforeWork = false): boolean {
    // The variable the call's status was stored in still holds the failure (-1) until it is assigned again: its
    // tests take their failing branch (`if (rc < 0) break;`), and returning it reports the failure.
    const variables = failing !== undefined ? new Set([...given, failing]) : given;
    if (!variables.size) return false;
    const seen = new Set<string>();
    // The flags the failure path knows (`got_eacces` still false where the cleanup tests it), kept along the walk.
    const work: [number, boolean, ReadonlyMap<string, boolean>][] = [[id, false, knownAt]];
    while (work.length) {
      const [cur, statusTested, known] = work.pop()!;
      const key = `${cur}|${statusTested}|${flagsKey(known)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const n = fn.cfg.nodes[cur]!;
      if (n.kind === 'return') {
        if ((n.returnedVariables ?? []).some((v) => variables.has(v))) continue;
        if (statusTested && n.returnsConstant === 0) continue;
        return false;
      }
      if (cur === fn.cfg.exit) return false; // fell off the end
      if (this.project.isDyingNode(n)) {
        // `exit(0)` after the work is a success exit, as `return 0;` is: only a path that tested the status takes it.
        if (beforeWork && n.events.some(isSuccessfulExit) && !statusTested) return false;
        continue;
      }
      if (failing !== undefined && (n.assigns?.includes(failing) || n.updates?.includes(failing))) return false;
      const stillFailing = failing !== undefined && n.kind === 'cond' ? n.tests?.find((t) => 'variable' in t.subject && t.subject.variable === failing && t.whenFails !== null) : undefined;
      const after = knownAfter(n, known);
      if (stillFailing) {
        work.push([n.succ[stillFailing.whenFails ? 0 : 1]!, statusTested, after]);
        continue;
      }
      const decided = n.kind === 'cond' ? decidedBranch(n, known) : undefined;
      if (decided !== undefined) {
        work.push([n.succ[decided]!, statusTested, after]);
        continue;
      }
      // A test of the status that sends some path to `return status;`: the other way is the success exit.
      const testsStatus =
        statusTested ||
        (n.kind === 'cond' && (n.tests ?? []).some((t) => 'variable' in t.subject && variables.has(t.subject.variable)) && n.succ.some((s) => this.reachesReturnOf(fn, s, variables)));
      for (const s of n.succ) work.push([s, testsStatus, after]);
    }
    return true;
  }

  /** Some path from `id` returns one of `variables`. */
  private reachesReturnOf(fn: FunctionModel, id: number, variables: ReadonlySet<string>): boolean {
    const seen = new Set<number>();
    const work = [id];
    while (work.length) {
      const cur = work.pop()!;
      if (seen.has(cur)) continue;
      seen.add(cur);
      const n = fn.cfg.nodes[cur]!;
      if (n.kind === 'return' && (n.returnedVariables ?? []).some((v) => variables.has(v))) return true;
      work.push(...n.succ);
    }
    return false;
  }

  private cyclesOf(fn: FunctionModel): Set<number> {
    let c = this.cycles.get(fn);
    if (!c) {
      c = cyclicNodes(fn.cfg.nodes);
      this.cycles.set(fn, c);
    }
    return c;
  }
}

/** A marker in a failure path's known flags: the variable that held the call's status has been assigned again. */
const OVERWRITTEN = '\0overwritten';
/** A flag of a failure path: a field of a struct a pointer parameter points to, written on the way (`statusLeftForCallers`). */
const FIELD_LEFT = '\0field-left:';

/**
 * After `n`, `variable` may still hold a failure: `n` does not set it to a value that is no error status (`st =
 * ST_OK;`, 0, NULL). Another failure status (`iRet = -1;`) or the status of a retry of the call (`rc = chroot(d);`,
 * judged on its own) keeps the failure's branches.
 */
function keepsFailure(n: CfgNode, variable: string): boolean {
  if (!n.assigns?.includes(variable) || n.accumulates?.includes(variable)) return true;
  const value = n.values?.[variable];
  return !((value !== undefined && value >= 0) || n.constants?.[variable] === false);
}

/** A condition's test of `variable` that tells which branch a failure status takes. */
function failingTest(n: CfgNode, variable: string, failsAs: 0 | -1 | null = -1): Test | undefined {
  if (failsAs === null) return undefined;
  const t = n.tests?.find((t) => 'variable' in t.subject && t.subject.variable === variable && (failsAs === 0 ? typeof t.whenNull === 'boolean' : t.whenFails !== null));
  // A variable that holds 0 (false) on failure takes the branch its test takes for 0.
  return t && failsAs === 0 ? { ...t, whenFails: t.whenNull ?? null } : t;
}

/** A returned value's failure goes on unnoticed as a status does, not as an exception does: said so. */
function valueWording(v: Verdict): Verdict {
  if (v.status !== 'unchecked') return v;
  for (const how of ['returns', 'continues'] as const) if (v.why === continuesAfterFailure('node', how)) return { ...v, why: continuesAfterFailure('c', how) };
  return v;
}

/** The verdicts' worst: a failure unchecked on one way, still handed to the caller if another way does. */
function worst(verdicts: Verdict[]): Verdict {
  const unchecked = verdicts.find((v): v is Extract<Verdict, { status: 'unchecked' }> => v.status === 'unchecked');
  if (!unchecked) return verdicts.find((v) => v.status === 'returned') ?? CHECKED;
  return verdicts.some(returnsStatus) && !unchecked.alsoReturned ? { ...unchecked, alsoReturned: true } : unchecked;
}

/**
 * (Node) What a function returns when it reports a failure by its value: 0 when it returns `false` somewhere (a
 * boolean status), null when that is not known (an error object, a string, -1).
 */
function failureValue(fn: FunctionModel): 0 | null {
  return fn.cfg.nodes.some((n) => n.kind === 'return' && n.returnsFailure && n.returnsConstant === 0) ? 0 : null;
}

/** The failure reaches the caller as a status on some path: every caller has the duty to test it. */
function returnsStatus(v: Verdict): boolean {
  return v.status === 'returned' || (v.status === 'unchecked' && v.alsoReturned === true);
}

/**
 * Two privilege calls that make the same effect: groups set, a gid or uid dropped (a permanent drop also makes an
 * effective one), a root changed, a jail's working directory set.
 */
function sameEffect(a: PrivilegeEvent, b: PrivilegeEvent): boolean {
  if (a.kind === 'set-id' && b.kind === 'set-id') return a.idKind === b.idKind && a.direction === 'drop' && b.direction === 'drop' && (a.scope === b.scope || b.scope === 'permanent');
  // A jail's working directory: a failed chdir left it where it was, and a later chdir that enters a jail (another
  // one, chosen because the first directory is missing) sets it whatever the first did.
  return a.kind === b.kind && (a.kind === 'set-groups' || a.kind === 'chroot' || a.kind === 'chdir');
}

/** A step of the drop sequence itself, not the work it prepares. */
function isPrivilegeStep(e: PrivilegeEvent): boolean {
  return e.kind === 'set-id' || e.kind === 'set-groups' || e.kind === 'chroot' || e.kind === 'chdir' || e.kind === 'capability';
}

/** The successor a condition must take given flags known on the path, if its tests decide it. */
function decidedBranch(n: CfgNode, known: ReadonlyMap<string, boolean>): number | undefined {
  for (const t of n.tests ?? []) {
    if (!('variable' in t.subject) || !t.boolean) continue;
    const value = known.get(t.subject.variable);
    if (value === undefined || t.whenFails === null || t.whenNull === null || t.whenNull === undefined || t.whenFails === t.whenNull) continue;
    const taken = value ? t.whenFails : t.whenNull;
    return taken ? 0 : 1;
  }
  return undefined;
}

/**
 * The variable holds 0 (or NULL) on this path and on every path to the node (`joined`: what holds whichever way
 * the node is reached): what it carries cannot tell this path from the others. (Constants are known as truth
 * values: two non-zero values may differ.)
 */
function zeroOnEveryPath(known: ReadonlyMap<string, boolean>, joined: ReadonlyMap<string, boolean> | undefined, variable: string): boolean {
  return known.get(variable) === false && joined?.get(variable) === false;
}
