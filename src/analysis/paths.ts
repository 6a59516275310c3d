/** Path questions over a supergraph that several rules ask. */
import { backwardUnion, hasBit, setBit } from './bitsets.js';
import { EFFECTIVE_ID, FORK_PARENT, NOT_ROOT, SAME_IDS, testsEvent, VALUE_CLASSES, type CfgNode, type PrivilegeEvent, type SetIdEvent, type Test, type ValueClass, type ValueTable } from '../model.js';
import { cycleComponents, immediatePostdominators, RankedWork, reachable, reversePostorder } from './flow.js';
import type { Supergraph, SuperNode, Touch } from './supergraph.js';
import { checkTime } from '../time-limit.js';

/** A call that replaces the process image with another program (the front-end marks it). */
export function isExec(e: PrivilegeEvent): boolean {
  return e.kind === 'call' && e.execs === true;
}

const foreverCache = new WeakMap<Supergraph, Set<number>>();
const flagCache = new WeakMap<Supergraph, Map<number, Map<string, boolean>>>();

/**
 * Nodes inside (or on the way into) a loop that never finishes its work: no path from them returns from the root
 * function or ends the process other than on an error, and they can keep going round. A server loop whose only ways out are fatal
 * errors (`err(1, ...)`) is one; a straight path into `exit(1)` is not.
 */
export function foreverNodes(g: Supergraph): Set<number> {
  let forever = foreverCache.get(g);
  if (forever) return forever;
  const preds = new Map<number, number[]>();
  for (const n of g.nodes) for (const s of n.succ) {
    const list = preds.get(s);
    if (list) list.push(n.id);
    else preds.set(s, [n.id]);
  }
  const finishing = new Set<number>();
  // An end that is not certainly an error (`exit(status)`) may be the program's normal end.
  const work = g.nodes.filter((n) => (n.dies && !n.exitsOnError) || n.id === g.exit).map((n) => n.id);
  while (work.length) {
    const id = work.pop()!;
    if (finishing.has(id)) continue;
    finishing.add(id);
    for (const p of preds.get(id) ?? []) if (!finishing.has(p)) work.push(p);
  }
  // Of the others, keep those that can go on: drop, again and again, nodes with no successor left among them.
  forever = new Set(g.nodes.filter((n) => !finishing.has(n.id) && !n.dies).map((n) => n.id));
  const remaining = new Map<number, number>();
  for (const id of forever) remaining.set(id, g.nodes[id]!.succ.filter((s) => forever!.has(s)).length);
  const dead = [...forever].filter((id) => remaining.get(id) === 0);
  while (dead.length) {
    const id = dead.pop()!;
    if (!forever.delete(id)) continue;
    for (const p of preds.get(id) ?? []) {
      if (!forever.has(p)) continue;
      const left = remaining.get(p)! - 1;
      remaining.set(p, left);
      if (left === 0) dead.push(p);
    }
  }
  foreverCache.set(g, forever);
  return forever;
}

/**
 * The index of the successor a condition takes when `ev` failed, if the test shows it: a test of the call
 * itself, or of the variable (or directory handle) holding its result. `nullOnFailure`: a failed call yields
 * NULL (opendir) rather than -1.
 */
export function failureIndex(node: SuperNode, ev: PrivilegeEvent, nullOnFailure = false): number | undefined {
  if (node.origin.kind !== 'cond' || !node.tests) return undefined;
  const stored = ev.result?.kind === 'stored' || ev.result?.kind === 'tested' ? ev.result.variable : undefined;
  const holder = ev.kind === 'dir-open' ? ev.handle || stored : stored;
  // A handle a helper keeps through its parameter is tested by the caller under the caller's name.
  const callers = ev.kind === 'dir-open' ? ev.callersHandle : undefined;
  for (const t of node.tests) {
    if (testsEvent(t, ev.id) && t.whenFails !== null) return t.whenFails ? 0 : 1;
    if (holder !== undefined && 'variable' in t.subject && (t.subject.variable === holder || t.subject.variable === callers)) {
      const w = nullOnFailure ? t.whenNull : t.whenFails;
      if (w !== null && w !== undefined) return w ? 0 : 1;
    }
  }
  return undefined;
}

/** The successor node taken when `ev` failed, if the test shows it. */
export function failureSuccessor(node: SuperNode, ev: PrivilegeEvent): number | undefined {
  const i = failureIndex(node, ev);
  return i === undefined ? undefined : node.succ[i];
}

const flagVariableCache = new WeakMap<Supergraph, Set<string>>();
/** During a re-check (`reachedWithout`): the flags it follows instead of the graph's own (nothing is cached then). */
let flagOverride: Set<string> | undefined;

/**
 * Variables worth following as flags: tested as booleans (`if (!privileged)`) in two or more functions or at two
 * or more places, or set to a constant and tested (`privileged = 1;` … `if (!privileged) return;`), and whose tests decide whether privilege
 * calls run. Following every tested variable would split paths for nothing; the few followed are those that guard
 * the most privilege calls.
 */
function flagVariables(g: Supergraph): Set<string> {
  if (flagOverride) return flagOverride;
  let vars = flagVariableCache.get(g);
  if (vars) return vars;
  const testedIn = new Map<string, Set<object>>();
  const constant = new Set<string>();
  const guards = new Map<string, GuardCount>();
  // Conditions (in the source) that test each variable: `if (user) setgid(…); … if (user) setuid(…);` tests it twice.
  const testSites = new Map<string, Set<object>>();
  const testsAt: [SuperNode, string][] = [];
  const filled: string[] = [];
  const copies: [string, string][] = [];
  for (const n of g.nodes) {
    for (const v of Object.keys(n.origin.constants ?? {})) constant.add(v).add(v + POSITIVE).add(v + MINUS_ONE);
    for (const v of n.nonNull ?? []) constant.add(v);
    for (const v of Object.keys(n.origin.values ?? {})) for (const f of valueFlags(v)) constant.add(f);
    for (const v of n.fills ?? []) filled.push(v);
    for (const c of n.origin.rootCopies ?? []) constant.add(c.variable);
    for (const [to, from] of Object.entries(n.origin.copies ?? {})) copies.push([to, from]);
    // A variable that receives what an inlined function returns is set to known values too.
    if (n.returnOf?.variable) constant.add(n.returnOf.variable).add(n.returnOf.variable + POSITIVE).add(n.returnOf.variable + MINUS_ONE);
    for (const t of valueTests(n)) {
      const fns = testedIn.get(t.variable) ?? new Set();
      fns.add(n.fn);
      testedIn.set(t.variable, fns);
      const sites = testSites.get(t.variable) ?? new Set();
      sites.add(n.origin);
      testSites.set(t.variable, sites);
      testsAt.push([n, t.variable]);
    }
  }
  // A value tested (`if (pw->pw_uid == 0) exit(1);`) and copied into a variable tested later (`uid = pw->pw_uid;` …
  // `if (uid != 0)`): what the first test tells holds for the copy, so both are followed.
  for (const [to, from] of copies) if (testedIn.has(to) && testedIn.has(from)) for (const f of [...valueFlags(to), ...valueFlags(from)]) constant.add(f);
  // A field of a struct that starts as zeros (`state.uid` of `static struct {…} state;`) has a known value at the start.
  for (const v of testedIn.keys()) if (zeroAtStart(g, v)) for (const f of valueFlags(v)) constant.add(f);
  // So has a field a brace initialiser does not name (`struct opts o = { .wait = 5 };`: `o.json` is 0).
  for (const n of g.nodes) for (const z of zeroFillsOf(n)) for (const v of testedIn.keys()) if (zeroFilledField(z, v)) for (const f of valueFlags(v)) constant.add(f);
  // A sentinel test (`u.gid != -1`) of a value some call fills: the fill says it is not the sentinel.
  for (const v of testedIn.keys()) if (v.endsWith(MINUS_ONE) && filled.some((f) => isPartOf(v.slice(0, -MINUS_ONE.length), f))) constant.add(v);
  const candidate = (v: string): boolean => v !== NOT_ROOT && v !== FORK_PARENT && v !== SAME_IDS && !v.startsWith(RETURNED) && !v.startsWith(EFFECTIVE_ID) && (testedIn.get(v)!.size >= 2 || constant.has(v) || testSites.get(v)!.size >= 2);
  // Whether a test guards privilege calls is asked only of the variables that could be followed (it walks the graph).
  const privilegeNodes = new Uint8Array(g.nodes.length);
  const jails = new Set(g.nodes.flatMap((n) => n.events.flatMap((e) => (e.kind === 'chroot' ? [e.path] : []))));
  const afterJail = jails.size > 0 && g.nodes.some((n) => n.events.some(namedDirectory)) ? afterChroot(g) : undefined;
  for (const n of g.nodes) if (n.events.some((e) => decidedByFlags(e, jails, afterJail?.[n.id] === 1))) privilegeNodes[n.id] = 1;
  const reaches = reachingNodes(g, privilegeNodes);
  const asked = testsAt.filter(([n, v]) => candidate(v) && n.succ.some((s) => reaches[s]));
  for (const [v, count] of chosenGuardCounts(g, testsAt, asked, privilegeNodes, reaches)) guards.set(v, count);
  // The variables followed are those whose guarding tests lie on the most paths (each inlined copy of a test is a
  // place where following the variable keeps a path from taking a branch it cannot take). Among them, those whose
  // tests guard the most conditions of the source rank first: where too many combinations meet, a helper's local
  // or option, tested at every reply, is given up before the program's own state, tested in two places.
  const byCopies = (a: [string, Set<object>], b: [string, Set<object>]): number => lateRank(a[0]) - lateRank(b[0]) || guards.get(b[0])!.copies - guards.get(a[0])!.copies || b[1].size - a[1].size;
  // Build choices (`#if X` twice in a function) come on top of the program's variables: a build choice is never
  // assigned, so it only tells paths apart between its tests, and it is given up first where too many combinations
  // meet; counted among the program's variables, it was left out of a graph with many, and a path took the
  // switch of one `#if X` block without the switch back of the other.
  const ranked = [...testedIn].filter(([v]) => candidate(v) && guards.has(v)).sort(byCopies);
  const followed = [...ranked.filter(([v]) => !isBuildChoice(v)).slice(0, MAX_FLAGS), ...ranked.filter(([v]) => isBuildChoice(v)).slice(0, MAX_BUILD_CHOICES)];
  vars = new Set(followed.sort((a, b) => lateRank(a[0]) - lateRank(b[0]) || guards.get(b[0])!.conditions - guards.get(a[0])!.conditions || byCopies(a, b)).map(([v]) => v));
  // A variable passed to a followed parameter, and set to known values where it lives, is followed too.
  for (const n of g.nodes) for (const [p, arg] of boundArguments(n) ?? []) if (vars.has(p) && constant.has(arg)) vars.add(arg);
  // The field a call's globals depend on (`if (o->user) uid = …;` in a function not inlined), where one of them is
  // followed and the field is tested elsewhere: the field decides the global's value.
  // So is a field the graph sets to a known value (`o.user = "daemon";`): the call's branch where it is unset cannot
  // be taken, and a global the call sets stays set only on the branch where it is.
  // The field a reporter's end depends on (`Project.survivalGuard`), where the graph gives it a known value.
  for (const n of g.nodes) if (n.survival) {
    const field = (n.tests![0]!.subject as { variable: string }).variable;
    if (constant.has(field)) vars.add(field);
  }
  for (const n of g.nodes) {
    if (!n.guards) continue;
    const guard = (n.tests![0]!.subject as { variable: string }).variable;
    const decides = n.guards.some((v) => valueFlags(v).some((f) => vars!.has(f))) || constant.has(guard);
    if (decides && testsAt.some(([m, v]) => v === guard && !m.guards)) vars.add(guard);
  }
  // A variable that keeps whether the process was root is followed with the process's own flag, and so is a
  // test of such a copy made while the process is still as it was (`if (i_am_root)`: a test of the process itself).
  if (testedIn.has(NOT_ROOT) || g.nodes.some((n) => n.origin.rootCopies?.some((c) => vars!.has(c.variable) || testedIn.has(c.variable))) || [...(g.rootCopyGlobals?.keys() ?? [])].some((v) => testedIn.has(v))) vars.add(NOT_ROOT);
  // The real uid apart from the effective one, where the code tests the real uid (`getuid() != 0`) and changes
  // only the effective one somewhere, or is a set-user-ID program (the two differ from the start).
  if (vars.has(NOT_ROOT) && g.nodes.some((n) => valueTests(n).some((t) => t.real)) && (g.setUserId || g.nodes.some((n) => n.events.some(isEffectiveUidChange)))) vars.add(REAL_ROOT);
  // What an inlined function returned (a privilege helper's status), wherever its caller tests it, directly or in
  // the variable it keeps it in: always followed, and forgotten after the test.
  for (const n of g.nodes) {
    const kept = n.returnOf?.variable;
    if (!kept || !valueFlags(kept).some((f) => testedIn.has(f))) continue;
    for (const f of [...valueFlags(kept), ...valueFlags(RETURNED + n.returnOf!.call)]) vars.add(f);
  }
  for (const v of testedIn.keys()) if (v.startsWith(RETURNED)) vars.add(v);
  // Nesting counters whose tests decide whether privilege calls run, followed by their exact small values (0, 1,
  // more): the MAX_COUNTERS whose guarding tests lie on the most paths. A counter that only counts an option
  // (`vflag++` for each -v) and decides no privilege call is not: each one followed multiplies the walks' states.
  for (const v of guardingCounters(g, privilegeNodes, reaches)) for (const f of counterFlags(v)) vars.add(f);
  // Whether the real and the effective uid are the same, wherever the code asks (`if (getuid() != geteuid())`).
  if (testedIn.has(SAME_IDS)) vars.add(SAME_IDS);
  // Which process of a fork the path is in is followed whenever the code tells them apart.
  if (testedIn.has(FORK_PARENT) || g.nodes.some((n) => forkBranches(g, n))) vars.add(FORK_PARENT);
  flagVariableCache.set(g, vars);
  return vars;
}

