import { reachable } from '../analysis/flow.js';
import { failureEndsWithin, failureIndex, failureReaches, reachedAvoiding } from '../analysis/paths.js';
import { branchOnly } from '../analysis/failure-regions.js';
import { buildSupergraph, type Supergraph, type SuperNode } from '../analysis/supergraph.js';
import type { FunctionModel, PrivilegeEvent } from '../model.js';
import type { Rule, RuleContext } from './rule.js';
import { isLoginContextDrop, isPermanentDrop, oneLine, writerIn } from './support.js';

/** A drop of the user id for good: what the groups and the gid are set for. */
const dropsUser = (e: PrivilegeEvent): boolean => isPermanentDrop(e) || isLoginContextDrop(e);

/**
 * A uid drop the groups are set for: one to another account. A return to the invoking user (`setuid(getuid())`)
 * needs no groups call (missing-setgroups): the process has that user's groups, so a failed groups call before it
 * leaves what no call would have left.
 */
const needsGroups = (e: PrivilegeEvent): boolean => (isPermanentDrop(e) && e.target !== 'invoker') || isLoginContextDrop(e);

/**
 * The failure of a call whose effect the program makes again, checked, before it matters (SPEC, "What counts as
 * checked"): groups set early as hygiene (`setgroups(0, NULL)`) and later set with a check before the uid drop, or
 * in a process that never drops its uid (root keeps everything anyway); `initgroups` whose failure falls back to a
 * checked `setgroups`; a gid drop made again, checked, before the uid drop (the groups matter only once the uid is
 * dropped; the gid from the drop on, or from the end of the program). Judged on every program entry whose paths
 * reach the call; a call no entry reaches keeps its finding.
 */
function repairedLater(ctx: RuleContext, ev: PrivilegeEvent, memo = new Map<number, boolean>()): boolean {
  // A project function that returns a groups call's status (`add_groups(list)`) makes that call's effect.
  const owner = functionOf(ctx, ev);
  const inner = owner ? ctx.judge.underlying(owner, ev) : ev;
  const groups = inner.kind === 'set-groups';
  const gid = inner.kind === 'set-id' && inner.idKind === 'gid' && inner.scope === 'permanent' && inner.direction === 'drop';
  if (!groups && !gid) return false;
  const known = memo.get(ev.id);
  if (known !== undefined) return known;
  memo.set(ev.id, false); // a repair that leads back here repairs nothing
  const sameEffect = (e: PrivilegeEvent, at: SuperNode): boolean => {
    const made = ctx.judge.underlying(at.fn, e);
    return groups ? made.kind === 'set-groups' : isPermanentDrop(made, 'gid');
  };
  // The same effect made again, checked — or with a failure that is itself repaired in time.
  const repairs = (e: PrivilegeEvent, at: SuperNode): boolean =>
    e.id !== ev.id && e.id !== inner.id && sameEffect(e, at) && ctx.judge.needsCheck(at.fn, e) && (checkedOnChain(ctx, at, e) || repairedLater(ctx, e, memo));
  // The same effect made again and tested where it is made, its failure not handled everywhere (`if
  // (setgroups(0, NULL) != 0 && nerrs) err(…);`): its success repairs, its failure branch is followed on this path.
  const redoes = (e: PrivilegeEvent, at: SuperNode): boolean => e.id !== ev.id && e.id !== inner.id && sameEffect(e, at) && ctx.judge.needsCheck(at.fn, e);
  const harmless = (g: Supergraph, node: SuperNode, i: number, e: PrivilegeEvent, orReturn = false): boolean =>
    (!failureReaches(g, node, i, e, groups ? needsGroups : dropsUser, repairs, gid, orReturn, redoes) && !skipsDrop(g, node, i, e)) || (groups && groupsSetBefore(ctx, g, node, i));
  let result = judgedOnEntries(ctx, ev, inner, (g, node, i, e) => harmless(g, node, i, e));
  // No program entry reaches the call (a command's main called through a table, a library function): judged in
  // its own function, where a return to the unknown callers counts as going on to a drop — if the function shows
  // the uid drop it makes on some path (`if (user) become(pw); else if (group) setgroups(…);`); where it shows
  // none, its drop may be hidden from the analysis (a macro, an unresolved call), and the finding stays.
  if (result === undefined) {
    const fn = owner;
    result = false;
    const g = fn && buildSupergraph(ctx.project, fn);
    if (g && g.nodes.some((n) => n.events.some(dropsUser))) {
      const sites = g.nodes.flatMap((n) => {
        const site = n.chain.length <= 1 ? siteIn(n, ev, inner) : undefined;
        return site && (n.chain.length === 0 || n.chain[0]!.id === ev.id) ? [{ n, ...site }] : [];
      });
      result = sites.length > 0 && sites.every(({ n, i, e }) => harmless(g, n, i, e, true));
    }
  }
  memo.set(ev.id, result);
  return result;
}

