import { continuesWithout } from '../analysis/paths.js';
import type { PrivilegeEvent } from '../model.js';
import type { Rule } from './rule.js';
import { callPath, oneLine, walkEvents, writerIn } from './support.js';

const CWD = 'cwd=';
const CWD_UNKNOWN = 'cwd?';

/**
 * A chdir that moves the working directory into the new root: an absolute path (resolved inside the jail) or one
 * the code computes. A relative path (`chdir("data")`, `chdir("..")`) resolves against the old working directory,
 * which is still outside.
 */
function entersJail(e: PrivilegeEvent): boolean {
  return e.kind === 'chdir' && !e.relative;
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
    what: 'Flags chroot(path) when some path after it (across functions) goes on without a chdir() into the new root: chdir("/") or another absolute path, which resolves inside the jail. A relative chdir (`chdir("data")`, `chdir("..")`) does not count: it resolves against the old working directory, outside the jail. chroot(".") after chdir(path), and chroot(path) right after chdir(path), are already inside the jail and need nothing more. The failure branch of a tested chroot() needs no chdir.',
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
        (e, before, node, flags) => {
          if (e.kind !== 'chroot' || e.path === '.') return;
          if (before.size === 1 && before.has(CWD + e.path)) return;
          if (ctx.decidedAt(e.loc)) return; // reported from an earlier state (the first report stands), or not wanted
          if (!continuesWithout(g, node, node.events.indexOf(e), e, entersJail, undefined, flags)) return;
          ctx.report({
            loc: e.loc,
            message: `${oneLine(e.text)} is not followed by chdir("/") (or another absolute path) on every path: the working directory stays outside the jail and relative paths lead out of it.`,
            fix: `Change into the jail right after it:\n${writerIn(ctx, g.root).chdirIntoJail(e.path)}`,
            related: callPath(node),
            edit: { kind: 'insert-after', at: e.loc, code: writerIn(ctx, g.root).chdirToRoot() },
          });
        },
      );
    }
  },
};