const MAX_FLAGS = 12;
/** Build choices followed besides the MAX_FLAGS program variables. */
const MAX_BUILD_CHOICES = 4;

/**
 * Whether the real uid is root where the effective one may not be: true after an effective-only drop (`seteuid(u)`)
 * made while the process was root (the real uid stays root), false (unknown) after one made while that was not
 * known, and from the start of a set-user-ID program (the invoker's real uid, root's effective one: `entryFlags`).
 * Absent, the real uid is taken to be the effective one (a process started as root or as a user, or after a
 * permanent uid change). A test of the real uid (`getuid() != 0`) is then decided by it, not by NOT_ROOT.
 */
const REAL_ROOT = '$real-root';

function isEffectiveUidChange(e: PrivilegeEvent): boolean {
  return e.kind === 'set-id' && e.idKind === 'uid' && e.scope === 'effective' && e.direction !== 'probe';
}

/** How many conditions of the source that test a variable guard privilege calls, and in how many inlined copies. */
interface GuardCount {
  conditions: number;
  copies: number;
}

/**
 * The calls whose running or not a flag may decide, for choosing the flags worth following: id and group changes,
 * chroot, and a chdir that enters a jail (`chdir("/")` after it, `chdir(dir)` before `chroot(dir)` or `chroot(".")`,
 * or, after a chroot, into a directory a variable names, which counts as entering it: `dir = "/";` … `if (dir &&
 * chdir(dir))`): `if (!error && !chroot_error) error = chdir("/");`. Other chdirs (the configuration's directories
 * before the jail, a relative literal) decide nothing: following the variables that guard them displaced those
 * that decide the jail's own chdir.
 */
function decidedByFlags(e: PrivilegeEvent, jails: ReadonlySet<string>, afterJail: boolean): boolean {
  return e.kind === 'set-id' || e.kind === 'set-groups' || e.kind === 'chroot' || (e.kind === 'chdir' && jails.size > 0 && (e.path === '/' || jails.has(e.path) || (afterJail && namedDirectory(e))));
}

/** `chdir(dir)`: a directory a variable names (not a literal, not a descriptor or an expression). */
function namedDirectory(e: PrivilegeEvent): boolean {
  return e.kind === 'chdir' && e.api === 'chdir' && !e.relative && /^[A-Za-z_]\w*$/.test(e.path);
}

/** The nodes some path from a chroot reaches (the chroot's own node included). */
function afterChroot(g: Supergraph): Uint8Array {
  const after = new Uint8Array(g.nodes.length);
  const work = g.nodes.filter((n) => n.events.some((e) => e.kind === 'chroot')).map((n) => n.id);
  for (const id of work) after[id] = 1;
  while (work.length) for (const s of g.nodes[work.pop()!]!.succ) if (!after[s]) {
    after[s] = 1;
    work.push(s);
  }
  return after;
}
/**
 * guardCounts for the variables that can be among those followed (flagVariables' ranking: build choices apart, then
 * lateRank, then guarding copies, most first), not for every candidate: each count is a fixpoint over the graph, and
 * a program with hundreds of option variables (exim) spent most of its time counting variables that could not be
 * chosen. Taken in the ranking's order with each variable's bound (copiesBound), a variable is counted while its
 * bound reaches the copies of the last of the MAX_FLAGS (MAX_BUILD_CHOICES) counted so far: a variable left out has
 * fewer guarding copies than every one chosen, so the choice is the one counting them all would make.
 */
function chosenGuardCounts(g: Supergraph, testsAt: [SuperNode, string][], asked: [SuperNode, string][], privilegeNodes: Uint8Array, reaches: Uint8Array): Map<string, GuardCount> {
  const counts = new Map<string, GuardCount>();
  if (!asked.length) return counts;
  const count = guardCounter(g, testsAt, privilegeNodes);
  // A test whose branches meet again with no privilege node and no test of its variable between guards nothing.
  const joins = quietJoins(g, testsAt, privilegeNodes);
  const byVariable = [...groupedByVariable(asked)].map(([v, all]) => {
    const conds = all.filter((n) => joins.get(n.id)?.has(v) !== false);
    return { v, conds, rank: lateRank(v), bound: copiesBound(conds) };
  });
  for (const [builds, limit] of [[false, MAX_FLAGS], [true, MAX_BUILD_CHOICES]] as const) {
    const order = byVariable.filter((x) => isBuildChoice(x.v) === builds).sort((a, b) => a.rank - b.rank || b.bound - a.bound);
    const chosen: { rank: number; copies: number }[] = [];
    for (const x of order) {
      // The last of the `limit` best counted so far (rank, then copies): a variable that cannot reach it is left.
      const last = chosen.length >= limit ? chosen[limit - 1]! : undefined;
      if (last && (x.rank > last.rank || x.bound < last.copies)) break;
      if (!x.bound) continue;
      const c = count(x.v, x.conds, reaches);
      if (!c) continue;
      counts.set(x.v, c);
      chosen.push({ rank: x.rank, copies: c.copies });
      chosen.sort((a, b) => a.rank - b.rank || b.copies - a.copies);
    }
  }
  return counts;
}

/**
 * How many of the `asked` tests of each variable guard privilege calls (one branch reaches a privilege call that the
 * other does not), as conditions of the source and as inlined copies. Each branch is followed, however far, until the variable is tested again (a loop back to the same
 * test proves nothing). No distance counts: how much unrelated code lies between a test and the calls (a function
 * inlined there or not) must not decide which variables are followed.
 */
function guardCounts(g: Supergraph, testsAt: [SuperNode, string][], asked: [SuperNode, string][], privilegeNodes: Uint8Array, reaches: Uint8Array): Map<string, GuardCount> {
  const counts = new Map<string, GuardCount>();
  if (!asked.length) return counts;
  const count = guardCounter(g, testsAt, privilegeNodes);
  for (const [v, conds] of groupedByVariable(asked)) {
    const c = count(v, conds, reaches);
    if (c) counts.set(v, c);
  }
  return counts;
}

/** How many nodes the search for a test's join (`quietJoins`) walks before it gives up on the test. */
const JOIN_REACH = 2_000;

/**
 * The two-way tests whose branches meet again with nothing between that could tell them apart, each with the
 * variables tested between (the test itself among them when a branch comes back round to it first). Every path from
 * such a test to an end of the graph passes its immediate postdominator, and no node between is a privilege node or
 * a node from which no end can be reached: through either branch, the privilege nodes reached are those the join
 * reaches, for any variable not tested between (a test of it would stop the search along one branch). So for that
 * variable the test guards nothing (`guardCounter` would find its branches' reach equal), and its count and bound
 * (`copiesBound`) need not include it. A test not found here (no join, or too far) is counted as before.
 */
function quietJoins(g: Supergraph, testsAt: [SuperNode, string][], privilegeNodes: Uint8Array): Map<number, Set<string>> {
  const joins = new Map<number, Set<string>>();
  const succ = g.nodes.map((n) => n.succ);
  const end = g.nodes.length;
  const post = immediatePostdominators(succ, predecessors(g));
  const testedAt = new Map<number, string[]>();
  for (const [n, v] of testsAt) (testedAt.get(n.id) ?? testedAt.set(n.id, []).get(n.id)!).push(v);
  const visited = new Int32Array(g.nodes.length).fill(-1);
  const work: number[] = [];
  for (const id of testedAt.keys()) {
    const join = post[id]!;
    if (succ[id]!.length !== 2 || join < 0 || join === end) continue;
    const tested = new Set<string>();
    work.length = 0;
    let walked = 0;
    let quiet = true;
    for (const s of succ[id]!) if (s !== join && visited[s] !== id) {
      visited[s] = id;
      work.push(s);
    }
    while (work.length) {
      const x = work.pop()!;
      if (privilegeNodes[x] || post[x]! < 0 || !succ[x]!.length || ++walked > JOIN_REACH) {
        quiet = false;
        break;
      }
      for (const v of testedAt.get(x) ?? []) tested.add(v);
      for (const s of succ[x]!) if (s !== join && visited[s] !== id) {
        visited[s] = id;
        work.push(s);
      }
    }
    if (quiet) joins.set(id, tested);
  }
  return joins;
}

/** The tests of each variable, in the order the variables first come. */
function groupedByVariable(tests: [SuperNode, string][]): Map<string, SuperNode[]> {
  const of = new Map<string, SuperNode[]>();
  for (const [n, v] of tests) (of.get(v) ?? of.set(v, []).get(v)!).push(n);
  return of;
}

/**
 * At most how many inlined copies of a test of the variable can guard (GuardCount.copies): its tests with two
 * branches. A variable whose bound is below the copies of the variables already chosen cannot rank before them.
 */
function copiesBound(conds: readonly SuperNode[]): number {
  let bound = 0;
  for (const n of conds) if (n.succ.length === 2) bound++;
  return bound;
}

/** guardCounts for one variable at a time, sharing what does not depend on the variable. */
function guardCounter(g: Supergraph, testsAt: [SuperNode, string][], privilegeNodes: Uint8Array): (v: string, conds: SuperNode[], reaches: Uint8Array) => GuardCount | undefined {
  // One bit per privilege node: a function inlined twice shares its event objects, so nodes are what is compared.
  let bit = 0;
  const bitOf = Array.from(privilegeNodes, (p) => (p ? bit++ : -1));
  const words = Math.max(1, Math.ceil(bit / 32));
  const gen = new Uint32Array(g.nodes.length * words);
  bitOf.forEach((b, id) => b >= 0 && setBit(gen, id * words, b));
  const succ = g.nodes.map((n) => n.succ);
  const preds = predecessors(g);
  const testsOf = new Map<string, number[]>();
  for (const [n, v] of testsAt) (testsOf.get(v) ?? testsOf.set(v, []).get(v)!).push(n.id);
  const skipped = new Set<object>();
  return (v, conds, reaches) => {
    skipped.clear();
    // A test of the variable is reached but not gone past: the search along a branch stops there.
    const stop = new Uint32Array(g.nodes.length * words);
    // A test that first stores a new value (`(fp = g()) == NULL` after `(fp = f()) == NULL`) decides anew: the search
    // goes through it, as through any other assignment.
    for (const id of testsOf.get(v)!) if (!changedBy(g.nodes[id]!).some((c) => mentions(v, c))) stop.fill(0xffffffff, id * words, (id + 1) * words);
    const reach = backwardUnion(succ, words, gen, stop, preds, branchesOf(conds, succ, stop, words, reaches));
    // Conditions of the source, each counted once (a helper inlined at every reply is one condition, not hundreds),
    // and the copies of them that guard: the first rank where too many combinations meet, the second chooses the
    // variables followed (flagVariables).
    const guarding = new Map<object, boolean[]>();
    let copies = 0;
    for (const n of conds) {
      if (n.succ.length !== 2) continue;
      const [a, b] = [n.succ[0]! * words, n.succ[1]! * words];
      if (sameWords(reach, a, b, words)) continue;
      let round = guarding.get(n.origin);
      if (!round) {
        if (skipped.has(n.origin)) continue;
        // A loop's exit test (`if (done != 0) break;` after `done++`): the branch that goes round, within the
        // function, comes back to this test with a new value, and then it may take the other branch. It reaches
        // what the other branch reaches, so the test guards only what the other branch cannot reach.
        round = [0, 1].map((i) => comesRound(g, n, i, v, stop, words));
        if (differing(reach, a, b, words, round).every((d) => d === 0)) {
          skipped.add(n.origin);
          continue;
        }
        guarding.set(n.origin, round);
      }
      copies++;
    }
    return guarding.size ? { conditions: guarding.size, copies } : undefined;
  };
}