/**
 * The call `e` (made at `at`) is checked where its failure ends up: where it is made, or — a helper or callback that
 * passes the failure on (a status it returns, a Node exception it does not catch) — at the calls that led to it in
 * the program's graph, innermost first, until one of them handles it (`becomeAccount()` at a module's top level,
 * whose exception ends the process; a `listen` callback, whose uncaught exception does too).
 */
function checkedOnChain(ctx: RuleContext, at: SuperNode, e: PrivilegeEvent): boolean {
  let verdict = ctx.judge.judge(at.fn, e);
  for (let k = at.chain.length - 1; verdict.status === 'returned' && k >= 0; k--) {
    const call = at.chain[k]!;
    const caller = functionOf(ctx, call);
    if (!caller) return false;
    verdict = ctx.judge.judge(caller, call);
  }
  return verdict.status === 'checked';
}

const functionCache = new WeakMap<RuleContext['project'], Map<number, FunctionModel>>();

function functionOf(ctx: RuleContext, ev: PrivilegeEvent): FunctionModel | undefined {
  let byEvent = functionCache.get(ctx.project);
  if (!byEvent) {
    byEvent = new Map();
    for (const fn of ctx.project.functions) for (const n of fn.cfg.nodes) for (const e of n.events) byEvent.set(e.id, fn);
    functionCache.set(ctx.project, byEvent);
  }
  return byEvent.get(ev.id);
}

/**
 * Every path from the graph's entry to the `index`-th event of `node` passes a groups call that succeeded (`if
 * (setgroups(0, NULL) == -1) return -1;` before an unchecked `initgroups`): a failure of the later call leaves the
 * groups that call set, never root's. A groups call whose failure is handled ends the paths through it; so does one
 * tested where it is made, whose failure does not reach the call judged.
 */
function groupsSetBefore(ctx: RuleContext, g: Supergraph, node: SuperNode, index: number): boolean {
  const checkedGroups = (n: SuperNode, e: PrivilegeEvent): boolean => ctx.judge.needsCheck(n.fn, e) && ctx.judge.underlying(n.fn, e).kind === 'set-groups' && checkedOnChain(ctx, n, e);
  if (node.events.slice(0, index).some((e) => checkedGroups(node, e))) return true;
  if (setBeforeOnNodes(ctx, g, node, checkedGroups)) return true;
  const target = node.events[index]!;
  // A groups call tested where it is made: its success set the groups, and its failure must not reach the call
  // judged. The search keeps the flags the walks follow, so a failure a helper returns (`if (initgroups(…) == -1)
  // return -1;` in `set_up(pw)`, `if (set_up(pw) < 0) return -1;` in its caller) takes its callers' failure branches.
  let leaks = false;
  const judged = new Map<number, boolean>();
  const ends = (n: SuperNode): boolean => {
    const known = judged.get(n.id);
    if (known !== undefined) return known;
    let result = n.events.some((e) => checkedGroups(n, e));
    const tested = result ? -1 : n.events.findIndex((e) => e.id !== target.id && ctx.judge.underlying(n.fn, e).kind === 'set-groups' && failureIndex(n, e) !== undefined);
    if (tested >= 0) {
      result = true;
      // A second groups call on the failure path (`set_groups(a) != 0 && set_groups(b) != 0`): its success set the
      // groups, so only its failure branch is followed.
      const again = (e: PrivilegeEvent, at: SuperNode): boolean => e.id !== target.id && ctx.judge.underlying(at.fn, e).kind === 'set-groups';
      if (failureReaches(g, n, tested, n.events[tested]!, (e) => e.id === target.id, () => false, false, false, again)) leaks = true;
    }
    judged.set(n.id, result);
    return result;
  };
  return !reachedAvoiding(g, node.id, ends) && !leaks;
}

