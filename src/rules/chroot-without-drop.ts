import { CAPABILITY_START, capabilitiesAfter, droppedForGood, keepsChrootCapability, trackCapabilities } from '../analysis/capabilities.js';
import { continuesWithout, knownNotRoot } from '../analysis/paths.js';
import type { PrivilegeEvent } from '../model.js';
import type { Rule } from './rule.js';
import { callPath, isLoginContextDrop, isPermanentDrop, oneLine, sequenceIn, walkEvents, startsMidway } from './support.js';

const NOT_DROPPED = 'not-dropped';

/**
 * After `e` the process is no longer root: a login-class drop, or the uid changed for good without keeping the
 * capability to chroot again (`capabilities` holds after `e`).
 */
function dropsUser(e: PrivilegeEvent, capabilities: ReadonlySet<string> | undefined): boolean {
  if (isLoginContextDrop(e)) return true;
  return (isPermanentDrop(e) || e.kind === 'capability') && capabilities !== undefined && droppedForGood(capabilities);
}

export const chrootWithoutDrop: Rule = {
  id: 'chroot-without-drop',
  severity: 'warning',
  short: 'chroot() while the process stays root afterwards: root walks out of a chroot jail.',
  cwe: ['CWE-243', 'CWE-250'],
  securitySeverity: 7.0,
  tags: ['security', 'chroot', 'privilege', 'external/cwe/cwe-243'],
  core: false,
  docs: {
    what: 'Flags chroot() when some path after it (across functions) goes on — to the end of the program, or into a loop that never ends — without a permanent drop of the user id (setuid, setresuid, setreuid to a non-root id). A drop that keeps CAP_SYS_CHROOT (all capabilities after `prctl(PR_SET_KEEPCAPS, 1)`, or a libcap-ng/libcap set that includes it) is no drop here until the capability is given up: a process that can chroot again can leave the jail. Paths that end the process, the failure branch of the chroot itself, and a chroot in a function nobody in the project calls that does nothing more afterwards (its callers may drop) need nothing.',
    why: 'A chroot jail only holds an unprivileged process. Root inside the jail can leave it: mkdir("x"), chroot("x"), then chdir("..") repeatedly climbs above the old root, because the second chroot moves "/" below the working directory. Root can also mknod a disk device or ptrace a process outside. The jail is only worth something once the user id is dropped for good.',
    example: 'if (chdir("/var/empty") == -1 || chroot(".") == -1)\n\terr(1, "chroot");\nserve();\t/* still root inside the jail */',
    useInstead: 'if (chdir("/var/empty") == -1 || chroot(".") == -1)\n\terr(1, "chroot");\nif (setgroups(1, &pw->pw_gid) == -1 ||\n    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||\n    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)\n\terr(1, "drop");\nserve();',
    references: ['CWE-243: Creation of chroot Jail Without Changing Working Directory', 'CWE-250: Execution with Unnecessary Privileges', 'SEI CERT POS02-C: Follow the principle of least privilege', 'SEI CERT POS05-C: Limit access to files by creating a jail', 'chroot(2): "This call does not change the current working directory ... the superuser can escape"'],
  },
  check(ctx) {
    for (const g of ctx.graphs) {
      const after = capabilitiesAfter(g);
      walkEvents(
        g,
        startsMidway(ctx, g) ? [...CAPABILITY_START] : [NOT_DROPPED, ...CAPABILITY_START],
        (facts, e) => {
          trackCapabilities(facts, e);
          if (dropsUser(e, facts)) facts.delete(NOT_DROPPED);
        },
        (e, before, node, flags) => {
          // A process that already dropped (wrong-drop-order) or is known not to be root is not root in the jail,
          // unless it kept the capability to chroot again across its uid change.
          if (e.kind !== 'chroot' || !before.has(NOT_DROPPED) || (knownNotRoot(flags) && !keepsChrootCapability(before))) return;
          const settles = (later: PrivilegeEvent): boolean => dropsUser(later, after.get(later.id));
          if (ctx.decidedAt(e.loc)) return; // reported from an earlier state (the first report stands), or not wanted
          if (!continuesWithout(g, node, node.events.indexOf(e), e, settles, (later) => later.kind === 'chdir', flags)) return;
          ctx.report({
            loc: e.loc,
            message: `${oneLine(e.text)} is not followed by a permanent drop of the user id on every path: the process stays root inside the jail, and root leaves a chroot (a second chroot into a subdirectory, then chdir("..")).`,
            fix: `Drop the user id for good right after entering the jail:\n${sequenceIn(ctx, g)}`,
            related: [...callPath(node), { loc: e.loc, message: 'chroot() as root; no permanent drop follows on some path' }],
          });
        },
      );
    }
  },
};
