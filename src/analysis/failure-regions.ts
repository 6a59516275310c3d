/**
 * Where a function handles a privilege call's failure: the nodes only its failure branch reaches (not the code the
 * branch rejoins). Read by the supergraphs, which look closer at the calls made there (`Project.survivalGuard`) and
 * read an end of the process there as an end on an error, and by unchecked-return, which asks whether every
 * program's paths through them end the process.
 */
import type { CfgNode, FunctionModel, PrivilegeEvent } from '../model.js';
import type { Project } from './project.js';

/** A call whose failure the program must handle, as the function's graph shows it (not a raise, not a probe). */
function isPrivilegeCall(e: PrivilegeEvent): boolean {
  return (e.kind === 'set-id' && e.direction === 'drop') || e.kind === 'set-groups' || e.kind === 'chroot' || e.kind === 'chdir';
}

const regionCache = new WeakMap<CfgNode, (Set<number> | undefined)[]>();

/**
 * The nodes of `fn` that the `index`-th branch of the condition `cond` reaches and its other branch does not.
 */
export function branchOnly(fn: FunctionModel, cond: CfgNode, index: number): Set<number> {
  let byIndex = regionCache.get(cond);
  if (!byIndex) regionCache.set(cond, (byIndex = []));
  let region = byIndex[index];
  if (region) return region;
  const { nodes } = fn.cfg;
  const reach = (start: number): Set<number> => {
    const seen = new Set<number>();
    const work = start >= 0 ? [start] : [];
    while (work.length) {
      const id = work.pop()!;
      if (seen.has(id) || id === cond.id) continue;
      seen.add(id);
      for (const s of nodes[id]!.succ) if (s >= 0) work.push(s);
    }
    return seen;
  };
  const other = reach(cond.succ[1 - index] ?? -1);
  region = new Set([...reach(cond.succ[index] ?? -1)].filter((id) => !other.has(id)));
  byIndex[index] = region;
  return region;
}

/**
 * What is cached of a function for one project: whether a call's callee hands a status back depends on the other
 * functions of the project, and a function's model may be shared by the projects an editor builds.
 */
function cacheIn<T>(caches: WeakMap<Project, WeakMap<FunctionModel, T>>, project: Project): WeakMap<FunctionModel, T> {
  let cache = caches.get(project);
  if (!cache) caches.set(project, (cache = new WeakMap()));
  return cache;
}

const statusCaches = new WeakMap<Project, WeakMap<FunctionModel, boolean>>();

/**
 * (C) The function hands a privilege call's status back to its caller (`return setuid(u);`, or `rc = chroot(d); …
 * return rc;`), that call's own or a call's of another such function: a test of its value is a test of that call.
 */
function returnsPrivilegeStatus(project: Project, fn: FunctionModel): boolean {
  const statusCache = cacheIn(statusCaches, project);
  const known = statusCache.get(fn);
  if (known !== undefined) return known;
  statusCache.set(fn, false); // a recursive call hands back nothing more
  const returned = new Set(fn.cfg.nodes.flatMap((n) => (n.kind === 'return' ? (n.returnedVariables ?? []) : [])));
  const handsBack = (e: PrivilegeEvent): boolean => e.result?.kind === 'returned' || (e.result?.kind === 'stored' && returned.has(e.result.variable));
  const result = fn.language === 'c' && fn.cfg.nodes.some((n) => n.events.some((e) => handsBack(e) && isFailingCall(project, fn, e)));
  statusCache.set(fn, result);
  return result;
}

/** A call whose failure the program must handle: a privilege call, or a call of a project function that returns one's status. */
function isFailingCall(project: Project, fn: FunctionModel, e: PrivilegeEvent): boolean {
  if (isPrivilegeCall(e)) return true;
  if (e.kind !== 'call') return false;
  const callee = project.resolveCall(e, fn.file);
  return callee !== undefined && callee !== fn && returnsPrivilegeStatus(project, callee);
}

const failureNodeCaches = new WeakMap<Project, WeakMap<FunctionModel, Set<number>>>();

/**
 * The nodes of `fn` on the failure branch of a privilege call tested where it is made (`if (setuid(u) < 0)
 * report(…);`), or of a call of a project function that returns such a call's status (`if (become(u) != 0)
 * report(…);`, `become` ending with `return setuid(u);`), and only there.
 */
export function failureOnlyNodes(project: Project, fn: FunctionModel): Set<number> {
  const failureNodeCache = cacheIn(failureNodeCaches, project);
  let out = failureNodeCache.get(fn);
  if (out) return out;
  out = new Set();
  for (const n of fn.cfg.nodes) {
    if (n.kind !== 'cond' || n.succ.length !== 2) continue;
    for (const t of n.tests ?? []) {
      if (!('event' in t.subject) || typeof t.whenFails !== 'boolean') continue;
      const id = t.subject.event;
      if (!n.events.some((e) => e.id === id && isFailingCall(project, fn, e))) continue;
      for (const m of branchOnly(fn, n, t.whenFails ? 0 : 1)) out.add(m);
    }
  }
  failureNodeCache.set(fn, out);
  return out;
}
