/**
 * Which chdir() calls of a function move it into a chroot jail, so that their failure matters: a chdir on the way to
 * a chroot (`chdir(dir)` before `chroot(".")` or `chroot(dir)`), and the first chdir after a chroot that did not
 * enter the jail by itself. A later chdir("/") — the one a daemon makes when it detaches — runs inside the jail
 * already: it fails only where the jail's root is gone, and leaves the process inside the jail either way.
 */
import type { FunctionModel, PrivilegeEvent } from '../model.js';
import { forwardFacts } from './flow.js';

/** The jail is not entered yet: a chroot ran, and no chdir into it since. */
const PENDING = 'jail-pending';
const CWD = 'cwd=';

/** A chdir that moves the working directory into the new root (anything but a relative climb). */
function entersJail(e: PrivilegeEvent): boolean {
  return e.kind === 'chdir' && !e.path.startsWith('..');
}

/** The ids of the chdir events of `fn` whose failure leaves the process outside a jail. */
export function jailEntryChdirs(fn: FunctionModel): Set<number> {
  const { nodes } = fn.cfg;
  const found = new Set<number>();
  if (!nodes.some((n) => n.events.some((e) => e.kind === 'chroot'))) return found;
  const step = (facts: Set<string>, e: PrivilegeEvent): void => {
    if (e.kind === 'chdir' && entersJail(e)) {
      for (const f of [...facts]) if (f === PENDING || f.startsWith(CWD)) facts.delete(f);
      facts.add(CWD + e.path);
    } else if (e.kind === 'chroot') {
      // chroot(".") or chroot(dir) right after chdir(dir): the working directory is the new root already.
      const cwd = [...facts].filter((f) => f.startsWith(CWD));
      if (e.path !== '.' && !(cwd.length === 1 && cwd[0] === CWD + e.path)) facts.add(PENDING);
    }
  };
  const before = forwardFacts(nodes, fn.cfg.entry, [], (facts, node) => {
    for (const e of node.events) step(facts, e);
  });
  // Nodes from which a chroot can still run: a chdir there prepares the jail.
  const toChroot = new Set<number>();
  const preds = new Map<number, number[]>();
  for (const n of nodes) for (const s of n.succ) if (s >= 0) preds.set(s, [...(preds.get(s) ?? []), n.id]);
  const work = nodes.filter((n) => n.events.some((e) => e.kind === 'chroot')).map((n) => n.id);
  while (work.length) {
    const id = work.pop()!;
    for (const p of preds.get(id) ?? []) if (!toChroot.has(p)) {
      toChroot.add(p);
      work.push(p);
    }
  }
  for (const node of nodes) {
    const facts = new Set(before.get(node.id) ?? []);
    node.events.forEach((e, i) => {
      if (e.kind === 'chdir' && (facts.has(PENDING) || toChroot.has(node.id) || node.events.slice(i + 1).some((later) => later.kind === 'chroot'))) found.add(e.id);
      step(facts, e);
    });
  }
  return found;
}