/**
 * The nodes whose reach the tests `conds` compare: those their branches lead to, not past a test that stops the
 * search (`stop`, where every bit is killed), among the nodes that reach a privilege call (`reaches`; the others
 * reach none). About half of a graph's nodes, for a variable tested once.
 */
function branchesOf(conds: SuperNode[], succ: readonly (readonly number[])[], stop: Uint32Array, words: number, reaches: Uint8Array): Uint8Array {
  const found = new Uint8Array(succ.length);
  const work: number[] = [];
  const add = (id: number): void => {
    if (found[id] || !reaches[id]) return;
    found[id] = 1;
    work.push(id);
  };
  for (const n of conds) for (const s of n.succ) add(s);
  while (work.length) {
    const id = work.pop()!;
    if (stop[id * words] === 0) for (const s of succ[id]!) add(s);
  }
  return found;
}

/**
 * Does branch `index` of the test `cond` of `variable` come back round to the same test, within the function (as
 * inlined there: its own nodes and those of the functions inlined into it), through a node that changes the
 * variable, and without meeting another test of it (`stop`)? A loop counter's exit test does; a flag tested in a
 * command loop whose branch only goes round to the next command does not (the flag is the same when it comes back).
 */
function comesRound(g: Supergraph, cond: SuperNode, index: number, variable: string, stop: Uint32Array, words: number): boolean {
  const chain = cond.chain;
  const inside = (n: SuperNode): boolean => n.chain === chain || (n.chain.length > chain.length && chain.every((c, i) => n.chain[i] === c));
  const start = cond.succ[index]!;
  // Forward from the branch, inside the function, not past the test itself or another test of the variable.
  const seen = new Set<number>([start]);
  const work = [start];
  let back = false;
  while (work.length) {
    const id = work.pop()!;
    const n = g.nodes[id]!;
    if (stop[id * words] !== 0) continue;
    for (const s of n.succ) {
      if (s === cond.id) {
        back = true;
        continue;
      }
      if (seen.has(s) || !inside(g.nodes[s]!)) continue;
      seen.add(s);
      work.push(s);
    }
  }
  if (!back) return false;
  if (changedBy(cond).some((c) => mentions(variable, c))) return true;
  // Among the nodes seen, those that lead back to the test: one of them must change the variable.
  const leads = new Set<number>();
  const preds = new Map<number, number[]>();
  for (const id of seen) for (const s of g.nodes[id]!.succ) if (seen.has(s) || s === cond.id) (preds.get(s) ?? preds.set(s, []).get(s)!).push(id);
  const toward = [...(preds.get(cond.id) ?? [])];
  for (const id of toward) leads.add(id);
  while (toward.length) {
    const id = toward.pop()!;
    if (changedBy(g.nodes[id]!).some((c) => mentions(variable, c))) return true;
    for (const p of preds.get(id) ?? []) if (!leads.has(p)) {
      leads.add(p);
      toward.push(p);
    }
  }
  return false;
}

/** Per word, the bits of the privilege nodes one branch reaches and the other not (a branch that comes round reaches both). */
function differing(reach: Uint32Array, a: number, b: number, words: number, round: boolean[]): number[] {
  const out: number[] = [];
  for (let w = 0; w < words; w++) {
    const x = reach[a + w]!;
    const y = reach[b + w]!;
    out.push(((round[0] ? x | y : x) ^ (round[1] ? x | y : y)) >>> 0);
  }
  return out;
}

function sameWords(bits: Uint32Array, a: number, b: number, words: number): boolean {
  for (let w = 0; w < words; w++) if (bits[a + w] !== bits[b + w]) return false;
  return true;
}

/** The nodes from which some node marked in `targets` can be reached (the targets included). */
function reachingNodes(g: Supergraph, targets: Uint8Array): Uint8Array {
  const preds: number[][] = g.nodes.map(() => []);
  for (const n of g.nodes) for (const s of n.succ) preds[s]!.push(n.id);
  const reaches = new Uint8Array(g.nodes.length);
  const work: number[] = [];
  targets.forEach((t, id) => {
    if (t) {
      reaches[id] = 1;
      work.push(id);
    }
  });
  while (work.length) for (const p of preds[work.pop()!]!) if (!reaches[p]) {
    reaches[p] = 1;
    work.push(p);
  }
  return reaches;
}

/** The flag that says a tested value is positive, next to the one that says it is not 0 (`v`): `v>0`. */
const POSITIVE = '>0';
const MINUS_ONE = '=-1';
/** The flag that says a nesting counter is exactly 1 (`v=1`); with `v` and `v>0` it tells 0, 1 and more apart. */
const ONE = '=1';

/** The flags that hold a nesting counter's value. */
function counterFlags(v: string): string[] {
  return [v, v + POSITIVE, v + MINUS_ONE, v + ONE];
}

const countersCache = new WeakMap<Supergraph, Set<string>>();

/**
 * The project's nesting counters (`Supergraph.counters`) that some condition of the graph tests: by sign
 * (`if (depth > 0)`) or in a value table (`if (up + down > 1)`).
 */
function graphCounters(g: Supergraph): Set<string> {
  let found = countersCache.get(g);
  if (found) return found;
  found = new Set();
  if (g.counters?.size) {
    for (const n of g.nodes) {
      for (const v of n.origin.valueTable?.variables ?? []) if (g.counters.has(v)) found.add(v);
      for (const t of n.origin.tests ?? []) if ('variable' in t.subject && g.counters.has(t.subject.variable)) found.add(t.subject.variable);
    }
  }
  countersCache.set(g, found);
  return found;
}

const MAX_COUNTERS = 4;

/** The graph's nesting counters (`graphCounters`) with a test that guards privilege calls, those on the most paths first. */
function guardingCounters(g: Supergraph, privilegeNodes: Uint8Array, reaches: Uint8Array): string[] {
  const counters = graphCounters(g);
  if (!counters.size) return [];
  const testsAt: [SuperNode, string][] = [];
  for (const n of g.nodes) {
    const tested = new Set<string>(n.origin.valueTable?.variables.filter((v) => counters.has(v)) ?? []);
    for (const t of n.origin.tests ?? []) if ('variable' in t.subject && counters.has(t.subject.variable)) tested.add(t.subject.variable);
    for (const v of tested) testsAt.push([n, v]);
  }
  // Tested at one condition of the source only, a counter's value relates nothing (an option counted once per
  // `-v`, tested once): as with any other variable, two conditions at least (`flagVariables`' candidates).
  const sites = new Map<string, Set<object>>();
  for (const [n, v] of testsAt) (sites.get(v) ?? sites.set(v, new Set()).get(v)!).add(n.origin);
  const asked = testsAt.filter(([n, v]) => sites.get(v)!.size >= 2 && n.succ.some((s) => reaches[s]));
  const guards = guardCounts(g, testsAt, asked, privilegeNodes, reaches);
  return [...guards].sort((a, b) => b[1].copies - a[1].copies || b[1].conditions - a[1].conditions || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_COUNTERS).map(([v]) => v);
}

/** Whether a flag is one of a followed nesting counter's. */
function isCounter(vars: ReadonlySet<string>, v: string): boolean {
  return vars.has(v + ONE);
}

/**
 * The flags a path starts with at the graph's entry: in a set-user-ID program, that the real uid is not the
 * effective one's (`REAL_ROOT` unknown); and each nesting counter at the value it starts with. For `main` that is
 * the program's start; a function nobody in the project calls (a handler, a callback) is taken to run outside
 * every bracket its counters count: at rest.
 */
export function entryFlags(g: Supergraph): Map<string, boolean> {
  const flags = new Map<string, boolean>();
  if (g.setUserId && flagVariables(g).has(REAL_ROOT)) flags.set(REAL_ROOT, false);
  if (g.zeroStructs) {
    const vars = flagVariables(g);
    for (const v of vars) if (zeroAtStart(g, v)) setValue(flags, vars, v, 0);
  }
  const counters = graphCounters(g);
  if (!counters.size) return flags;
  const vars = flagVariables(g);
  // A root that is no program's start and reads or counts a counter itself is one of its bracket's helpers,
  // called at any depth: its value there is unknown.
  const own = g.root.isEntry ? undefined : new Set(g.nodes.filter((n) => !n.chain.length).flatMap((n) => [...(n.origin.valueTable?.variables ?? []), ...(n.origin.tests ?? []).flatMap((t) => ('variable' in t.subject ? [t.subject.variable] : [])), ...changedBy(n)]));
  for (const v of counters) if (!own?.has(v)) setValue(flags, vars, v, g.counters!.get(v));
  return flags;
}

const wholeWrites = new WeakMap<Supergraph, Set<string>>();

/**
 * Whether `v` is a field (`state.uid`, `state.ids.uid`) of a file-scope struct that starts as zeros, in a program's
 * `main` graph: 0 when the program starts. Not where some function of the graph has a parameter of that name, or
 * sets the whole struct (a local of the same name, or a copy of it, is another value).
 */
function zeroAtStart(g: Supergraph, v: string): boolean {
  if (!g.zeroStructs) return false;
  const m = /^([A-Za-z_]\w*)(?:\.[A-Za-z_]\w*)+$/.exec(v);
  if (!m || !g.zeroStructs.has(m[1]!)) return false;
  let whole = wholeWrites.get(g);
  if (!whole) {
    whole = new Set<string>();
    for (const n of g.nodes) {
      if (n.origin.kind === 'entry') for (const p of n.fn.params) whole.add(p);
      for (const w of [...(n.origin.assigns ?? []), ...(n.origin.updates ?? []), ...(n.clobbers ?? []), ...(n.fills ?? [])]) whole.add(w);
    }
    wholeWrites.set(g, whole);
  }
  return !whole.has(m[1]!);
}

/**
 * The structs a node declares with a brace initialiser (`CfgNode.zeroFills`), where the declaration gives their
 * values: a `static` local only in the program's entry, run once (elsewhere its fields keep the last call's values).
 */
function zeroFillsOf(n: SuperNode): NonNullable<SuperNode['origin']['zeroFills']> {
  const all = n.origin.zeroFills;
  if (!all) return NO_ZERO_FILLS;
  return all.some((z) => z.isStatic) ? all.filter((z) => !z.isStatic || (n.fn.isEntry && !n.chain.length)) : all;
}

const NO_ZERO_FILLS: NonNullable<SuperNode['origin']['zeroFills']> = [];

/** A flag a segment's write may change (`SuperNode.touches`): of the struct or field written, and of a field it may set. */
function touchedBy(t: Touch, flag: string): boolean {
  const name = flag.replace(VALUE_SUFFIX, '');
  if (name === t.base) return true;
  if (name.startsWith(t.base + '.') || name.startsWith(t.base + '->')) return !t.fields || t.fields.has(/(\w+)$/.exec(name)![1]!);
  return mentions(flag, t.base);
}

/** The suffixes of a value's flags (`v>0`, `v=-1`, `v=1`). */
const VALUE_SUFFIX = /(?:>0|=-1|=1)$/;

/** `name` is a field (`o.json`, `o.peer.port`) the initialiser `z` does not name, nor a part of one it names: 0. */
function zeroFilledField(z: { variable: string; named: string[] }, name: string): boolean {
  if (!name.startsWith(z.variable + '.')) return false;
  const path = name.slice(z.variable.length + 1);
  if (!/^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/.test(path)) return false;
  return !z.named.some((n) => n === path || path.startsWith(n + '.') || n.startsWith(path + '.'));
}

/** The value classes of a counter's exact value, given its flags on the path. */
function knownClasses(flags: ReadonlyMap<string, boolean>, v: string): ValueClass[] {
  const truth = flags.get(v);
  const positive = flags.get(v + POSITIVE);
  const minusOne = flags.get(v + MINUS_ONE);
  const one = flags.get(v + ONE);
  return CLASS_NAMES.filter((c) => (truth === undefined || (c !== 'zero') === truth) && (positive === undefined || (c === 'one' || c === 'many') === positive) && (minusOne === undefined || (c === 'minus-one') === minusOne) && (one === undefined || (c === 'one') === one));
}

const CLASS_NAMES: ValueClass[] = VALUE_CLASSES.map((c) => c.name);

