import type { DirOpenEvent } from '../model.js';
import { failureIndex, knownNotRoot } from '../analysis/paths.js';
import { cited, lineOf, type Rule } from './rule.js';
import { ROOT_SWITCH_START, rootMoveFailed, switchesRoot, switchesRootSomewhere, trackRootSwitch } from './root-switch.js';
import { callPath, deleteFacts, eventIndex, factIds, isDrop, oneLine, walkEvents, writerIn } from './support.js';

const OPEN_DIR = 'dir:';
/** `dir-returned:<id>`: an inlined function returns the open handle (`return dp;`) to its caller. */
const RETURNED = 'dir-returned:';
/** `dir-kept-as:<id>:<variable>`: the caller keeps the handle a function returned in its own variable (`dir = xopendir(p);`). */
const KEPT_AS = 'dir-kept-as:';
/**
 * `dir-handed:<id>`: a function returns an expression that names a handle it keeps in a cleanup-attribute local
 * (`return take_fd(&fd);`, `return fd;`): it may hand the descriptor on before the cleanup runs, so it is not taken
 * as closed.
 */
const HANDED = 'dir-handed:';

export const leakedDirfd: Rule = {
  id: 'leaked-dirfd',
  severity: 'error',
  short: 'A directory descriptor is still open when chroot runs or privileges are dropped: fchdir() on it walks out of the jail.',
  cwe: ['CWE-403', 'CWE-22'],
  securitySeverity: 7.5,
  tags: ['security', 'privilege', 'chroot', 'external/cwe/cwe-403'],
  core: true,
  docs: {
    what: 'Tracks directory descriptors — open()/openat() with O_DIRECTORY or O_PATH, open() of ".", "/" or another directory, opendir()/fdopendir() — along every path and flags the one still open when chroot() runs or when the user or group id is dropped, in a program that enters a jail (a program that never calls chroot() has no jail to walk out of). The chroot(".") of a root file system switch (in the mount just moved onto "/" with MS_MOVE) enters no jail: there is none for a kept descriptor of the old root to lead out of.',
    why: 'A descriptor of a directory outside the jail is a way out of it: `fchdir(fd)` makes it the working directory again, and relative paths from there reach the whole file system. A descriptor opened as root and kept across a drop is a capability the unprivileged process should not have.',
    example: 'int top = open("/", O_RDONLY | O_DIRECTORY);\nif (chroot("/var/empty") == -1 || chdir("/") == -1)\n\terr(1, "chroot");',
    useInstead: 'int top = open("/", O_RDONLY | O_DIRECTORY);\n/* ... use top ... */\nclose(top);\nif (chroot("/var/empty") == -1 || chdir("/") == -1)\n\terr(1, "chroot");',
    references: ['CWE-403: Exposure of File Descriptor to Unintended Control Sphere', 'CWE-22: Improper Limitation of a Pathname to a Restricted Directory', 'SEI CERT FIO22-C: Close files before spawning processes', 'chroot(2): "This call does not close open file descriptors"'],
  },
  check(ctx) {
    for (const g of ctx.graphs) {
      // Only a program that enters a jail can be let out of it: a directory a daemon keeps open on purpose, in a
      // program that never chroots, walks out of nothing.
      if (!g.nodes.some((n) => n.events.some((e) => e.kind === 'chroot'))) continue;
      const byId = eventIndex(g);
      /** The open is kept in `handle`: the variable it was opened into, or one a caller keeps it in. */
      const keptIn = (facts: ReadonlySet<string>, id: number, handle: string): boolean => {
        const open = byId.get(id) as DirOpenEvent;
        return open.handle === handle || open.callersHandle === handle || facts.has(`${KEPT_AS}${id}:${handle}`);
      };
      const closeHandle = (facts: Set<string>, handle: string): void => {
        for (const id of factIds(facts, OPEN_DIR)) if (keptIn(facts, id, handle)) facts.delete(OPEN_DIR + id);
      };
      const switching = switchesRootSomewhere(g);
      /** The function each event of the graph is made in: a cleanup-attribute handle is closed when it returns. */
      const madeIn = new Map(g.nodes.flatMap((n) => n.events.map((e) => [e.id, n.fn] as const)));
      walkEvents(
        g,
        switching ? [...ROOT_SWITCH_START] : [],
        (facts, e) => {
          if (switching) trackRootSwitch(facts, e);
          if (e.kind === 'dir-open' && e.adopts) closeHandle(facts, e.adopts);
          if (e.kind === 'dir-open' && e.handle) facts.add(OPEN_DIR + e.id);
          if (e.kind === 'dir-close') {
            if (e.handle === '*') deleteFacts(facts, OPEN_DIR);
            else closeHandle(facts, e.handle);
          }
        },
        (e, before, node, flags) => {
          if (e.kind !== 'chroot' && !(isDrop(e) && e.scope === 'permanent')) return;
          if (e.kind !== 'chroot' && knownNotRoot(flags)) return;
          // The chroot of a root file system switch: the new root is the namespace's, there is nothing outside it.
          if (switching && switchesRoot(e, before)) return;
          for (const id of factIds(before, OPEN_DIR)) {
            const open = byId.get(id) as DirOpenEvent;
            ctx.report({
              loc: open.loc,
              message: cited`directory descriptor \`${open.handle}\` from ${oneLine(open.text, 60)} is still open when ${oneLine(e.text, 60)} runs (line ${lineOf(e.loc)}): fchdir(${open.handle}) leads back out${e.kind === 'chroot' ? ' of the jail' : ' with the access it was opened with'}.`,
              fix: `Close it before ${e.api}(): ${writerIn(ctx, g.root).closeDir(open)}; (or open it with O_CLOEXEC and close it before the jail is entered).`,
              related: [...callPath(node), { loc: e.loc, message: `${e.api}() runs with \`${open.handle}\` still open` }],
            });
          }
        },
        (facts, node, index) => {
          // On the branch where the open failed there is nothing to close.
          let refined: Set<string> | undefined = switching ? rootMoveFailed(facts, node, index) : undefined;
          for (const id of factIds(facts, OPEN_DIR)) {
            const open = byId.get(id)!;
            if (failureIndex(node, open, open.api === 'opendir' || open.api === 'fdopendir') === index) (refined ??= new Set(facts)).delete(OPEN_DIR + id);
          }
          // A wrapper that returns the handle (`return dp;`) hands it to its caller, which keeps it under its own
          // name (`dir = xopendir(".");`) and closes it by that name.
          const returned = node.origin.kind === 'return' ? node.origin.returnsVariable : undefined;
          if (returned !== undefined) for (const id of factIds(facts, OPEN_DIR)) if (keptIn(facts, id, returned)) (refined ??= new Set(facts)).add(RETURNED + id);
          const named = node.origin.kind === 'return' ? node.origin.returnedVariables : undefined;
          if (named?.length) for (const id of factIds(refined ?? facts, OPEN_DIR)) {
            const open = byId.get(id) as DirOpenEvent;
            if (open.closedOnReturn && madeIn.get(id) === node.fn && named.includes(open.handle)) (refined ??= new Set(facts)).add(HANDED + id);
          }
          const next = g.nodes[node.succ[index]!]!;
          const after = next.returnOf;
          // Leaving an inlined function: the handles it keeps in locals declared with a cleanup attribute are closed
          // by the compiler's call as its scope ends (`__attribute__((cleanup(close_fd))) int fd = open(…)`), unless
          // what it returns names them.
          if (after && next.chain.length < node.chain.length) for (const id of factIds(refined ?? facts, OPEN_DIR)) {
            if (!(byId.get(id) as DirOpenEvent).closedOnReturn || madeIn.get(id) !== node.fn) continue;
            refined ??= new Set(facts);
            if (!refined.delete(HANDED + id)) refined.delete(OPEN_DIR + id);
          }
          if (after) for (const id of factIds(refined ?? facts, RETURNED)) {
            refined ??= new Set(facts);
            refined.delete(RETURNED + id);
            if (after.variable !== undefined) refined.add(`${KEPT_AS}${id}:${after.variable}`);
          }
          return refined;
        },
      );
    }
  },
};
