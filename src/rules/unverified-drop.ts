import { CAP_SETUID, capabilitiesAfter, mayHold } from '../analysis/capabilities.js';
import { continuesWithout } from '../analysis/paths.js';
import type { Supergraph, SuperNode } from '../analysis/supergraph.js';
import { testOfEvent, type PrivilegeEvent } from '../model.js';
import type { Rule } from './rule.js';
import { SAVED_IDS, callPath, effectiveOnlySetId, isPermanentDrop, oneLine, trackSavedIds, walkEvents, writerIn } from './support.js';

/** Calls that read the process's ids: getuid, geteuid, getresuid, their gid forms, process.getuid… */
const ID_QUERY = /(^|\.)get(e|res)?[ug]id$/;
/** How far (nodes) a test of the ids may follow the query, and the ending may follow the test. */
const TEST_DISTANCE = 6;
const END_DISTANCE = 3;

/**
 * From `id`, within a few nodes that only make calls (logging), the process ends, or the function hands a failure
 * status to its caller (`return -1;` in a drop helper whose caller ends the process on it). Reading input is no
 * other work here: a message that names a setting of the environment or the configuration (`getenv`, or a call of
 * a project function that reads one, whose summary the call carries) is still a message.
 */
function endsSoon(g: Supergraph, id: number, depth = END_DISTANCE): boolean {
  const n = g.nodes[id]!;
  if (n.dies) return !n.exitsNormally;
  if (n.origin.kind === 'return' && n.origin.returnsFailure && !n.fn.isEntry) return true;
  if (depth === 0 || n.events.some((e) => e.kind !== 'call' && e.kind !== 'input') || !n.succ.length) return false;
  return n.succ.every((s) => endsSoon(g, s, depth - 1));
}

/** A test at or shortly after `start`, with no other work between, with a branch that ends the process. */
function testThatEnds(g: Supergraph, start: SuperNode): boolean {
  const seen = new Set<number>();
  let frontier = [start.id];
  for (let d = 0; d <= TEST_DISTANCE && frontier.length; d++) {
    const next: number[] = [];
    for (const id of frontier) {
      if (seen.has(id)) continue;
      seen.add(id);
      const n = g.nodes[id]!;
      // Other work between the read and a test (`log(...); … if (write_pidfile()) exit(1);`): that test is not of the ids.
      if (id !== start.id && n.events.some((e) => e.kind === 'call' && !ID_QUERY.test(e.callee))) continue;
      if (n.origin.kind === 'cond' && n.succ.some((s) => endsSoon(g, s))) return true;
      next.push(...n.succ);
    }
    frontier = next;
  }
  return false;
}

/** An attempt to regain an id whose success ends the process (`if (setuid(0) != -1) abort();`). */
function isProbe(g: Supergraph, n: SuperNode, e: PrivilegeEvent): boolean {
  if (e.kind !== 'set-id' || e.direction === 'drop') return false;
  if (e.direction === 'probe') return true;
  const test = testOfEvent(n, e.id);
  const onSuccess = test && test.whenFails !== null ? n.succ[test.whenFails ? 1 : 0] : undefined;
  return onSuccess !== undefined && endsSoon(g, onSuccess);
}

/** Events that verify a drop: a probe, or an id query whose test ends the process. */
function verifications(g: Supergraph): Set<number> {
  const ids = new Set<number>();
  for (const n of g.nodes) for (const e of n.events) {
    const probe = isProbe(g, n, e);
    const query = e.kind === 'call' && ID_QUERY.test(e.callee) && testThatEnds(g, n);
    if (probe || query) ids.add(e.id);
  }
  return ids;
}

export const unverifiedDrop: Rule = {
  id: 'unverified-drop',
  severity: 'note',
  short: 'Nothing verifies after the last permanent drop that it held: regaining root must be shown to fail.',
  cwe: ['CWE-273'],
  securitySeverity: 3.5,
  tags: ['security', 'privilege', 'external/cwe/cwe-273'],
  core: false,
  docs: {
    what: 'Flags the last permanent drop of the user id on a path when the program goes on — to its end, or into a loop that never ends — without verifying it: a probe whose success ends the process (`if (setuid(0) != -1) abort();`), or a read of the ids (getresuid, getuid, geteuid and their gid forms) tested with a branch that ends the process. A drop in a function nobody in the project calls that does nothing more afterwards is left to its callers. A plain setuid() made while the effective uid is set aside with root saved (`seteuid(getuid())` earlier, no `seteuid(0)` since) is no permanent drop: it changes the effective uid alone, and temporary-drop reports it.',
    why: 'A drop can "succeed" and still leave a way back: setuid() semantics differ between systems, a capability-aware kernel or a seccomp policy can make a call a no-op, and a saved id can survive. Checking the return value shows that the call did not fail, not that the privilege is gone. Trying to regain root, and checking the ids, shows it.',
    example: 'if (setresgid(gid, gid, gid) == -1 || setresuid(uid, uid, uid) == -1)\n\terr(1, "drop");\nserve();',
    useInstead: 'if (setresgid(gid, gid, gid) == -1 || setresuid(uid, uid, uid) == -1)\n\terr(1, "drop");\nif (setuid(0) != -1)\n\terrx(1, "privileges were not dropped");\nserve();',
    references: ['CWE-273: Improper Check for Dropped Privileges', 'SEI CERT POS37-C: Ensure that privilege relinquishment is successful', 'Chen, Wagner, Dean: "Setuid Demystified" (USENIX Security 2002)'],
  },
  check(ctx) {
    for (const g of ctx.graphs) {
      const verified = verifications(g);
      const capabilities = capabilitiesAfter(g);
      const settles = (e: PrivilegeEvent): boolean => verified.has(e.id) || isPermanentDrop(e);
      // A plain setuid() made while the effective uid may be set aside with root saved changes the effective uid
      // alone (temporary-drop reports it): no permanent drop, so not the last one. Asked per walk state (shared facts).
      walkEvents(g, [...SAVED_IDS], trackSavedIds, (e, before, node) => {
        if (!isPermanentDrop(e) || effectiveOnlySetId(e, before)) return;
        if (ctx.decidedAt(e.loc)) return; // reported from an earlier state (the first report stands), or not wanted
        const i = node.events.indexOf(e);
        if (!continuesWithout(g, node, i, e, settles)) return;
        // With CAP_SETUID kept across the change (libcap-ng, PR_SET_KEEPCAPS), regaining root right after it
        // succeeds: a probe there would end a correct program. The verification belongs after the capabilities
        // are given up, which no local edit knows; the finding says so and carries no edit.
        const after = capabilities.get(e.id);
        const keepsSetuid = after !== undefined && mayHold(after, CAP_SETUID);
        const verify = writerIn(ctx, g.root).verifyDrop();
        ctx.report({
          loc: e.loc,
          message: `${oneLine(e.text)} is the last permanent drop on some path, and nothing verifies it held: no attempt to regain root is shown to fail, and no check of the ids ends the process.`,
          fix: keepsSetuid ? `CAP_SETUID is kept across this change, so root can still be regained here: give up the kept capabilities, then verify the drop:\n${verify}` : `Verify the drop right after it:\n${verify}`,
          ...(keepsSetuid ? {} : { edit: { kind: 'insert-after' as const, at: e.loc, code: verify } }),
          related: callPath(node),
        });
      });
    }
  },
};
