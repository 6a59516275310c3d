import type { PrivilegeEvent, SetIdEvent } from '../model.js';
import type { Rule } from './rule.js';
import { callPath, oneLine } from './support.js';

/** Accounts that many daemons share on common systems. */
const SHARED_ACCOUNTS = new Set(['nobody', 'nfsnobody']);
const NOBODY_ID = 65534;

function dropsToShared(e: PrivilegeEvent): e is SetIdEvent {
  if (e.kind !== 'set-id' || e.idKind !== 'uid' || e.direction !== 'drop') return false;
  return (e.targetUser !== undefined && SHARED_ACCOUNTS.has(e.targetUser)) || e.targetValue === NOBODY_ID;
}

export const sharedNobody: Rule = {
  id: 'shared-nobody',
  severity: 'note',
  short: 'Dropping to nobody (65534), an account shared with other daemons: use a dedicated user.',
  cwe: ['CWE-250', 'CWE-266'],
  securitySeverity: 3.0,
  tags: ['security', 'privilege', 'external/cwe/cwe-250'],
  core: false,
  docs: {
    what: 'Flags a drop of the user id to the account `nobody` (looked up with getpwnam("nobody"), or the id 65534 written as a literal or a macro defined as 65534).',
    why: '`nobody` is meant to own nothing, but every service that drops to it runs as the same user: a compromise of one can signal, ptrace or read the memory of the others, and files any of them creates belong to all of them. A dedicated account per service keeps a compromise inside that service.',
    example: 'struct passwd *pw = getpwnam("nobody");',
    useInstead: 'struct passwd *pw = getpwnam("_mydaemon");\t/* created for this service alone */',
    references: ['CWE-250: Execution with Unnecessary Privileges', 'CWE-266: Incorrect Privilege Assignment', 'SEI CERT POS02-C: Follow the principle of least privilege', 'OpenBSD: every daemon has its own _user'],
  },
  check(ctx) {
    for (const g of ctx.graphs) {
      for (const node of g.nodes) for (const e of node.events) {
        if (!dropsToShared(e)) continue;
        ctx.report({
          loc: e.loc,
          message: `${oneLine(e.text)} drops to ${e.targetUser ? `the account "${e.targetUser}"` : `uid ${NOBODY_ID} (nobody)`}, an account other daemons share: a compromise of one reaches the others.`,
          fix: 'Create an account for this service alone (e.g. `_mydaemon`, no shell, no home) and drop to it: getpwnam("_mydaemon").',
          related: callPath(node),
        });
      }
    }
  },
};
