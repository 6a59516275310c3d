import type { Supergraph } from '../analysis/supergraph.js';
import { NOT_ROOT, type PrivilegeEvent, type SetIdEvent } from '../model.js';
import type { Rule } from './rule.js';
import { callPath, oneLine, programKindOf, walkEvents, writerIn } from './support.js';

const UID_CHANGED = 'uid-changed';
const MAYBE_ROOT = 'maybe-root';

/** Tests of the effective uid (`geteuid() != 0`): node → the successor taken when it is not root. */
function notRootBranches(g: Supergraph): Map<number, number> {
  const branches = new Map<number, number>();
  for (const n of g.nodes) {
    const test = n.tests?.find((t) => 'variable' in t.subject && t.subject.variable === NOT_ROOT && t.whenFails !== null);
    if (test && (test.effective || n.events.some((e) => e.kind === 'call' && /(^|\.)geteuid$/.test(e.callee)))) branches.set(n.id, test.whenFails ? 0 : 1);
  }
  return branches;
}

/** setreuid()/setregid(): whether they set the saved id differs between systems. */
function isSetRe(e: PrivilegeEvent): e is SetIdEvent {
  return e.kind === 'set-id' && /(^|\.)setre[ug]id$/.test(e.api);
}

/** Plain setuid()/setgid(): all three ids only when the caller is root. */
/** Plain setuid(): in a program set-user-ID to another account it leaves that account as the saved uid. */
function isPlainSetuid(e: PrivilegeEvent): e is SetIdEvent {
  return e.kind === 'set-id' && /(^|\.)setuid$/.test(e.api);
}

export const preferSetresuid: Rule = {
  id: 'prefer-setresuid',
  severity: 'warning',
  short: 'setreuid()/setregid(), or setuid() in a process that is not root: the saved id may survive the drop.',
  cwe: ['CWE-271', 'CWE-273'],
  securitySeverity: 5.5,
  tags: ['security', 'privilege', 'portability', 'external/cwe/cwe-271'],
  core: false,
  docs: {
    what: 'Flags two drops whose effect on the saved set-user-ID is not what it seems. (1) setreuid()/setregid() used for a permanent drop (unless the target platform is macOS, which has no setresuid: `platform: macos` in the configuration, or the call sits inside `#ifdef __APPLE__`, or in the fallback for systems without setresuid()/setresgid() that a configure test selects — `#ifdef HAVE_SETRESUID` … `#else`, `#ifndef HAVE_SETRESGID`, `#if !HAVE_SETRESUID`; the effective-only form `setreuid(-1, u)`, and `setreuid(0, u)`, which keeps root as the real id and is temporary on every system, are temporary-drop\'s business). (2) Plain setuid() where the path has already established that the effective uid is not root — a `geteuid() != 0` test (or a test of a variable saved from geteuid()) took the not-root branch, and no later seteuid(0)-style change made it root again — in a program that shows itself set-user-ID (it returns to the invoking user somewhere, or `programKind` says so): this is a program set-user-ID to a non-root account. A daemon that merely also runs without root is not. A test of getuid() does not count: a set-user-ID-root program is still root there. Without root, setuid() changes only the effective id on Linux, the BSDs and macOS, so the saved id (the set-user-ID owner) stays and seteuid() takes it back. The heuristic stays quiet where the code does not show that the process is not root: in a daemon started by root setuid() sets all three ids.',
    why: 'The saved set-user-ID is how a process regains an id it gave up. setreuid()\'s rules for it differ between systems and versions (it is set only when the real id changes, or the effective id differs from the old real id), so a drop that is permanent on one system is temporary on another (CVE-2015-1117-style bugs). setresuid()/setresgid() set the real, effective and saved ids explicitly and fail if they cannot.',
    example: 'if (geteuid() != 0) {\t/* set-user-ID to "games", not root */\n\tif (setuid(getuid()) == -1)\t/* saved uid stays "games" */\n\t\terr(1, "setuid");\n}\nif (setreuid(pw->pw_uid, pw->pw_uid) == -1)\n\terr(1, "setreuid");',
    useInstead: 'if (setresuid(getuid(), getuid(), getuid()) == -1)\n\terr(1, "setresuid");\nif (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)\n\terr(1, "setresuid");',
    references: ['CWE-271: Privilege Dropping / Lowering Errors', 'CWE-273: Improper Check for Dropped Privileges', 'SEI CERT POS37-C: Ensure that privilege relinquishment is successful', 'Chen, Wagner, Dean: "Setuid Demystified" (USENIX Security 2002)', 'CVE-2015-1117'],
  },
  check(ctx) {
    const platform = ctx.project.config.platform;
    for (const g of ctx.graphs) {
      const writer = writerIn(ctx, g.root);
      const report = (e: SetIdEvent, node: Parameters<typeof callPath>[0], why: string): void =>
        ctx.report({
          loc: e.loc,
          message: `${oneLine(e.text)} ${why}`,
          fix: `Set the real, effective and saved ${e.idKind}s explicitly:\n${writer.setAllIds(e.idKind, e.targetText, platform)}`,
          related: callPath(node),
        });
      const euidTests = notRootBranches(g);
      // Not being root tells a set-user-ID program only in one that shows itself so (it returns to the invoking
      // user somewhere, or is configured so): a daemon an ordinary user started is not root either, and its saved
      // uid is its own.
      const setUserId = programKindOf(ctx, g) !== 'daemon';
      walkEvents(
        g,
        [MAYBE_ROOT],
        (facts, e) => {
          // From a non-root process only a change to uid 0 can make it root again (seteuid() back to the owner cannot).
          if (e.kind === 'set-id' && e.idKind === 'uid' && e.direction === 'raise' && e.target === 'root') facts.add(UID_CHANGED);
        },
        (e, before, node) => {
          if (e.kind !== 'set-id' || e.direction !== 'drop') return;
          // macOS has no setresuid(): there setreuid()/setregid() are the right calls (`platform`, or `#ifdef __APPLE__`),
          // as they are in the fallback for any system without it (`#ifdef HAVE_SETRESUID` … `#else`).
          if (isSetRe(e) && e.scope === 'permanent' && platform !== 'macos' && e.platform !== 'macos' && !e.withoutSetres) {
            report(e, node, `relies on setre${e.idKind}()'s rules for the saved ${e.idKind}, which differ between systems: the drop may be temporary.`);
          } else if (isPlainSetuid(e) && !before.has(MAYBE_ROOT) && !before.has(UID_CHANGED) && setUserId) {
            report(e, node, `runs where this path has shown that the effective uid is not root (a set-user-ID program owned by another account): without root, ${e.api}() changes only the effective ${e.idKind}, and the saved ${e.idKind} lets the process take it back.`);
          }
        },
        (facts, node, index) => {
          if (euidTests.get(node.id) !== index || !facts.has(MAYBE_ROOT)) return undefined;
          const refined = new Set(facts);
          refined.delete(MAYBE_ROOT);
          return refined;
        },
      );
    }
  },
};
