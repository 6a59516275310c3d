import { CAP_SETGID, capabilitiesAfter, mayHold } from '../analysis/capabilities.js';
import { continuesWithout, knownNotRoot, reachedWithout } from '../analysis/paths.js';
import { NOT_ROOT, type Test } from '../model.js';
import type { Project } from '../analysis/project.js';
import type { SuperNode } from '../analysis/supergraph.js';
import type { Rule } from './rule.js';
import { callPath, isPermanentDrop, oneLine, sequenceIn, walkEvents, startsMidway } from './support.js';

const NO_GROUPS = 'no-groups';

export const missingSetgroups: Rule = {
  id: 'missing-setgroups',
  severity: 'error',
  short: "A drop from root with no setgroups()/initgroups() before it: root's supplementary groups stay.",
  cwe: ['CWE-271', 'CWE-250'],
  securitySeverity: 7.0,
  tags: ['security', 'privilege', 'external/cwe/cwe-271'],
  core: true,
  docs: {
    what: 'Flags a permanent drop of the user id to a non-root id (setuid, setresuid, setreuid) that is reached on some path without a setgroups() or initgroups() call before it (or, when the drop keeps CAP_SETGID, after it). Returning to the invoking user of a set-user-ID program (`setuid(getuid())`) is exempt: that user\'s groups are already the process\'s groups; so is a drop reached only past a test that the real uid is not root (`getuid() != 0`, or `if (ruid == 0) return;` where `ruid` is only ever given `getuid()`): the process was started by a user, whose groups it has (a set-user-ID exec does not change them); and so is every drop of a program that `programKind` says is set-user-ID (its groups are the invoker\'s, not root\'s).',
    why: 'setgid() and setuid() do not touch the supplementary group list. A daemon started by root keeps root\'s groups (often `root`, `wheel`, `disk`, `adm`) after it "drops" to a service account, and with them read or write access to everything those groups own.',
    example: 'if (setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1)\n\terr(1, "drop");',
    useInstead: 'if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||\n    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1)\n\terr(1, "drop");',
    references: ['CWE-271: Privilege Dropping / Lowering Errors', 'CWE-250: Execution with Unnecessary Privileges', 'SEI CERT POS36-C: Observe correct revocation order while relinquishing privileges'],
  },
  check(ctx) {
    for (const g of ctx.graphs) {
      // A program configured as set-user-ID has its invoking user's groups, not root's. (Inferred per program it
      // would also silence a program that can run either way: tcpdump drops to its -Z user when run by root.)
      if (ctx.project.config.programKind === 'setuid') continue;
      const capabilities = capabilitiesAfter(g);
      walkEvents(
        g,
        startsMidway(ctx, g) ? [] : [NO_GROUPS],
        (facts, e) => {
          if (e.kind === 'set-groups') facts.delete(NO_GROUPS);
        },
        (e, before, node, flags) => {
          // A process known not to be root has no root groups to shed.
          if (!isPermanentDrop(e) || e.target !== 'other' || !before.has(NO_GROUPS) || knownNotRoot(flags)) return;
          // A process that keeps CAP_SETGID across the uid change may set its groups afterwards.
          const keptSetgid = mayHold(capabilities.get(e.id) ?? new Set(), CAP_SETGID);
          if (ctx.decidedAt(e.loc)) return; // reported from an earlier state (the first report stands), or not wanted
          if (keptSetgid && !continuesWithout(g, node, node.events.indexOf(e), e, (later) => later.kind === 'set-groups', undefined, flags)) return;
          // The walks' states may have given up the flags that tie the drop to its groups: checked again with all of them.
          if (!reachedWithout(g, node, node.events.indexOf(e), (earlier) => earlier.kind === 'set-groups', NO_GROUPS)) return;
          ctx.report({
            loc: e.loc,
            message: `${oneLine(e.text)} drops the user id but no setgroups()/initgroups() runs before it on every path: the process keeps root's supplementary groups.`,
            fix: `Set the groups while still root, before the gid and uid drops:\n${sequenceIn(ctx, g)}`,
            related: callPath(node),
          });
        },
        // Past a test that the real uid is not root, the groups are the invoker's (a set-user-ID exec keeps them), or
        // a permanent drop before the test already left root's: no root groups remain to be shed.
        (facts, node, index) => {
          if (!facts.has(NO_GROUPS) || node.origin.kind !== 'cond' || !node.origin.tests?.some((t) => realNotRootBranch(t, node, ctx.project) === index)) return undefined;
          const out = new Set(facts);
          out.delete(NO_GROUPS);
          return out;
        },
      );
    }
  },
};

/**
 * The successor taken when a test says the real uid is not root: `getuid() != 0`, or `ruid == 0` where `ruid` only
 * ever holds getuid()'s value (`Project.isRealUidCopyIn`).
 */
function realNotRootBranch(t: Test, node: SuperNode, project: Project): number | undefined {
  if (!('variable' in t.subject)) return undefined;
  const v = t.subject.variable;
  // A test of getuid() itself (one of geteuid() or of a saved effective uid is marked `effective`).
  if (v === NOT_ROOT) return !t.effective && typeof t.whenFails === 'boolean' && t.whenNull === !t.whenFails ? (t.whenFails ? 0 : 1) : undefined;
  if (typeof t.whenNull !== 'boolean' || !project.isRealUidCopyIn(node.fn, v)) return undefined;
  // Every value but 0 takes the other branch (a uid is never negative but as -1, "none": that too).
  const notZero = !t.whenNull;
  const positive = t.whenPositive ?? t.classes?.positive;
  const negative = t.classes ? t.classes.negative === notZero && t.classes.minusOne === notZero : t.whenFails === notZero;
  return positive === notZero && negative ? (notZero ? 0 : 1) : undefined;
}
