import type { PrivilegeEvent } from '../model.js';
import type { Rule } from './rule.js';
import { oneLine, writerIn } from './support.js';

function whatIsKept(ev: PrivilegeEvent): string {
  switch (ev.kind) {
    case 'set-id':
      return ev.idKind === 'uid' ? 'its user id (often root)' : 'its group id (often gid 0)';
    case 'set-groups':
      return "root's supplementary groups";
    case 'chroot':
      return 'the whole file system in view';
    case 'chdir':
      return 'a working directory outside the jail';
    default:
      return 'its privileges';
  }
}

export const uncheckedReturn: Rule = {
  id: 'unchecked-return',
  severity: 'error',
  short: 'A privilege call whose failure is ignored: the program runs on with the privileges it believes it dropped.',
  cwe: ['CWE-252', 'CWE-273'],
  securitySeverity: 8.0,
  tags: ['security', 'privilege', 'external/cwe/cwe-252', 'external/cwe/cwe-273'],
  core: true,
  docs: {
    what: 'Flags calls of setuid, setgid, setresuid, setresgid, seteuid, setegid, setreuid, setregid, setgroups, initgroups, chroot and the chdir that enters a chroot jail (before `chroot(".")`, or the first after `chroot(dir)`; a later `chdir("/")` inside the jail, such as a daemon\'s when it detaches, needs no check) whose failure is not handled on every path: the result is ignored, cast to `(void)`, stored and never tested, tested only inside `assert()`, or tested by a branch that only logs and carries on. A failure branch that leaves through the project\'s error-exit macros (`ABORT_FINALIZE(e)`, `CHKiRet(f)`) or jumps to a cleanup shared with the success path that then returns an error (in `main`, the status the failure branch set) handles the failure. A project function that returns such a result passes the duty to every caller, and its unchecked calls are flagged. Calls that raise privilege (`seteuid(0)`) are exempt: their failure leaves less privilege, not more.',
    why: 'These calls fail for ordinary reasons: RLIMIT_NPROC reached, a missing capability, a seccomp or SELinux policy, a uid that does not exist in a container. When a drop fails silently the process keeps running as root while every later line of the program assumes it does not. `assert()` disappears when NDEBUG is defined, so it is not a check.',
    example: 'setgroups(1, &pw->pw_gid);\n(void)setgid(pw->pw_gid);\nif (setuid(pw->pw_uid) != 0)\n\tsyslog(LOG_ERR, "setuid failed");\nserve();',
    useInstead: 'if (setgroups(1, &pw->pw_gid) == -1 ||\n    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||\n    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)\n\terr(1, "cannot drop privileges");\nserve();',
    references: ['CWE-252: Unchecked Return Value', 'CWE-273: Improper Check for Dropped Privileges', 'SEI CERT POS37-C: Ensure that privilege relinquishment is successful'],
  },
  check(ctx) {
    for (const fn of ctx.project.functions) {
      if (ctx.project.isShim(fn)) continue;
      for (const node of fn.cfg.nodes) for (const ev of node.events) {
        if (!ctx.judge.needsCheck(fn, ev)) continue;
        const verdict = ctx.judge.judge(fn, ev);
        if (verdict.status !== 'unchecked') continue;
        const inner = ctx.judge.underlying(fn, ev);
        const call = oneLine(ev.text);
        const node = fn.language === 'node';
        const through = inner !== ev ? ` (${ev.api}() ${node ? 'lets the exception of' : 'returns the result of'} ${oneLine(inner.text)}${node ? ' through' : ''})` : '';
        const writer = writerIn(ctx, fn.language);
        const testOf = (text: string): string => (inner !== ev ? writer.checkedStatus(text, ev.api) : writer.checked(text, ev.api));
        const test = testOf(call);
        const statementOnly = ev.result?.kind === 'discarded' || ev.result?.kind === 'void-cast';
        ctx.report({
          loc: ev.loc,
          message: `${call}${through}: ${verdict.why}; if it fails, the process keeps ${whatIsKept(inner)}.`,
          fix: `${node ? 'Let the failure end the process (rethrow, or exit in the handler):' : 'Test the result and end the process when it fails:'}\n${test}`,
          related: inner !== ev ? [{ loc: inner.loc, message: `the privilege call whose result ${ev.api}() returns` }] : [],
          edit: statementOnly ? { kind: 'replace-statement', at: ev.loc, code: testOf(ev.text) } : undefined,
        });
      }
    }
  },
};
