/**
 * A switch of the whole root file system (an initramfs handing over to the real root): the new root is mounted,
 * the process changes into it, moves that mount onto "/" (`mount(".", "/", NULL, MS_MOVE, NULL)`, or the path it
 * changed into), then `chroot(".")`. The new root is then the root of the mount namespace: nothing lies above it,
 * so there is no jail for root, or a directory descriptor, to walk out of. Only that chroot is spared: one of
 * another directory, a move onto another place, a mount that failed, or a chdir between the move and the chroot
 * (the working directory no longer the moved mount) leave a jail as before.
 */
import { failureIndex } from '../analysis/paths.js';
import type { Supergraph, SuperNode } from '../analysis/supergraph.js';
import type { CallEvent, PrivilegeEvent } from '../model.js';

/** The working directory is not known to be a mount moved onto "/" (on some path). */
const NOT_MOVED = 'root-not-moved';
/** `root-cwd=<path>`: the path of the last chdir. */
const CWD = 'root-cwd=';

/** The facts a walk starts with. */
export const ROOT_SWITCH_START: readonly string[] = [NOT_MOVED];

/** A mount moved onto "/" (the front-end's `movesOntoRoot`). */
function movesOntoRoot(e: PrivilegeEvent): e is CallEvent {
  return e.kind === 'call' && e.movesOntoRoot === true;
}

/**
 * The graph moves a mount onto "/" somewhere: only its walks follow the working directory and the move (the facts
 * of every other graph's walks stay as they were, and none of its chroots is a switch).
 */
export function switchesRootSomewhere(g: Supergraph): boolean {
  return g.nodes.some((n) => n.events.some(movesOntoRoot));
}

/** `mount(src, "/", type, flags with MS_MOVE, data)` where src is the working directory. */
function movesCwdOntoRoot(e: PrivilegeEvent, facts: ReadonlySet<string>): e is CallEvent {
  if (!movesOntoRoot(e)) return false;
  const source = e.args[0]!.text;
  if (source === '.') return true;
  const cwds = [...facts].filter((f) => f.startsWith(CWD));
  return cwds.length === 1 && cwds[0] === CWD + source;
}

/** Transfer: follow the working directory and the move of its mount onto "/". */
export function trackRootSwitch(facts: Set<string>, e: PrivilegeEvent): void {
  if (e.kind === 'chdir') {
    for (const f of [...facts]) if (f.startsWith(CWD)) facts.delete(f);
    facts.add(CWD + e.path);
    facts.add(NOT_MOVED);
  } else if (e.kind === 'chroot') {
    facts.add(NOT_MOVED);
  } else if (movesCwdOntoRoot(e, facts)) {
    facts.delete(NOT_MOVED);
  }
}

/** Edge: on the failure branch of the move, nothing was moved. */
export function rootMoveFailed(facts: ReadonlySet<string>, node: SuperNode, index: number): Set<string> | undefined {
  if (facts.has(NOT_MOVED)) return undefined;
  for (const e of node.events) {
    if (movesOntoRoot(e) && failureIndex(node, e) === index) return new Set([...facts, NOT_MOVED]);
  }
  return undefined;
}

/** `e` is the chroot(".") of a root switch on every path: it enters no jail. */
export function switchesRoot(e: PrivilegeEvent, before: ReadonlySet<string>): boolean {
  return e.kind === 'chroot' && e.path === '.' && !before.has(NOT_MOVED);
}