/**
 * The search of `groupsSetBefore` on the graph's nodes alone, without flags: a groups call whose failure is handled
 * ends the paths through it; one tested where it is made lets only its failure branch go on. It cannot tell a failure
 * a helper returns from its success once its caller tests the status, but it never grows with the flags.
 */
function setBeforeOnNodes(ctx: RuleContext, g: Supergraph, node: SuperNode, checkedGroups: (n: SuperNode, e: PrivilegeEvent) => boolean): boolean {
  const seen = new Set<number>([g.entry]);
  const work = [g.entry];
  while (work.length) {
    const id = work.pop()!;
    if (id === node.id) return false;
    const n = g.nodes[id]!;
    if (n.events.some((e) => checkedGroups(n, e))) continue;
    const tested = n.events.filter((e) => ctx.judge.underlying(n.fn, e).kind === 'set-groups').map((e) => failureIndex(n, e)).find((i) => i !== undefined);
    n.succ.forEach((s, i) => {
      if (tested !== undefined && i !== tested) return;
      if (seen.has(s)) return;
      seen.add(s);
      work.push(s);
    });
  }
  return true;
}

/**
 * Where a node of a program graph makes the call `ev`: the call itself, or — a project function that returns the
 * status of `inner` (its privilege call), inlined into the graph — `inner` as reached through this call.
 */
function siteIn(node: SuperNode, ev: PrivilegeEvent, inner: PrivilegeEvent): { i: number; e: PrivilegeEvent } | undefined {
  let i = node.events.findIndex((e) => e.id === ev.id);
  if (i < 0 && inner !== ev && node.chain.some((c) => c.id === ev.id)) i = node.events.findIndex((e) => e.id === inner.id);
  return i < 0 ? undefined : { i, e: node.events[i]! };
}

const survivalGraphs = new WeakMap<Supergraph, boolean>();

/**
 * The failure branch of `ev` calls a reporter that ends the process unless a field is set (`report(&opts, -1, …)`,
 * a branch on the field in the graphs: `Project.survivalGuard`), and in every program whose paths reach the call the
 * field is still unset there (the options that set it are read later): each failure ends the process before the
 * branch rejoins the code that assumes success. Undefined-as-false when no program entry reaches the call.
 */
function endsWhereReached(ctx: RuleContext, ev: PrivilegeEvent): boolean {
  if (ev.kind === 'call') return false;
  const holds = (g: Supergraph, node: SuperNode, index: number, e: PrivilegeEvent): boolean => {
    let has = survivalGraphs.get(g);
    if (has === undefined) survivalGraphs.set(g, (has = g.nodes.some((n) => n.survival === true)));
    if (!has || node.origin.kind !== 'cond') return false;
    const fail = failureIndex(node, e);
    if (fail === undefined) return false;
    const region = branchOnly(node.fn, node.origin, fail);
    const chain = node.chain;
    const within = (n: SuperNode): boolean => (n.chain === chain ? region.has(n.origin.id) : n.chain.length > chain.length && chain.every((c, i) => n.chain[i] === c));
    return failureEndsWithin(g, node, index, e, within);
  };
  return judgedOnEntries(ctx, ev, ev, holds) === true;
}

/** `holds` wherever a program entry's paths reach `ev`; undefined when no entry reaches it. */
function judgedOnEntries(ctx: RuleContext, ev: PrivilegeEvent, inner: PrivilegeEvent, holds: (g: Supergraph, node: SuperNode, index: number, e: PrivilegeEvent) => boolean): boolean | undefined {
  let reached = false;
  const judged = new Set<Supergraph>();
  for (const id of inner === ev ? [ev.id] : [ev.id, inner.id]) {
    for (const g of ctx.entryGraphsWith(id)) {
      if (judged.has(g)) continue;
      judged.add(g);
      for (const node of g.nodes) {
        const site = siteIn(node, ev, inner);
        if (!site) continue;
        reached = true;
        if (!holds(g, node, site.i, site.e)) return false;
      }
    }
  }
  return reached ? true : undefined;
}