/** Set a counter's flags to what the classes it may be in have in common (a flag they differ on is forgotten). */
function setClasses(flags: Map<string, boolean>, vars: ReadonlySet<string>, v: string, classes: readonly ValueClass[]): void {
  const judge = (f: string, has: (c: ValueClass) => boolean): void => {
    if (!vars.has(f)) return;
    const all = classes.length > 0 && classes.every(has);
    const none = classes.length > 0 && !classes.some(has);
    if (all || none) flags.set(f, all);
    else flags.delete(f);
  };
  judge(v, (c) => c !== 'zero');
  judge(v + POSITIVE, (c) => c === 'one' || c === 'many');
  judge(v + MINUS_ONE, (c) => c === 'minus-one');
  judge(v + ONE, (c) => c === 'one');
}

/** The classes a value of `c` is in after a step of one (`n++`: 1, `n--`: -1). */
function stepped(c: ValueClass, step: 1 | -1): ValueClass[] {
  if (step === 1) return c === 'minus-one' ? ['zero'] : c === 'negative' ? ['negative', 'minus-one'] : c === 'zero' ? ['one'] : ['many'];
  return c === 'many' ? ['one', 'many'] : c === 'one' ? ['zero'] : c === 'zero' ? ['minus-one'] : ['negative'];
}

/**
 * A value table's verdict on one successor: false when no combination of the classes its variables may be in
 * leads there; else the classes of each variable that do (an undecided combination leads both ways).
 */
function tableAlong(table: ValueTable, flags: ReadonlyMap<string, boolean>, index: number): ValueClass[][] | false {
  const possible = table.variables.map((v) => knownClasses(flags, v));
  const found = table.variables.map(() => new Set<ValueClass>());
  const width = CLASS_NAMES.length;
  const walk = (i: number, at: number, chosen: ValueClass[]): void => {
    if (i === table.variables.length) {
      const truth = table.truth[at];
      if (truth !== null && truth !== undefined && (truth ? 0 : 1) !== index) return;
      chosen.forEach((c, k) => found[k]!.add(c));
      return;
    }
    for (const c of possible[i]!) walk(i + 1, at * width + CLASS_NAMES.indexOf(c), [...chosen, c]);
  };
  walk(0, 0, []);
  if (found.some((f) => f.size === 0)) return false;
  return found.map((f) => CLASS_NAMES.filter((c) => f.has(c)));
}
/** The value an inlined call returned, as the caller tests it: `$ret:<call event id>`. */
const RETURNED = '$ret:';

/** The value a test is about: a variable, or what an inlined call returned (`if (do_chroot() != 0)`). */
function testedValue(node: SuperNode, t: Test): string | undefined {
  if ('variable' in t.subject) return t.subject.variable;
  const id = t.subject.event;
  return node.events.some((e) => e.id === id) ? undefined : RETURNED + id;
}

/** The classes of values a test can tell apart: -1 (the usual failure status), other negative values, 0, positive values. */
type Sign = 'minus-one' | 'negative' | 'zero' | 'positive';
const SIGNS: Sign[] = ['minus-one', 'negative', 'zero', 'positive'];

/**
 * What a condition says of the values it tests, per successor, as flags: `v` (v is not 0) and `v>0` (v is
 * positive). A test by sign (`x > 0`, `x <= 0`, `!x`) tells both; a boolean test (`if (privileged)`) tells `v`.
 */
const valueTestCache = new WeakMap<SuperNode, FlagTest[]>();

function valueTests(node: SuperNode): FlagTest[] {
  let tests = valueTestCache.get(node);
  if (!tests) {
    tests = computeValueTests(node);
    valueTestCache.set(node, tests);
  }
  return tests;
}

function computeValueTests(node: SuperNode): FlagTest[] {
  if (node.origin.kind !== 'cond' || !node.tests) return [];
  const out: FlagTest[] = [];
  for (const t of node.tests) {
    const name = testedValue(node, t);
    if (name === undefined) continue;
    const branch: Record<Sign, number> | undefined =
      typeof t.whenFails === 'boolean' && typeof t.whenNull === 'boolean' && typeof t.whenPositive === 'boolean'
        ? { 'minus-one': t.whenFails ? 0 : 1, negative: t.whenFails ? 0 : 1, zero: t.whenNull ? 0 : 1, positive: t.whenPositive ? 0 : 1 }
        : t.classes && typeof t.whenNull === 'boolean'
          ? { 'minus-one': t.classes.minusOne ? 0 : 1, negative: t.classes.negative ? 0 : 1, zero: t.whenNull ? 0 : 1, positive: t.classes.positive ? 0 : 1 }
          : undefined;
    if (branch) {
      const signsAt = (i: number): Sign[] => SIGNS.filter((sg) => branch[sg] === i);
      const signs = { value: name, at: [signsAt(0), signsAt(1)] };
      const truth = [0, 1].map((i) => judgeSigns(signsAt(i), nonZero));
      const positive = [0, 1].map((i) => judgeSigns(signsAt(i), isPositive));
      if (truth.some((v) => v !== undefined)) out.push({ variable: name, byIndex: truth, signs });
      if (branch.negative !== branch.positive) out.push({ variable: name + POSITIVE, byIndex: positive, signs });
      // `== -1`: whether the value is exactly -1 (what a helper's `return -1;` gives).
      if (branch['minus-one'] !== branch.negative) out.push({ variable: name + MINUS_ONE, byIndex: [0, 1].map((i) => judgeSigns(signsAt(i), isMinusOne)), signs });
      continue;
    }
    if (!('variable' in t.subject) || !t.boolean || t.whenFails === null || t.whenNull === null || t.whenNull === undefined || t.whenFails === t.whenNull) continue;
    const whenTrue = t.whenFails ? 0 : 1;
    const whenFalse = t.whenNull ? 0 : 1;
    const real = name === NOT_ROOT && !t.effective ? { real: true as const } : {};
    out.push({ variable: name, byIndex: node.succ.map((_, i) => (i === whenTrue ? true : i === whenFalse ? false : undefined)), ...real });
  }
  return out;
}

const nonZero = (sg: Sign): boolean => sg !== 'zero';
const isPositive = (sg: Sign): boolean => sg === 'positive';
const isMinusOne = (sg: Sign): boolean => sg === 'minus-one';

/** The signs a value may have, given its flags on the path. */
function knownSigns(flags: ReadonlyMap<string, boolean>, value: string): Sign[] {
  const truth = flags.get(value);
  const positive = flags.get(value + POSITIVE);
  const minusOne = flags.get(value + MINUS_ONE);
  return SIGNS.filter((sg) => (truth === undefined || nonZero(sg) === truth) && (positive === undefined || isPositive(sg) === positive) && (minusOne === undefined || isMinusOne(sg) === minusOne));
}

/** true when every sign in `signs` has the property, false when none has, undefined when they differ or none lead here. */
function judgeSigns(signs: Sign[], property: (s: Sign) => boolean): boolean | undefined {
  if (!signs.length) return undefined;
  if (signs.every(property)) return true;
  if (!signs.some(property)) return false;
  return undefined;
}

/** Set what is known of a value (a constant, or undefined: unknown) as its flags. */
function setValue(flags: Map<string, boolean>, vars: ReadonlySet<string>, name: string, value: number | undefined): void {
  for (const [flag, truth] of [[name, value === undefined ? undefined : value !== 0], [name + POSITIVE, value === undefined ? undefined : value > 0], [name + MINUS_ONE, value === undefined ? undefined : value === -1], [name + ONE, value === undefined ? undefined : value === 1]] as const) {
    if (!vars.has(flag)) continue;
    if (truth === undefined) flags.delete(flag);
    else flags.set(flag, truth);
  }
}

/** Give `name` the value flags read from another value (`[v, v>0]`, undefined where unknown). */
function copyValue(flags: Map<string, boolean>, vars: ReadonlySet<string>, from: (boolean | undefined)[], name: string): void {
  valueFlags(name).forEach((f, i) => {
    if (!vars.has(f)) return;
    if (from[i] === undefined) flags.delete(f);
    else flags.set(f, from[i]!);
  });
}

/** The call that an inlined function's entry node enters, with the arguments that are plain variables, by parameter. */
function boundArguments(node: SuperNode): Map<string, string> | undefined {
  if (node.origin.kind !== 'entry' || !node.chain.length) return undefined;
  const call = node.chain.at(-1)!;
  const bound = new Map<string, string>();
  node.fn.params.forEach((p, i) => {
    const arg = call.args[i]?.text.trim();
    if (p && arg && /^[A-Za-z_]\w*$/.test(arg)) bound.set(p, arg);
  });
  return bound.size ? bound : undefined;
}

/** What the caller's variables passed to an inlined function hold, by parameter (value flags, undefined where unknown). */
function passedValues(node: SuperNode, flags: ReadonlyMap<string, boolean>): Map<string, (boolean | undefined)[]> | undefined {
  const bound = boundArguments(node);
  if (!bound || !flags.size) return undefined;
  return new Map([...bound].map(([p, arg]) => [p, valueFlags(arg).map((f) => flags.get(f))]));
}

/** `name` is `whole` or one of its fields (`u.gid` of `u`). */
function isPartOf(name: string, whole: string): boolean {
  return name === whole || name.startsWith(whole + '.') || name.startsWith(whole + '->');
}

/** Flags that hold what a value is: `v`, `v>0` and `v=-1`. */
function valueFlags(name: string): string[] {
  return [name, name + POSITIVE, name + MINUS_ONE];
}

/**
 * For a node that tests the value of a fork (`if (pid == 0)`, `switch (fork())`): per successor, whether the path
 * goes on in the parent (true) or in the child (false).
 */
function forkBranches(g: Supergraph, node: SuperNode): (boolean | undefined)[] | undefined {
  const values = g.forkValues?.get(node.fn);
  if (!values || !node.tests) return undefined;
  const isForkValue = (t: Test): boolean => ('event' in t.subject ? values.events.has(t.subject.event) : values.variables.has(t.subject.variable));
  const tested = node.tests.filter(isForkValue);
  if (!tested.length) return undefined;
  const { cases } = node.origin;
  if (cases) {
    // A switch: `case 0` is the child; the other cases (a pid, -1 for an error) are the parent, and so is
    // `default` when the child has a case of its own.
    const childCase = cases.some((c) => c.value === 0);
    return node.origin.succ.map((target) => {
      const c = cases.find((k) => k.target === target);
      if (!c || (c.value === 'default' && !childCase) || c.value === null) return undefined;
      return c.value !== 0;
    });
  }
  for (const t of tested) {
    if (typeof t.whenNull !== 'boolean' || typeof t.whenPositive !== 'boolean' || t.whenNull === t.whenPositive) continue;
    const child = t.whenNull ? 0 : 1;
    return child === 0 ? [false, true] : [true, false];
  }
  return undefined;
}

const flagOrderCache = new WeakMap<Supergraph, Map<string, number>>();

/**
 * The key of a combination of flags: one character per flag, its place in the graph's ranking and its value, so
 * that equal combinations have equal keys without comparing names.
 */
export function flagsKey(g: Supergraph, flags: ReadonlyMap<string, boolean>): string {
  if (!flags.size) return '';
  let order = flagOrderCache.get(g);
  if (!order) flagOrderCache.set(g, (order = new Map(flagRanking(g).map((v, i) => [v, i]))));
  const codes: number[] = [];
  let unranked = false;
  flags.forEach((value, v) => {
    const place = order!.get(v);
    if (place === undefined) unranked = true;
    else codes.push((place << 1) | (value ? 1 : 0));
  });
  // A flag outside the ranking (none is expected) keeps its name in the key.
  if (unranked) return [...flags].map(([k, b]) => `${k}=${b}`).sort().join(',');
  // In place, by insertion (a handful of codes: Array.prototype.sort would copy them first).
  for (let i = 1; i < codes.length; i++) {
    const c = codes[i]!;
    let j = i - 1;
    for (; j >= 0 && codes[j]! > c; j--) codes[j + 1] = codes[j]!;
    codes[j + 1] = c;
  }
  return String.fromCharCode(...codes);
}

/**
 * The flags followed in a graph, most telling first: whether the process is root, which process of a fork it is,
 * the variables that keep whether it is root, then the variables that guard the most privilege calls. Where too many combinations meet, the last are given up first.
 */
