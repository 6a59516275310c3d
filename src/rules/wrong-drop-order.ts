import { CAPABILITY_START, capabilityNeeded, mayLack, trackCapabilities } from '../analysis/capabilities.js';
import type { PrivilegeEvent } from '../model.js';
import { cited, lineOf, type Rule } from './rule.js';
import { callPath, deleteFacts, eventIndex, factIds, oneLine, sequenceIn, walkEvents } from './support.js';

const UID_DOWN = 'uid-down:';

/** Calls that need root: a gid change to another group (back to the real gid, `setegid(getgid())`, needs none), setgroups, chroot. */
function needsRoot(e: PrivilegeEvent): boolean {
  return (e.kind === 'set-id' && e.idKind === 'gid' && e.direction === 'drop' && e.target !== 'invoker') || e.kind === 'set-groups' || e.kind === 'chroot';
}

/** The canonical order: chroot, groups, gid, uid. */
function dropRank(e: PrivilegeEvent): number {
  if (e.kind === 'chroot') return 0;
  if (e.kind === 'set-groups') return 1;
  return e.kind === 'set-id' && e.idKind === 'gid' ? 2 : 3;
}

export const wrongDropOrder: Rule = {
  id: 'wrong-drop-order',
  severity: 'error',
  short: 'A call that needs root (setgid, setgroups, chroot) runs after the user id was dropped: it fails or silently keeps privilege.',
  cwe: ['CWE-696', 'CWE-271'],
  securitySeverity: 7.5,
  tags: ['security', 'privilege', 'external/cwe/cwe-696', 'external/cwe/cwe-271'],
  core: true,
  docs: {
    what: 'Follows every path, across functions and files, and flags setgid-family calls, setgroups/initgroups and chroot that run after the user id was dropped (setuid, setresuid, setreuid, seteuid to a non-root id). A gid change back to the real gid (`setegid(getgid())`) needs no privilege and is not flagged, nor a call after a uid change made where the process is known not to be root (a daemon started by an ordinary user, `if (getuid() != 0) setuid(pw->pw_uid);`): it had no root to lose. A test of the real uid tells that only where real and effective uid are the same: not in a set-user-ID program (it returns to the invoking user somewhere, or `programKind` says so) before its permanent drop, where `getuid() != 0` is the invoker and the process is still root, nor after `seteuid(u)` made as root, where the real uid is still root. Not when the process kept the capability the call needs across the uid change: CAP_SETGID for setgid/setgroups, CAP_SYS_CHROOT for chroot, kept with `prctl(PR_SET_KEEPCAPS, 1)` (and not given up since) or chosen with libcap-ng (`capng_update` then `capng_change_id`), libcap (`cap_set_proc`) or `capset`.',
    why: 'Once the process is no longer root, setgid(), setgroups() and chroot() need privileges it does not have: they fail, or — for setgid() of an unprivileged process — change only the effective group and leave the saved group id at 0, so the group privilege can be taken back. Either way the process keeps the group or the file system view it meant to give up.',
    example: 'if (setuid(pw->pw_uid) == -1)\n\terr(1, "setuid");\nif (setgid(pw->pw_gid) == -1)\t/* no longer root: fails */\n\terr(1, "setgid");',
    useInstead: 'if (setgroups(1, &pw->pw_gid) == -1)\n\terr(1, "setgroups");\nif (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1)\n\terr(1, "setresgid");\nif (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)\n\terr(1, "setresuid");',
    references: ['CWE-696: Incorrect Behavior Order', 'CWE-271: Privilege Dropping / Lowering Errors', 'SEI CERT POS36-C: Observe correct revocation order while relinquishing privileges'],
  },
  check(ctx) {
    for (const g of ctx.graphs) {
      const byId = eventIndex(g);
      walkEvents(
        g,
        [...CAPABILITY_START],
        (facts, e, notRoot) => {
          if (e.kind === 'set-id' && e.idKind === 'uid') {
            if (e.direction === 'raise') deleteFacts(facts, UID_DOWN);
            // A process known not to be root (a non-root start, tested: `if (getuid() != 0)` where the real uid is the
            // effective one) has no root to lose: its uid change changes nothing a later setgid needs. After an earlier drop, that drop is the one kept.
            else if (e.direction === 'drop' && !notRoot) facts.add(UID_DOWN + e.id);
          }
          trackCapabilities(facts, e);
        },
        (e, before, node) => {
          if (!needsRoot(e)) return;
          const drop = factIds(before, UID_DOWN).map((id) => byId.get(id)!)[0];
          // A process that kept the capability the call needs across the uid change can still make it.
          if (!drop || !mayLack(before, capabilityNeeded(e)!)) return;
          if (ctx.decidedAt(e.loc)) return; // reported from an earlier state (the first report stands), or not wanted
          ctx.report({
            loc: e.loc,
            message: cited`${oneLine(e.text)} runs after ${oneLine(drop.text)} (line ${lineOf(drop.loc)}) dropped the user id: without root it fails or keeps the privilege. Order: groups, then gid, then uid${e.kind === 'chroot' ? ', with chroot before all of them' : ''}.`,
            fix: `Move ${e.api}() before ${drop.api}() (or keep ${capabilityNeeded(e)} across the uid change: prctl(PR_SET_KEEPCAPS, 1), libcap-ng):\n${sequenceIn(ctx, g)}`,
            related: [{ loc: drop.loc, message: `the user id is dropped here by ${oneLine(drop.text, 60)}` }, ...callPath(node)],
            edit: { kind: 'reorder', calls: [drop, e].map((x) => ({ at: x.loc, rank: dropRank(x) })) },
          });
        },
        undefined,
        { rootAware: true },
      );
    }
  },
};