function whatIsKept(ev: PrivilegeEvent): string {
  switch (ev.kind) {
    case 'set-id':
      return ev.idKind === 'uid' ? 'its user id (often root)' : 'its group id (often gid 0)';
    case 'set-groups':
      return "root's supplementary groups";
    case 'chroot':
      return 'the whole file system in view';
    case 'chdir':
      return 'a working directory outside the jail';
    default:
      return 'its privileges';
  }
}

/**
 * When `ev` succeeds a uid drop follows on some path, and when it fails none can: a failure that skips the drop
 * (a `try` around the whole sequence) leaves the program root where it meant not to be.
 */
function skipsDrop(g: Supergraph, node: SuperNode, index: number, ev: PrivilegeEvent): boolean {
  if (node.events.slice(index + 1).some(dropsUser)) return false;
  const failure = failureIndex(node, ev);
  if (failure === undefined) return false;
  const success = node.succ.filter((_, i) => i !== failure);
  const dropsAfterSuccess = [...reachable(g.nodes, success)].some((id) => g.nodes[id]!.events.some(dropsUser));
  return dropsAfterSuccess && !failureReaches(g, node, index, ev, dropsUser, () => false, false);
}

/** A Node status helper's value tested, the process ended when it reports a failure. */
function nodeStatusTest(call: string, what: string): string {
  return `if (!${call.replace(/;\s*$/, '')}) {\n  console.error('${what} failed');\n  process.exit(1);\n}`;
}