export function flagRanking(g: Supergraph): string[] {
  const vars = flagVariables(g);
  // Variables that keep whether the process is root come with the process's own flag.
  const rootCopies = new Set(g.nodes.flatMap((n) => n.origin.rootCopies?.map((c) => c.variable) ?? []).filter((v) => vars.has(v)));
  const first = [NOT_ROOT, FORK_PARENT, SAME_IDS, REAL_ROOT].filter((v) => vars.has(v)).concat([...rootCopies]);
  // Which way the build went (`$defined:X`, `$if:X`) is given up first where too many combinations meet: the program's own
  // variables tell its paths apart; a build choice only keeps two builds' code from mixing.
  const rest = [...vars].filter((v) => !first.includes(v));
  return first.concat(
    rest.filter((v) => lateRank(v) === 0),
    rest.filter((v) => lateRank(v) === 1),
    rest.filter((v) => lateRank(v) === 2),
  );
}

/**
 * Flags that come after the program's own variables, given up first where too many combinations meet: whether a
 * value is exactly -1 (1: it only refines what `v` and `v>0` say), then build choices (2).
 */
function lateRank(v: string): number {
  return isBuildChoice(v) ? 2 : v.endsWith(MINUS_ONE) ? 1 : 0;
}

/** The pseudo-variable of a build choice: whether a macro is defined (`#ifdef X` … `#ifndef X`), or non-zero (`#if X`). */
function isBuildChoice(v: string): boolean {
  return v.startsWith('$defined:') || v.startsWith('$if:');
}

/**
 * The flags after a node, as a new map only when the node can change them: most nodes (no events, no assignment,
 * no inlined return) pass their flags on unchanged, and the searches then share the map instead of copying it.
 */
export function constantsAfter(g: Supergraph, node: SuperNode, flags: ReadonlyMap<string, boolean>): Map<string, boolean> {
  const plain = !node.events.length && !node.origin.constants && !node.nonNull && !node.positive && !node.origin.rootCopies && !changedBy(node).length && !node.touches && !node.returnOf && node.origin.kind !== 'return';
  if (plain) return flags as Map<string, boolean>;
  const out = new Map(flags);
  applyConstants(g, node, out);
  return out;
}

/** A node's effect on the flags: constants it assigns, and whether the process is still root after its drops. */
export function applyConstants(g: Supergraph, node: SuperNode, flags: Map<string, boolean>): void {
  // A new fork: which side the path was on before no longer tells the processes apart.
  if (flags.has(FORK_PARENT) && node.events.some((e) => e.kind === 'fork' || g.forkValues?.get(node.fn)?.events.has(e.id))) flags.delete(FORK_PARENT);
  if (!flags.size && !node.origin.constants && !node.origin.values && !node.origin.zeroFills && !node.fills && !node.positive && !node.nonNull && !changesRoot(node) && !node.returnOf && node.origin.kind !== 'return') return;
  const vars = flagVariables(g);
  // What an inlined call returned, before its caller's assignment takes it (`r = f();`) or tests it.
  const returned = node.returnOf ? valueFlags(RETURNED + node.returnOf.call).map((f) => flags.get(f)) : undefined;
  // An inlined function's parameters are its own variables: on entry they take what the caller passed (a variable's
  // known value), and nothing else of the caller's variables of the same names.
  const passed = passedValues(node, flags);
  // A count that was 0 or more and is counted up is positive (`nerrs++` after `int nerrs = 0;`).
  // A nesting counter counted by one: its exact value moves with it.
  const steps = node.origin.steps ? Object.entries(node.origin.steps).filter(([v]) => isCounter(vars, v)).map(([v, k]) => [v, knownClasses(flags, v).flatMap((c) => stepped(c, k))] as const) : undefined;
  const grown = node.origin.increments?.filter((v) => vars.has(v) && !isCounter(vars, v) && knownSigns(flags, v).every((sg) => sg === 'zero' || sg === 'positive'));
  // A copy (`uid = pw->pw_uid;`) takes what is known of the value copied, read before the node changes anything.
  const copied = node.origin.copies && flags.size ? copiesOf(node).map(([to, from]) => [to, from.map((f) => flags.get(f))] as const) : undefined;
  for (const v of changedBy(node)) forget(flags, v);
  // A struct (or a field of it) a call may write: its fields are no longer known.
  for (const t of node.touches ?? []) for (const f of flags.keys()) if (touchedBy(t, f)) flags.delete(f);
  // A struct declared with a brace initialiser: the fields it does not name are 0.
  for (const z of zeroFillsOf(node)) for (const f of vars) {
    const field = f.replace(VALUE_SUFFIX, '');
    if (zeroFilledField(z, field)) setValue(flags, vars, field, 0);
  }
  for (const v of grown ?? []) setValue(flags, vars, v, 1);
  for (const [v, classes] of steps ?? []) setClasses(flags, vars, v, [...new Set(classes)]);
  passed?.forEach((values, p) => copyValue(flags, vars, values, p));
  for (const [to, values] of copied ?? []) copyValue(flags, vars, values, to);
  if (node.origin.constants) for (const [v, value] of Object.entries(node.origin.constants)) if (vars.has(v)) {
    flags.set(v, value);
    if (!value && vars.has(v + POSITIVE)) flags.set(v + POSITIVE, false);
    if (!value && vars.has(v + MINUS_ONE)) flags.set(v + MINUS_ONE, false);
  }
  // A pointer from a lookup that never returns NULL.
  for (const v of node.nonNull ?? []) if (vars.has(v)) flags.set(v, true);
  // A number (`owner = -1;`): what it is, and whether it is the -1 an unset id is kept as.
  if (node.origin.values) for (const [v, value] of Object.entries(node.origin.values)) setValue(flags, vars, v, value);
  // A value a call filled (`sscanf(arg, "%u:%u", &u, &g)` the program survives only when it worked, a parser that
  // dies when it cannot fill the struct) is a value read from the input or a database, not the -1 kept for "unset".
  for (const target of node.fills ?? []) for (const f of vars) if (f.endsWith(MINUS_ONE) && isPartOf(f.slice(0, -MINUS_ONE.length), target)) flags.set(f, false);
  // A count a call fills with a positive number (getgrouplist's, which counts the group it is given).
  for (const v of node.positive ?? []) {
    forget(flags, v);
    if (vars.has(v)) flags.set(v, true);
    if (vars.has(v + POSITIVE)) flags.set(v + POSITIVE, true);
    if (vars.has(v + MINUS_ONE)) flags.set(v + MINUS_ONE, false);
  }
  // `i_am_root = (0 == getuid());`: what is known of the process now, kept in the variable.
  for (const { variable, notRoot } of node.origin.rootCopies ?? []) if (vars.has(variable)) {
    const now = flags.get(NOT_ROOT);
    if (now === undefined) flags.delete(variable);
    else flags.set(variable, notRoot ? now : !now);
  }
  // A permanent uid change leaves the real and the effective uid the same; an effective-only one, who knows.
  if (vars.has(SAME_IDS)) for (const e of node.events) {
    if (e.kind !== 'set-id' || e.idKind !== 'uid' || e.direction === 'probe') continue;
    if (e.scope === 'permanent') flags.set(SAME_IDS, true);
    else flags.delete(SAME_IDS);
  }
  const kept = node.returnOf?.variable;
  if (kept && returned) copyValue(flags, vars, returned, kept);
  // A return of an inlined function: what its caller gets (a constant, what a call returned in turn, or unknown).
  const call = node.origin.kind === 'return' ? node.chain.at(-1) : undefined;
  if (call) {
    if (node.origin.returnsConstant !== undefined) setValue(flags, vars, RETURNED + call.id, node.origin.returnsConstant);
    else if (returned) copyValue(flags, vars, returned, RETURNED + call.id);
    else setValue(flags, vars, RETURNED + call.id, undefined);
  }
  // A comparison with one of the process's own ids (`uid == getuid()`) no longer holds once that id changed.
  for (const e of node.events) if (e.kind === 'set-id' && e.direction !== 'probe') for (const f of flags.keys()) if (readsChangedId(g, f, e)) flags.delete(f);
  if (!vars.has(NOT_ROOT)) return;
  for (const e of node.events) {
    // A chroot that goes on proves the process root: a drop helper's `if (geteuid() != 0) return;` after it does not return.
    if (e.kind === 'chroot') flags.set(NOT_ROOT, false);
    if (e.kind !== 'set-id' || e.idKind !== 'uid' || e.direction === 'probe') continue;
    // The real uid: unchanged by an effective-only change (root if the process was root before a drop), the
    // effective one again after a permanent change.
    if (vars.has(REAL_ROOT)) {
      if (e.scope !== 'effective') flags.delete(REAL_ROOT);
      else if (e.direction === 'drop' && e.target !== 'unchanged' && !flags.has(REAL_ROOT)) {
        const before = flags.get(NOT_ROOT);
        if (before !== true) flags.set(REAL_ROOT, before === false);
      }
    }
    // After seteuid(u) the effective uid is not root: `geteuid() != 0` holds until a raise.
    if (e.direction === 'raise') flags.set(NOT_ROOT, false);
    else if (e.target !== 'unchanged') flags.set(NOT_ROOT, true);
  }
}

const ownIdCache = new WeakMap<Supergraph, Map<string, NonNullable<Test['ownId']>>>();

/** The flags of a graph's tests that compare with one of the process's own ids (`Test.ownId`), with the id read. */
function ownIdFlags(g: Supergraph): Map<string, NonNullable<Test['ownId']>> {
  let out = ownIdCache.get(g);
  if (out) return out;
  out = new Map();
  for (const n of g.nodes) for (const t of n.tests ?? []) if (t.ownId && 'variable' in t.subject) out.set(t.subject.variable, t.ownId);
  ownIdCache.set(g, out);
  return out;
}

/**
 * A flag that compares with an id the set-id event changes: the effective id at any change of that kind of id, the
 * real one at a change that is not effective-only.
 */
function readsChangedId(g: Supergraph, flag: string, e: SetIdEvent): boolean {
  const read = ownIdFlags(g).get(flag);
  return read !== undefined && read.idKind === e.idKind && (read.effective || e.scope !== 'effective');
}

const copiesCache = new WeakMap<CfgNode, [string, string[]][]>();

/** A node's copies (`uid = pw->pw_uid;`): each variable set, with the value flags of what it is set to. */
function copiesOf(node: SuperNode): [string, string[]][] {
  let out = copiesCache.get(node.origin);
  if (!out) copiesCache.set(node.origin, (out = Object.entries(node.origin.copies ?? {}).map(([to, from]) => [to, valueFlags(from)])));
  return out;
}

/**
 * A flag named by an expression (`options & OPT_X`) depends on every variable it mentions, and on the struct fields
 * it names (`ctx->options = 0` forgets `options & OPT_X`).
 */
function mentions(flag: string, variable: string): boolean {
  // `flag === variable + POSITIVE` and so on, without making the strings: asked for every flag at every assignment
  // of every walk, those were a good part of the walks' garbage.
  if (flag.startsWith(variable)) {
    const rest = flag.length - variable.length;
    if (rest === 0 || (rest === POSITIVE.length && flag.endsWith(POSITIVE)) || (rest === MINUS_ONE.length && flag.endsWith(MINUS_ONE)) || (rest === ONE.length && flag.endsWith(ONE))) return true;
  }
  if (!flag.includes(' ')) return false;
  const field = /(?:\.|->)(\w+)$/.exec(variable)?.[1];
  return mentionsName(flag, variable) || (field !== undefined && mentionsName(flag, field));
}

function mentionsName(flag: string, variable: string): boolean {
  const at = flag.indexOf(variable);
  if (at < 0) return false;
  const before = flag[at - 1];
  const after = flag[at + variable.length];
  return (before === undefined || !/[\w.>]/.test(before)) && (after === undefined || !/\w/.test(after));
}

/**
 * The variables whose values a node changes: those it assigns or updates, and, at the entry of an inlined
 * function, its parameters: the callee's `n` is not the variable of the same name its caller tested.
 */
function changedBy(node: SuperNode): string[] {
  const { assigns, updates, kind } = node.origin;
  const params = kind === 'entry' && node.chain.length ? node.fn.params : [];
  if (!updates && !params.length && !node.clobbers) return assigns ?? [];
  return [...(assigns ?? []), ...(updates ?? []), ...params, ...(node.clobbers ?? [])];
}

/** An assignment to `variable` forgets the flags that depend on it. */
function forget(flags: Map<string, boolean>, variable: string): void {
  // (A map's own keys, not a copy of them: deleting the key being visited changes nothing of the visit.)
  for (const f of flags.keys()) if (mentions(f, variable)) flags.delete(f);
}

/** The node changes what is known of root: a uid change, or a chroot (only root, or CAP_SYS_CHROOT, gets past one). */
function changesRoot(node: SuperNode): boolean {
  return node.events.some((e) => (e.kind === 'set-id' && e.idKind === 'uid' && e.direction !== 'probe') || e.kind === 'chroot');
}

