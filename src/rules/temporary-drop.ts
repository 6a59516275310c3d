import { continuesWithout } from '../analysis/paths.js';
import type { PrivilegeEvent, SetIdEvent } from '../model.js';
import type { Rule } from './rule.js';
import { LOWERED, SAVED_IDS, callPath, eventIndex, factIds, isPlainSetId, oneLine, regainsSetIdCapability, sequenceIn, trackSavedIds, walkEvents, writerIn } from './support.js';

/** A later call that ends the temporary state: a deliberate restore, or a permanent drop of the same id. */
function settles(temp: SetIdEvent, e: PrivilegeEvent): boolean {
  return e.kind === 'set-id' && e.idKind === temp.idKind && (e.direction === 'raise' || e.scope === 'permanent');
}

/**
 * The switch back of an effective-only switch of the same id (`seteuid(0)`): a loop that makes one is a monitor that
 * brackets the requests needing root with the pair.
 */
function restores(temp: SetIdEvent, e: PrivilegeEvent): boolean {
  return e.kind === 'set-id' && e.idKind === temp.idKind && e.direction === 'raise' && e.scope === 'effective';
}

export const temporaryDrop: Rule = {
  id: 'temporary-drop',
  severity: 'error',
  short: 'Only the effective id is dropped and nothing restores it or drops it for good: the saved id lets an attacker regain root.',
  cwe: ['CWE-271', 'CWE-273'],
  securitySeverity: 8.0,
  tags: ['security', 'privilege', 'external/cwe/cwe-271'],
  core: true,
  docs: {
    what: 'Flags seteuid()/setegid(), setreuid(-1, u)/setregid(-1, g), setreuid(0, u)/setregid(0, g) (root kept as the real id) and setresuid/setresgid that leave the saved id unchanged, when some path after it (across functions) goes on — to the end of the program or into a loop that never ends — without a deliberate restore (seteuid(0), seteuid(saved_euid)) or a permanent drop of the same id. Paths that end the process on an error, and the failure branch of the call itself, need nothing; nor does the end of a privileged monitor\'s request loop that takes root back (seteuid(0)) for the requests needing it, when the process ends straight out of that loop; nor does an effective-only call made once the same id was dropped for good (`setgid(g)` then `setegid(g)`). Also flags a plain setuid(getuid())/setgid(getgid()) (C, `process.setuid`/`process.setgid`) made while the effective uid is set aside (an earlier seteuid(getuid()), with no seteuid(0) or capability raise since): made without root, setuid() changes only the effective id and the saved id keeps root — the classic set-user-ID pattern `seteuid(getuid()); … setuid(getuid());`. That call is the one reported (take root back first, or use setresuid(u, u, u)), not the seteuid() before it.',
    why: 'Changing only the effective id keeps root as the saved set-user-ID. Any code execution in the process — one memory-safety bug — can call seteuid(0) and is root again. A temporary drop is only correct around a short piece of work that is followed by a restore; for the rest of a program\'s life the drop must be permanent.',
    example: 'if (seteuid(pw->pw_uid) == -1)\n\terr(1, "seteuid");\nserve_clients();',
    useInstead: 'if (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||\n    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)\n\terr(1, "drop");\nserve_clients();',
    references: ['CWE-271: Privilege Dropping / Lowering Errors', 'CWE-273: Improper Check for Dropped Privileges', 'SEI CERT POS37-C: Ensure that privilege relinquishment is successful', 'Chen, Wagner, Dean: "Setuid Demystified" (USENIX Security 2002)'],
  },
  check(ctx) {
    const flagged = new Set<number>();
    for (const g of ctx.graphs) {
      let events: Map<number, PrivilegeEvent> | undefined;
      // One walk for both questions (its states are the program's flags, told apart).
      walkEvents(g, [...SAVED_IDS], trackSavedIds, (e, before, node, flags) => {
        if (flagged.has(e.id)) return;
        // An effective-only drop where the saved id may still be root on a path that reaches it (`if (user)
        // setuid(u); … if (user) seteuid(u);`: the seteuid is made only after the permanent drop). After a permanent
        // drop of the same id (setgid(g) then setegid(g)) the saved id is no longer root.
        if (e.kind === 'set-id' && e.scope === 'effective' && e.direction === 'drop') {
          if (!before.has(e.idKind)) return;
          if (ctx.decidedAt(e.loc)) return; // reported from an earlier state (the first report stands), or not wanted
          if (!continuesWithout(g, node, node.events.indexOf(e), e, (l) => settles(e, l), undefined, undefined, (l) => restores(e, l))) return;
          flagged.add(e.id);
          ctx.report({
            loc: e.loc,
            message: `${oneLine(e.text)} changes only the effective ${e.idKind}, and on some path nothing restores it or drops it permanently afterwards: the ${/(^|\.)setre[ug]id$/.test(e.api) ? 'real or saved' : 'saved'} ${e.idKind} is still privileged, so ${e.idKind === 'uid' ? 'seteuid(0)' : 'setegid(0)'} brings it back.`,
            fix: `Drop permanently (real, effective and saved ids):\n${sequenceIn(ctx, g)}\nor, for a deliberate temporary drop, restore the saved id when the work is done.`,
            related: callPath(node),
          });
          return;
        }
        // A plain setuid()/setgid() made while the effective uid is set aside (seteuid(getuid()) earlier, root kept
        // as the saved uid) has no privilege: it changes only the effective id, and that is the call to fix. Only a
        // return to the real id succeeds so (setuid(getuid())); another target is neither the real nor the saved uid
        // and fails (EPERM), which the failure check handles. Followed with the flags (a helper's status tested by
        // its caller), so that a failure that ends the process is not a path on.
        const lowered = factIds(before, LOWERED);
        if (!isPlainSetId(e) || e.direction !== 'drop' || e.target !== 'invoker' || !lowered.length || !before.has(e.idKind)) return;
        if (ctx.decidedAt(e.loc)) return;
        if (!continuesWithout(g, node, node.events.indexOf(e), e, (l) => settles(e, l) || regainsSetIdCapability(l), undefined, flags)) return;
        flagged.add(e.id);
        events ??= eventIndex(g);
        const by = events.get(lowered[0]!);
        const taker = e.idKind === 'uid' ? 'seteuid(0)' : 'setegid(0)';
        ctx.report({
          loc: e.loc,
          message: `${oneLine(e.text)} is made where the effective uid may be set aside${by ? ` (${oneLine(by.text)})` : ''} with root kept as the saved uid: made without root, ${e.api}() changes only the effective ${e.idKind}, so the saved ${e.idKind} is still privileged and ${taker} brings it back.`,
          fix: `Take root back first (seteuid(0)), then ${e.api}(); or set the real, effective and saved ${e.idKind}s explicitly:\n${writerIn(ctx, g.root).setAllIds(e.idKind, e.targetText, ctx.project.config.platform)}`,
          related: [...(by ? [{ loc: by.loc, message: 'the effective uid set aside here' }] : []), ...callPath(node)],
        });
      });
    }
  },
};
