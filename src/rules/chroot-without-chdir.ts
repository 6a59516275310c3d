import { reachable } from '../analysis/flow.js';
import type { Supergraph, SuperNode } from '../analysis/supergraph.js';
import type { ChrootEvent, PrivilegeEvent } from '../model.js';
import type { Rule } from './rule.js';
import { oneLine, walkEvents } from './support.js';

const CWD = 'cwd=';
const CWD_UNKNOWN = 'cwd?';

/** A chdir that moves the working directory into the new root (anything but a relative climb). */
function entersJail(e: PrivilegeEvent): boolean {
  return e.kind === 'chdir' && !e.path.startsWith('..');
}

/** The successor a test of the chroot's result takes when chroot failed, if known. */
function failureEdge(node: SuperNode, chroot: ChrootEvent, storedIn: string | undefined): number | undefined {
  const test = node.tests?.find((t) => ('event' in t.subject && t.subject.event === chroot.id) || ('variable' in t.subject && t.subject.variable === storedIn));
  if (!test || test.whenFails === null || node.origin.kind !== 'cond') return undefined;
  return node.succ[test.whenFails ? 0 : 1];
}

/** Does some path after the chroot continue — to the end of the root function or into a loop that never ends — without a chdir into the jail? */
function escapesWithoutChdir(g: Supergraph, node: SuperNode, index: number, chroot: ChrootEvent): boolean {
  if (node.events.slice(index + 1).some(entersJail)) return false;
  if (node.dies) return false;
  const storedIn = chroot.result?.kind === 'stored' ? chroot.result.variable : undefined;
  const finishing = new Set<number>();
  // Nodes that can reach the end of the program or a call that ends it.
  const preds = new Map<number, number[]>();
  for (const n of g.nodes) for (const s of n.succ) preds.set(s, [...(preds.get(s) ?? []), n.id]);
  const work = g.nodes.filter((n) => n.dies || n.id === g.exit).map((n) => n.id);
  while (work.length) {
    const id = work.pop()!;
    if (finishing.has(id)) continue;
    finishing.add(id);
    work.push(...(preds.get(id) ?? []));
  }
  const seen = new Set<number>();
  const starts = node.succ.filter((s) => s !== failureEdge(node, chroot, storedIn));
  const stack = [...starts];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const n = g.nodes[id]!;
    if (n.events.some(entersJail) || n.dies) continue;
    if (id === g.exit || !finishing.has(id)) return true;
    const fail = failureEdge(n, chroot, storedIn);
    for (const s of n.succ) if (s !== fail) stack.push(s);
  }
  void reachable;
  return false;
}

export const chrootWithoutChdir: Rule = {
  id: 'chroot-without-chdir',
  severity: 'error',
  short: 'chroot(path) is not followed on every path by chdir("/"): the working directory stays outside the jail.',
  cwe: ['CWE-243'],
  securitySeverity: 7.5,
  tags: ['security', 'chroot', 'external/cwe/cwe-243'],
  core: true,
  docs: {
    what: 'Flags chroot(path) when some path after it (across functions) goes on without a chdir() into the new root. chroot(".") after chdir(path), and chroot(path) right after chdir(path), are already inside the jail and need nothing more. The failure branch of a tested chroot() needs no chdir.',
    why: 'chroot() changes what "/" means but not the working directory. A process whose working directory is outside the new root reaches the whole file system through relative paths ("../../etc/shadow"), so the jail does not hold.',
    example: 'if (chroot("/var/empty") == -1)\n\terr(1, "chroot");\n/* cwd is still outside */',
    useInstead: 'if (chroot("/var/empty") == -1 || chdir("/") == -1)\n\terr(1, "chroot");\n/* or: chdir("/var/empty") then chroot(".") */',
    references: ['CWE-243: Creation of chroot Jail Without Changing Working Directory', 'SEI CERT POS05-C: Limit access to files by creating a jail', 'chroot(2)'],
  },
  check(ctx) {
    for (const g of ctx.graphs) {
      walkEvents(
        g,
        [CWD_UNKNOWN],
        (facts, e) => {
          if (e.kind === 'chdir') {
            for (const f of [...facts]) if (f.startsWith(CWD) || f === CWD_UNKNOWN) facts.delete(f);
            facts.add(CWD + e.path);
          }
        },
        (e, before, node) => {
          if (e.kind !== 'chroot' || e.path === '.') return;
          if (before.size === 1 && before.has(CWD + e.path)) return;
          if (!escapesWithoutChdir(g, node, node.events.indexOf(e), e)) return;
          ctx.report({
            loc: e.loc,
            message: `${oneLine(e.text)} is not followed by chdir("/") on every path: the working directory stays outside the jail and relative paths lead out of it.`,
            fix: `Change into the jail right after it, checked:\nif (chdir("/") == -1)\n\t...end the process...;\nor chdir(${e.path.startsWith('"') || /^[A-Za-z_]/.test(e.path) ? e.path : JSON.stringify(e.path)}) first and then chroot(".").`,
            related: [],
          });
        },
      );
    }
  },
};