/** On this path the process is known not to be root (tested, or after a permanent drop). */
export function knownNotRoot(flags: ReadonlyMap<string, boolean>): boolean {
  return flags.get(NOT_ROOT) === true;
}

/** A flag a node decides: its value along each successor (undefined: not decided there). */
type FlagTest = {
  variable: string;
  byIndex: (boolean | undefined)[];
  /** A test by sign: the value tested and the signs that lead to each successor (its flags are judged together). */
  signs?: { value: string; at: Sign[][] };
  /** A NOT_ROOT test of the real uid (`getuid() != 0`): decided by REAL_ROOT where that is known. */
  real?: true;
  /** A condition on nesting counters' exact values (`up + down > 1`): `variable` names the first. */
  table?: ValueTable;
};
const flagTestCache = new WeakMap<Supergraph, FlagTest[][]>();

/** Flag variables a condition node decides: successor index → (variable → truth). */
function flagTests(g: Supergraph, node: SuperNode): FlagTest[] {
  if (flagOverride) return testsOfFlags(g, node, flagOverride);
  let byNode = flagTestCache.get(g);
  if (!byNode) {
    const vars = flagVariables(g);
    byNode = g.nodes.map((n) => testsOfFlags(g, n, vars));
    flagTestCache.set(g, byNode);
  }
  return byNode[node.id]!;
}

function testsOfFlags(g: Supergraph, n: SuperNode, vars: ReadonlySet<string>): FlagTest[] {
  const tests: FlagTest[] = valueTests(n).filter((t) => vars.has(t.variable));
  const table = n.origin.valueTable;
  if (table && table.variables.every((v) => isCounter(vars, v))) tests.push({ variable: table.variables[0]!, byIndex: [], table });
  if (vars.has(NOT_ROOT)) tests.push(...rootCopyTests(g, n));
  const fork = vars.has(FORK_PARENT) ? forkBranches(g, n) : undefined;
  if (fork) tests.push({ variable: FORK_PARENT, byIndex: fork });
  return tests;
}

const rootCopyCache = new WeakMap<Supergraph, Set<string>>();

/** The variables some node of the graph keeps a root copy in. */
function rootCopyVariables(g: Supergraph): Set<string> {
  let vars = rootCopyCache.get(g);
  if (!vars) rootCopyCache.set(g, (vars = new Set([...g.nodes.flatMap((n) => n.origin.rootCopies?.map((c) => c.variable) ?? []), ...(g.rootCopyGlobals?.keys() ?? [])])));
  return vars;
}

/** How far back a test of a root copy looks for the copy (nodes). */
const ROOT_COPY_REACH = 5_000;

/**
 * A test of a variable that keeps whether the process was root (`i_am_root = (0 == getuid());` … `if (i_am_root)`),
 * where every path into the test comes from such a copy with no uid change, no chroot and no other assignment of the
 * variable between them: the process is still what the copy says, so the test is one of the process itself (as
 * NOT_ROOT). A setup run again after its own drop (a restart loop) then skips the block it guards, even where the
 * copy's own value was given up on the way.
 */
function rootCopyTests(g: Supergraph, node: SuperNode): FlagTest[] {
  const out: FlagTest[] = [];
  for (const t of valueTests(node)) {
    if (t.signs && t.variable !== t.signs.value) continue;
    const notRoot = rootCopyAt(g, node, t.variable);
    if (notRoot === undefined) continue;
    out.push({ variable: NOT_ROOT, byIndex: t.byIndex.map((v) => (v === undefined ? undefined : notRoot ? v : !v)) });
  }
  return out;
}

const predCache = new WeakMap<Supergraph, number[][]>();

function predecessors(g: Supergraph): number[][] {
  let preds = predCache.get(g);
  if (!preds) {
    preds = g.nodes.map(() => []);
    for (const n of g.nodes) for (const s of n.succ) preds[s]!.push(n.id);
    predCache.set(g, preds);
  }
  return preds;
}

/**
 * Whether `variable`, at `node`, is a root copy still true to the process (see rootCopyTests): the copy's polarity
 * (`notRoot`), or undefined when some path into the node does not come straight from such a copy.
 */
function rootCopyAt(g: Supergraph, node: SuperNode, variable: string): boolean | undefined {
  if (!rootCopyVariables(g).has(variable)) return undefined;
  const preds = predecessors(g);
  let polarity: boolean | undefined;
  const seen = new Set<number>([node.id]);
  const work = [...preds[node.id]!];
  if (!work.length) return undefined;
  while (work.length) {
    const id = work.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    if (seen.size > ROOT_COPY_REACH) return undefined;
    const n = g.nodes[id]!;
    const copy = n.origin.rootCopies?.find((c) => c.variable === variable);
    if (changesRoot(n)) return undefined;
    if (copy) {
      if (polarity !== undefined && polarity !== copy.notRoot) return undefined;
      polarity = copy.notRoot;
      continue;
    }
    if (changedBy(n).some((v) => mentions(variable, v)) || n.origin.constants?.[variable] !== undefined) return undefined;
    // At a handler's entry, a global that only ever holds whether the process is root says what the graph starts as.
    const atEntry = id === g.entry ? g.rootCopyGlobals?.get(variable) : undefined;
    if (atEntry !== undefined) {
      if (polarity !== undefined && polarity !== atEntry) return undefined;
      polarity = atEntry;
      continue;
    }
    if (id === g.entry) return undefined;
    // Code no path reaches (after a call that never returns) brings no path into the test.
    work.push(...preds[id]!);
  }
  return polarity;
}

const liveCache = new WeakMap<Supergraph, LiveFlags>();

/**
 * Flags still worth telling apart at each node: some path from it tests the flag before setting it again.
 * Forgetting the others keeps paths that differ only in flags nobody looks at any more from multiplying.
 */
function liveFlags(g: Supergraph): LiveFlags {
  let live = liveCache.get(g);
  if (live) return live;
  const vars = flagVariables(g);
  // Flags a node reads: those it tests, and what an inlined call returned where it is taken (`r = f();`, `return f();`).
  const reads = g.nodes.map((n) => {
    // A condition that stores into a variable before testing it (`(fp = f()) == NULL`) tests the new value: the
    // one that came in is forgotten there (applyConstants), so it is not read. Without this, a helper's local so
    // tested is live all over the program and its value from the last call is told apart everywhere.
    const changed = changedBy(n);
    const read = flagTests(g, n)
      .flatMap((t) => (t.table ? t.table.variables.flatMap(counterFlags) : [t.variable]))
      .filter((f) => !changed.some((c) => mentions(f, c)));
    if (n.returnOf && (n.returnOf.variable !== undefined || n.origin.kind === 'return')) read.push(...valueFlags(RETURNED + n.returnOf.call).filter((f) => vars.has(f)));
    for (const arg of boundArguments(n)?.values() ?? []) read.push(...valueFlags(arg).filter((f) => vars.has(f)));
    if (n.origin.copies) for (const [to, from] of copiesOf(n)) if (valueFlags(to).some((f) => vars.has(f))) read.push(...from.filter((f) => vars.has(f)));
    for (const v of n.origin.increments ?? []) read.push(...counterFlags(v).filter((f) => vars.has(f)));
    for (const v of Object.keys(n.origin.steps ?? {})) read.push(...counterFlags(v).filter((f) => vars.has(f)));
    return read;
  });
  const index = new Map<string, number>();
  for (const v of vars) index.set(v, index.size);
  for (const read of reads) for (const v of read) if (!index.has(v)) index.set(v, index.size);
  const words = Math.max(1, Math.ceil(index.size / 32));
  live = { index, words, bits: new Uint32Array(g.nodes.length * words) };
  if (!vars.size) {
    liveCache.set(g, live);
    return live;
  }
  const mark = (into: Uint32Array, at: number, v: string): void => {
    const i = index.get(v);
    if (i !== undefined) setBit(into, at, i);
  };
  const tested = new Uint32Array(g.nodes.length * words);
  // The flags an assignment of each variable forgets (the same few variables are assigned at thousands of nodes).
  const forgets = new Map<string, string[]>();
  const forgotten = (v: string): string[] => forgets.get(v) ?? forgets.set(v, [...vars].filter((f) => mentions(f, v))).get(v)!;
  // Flags a node sets: what was live after it is not live before it (unless it also reads them).
  const killed = new Uint32Array(g.nodes.length * words);
  for (const n of g.nodes) {
    const at = n.id * words;
    for (const v of reads[n.id]!) mark(tested, at, v);
    for (const v of [...Object.keys(n.origin.constants ?? {}), ...(n.nonNull ?? [])]) if (vars.has(v)) mark(killed, at, v);
    for (const v of changedBy(n)) for (const f of forgotten(v)) mark(killed, at, f);
    if (vars.has(NOT_ROOT) && changesRoot(n)) mark(killed, at, NOT_ROOT);
    if (vars.has(SAME_IDS) && n.events.some((e) => e.kind === 'set-id' && e.idKind === 'uid' && e.direction !== 'probe')) mark(killed, at, SAME_IDS);
    // What an inlined call returns is set at its returns; before its entry it means nothing yet.
    const call = n.origin.kind === 'return' || n.origin.kind === 'entry' ? n.chain.at(-1) : undefined;
    if (call) for (const f of valueFlags(RETURNED + call.id)) if (vars.has(f)) mark(killed, at, f);
    if (vars.has(FORK_PARENT) && n.events.some((e) => e.kind === 'fork' || g.forkValues?.get(n.fn)?.events.has(e.id))) mark(killed, at, FORK_PARENT);
  }
  live.bits = backwardUnion(g.nodes.map((n) => n.succ), words, tested, killed);
  liveCache.set(g, live);
  return live;
}

/** Which flags are live at each node: `bits[node * words + (i >> 5)]` holds flag i's bit (`index`). */
interface LiveFlags {
  index: Map<string, number>;
  words: number;
  bits: Uint32Array;
}

function isLive(live: LiveFlags, node: number, v: string): boolean {
  const i = live.index.get(v);
  return i !== undefined && hasBit(live.bits, node * live.words, i);
}

/** The flags that still matter on arrival at `node`: the others are forgotten. */
export function liveOnly(g: Supergraph, node: number, flags: Map<string, boolean>): Map<string, boolean> {
  if (!flags.size || flagOverride) return flags;
  const live = liveFlags(g);
  let out = flags;
  // Whether the process is root is never forgotten: rules ask it at every drop (`knownNotRoot`). Nor which
  // process of a fork the path is in: the child's and the parent's paths must not meet again.
  for (const v of flags.keys()) if (!isLive(live, node, v) && v !== NOT_ROOT && v !== FORK_PARENT && v !== REAL_ROOT) {
    if (out === flags) out = new Map(flags);
    out.delete(v);
  }
  return out;
}

/** Is the `index`-th successor consistent with what is known of the flags? Refines the flags for that edge. */
export function followEdge(g: Supergraph, node: SuperNode, index: number, flags: Map<string, boolean>): Map<string, boolean> | undefined {
  checkTime();
  let out = flags;
  for (const t of flagTests(g, node)) {
    if (t.table) {
      const along = tableAlong(t.table, out, index);
      if (!along) return undefined;
      const vars = flagVariables(g);
      t.table.variables.forEach((v, k) => {
        if (along[k]!.length === knownClasses(out, v).length) return;
        if (out === flags) out = new Map(flags);
        setClasses(out, vars, v, along[k]!);
      });
      continue;
    }
    if (t.signs) {
      // `v` and `v>0` together: a value known to be negative cannot take the branch of `v >= 0`.
      const possible = knownSigns(out, t.signs.value).filter((sg) => t.signs!.at[index]?.includes(sg));
      if (!possible.length) return undefined;
      const implied = judgeSigns(possible, t.variable === t.signs.value ? nonZero : t.variable === t.signs.value + MINUS_ONE ? isMinusOne : isPositive);
      if (implied === undefined || out.get(t.variable) === implied) continue;
      if (out === flags) out = new Map(flags);
      out.set(t.variable, implied);
      // A counter's flags agree with each other (`v=1` is false once `v` is).
      const vars = flagVariables(g);
      if (isCounter(vars, t.signs.value)) setClasses(out, vars, t.signs.value, knownClasses(out, t.signs.value));
      continue;
    }
    const implied = t.byIndex[index];
    if (implied === undefined) continue;
    // The real uid, known apart from the effective one: root (true), or not known (false); the effective stays as it is.
    const realRoot = t.real ? flags.get(REAL_ROOT) : undefined;
    if (realRoot !== undefined) {
      if (realRoot && implied) return undefined;
      continue;
    }
    const known = flags.get(t.variable);
    if (known !== undefined && known !== implied) return undefined;
    if (out === flags) out = new Map(flags);
    out.set(t.variable, implied);
  }
  return out;
}

