import { continuesWithout, knownNotRoot, reachedWithout } from '../analysis/paths.js';
import type { FunctionModel, PrivilegeEvent } from '../model.js';
import type { Supergraph, SuperNode } from '../analysis/supergraph.js';
import type { Rule, RuleContext } from './rule.js';
import { callPath, codeTerms, isPermanentDrop, oneLine, sequenceIn, walkEvents, writerIn, startsMidway } from './support.js';

const GID_KEPT = 'gid-kept';

/** A call that lowers the group id (any scope), or a login-class call that sets it with the groups. */
function setsGid(e: PrivilegeEvent): boolean {
  return (e.kind === 'set-id' && e.idKind === 'gid' && e.direction === 'drop') || (e.kind === 'set-groups' && e.api === 'setusercontext');
}

/** A child started with a uid and no gid (Node `spawn(cmd, args, { uid })`): the child keeps the caller's group. */
function reportChildrenWithoutGid(ctx: RuleContext): void {
  for (const fn of ctx.project.functions) for (const node of fn.cfg.nodes) for (const e of node.events) {
    if (e.kind !== 'spawn' || e.uid === undefined || e.gid !== undefined || e.uid === '0') continue;
    const uid = oneLine(e.uid, 40);
    ctx.report({
      loc: e.loc,
      message: `${oneLine(e.text)} gives the child a uid (${uid}) but no gid: the child keeps this process's group id (0, root's group, in a process started by root).`,
      fix: `Give the child the account's group as well: ${uid === 'uid' ? '{ uid, gid }' : `{ uid: ${uid}, gid }`}, with gid the account's primary group id, looked up with the uid.`,
      related: [],
    });
  }
}

export const missingSetgid: Rule = {
  id: 'missing-setgid',
  severity: 'error',
  short: 'The user id is dropped but the group id never is: the group privileges (often gid 0) remain.',
  cwe: ['CWE-271', 'CWE-250'],
  securitySeverity: 7.0,
  tags: ['security', 'privilege', 'external/cwe/cwe-271'],
  core: false,
  docs: {
    what: 'Flags a permanent drop of the user id to a non-root id when, on some path through it, no drop of the group id (setgid, setresgid, setregid, setegid) comes before or after it. Returning to the invoking user of a set-user-ID program (`setuid(getuid())`) is exempt: its group ids are already the user\'s. So is a process known not to be root. In Node, also a child_process call (spawn, execFile, exec, fork and their Sync forms) or cluster setup whose options give the child a `uid` and no `gid`: the child runs in the caller\'s group.',
    why: 'setuid() does not touch the group ids. A daemon started by root that only drops its user id keeps gid 0 as its real, effective and saved group id, and with it write access to everything group root owns (/etc files, devices, logs). An attacker who takes over the process works with those group rights.',
    example: 'if (setgroups(1, &pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1)\n\terr(1, "drop");\t/* gid is still 0 */',
    useInstead: 'if (setgroups(1, &pw->pw_gid) == -1 ||\n    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||\n    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)\n\terr(1, "drop");',
    references: ['CWE-271: Privilege Dropping / Lowering Errors', 'CWE-250: Execution with Unnecessary Privileges', 'SEI CERT POS36-C: Observe correct revocation order while relinquishing privileges', 'SEI CERT POS37-C: Ensure that privilege relinquishment is successful'],
  },
  check(ctx) {
    if (ctx.projectPass) reportChildrenWithoutGid(ctx);
    for (const g of ctx.graphs) {
      walkEvents(
        g,
        startsMidway(ctx, g) ? [] : [GID_KEPT],
        (facts, e) => {
          if (setsGid(e)) facts.delete(GID_KEPT);
        },
        (e, before, node, flags) => {
          if (!isPermanentDrop(e) || e.target !== 'other' || !before.has(GID_KEPT) || knownNotRoot(flags)) return;
          if (ctx.decidedAt(e.loc)) return; // reported from an earlier state (the first report stands), or not wanted
          if (!continuesWithout(g, node, node.events.indexOf(e), e, setsGid, undefined, flags)) return;
          // The walks' states may have given up the flags that tie the drop to its gid: checked again with all of them.
          if (!reachedWithout(g, node, node.events.indexOf(e), setsGid, GID_KEPT)) return;
          const terms = codeTerms(ctx, g.nodes.flatMap((n) => n.events));
          ctx.report({
            loc: e.loc,
            message: `${oneLine(e.text)} drops the user id, but no setgid()/setresgid() drops the group id on every path through it: the process keeps its group id (often 0, root's group).`,
            fix: `Drop the group id first, while still root:\n${writerIn(ctx, g.root).setAllIds('gid', terms.gid, ctx.project.config.platform)}\nThe whole sequence:\n${sequenceIn(ctx, g)}`,
            related: callPath(node),
          });
        },
        targetZeroEdge(g),
      );
    }
  },
};

/**
 * `if (gid != 0) setresgid(gid, gid, gid);`, `if (t->gid && setregid(t->gid, t->gid))`: along the branch a test
 * of a gid drop's own target takes only when the target is 0, the group wanted is root's, which a process started
 * by root has already: no drop is missing there. So along the branch of `if (gid != getgid())` where the target is
 * the process's own group. Tests in the function of the drop, that tell 0 from every other
 * value (not `gid > 100`), and whose zero branch is not also the one taken when the target is unset (a falsy
 * option in JavaScript). Not where the target is known to be 0 before the test (`gid_t gid = 0;` kept when no group
 * was given): that 0 is the program's own "none", and the uid drop after it keeps root's group.
 */
function targetZeroEdge(g: Supergraph): ((facts: ReadonlySet<string>, node: SuperNode, index: number, flags: ReadonlyMap<string, boolean>) => Set<string> | undefined) | undefined {
  const targets = new Map<FunctionModel, Set<string>>();
  // Tests and targets as the function writes them (not bound to what a caller passed): both in its own names.
  for (const n of g.nodes) for (const e of n.origin.events) {
    if (e.kind !== 'set-id' || !setsGid(e) || !e.targetText) continue;
    let set = targets.get(n.fn);
    if (!set) targets.set(n.fn, (set = new Set()));
    set.add(e.targetText);
  }
  if (!targets.size) return undefined;
  return (facts, node, index, flags) => {
    if (!facts.has(GID_KEPT) || node.origin.kind !== 'cond' || !node.origin.tests || node.succ.length !== 2) return undefined;
    const own = targets.get(node.fn);
    if (!own) return undefined;
    // `if (gid != getgid()) setgid(gid);`: where the target is the group the process has, it has the group wanted.
    const same = node.origin.sameIdAs;
    if (same?.idKind === 'gid' && own.has(same.variable) && index === same.branch) {
      const out = new Set(facts);
      out.delete(GID_KEPT);
      return out;
    }
    for (const t of node.origin.tests) {
      if (!('variable' in t.subject) || !own.has(t.subject.variable)) continue;
      if (t.alsoWhenAbsent || typeof t.whenNull !== 'boolean' || typeof t.whenFails !== 'boolean' || typeof t.whenPositive !== 'boolean') continue;
      if (t.whenFails !== t.whenPositive || t.whenNull === t.whenPositive) continue;
      if (index !== (t.whenNull ? 0 : 1)) continue;
      // Known to be 0 before the test, the target is the program's own default (`gid_t gid = 0;` kept when no group
      // was given), not an account's group that is root's: the gid stays 0 while the uid drops.
      if (flags.get(t.subject.variable) === false) continue;
      const out = new Set(facts);
      out.delete(GID_KEPT);
      return out;
    }
    return undefined;
  };
}