export const uncheckedReturn: Rule = {
  id: 'unchecked-return',
  severity: 'error',
  short: 'A privilege call whose failure is ignored: the program runs on with the privileges it believes it dropped.',
  cwe: ['CWE-252', 'CWE-273'],
  securitySeverity: 8.0,
  tags: ['security', 'privilege', 'external/cwe/cwe-252', 'external/cwe/cwe-273'],
  core: true,
  docs: {
    what: 'Flags calls of setuid, setgid, setresuid, setresgid, seteuid, setegid, setreuid, setregid, setgroups, initgroups, chroot and the chdir that enters a chroot jail (before `chroot(".")`, or the first after `chroot(dir)`; a later `chdir("/")` inside the jail, such as a daemon\'s when it detaches, needs no check) whose failure is not handled on every path: the result is ignored, cast to `(void)`, stored and never tested, tested only inside `assert()`, or tested by a branch that only logs and carries on. A failure branch that calls a reporter which ends the process unless an option field is set (`report(&opts, -1, "setuid")` whose body is `if (o->json) print(…); else error(status, …);`) handles the failure where every program reaching the call has not set the field yet (the options are read after the drop; a struct declared with a brace initialiser starts with the fields it does not name at 0). A failure branch that leaves through the project\'s error-exit macros (`ABORT_FINALIZE(e)`, `CHKiRet(f)`) or jumps to a cleanup shared with the success path that then returns an error (in `main`, the status the failure branch set) handles the failure. So does the failure branch of a function that returns nothing when it ends by writing a field of the struct its caller handed it (`end_session(s)`, which clears `s->logged_in`) and every caller tests that field before it can return (`enter_jail(&sess); if (sess.logged_in) …`): the struct carries the status. A project function that returns such a result passes the duty to every caller, and its unchecked calls are flagged; in Node, so does a helper that catches the exception and returns a failure value (`catch { return false; }`), whose callers must test the value (ignoring it, or only logging it, is flagged at the call), while one that returns its success value whichever way the call went (`return true;` after a catch that only logs) is flagged inside. Calls that raise privilege (`seteuid(0)`) are exempt: their failure leaves less privilege, not more. A failure matters only where the program can go on believing the call worked: groups set early as hygiene (`setgroups(0, NULL)`) and set again, checked, before the uid drop — or in a process that never drops its uid — an `initgroups()` whose failure falls back to a checked `setgroups()`, a first attempt whose failure branch makes a second attempt at the same effect that ends the process (or returns an error) when it fails too (`if ((set_groups(a) != 0 && set_groups(b) != 0) || setgid(g) != 0) die(…);`), a first attempt whose failure is counted and a second attempt that ends the process when it fails too (`if (setgroups(0, NULL) != 0 && nerrs) err(…);`), a groups call before a return to the invoking user (`setuid(getuid())`, which keeps that user\'s own groups), a gid drop made again, checked, before the uid drop, and a jail chdir whose failure branch enters a jail with a chdir of its own, checked (`if (chdir(site_dir) != 0) { if (chdir(home) != 0 || chroot(home) != 0 || chdir("/") != 0) die(…); }`) are not flagged (also when the call is a project function that returns the status of such a call, such as one that adds groups to those already set with a check, and when the repair is made in a helper or a Node callback whose failure its caller handles: a `listen` callback, or a helper the top level calls, that lets the exception end the process); a failure that reaches the drop or the unprivileged work unrepaired is.',
    why: 'These calls fail for ordinary reasons: RLIMIT_NPROC reached, a missing capability, a seccomp or SELinux policy, a uid that does not exist in a container. When a drop fails silently the process keeps running as root while every later line of the program assumes it does not. `assert()` disappears when NDEBUG is defined, so it is not a check.',
    example: 'setgroups(1, &pw->pw_gid);\n(void)setgid(pw->pw_gid);\nif (setuid(pw->pw_uid) != 0)\n\tsyslog(LOG_ERR, "setuid failed");\nserve();',
    useInstead: 'if (setgroups(1, &pw->pw_gid) == -1 ||\n    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||\n    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)\n\terr(1, "cannot drop privileges");\nserve();',
    references: ['CWE-252: Unchecked Return Value', 'CWE-273: Improper Check for Dropped Privileges', 'SEI CERT POS37-C: Ensure that privilege relinquishment is successful'],
  },
  check(ctx) {
    if (!ctx.projectPass) return;
    for (const fn of ctx.project.functions) {
      if (ctx.project.isShim(fn)) continue;
      for (const node of fn.cfg.nodes) for (const ev of node.events) {
        if (ctx.decidedAt(ev.loc) || !ctx.judge.needsCheck(fn, ev)) continue;
        const verdict = ctx.judge.judge(fn, ev);
        if (verdict.status !== 'unchecked' || repairedLater(ctx, ev) || endsWhereReached(ctx, ev)) continue;
        const inner = ctx.judge.underlying(fn, ev);
        const call = oneLine(ev.text);
        const node = fn.language === 'node';
        // A Node helper that catches the failure and returns it (`catch { return false; }`): its value is the status.
        const returned = node ? ctx.judge.failureReturned(fn, ev) : undefined;
        const through =
          inner === ev ? '' : returned ? ` (${ev.api}() catches the failure of ${oneLine(inner.text)} and returns it)` : ` (${ev.api}() ${node ? 'lets the exception of' : 'returns the result of'} ${oneLine(inner.text)}${node ? ' through' : ''})`;
        const writer = writerIn(ctx, fn);
        const testOf = (text: string): string => (returned ? nodeStatusTest(text, ev.api) : inner !== ev ? writer.checkedStatus(text, ev.api) : writer.checked(text, ev.api));
        const test = testOf(call);
        const use = returned ? (ev as { value?: PrivilegeEvent['result'] }).value : ev.result;
        // Rewriting the statement into a test is safe where the failure value is known (`false`).
        const statementOnly = (use?.kind === 'discarded' || use?.kind === 'void-cast') && (!returned || returned.value === 0);
        ctx.report({
          loc: ev.loc,
          message: `${call}${through}: ${verdict.why}; if it fails, the process keeps ${whatIsKept(inner)}.`,
          fix: `${node && !returned ? 'Let the failure end the process (rethrow, or exit in the handler):' : 'Test the result and end the process when it fails:'}\n${test}`,
          related: inner !== ev ? [{ loc: inner.loc, message: `the privilege call whose result ${ev.api}() returns` }] : [],
          edit: statementOnly ? { kind: 'replace-statement', at: ev.loc, code: testOf(ev.text) } : undefined,
        });
      }
    }
  },
};