/** Flags (variables used as booleans) known on every path into each node: a must-analysis. */
function knownFlags(g: Supergraph): Map<number, Map<string, boolean>> {
  let states = flagCache.get(g);
  if (states) return states;
  states = new Map([[g.entry, entryFlags(g)]]);
  // In reverse postorder: a node is taken once most paths into it have narrowed what it knows (the result is the same
  // in any order; this one takes each node fewer times).
  const work = new RankedWork(reversePostorder(g.nodes.map((n) => n.succ), g.entry));
  work.add(g.entry);
  while (work.size) {
    const id = work.take();
    const node = g.nodes[id]!;
    // A node that changes no flag passes its state on as it is. Stored states are never changed (a narrowed one is
    // replaced by a copy), so nodes share them: most nodes change no flag, and a copy per node was most of the
    // garbage this made.
    const out = constantsAfter(g, node, states.get(id)!);
    node.succ.forEach((s, index) => {
      const edge = followEdge(g, node, index, out);
      if (!edge) return;
      const along = liveOnly(g, s, edge);
      const cur = states!.get(s);
      if (!cur) {
        states!.set(s, along);
        work.add(s);
        return;
      }
      let narrowed: Map<string, boolean> | undefined;
      for (const [k, v] of cur) if (along.get(k) !== v) (narrowed ??= new Map(cur)).delete(k);
      if (narrowed) {
        states!.set(s, narrowed);
        work.add(s);
      }
    });
  }
  flagCache.set(g, states);
  return states;
}

const MAX_STATES = 20_000;

/** Marks a state of a search seen: whether it is new, or 'too many' once the search has seen MAX_STATES. */
function firstVisit(g: Supergraph, seen: Set<string>, id: number, flags: ReadonlyMap<string, boolean>): boolean | 'too many' {
  const key = `${id}|${flagsKey(g, flags)}`;
  if (seen.has(key)) return false;
  if (seen.size > MAX_STATES) return 'too many';
  seen.add(key);
  return true;
}

const instanceEntryCache = new WeakMap<Supergraph, Map<SuperNode['chain'], number>>();
const reachedCache = new WeakMap<Supergraph, Map<string, boolean>>();

/**
 * A check made on the walks' states, which give up the least telling flags where too many combinations meet, made
 * again with every followed flag kept: does some path from the entry of the function (as inlined here) that holds
 * the `index`-th event of `node` reach that event without passing an event `clears` names (`setgid()` before a
 * `setuid()` the walk found without one)? Whatever the path into the function, so the answer stands for every caller.
 * True also when the search grows too large to tell.
 */
export function reachedWithout(g: Supergraph, node: SuperNode, index: number, clears: (e: PrivilegeEvent) => boolean, what: string): boolean {
  let cache = reachedCache.get(g);
  if (!cache) reachedCache.set(g, (cache = new Map()));
  const key = `${what}|${node.id}|${index}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const result = searchWithout(g, node, index, clears);
  cache.set(key, result);
  return result;
}

function searchWithout(g: Supergraph, node: SuperNode, index: number, clears: (e: PrivilegeEvent) => boolean): boolean {
  if (node.events.slice(0, index).some(clears)) return false;
  let entries = instanceEntryCache.get(g);
  if (!entries) {
    entries = new Map();
    for (const n of g.nodes) if (n.origin.kind === 'entry' && !entries.has(n.chain)) entries.set(n.chain, n.id);
    instanceEntryCache.set(g, entries);
  }
  const chain = node.chain;
  const entry = entries.get(chain);
  if (entry === undefined) return true;
  const inside = (n: SuperNode): boolean => n.chain === chain || (n.chain.length > chain.length && chain.every((c, i) => n.chain[i] === c));
  const start = knownFlags(g).get(entry);
  if (!start) return false; // no path consistent with the flags enters the function here
  // The flags that matter here: the graph's own special ones, and every variable a condition of the function tests
  // whose branches differ in reaching the event or an event that `clears` (the walks follow only the few that
  // guard the most privilege calls of the whole graph).
  const region = g.nodes.filter(inside);
  const marks = new Uint8Array(g.nodes.length);
  marks[node.id] = 1;
  for (const n of region) if (n.events.some(clears)) marks[n.id] = 1;
  const own = flagVariables(g);
  const relevant = new Set([NOT_ROOT, FORK_PARENT, SAME_IDS, REAL_ROOT].filter((v) => own.has(v)));
  for (const n of region) for (const t of valueTests(n)) {
    if (relevant.has(t.variable) || t.variable.startsWith(RETURNED)) continue;
    if (decidesNear(g, n, t.variable, marks, inside)) relevant.add(t.variable);
  }
  for (const v of [...relevant]) for (const f of valueFlags(v)) if (!relevant.has(f) && region.some((n) => valueTests(n).some((t) => t.variable === f))) relevant.add(f);
  // Nesting counters, whole: their value tables and steps need every flag of them.
  for (const v of graphCounters(g)) if (own.has(v + ONE) && region.some((n) => n.origin.valueTable?.variables.includes(v) || valueTests(n).some((t) => t.variable === v))) for (const f of counterFlags(v)) relevant.add(f);
  // The rankings and caches of the graph's own flags are made before the search follows others.
  flagRanking(g);
  const startFlags = new Map([...start].filter(([v]) => relevant.has(v)));
  // Where each flag is still to be tested (a node from which some test of it is reachable in the function): a flag
  // no longer tested is dropped, so that it does not split the search for nothing. The process's own are kept.
  const preds = predecessors(g);
  const liveAt = new Map<string, Uint8Array>();
  for (const v of relevant) {
    if (v === NOT_ROOT || v === FORK_PARENT) continue;
    const live = new Uint8Array(g.nodes.length);
    const work = region.filter((n) => testsOfFlags(g, n, relevant).some((t) => t.variable === v || (t.signs && t.signs.value === v))).map((n) => n.id);
    for (const id of work) live[id] = 1;
    while (work.length) for (const p of preds[work.pop()!]!) if (!live[p] && inside(g.nodes[p]!)) {
      live[p] = 1;
      work.push(p);
    }
    liveAt.set(v, live);
  }
  const liveOnlyHere = (id: number, flags: Map<string, boolean>): Map<string, boolean> => {
    let out = flags;
    for (const v of flags.keys()) if (liveAt.get(v)?.[id] === 0) {
      if (out === flags) out = new Map(flags);
      out.delete(v);
    }
    return out;
  };
  flagOverride = relevant;
  try {
    return searchFrom(g, node, entry, liveOnlyHere(entry, startFlags), clears, inside, chain, liveOnlyHere);
  } finally {
    flagOverride = undefined;
  }
}

/** How many nodes past a condition of the re-check's function its branches are compared. */
const DECIDES_REACH = 400;

/**
 * Does one branch of this condition on `variable` reach, within the function and near it, a node marked in `marks`
 * that the other does not? Each branch is followed until the variable is tested again.
 */
function decidesNear(g: Supergraph, cond: SuperNode, variable: string, marks: Uint8Array, inside: (n: SuperNode) => boolean): boolean {
  if (cond.succ.length !== 2) return false;
  const near = (start: number): Set<number> => {
    const found = new Set<number>();
    const seen = new Set<number>([start]);
    const queue = [start];
    for (let i = 0; i < queue.length && i < DECIDES_REACH; i++) {
      const n = g.nodes[queue[i]!]!;
      if (!inside(n)) continue;
      if (marks[n.id]) found.add(n.id);
      if (valueTests(n).some((t) => t.variable === variable)) continue;
      for (const s of n.succ) if (!seen.has(s)) {
        seen.add(s);
        queue.push(s);
      }
    }
    return found;
  };
  const [a, b] = cond.succ.map(near);
  for (const e of a!) if (!b!.has(e)) return true;
  for (const e of b!) if (!a!.has(e)) return true;
  return false;
}

function searchFrom(
  g: Supergraph,
  node: SuperNode,
  entry: number,
  start: Map<string, boolean>,
  clears: (e: PrivilegeEvent) => boolean,
  inside: (n: SuperNode) => boolean,
  chain: SuperNode['chain'],
  liveHere: (id: number, flags: Map<string, boolean>) => Map<string, boolean>,
): boolean {
  const seen = new Set<string>();
  const stack: [number, Map<string, boolean>][] = [[entry, start]];
  while (stack.length) {
    const [id, flags] = stack.pop()!;
    const first = firstVisit(g, seen, id, flags);
    if (first === 'too many') return true;
    if (!first) continue;
    if (id === node.id) return true;
    const n = g.nodes[id]!;
    if (n.dies || n.events.some(clears) || !inside(n)) continue;
    if (n.chain === chain && n.origin.kind === 'exit') continue;
    const after = constantsAfter(g, n, flags);
    n.succ.forEach((s, i) => {
      const along = followEdge(g, n, i, after);
      if (along) stack.push([s, liveHere(s, along)]);
    });
  }
  return false;
}

const restoringCache = new WeakMap<Supergraph, Int32Array>();

/** The nodes of the loops (strongly connected components) in which an event that `restores` happens on some path. */
function restoringLoops(g: Supergraph, restores: (e: PrivilegeEvent) => boolean): Set<number> {
  let components = restoringCache.get(g);
  if (!components) restoringCache.set(g, (components = cycleComponents(g.nodes)));
  const restoring = new Set<number>();
  for (const n of g.nodes) if (components[n.id]! >= 0 && n.events.some(restores)) restoring.add(components[n.id]!);
  const nodes = new Set<number>();
  if (restoring.size) components.forEach((c, id) => {
    if (restoring.has(c)) nodes.add(id);
  });
  return nodes;
}

/**
 * `if (geteuid() != euid && seteuid(euid) != 0) …`: along the branch `index` of `node` the process has the
 * effective id already, and the other branch makes the effective-only change to that same variable: the change that
 * branch stands for (its state after is the call's), or undefined. Walks carry it along the edge (rules/support.ts).
 */
export function skippedCall(g: Supergraph, node: SuperNode, index: number): PrivilegeEvent | undefined {
  const same = node.origin.sameIdAs;
  if (!same?.effective || index !== same.branch || node.succ.length !== 2) return undefined;
  const call = g.nodes[node.succ[1 - index]!]!;
  return call.events.find((e) => e.kind === 'set-id' && e.idKind === same.idKind && e.targetText === same.variable && e.scope === 'effective' && e.direction !== 'probe');
}

/**
 * After `ev` (the `index`-th event of `node`) succeeded, does some path go on — to the end of the program, or
 * into a loop that never ends — without an event that `settles` it? Paths that end the process on an error do
 * not count; any other end of the process (`exit(0)`, `exit(status)`) does. Branches on flag variables are followed consistently
 * (`if (!privileged) return;` in a restore helper is not taken after a drop made only when privileged).
 * With `restores`: a loop in which such an event happens on some path (a privilege-separation monitor that goes
 * back to the privileged id for the requests that need it) keeps the change on purpose; ending the process straight
 * out of it (nothing done between the loop and the end, whatever the status) is that loop's end, not a path on. A
 * loop that never ends still goes on for ever on the paths round it that make no restore.
 */
export function continuesWithout(
  g: Supergraph,
  node: SuperNode,
  index: number,
  ev: PrivilegeEvent,
  settles: (e: PrivilegeEvent) => boolean,
  /** Events that are part of the flagged step itself (the chdir after a chroot), not further work. */
  incidental: (e: PrivilegeEvent) => boolean = () => false,
  /** The flags known on the path that reached the event (a walk's partition); else those known on every path. */
  along?: ReadonlyMap<string, boolean>,
  /** Deliberate restores: a loop with one is a service loop that keeps the change on purpose (see above). */
  restores?: (e: PrivilegeEvent) => boolean,
): boolean {
  const works = (events: PrivilegeEvent[]): boolean => events.some((e) => !incidental(e));
  const serving = restores ? restoringLoops(g, restores) : undefined;
  if (node.events.slice(index + 1).some(settles)) return false;
  if (node.dies) return !node.exitsOnError;
  const forever = foreverNodes(g);
  const known = along ?? knownFlags(g).get(node.id);
  if (!known) return false; // no path consistent with the flags reaches this node
  const start = new Map(known);
  applyConstants(g, node, start);
  // After `ev` succeeded, the variable its status was stored in holds 0 (`chroot_error = chroot(dir);`).
  const stored = ev.result?.kind === 'stored' || ev.result?.kind === 'tested' ? ev.result.variable : undefined;
  if (stored !== undefined && (ev.result?.kind !== 'stored' || (ev.result.failsAs ?? -1) === -1) && flagVariables(g).has(stored)) start.set(stored, false);
  const seen = new Set<string>();
  const fail = failureSuccessor(node, ev);
  // The states explored and their successors: a cycle of states that can never end goes on forever.
  const edges = new Map<string, string[]>();
  const ended = new Set<string>();
  const foreverStates = new Set<string>();
  // `worked`: the path did something after the event, so returning from a function nobody calls is no excuse.
  // `served`: the path came out of a restoring loop (`serving`) and has done nothing since.
  const stack: [number, Map<string, boolean>, boolean, boolean, string | undefined][] = [];
  const keyOf = (id: number, worked: boolean, served: boolean, flags: Map<string, boolean>): string => `${id}|${worked}|${served ? 's' : ''}|${flagsKey(g, flags)}`;
  const push = (from: SuperNode, flags: Map<string, boolean>, skip: number | undefined, worked: boolean, served: boolean, parent: string | undefined): void => {
    from.succ.forEach((s, i) => {
      const skipped = skippedCall(g, from, i);
      if (s === skip || (skipped && settles(skipped))) return;
      const along = followEdge(g, from, i, flags);
      if (along) stack.push([s, liveOnly(g, s, along), worked, served, parent]);
    });
  };
  push(node, start, fail, works(node.events.slice(index + 1)), false, undefined);
  while (stack.length) {
    const [id, flags, workedBefore, servedBefore, parent] = stack.pop()!;
    const key = keyOf(id, workedBefore, servedBefore, flags);
    if (parent !== undefined) edges.get(parent)!.push(key);
    if (seen.has(key)) continue;
    if (seen.size > MAX_STATES) return false;
    seen.add(key);
    edges.set(key, []);
    const n = g.nodes[id]!;
    if (n.events.some(settles)) {
      ended.add(key);
      continue;
    }
    // exec() goes on as another program, with the privileges and the jail this one has.
    if (n.events.some(isExec)) return true;
    const inLoop = serving?.has(id) === true;
    // A dying segment's last event is the call that ends the process: the end itself, not work.
    const served = inLoop || (servedBefore && !works(n.dies ? n.events.slice(0, -1) : n.events));
    if (n.dies) {
      // Ending the process other than on an error (`exit(0)`, `exit(status)`) is the program going on to its end,
      // unless it is a restoring loop's end.
      if (!n.exitsOnError && !served) return true;
      ended.add(key);
      continue;
    }
    const worked = workedBefore || works(n.events);
    if (id === g.exit) {
      // The end of a function nobody in the project calls: unknown callers may still settle it, unless it
      // already went on working. The program's end straight out of a restoring loop is that loop's end.
      if (g.root.isEntry ? !served : worked) return true;
      ended.add(key);
      continue;
    }
    // Inside (or on the way into) a loop that never finishes: it goes on for ever if the path keeps going round.
    if (forever.has(id)) foreverStates.add(key);
    push(n, constantsAfter(g, n, flags), failureSuccessor(n, ev), worked, served, key);
  }
  return loopsForever(edges, ended) || goesRound(edges, ended, foreverStates);
}

/**
 * After `ev` (the `index`-th event of `node`) failed and the program went on: does some path reach an event that
 * `target` names — or, with `orEnd`, the program's going on to its end — before an event that `repairs` the failure
 * (the same effect made again, checked)? Only the failure branch of a test of `ev` is followed. Paths that end the
 * process on an error do not count. An event that `redoes` the effect repairs the failure when it succeeds: the walk
 * goes on as if it failed too, along the failure branch of its test (where it is made, `if (setgroups(0, NULL) != 0
 * && nerrs) err(…);`, or later, of the variable it was stored in), with the flags known on the path: the second
 * attempt dies where the first one's failure was counted.
 */
export function failureReaches(
  g: Supergraph,
  node: SuperNode,
  index: number,
  ev: PrivilegeEvent,
  target: (e: PrivilegeEvent) => boolean,
  repairs: (e: PrivilegeEvent, at: SuperNode) => boolean,
  orEnd: boolean,
  /** A return from the root function counts too: its callers are unknown (nothing that calls it was found). */
  orReturn = false,
  redoes: (e: PrivilegeEvent, at: SuperNode) => boolean = () => false,
): boolean {
  // Events of the same node: first those after `ev`. The redos met are added to `failed`.
  const scan = (n: SuperNode, from: number, failed: PrivilegeEvent[]): 'target' | 'repaired' | PrivilegeEvent[] => {
    let out = failed;
    for (const e of n.events.slice(from)) {
      if (repairs(e, n)) return 'repaired';
      if (redoes(e, n) && (failureIndex(n, e) !== undefined || e.result?.kind === 'stored' || e.result?.kind === 'tested')) out = [...out, e];
      if (target(e)) return 'target';
    }
    return out;
  };
  const first = scan(node, index + 1, [ev]);
  if (first === 'target' || first === 'repaired') return first === 'target';
  // Nothing to reach on any path, whatever the flags: no need to follow them.
  if (!orEnd && !orReturn && ![...reachable(g.nodes, node.succ)].some((id) => g.nodes[id]!.events.some(target))) return false;
  const known = knownFlags(g).get(node.id);
  if (!known) return false;
  const start = new Map(known);
  applyConstants(g, node, start);
  // One set of states seen per set of failed calls (almost always just `ev`).
  const seenBy = new Map<string, Set<string>>();
  const stack: [number, Map<string, boolean>, PrivilegeEvent[]][] = [];
  const push = (from: SuperNode, flags: Map<string, boolean>, failed: PrivilegeEvent[]): void => {
    const taken = failed.map((e) => failureIndex(from, e)).filter((i) => i !== undefined);
    from.succ.forEach((s, i) => {
      if (taken.some((t) => t !== i)) return;
      const along = followEdge(g, from, i, flags);
      if (along) stack.push([s, liveOnly(g, s, along), failed]);
    });
  };
  push(node, start, first);
  const forever = orEnd ? foreverNodes(g) : new Set<number>();
  while (stack.length) {
    const [id, flags, failed] = stack.pop()!;
    const setKey = failed.length > 1 ? failed.map((e) => e.id).join(',') : '';
    let seen = seenBy.get(setKey);
    if (!seen) seenBy.set(setKey, (seen = new Set()));
    const visit = firstVisit(g, seen, id, flags);
    if (visit === 'too many') return true;
    if (!visit) continue;
    const n = g.nodes[id]!;
    // A redo stored in a variable that is assigned again: its failure is no longer told apart.
    const still = failed.length > 1 && n.origin.assigns ? failed.filter((e, k) => k === 0 || !n.origin.assigns!.includes((e.result as { variable?: string } | undefined)?.variable ?? '')) : failed;
    const found = scan(n, 0, still);
    // Into a loop that never finishes: the program goes on (unless the repair comes first, in this node).
    if (found !== 'repaired' && forever.has(id)) return true;
    if (found === 'repaired') continue;
    if (found === 'target') return true;
    if (n.dies) {
      if (orEnd && !n.exitsOnError) return true;
      continue;
    }
    if (id === g.exit) {
      if (orEnd || orReturn) return true;
      continue;
    }
    push(n, constantsAfter(g, n, flags), found);
  }
  return false;
}

/**
 * After `ev` (the `index`-th event of `node`, tested there) failed: does every path consistent with the flags end
 * the process before it leaves the nodes `within` accepts (the failure branch's own code, and the functions inlined
 * there)? False when the test does not show the failure branch, when a path leaves, or when the search grows too
 * large to tell.
 */
export function failureEndsWithin(g: Supergraph, node: SuperNode, index: number, ev: PrivilegeEvent, within: (n: SuperNode) => boolean): boolean {
  const fail = failureIndex(node, ev);
  if (fail === undefined || node.events.length !== index + 1) return false;
  const known = knownFlags(g).get(node.id);
  if (!known) return false;
  const start = new Map(known);
  applyConstants(g, node, start);
  const first = followEdge(g, node, fail, start);
  if (!first) return false;
  const seen = new Set<string>();
  const stack: [number, Map<string, boolean>][] = [[node.succ[fail]!, liveOnly(g, node.succ[fail]!, first)]];
  let ended = false;
  while (stack.length) {
    const [id, flags] = stack.pop()!;
    const visit = firstVisit(g, seen, id, flags);
    if (visit === 'too many') return false;
    if (!visit) continue;
    const n = g.nodes[id]!;
    if (n.dies) {
      ended = true;
      continue;
    }
    if (id === g.exit || !within(n)) return false;
    const after = constantsAfter(g, n, flags);
    n.succ.forEach((s, i) => {
      const along = followEdge(g, n, i, after);
      if (along) stack.push([s, liveOnly(g, s, along)]);
    });
  }
  return ended;
}

/**
 * Some path from the graph's entry, consistent with the flags the walks follow (so a failure a helper returns takes
 * its callers' failure branches), reaches `target` without passing a node `ends` stops at or one that dies. True
 * also when the search grows too large to tell.
 */
export function reachedAvoiding(g: Supergraph, target: number, ends: (n: SuperNode) => boolean): boolean {
  const start = knownFlags(g).get(g.entry);
  if (!start) return false;
  // First only through the nodes that can lead to the target (the states elsewhere cannot reach it): a path found,
  // or too many states among these alone, is the answer. Otherwise the search over every state says whether there
  // are too many to tell (its answer does not depend on the order states are taken in: found, too many, or all seen).
  const toward = leadingTo(g, target);
  if (toward[g.entry] && searchAvoiding(g, start, target, ends, toward)) return true;
  return searchAvoiding(g, start, target, ends, undefined);
}

/** The nodes with a path to `target` that passes no node that dies (the target included). */
function leadingTo(g: Supergraph, target: number): Uint8Array {
  const preds = predecessors(g);
  const marks = new Uint8Array(g.nodes.length);
  marks[target] = 1;
  const work = [target];
  while (work.length) for (const p of preds[work.pop()!]!) if (!marks[p] && !g.nodes[p]!.dies) {
    marks[p] = 1;
    work.push(p);
  }
  return marks;
}

function searchAvoiding(g: Supergraph, start: Map<string, boolean>, target: number, ends: (n: SuperNode) => boolean, only: Uint8Array | undefined): boolean {
  const seen = new Set<string>();
  const stack: [number, Map<string, boolean>][] = [[g.entry, start]];
  while (stack.length) {
    const [id, flags] = stack.pop()!;
    const visit = firstVisit(g, seen, id, flags);
    if (visit === 'too many') return true;
    if (!visit) continue;
    if (id === target) return true;
    const n = g.nodes[id]!;
    if (n.dies || ends(n)) continue;
    const after = constantsAfter(g, n, flags);
    n.succ.forEach((s, i) => {
      if (only && !only[s]) return;
      const along = followEdge(g, n, i, after);
      if (along) stack.push([s, liveOnly(g, s, along)]);
    });
  }
  return false;
}

/** Some state of a never-finishing loop lies on a cycle of states that do not end: the path goes round for ever. */
function goesRound(edges: Map<string, string[]>, ended: Set<string>, foreverStates: Set<string>): boolean {
  if (!foreverStates.size) return false;
  // Tarjan's strongly connected components, iteratively, over the states that do not end.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  let next = 0;
  for (const root of foreverStates) {
    if (index.has(root)) continue;
    const frames: [string, number][] = [[root, 0]];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (frames.length) {
      const frame = frames[frames.length - 1]!;
      const [v, i] = frame;
      const succ = (edges.get(v) ?? []).filter((w) => !ended.has(w));
      if (i < succ.length) {
        frame[1]++;
        const w = succ[i]!;
        if (w === v && foreverStates.has(v)) return true;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          frames.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      frames.pop();
      if (frames.length) {
        const parent = frames[frames.length - 1]![0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1 && component.some((c) => foreverStates.has(c))) return true;
      }
    }
  }
  return false;
}

/** Some explored state cannot reach an end: the flags keep the path in a loop that never ends. */
function loopsForever(edges: Map<string, string[]>, ended: Set<string>): boolean {
  const preds = new Map<string, string[]>();
  for (const [from, tos] of edges) for (const to of tos) {
    const list = preds.get(to);
    if (list) list.push(from);
    else preds.set(to, [from]);
  }
  // A state with no way on (every successor ruled out) is a dead end, not a loop.
  const canEnd = new Set([...ended, ...[...edges].filter(([, tos]) => tos.length === 0).map(([from]) => from)]);
  const work = [...canEnd];
  while (work.length) {
    for (const p of preds.get(work.pop()!) ?? []) if (!canEnd.has(p)) {
      canEnd.add(p);
      work.push(p);
    }
  }
  return canEnd.size < edges.size;
}
