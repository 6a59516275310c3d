import { CAPABILITY_START, capabilitiesAfter, droppedForGood, keepsChrootCapability, regainFailed, trackCapabilities } from '../analysis/capabilities.js';
import { continuesWithout, failureSuccessor, knownNotRoot } from '../analysis/paths.js';
import type { Project } from '../analysis/project.js';
import type { Supergraph, SuperNode } from '../analysis/supergraph.js';
import type { FunctionModel, PrivilegeEvent } from '../model.js';
import { ROOT_SWITCH_START, rootMoveFailed, switchesRoot, switchesRootSomewhere, trackRootSwitch } from './root-switch.js';
import type { Rule } from './rule.js';
import { callPath, isExec, isLoginContextDrop, isPermanentDrop, oneLine, sequenceIn, walkEvents, startsMidway } from './support.js';

const NOT_DROPPED = 'not-dropped';

/**
 * After `e` the process is no longer root: a login-class drop, or the uid changed for good without keeping the
 * capability to chroot again (`capabilities` holds after `e`).
 */
function dropsUser(e: PrivilegeEvent, capabilities: ReadonlySet<string> | undefined): boolean {
  if (isLoginContextDrop(e)) return true;
  return (isPermanentDrop(e) || e.kind === 'capability') && capabilities !== undefined && droppedForGood(capabilities);
}

/**
 * exec() of a program chosen at run time (its path is not a string literal): the command a launcher was asked to
 * run. Also through a function-like macro of the project that stands for an exec (`#define RUN(p, a) execvp(p, a)`).
 */
function runsChosenCommand(project: Project, e: PrivilegeEvent, fromFile: string): boolean {
  if (e.kind !== 'call') return false;
  const program = isExec(e) ? e.args[0] : project.macroExecProgram(e, fromFile);
  return program !== undefined && program !== null && program.literal !== true;
}

/**
 * `e` runs a command chosen at run time: an exec of one, or a call of a project function that never returns and
 * execs one, itself or through the functions it calls (`run_or_die(argv)` → `run(argv[0], argv)` → `execvp`): such
 * a function is not inlined, its exec is in its body.
 */
function startsChosenCommand(project: Project, e: PrivilegeEvent, fromFile: string): boolean {
  if (runsChosenCommand(project, e, fromFile)) return true;
  if (e.kind !== 'call' || !project.isDyingCall(e)) return false;
  const callee = project.resolveCall(e, fromFile);
  return callee !== undefined && execsChosen(project, callee, 2, new Set());
}

function execsChosen(project: Project, fn: FunctionModel, depth: number, seen: Set<FunctionModel>): boolean {
  if (seen.has(fn)) return false;
  seen.add(fn);
  return fn.cfg.nodes.some((n) =>
    n.events.some((x) => {
      if (runsChosenCommand(project, x, fn.file)) return true;
      if (x.kind !== 'call' || depth === 0) return false;
      const callee = project.resolveCall(x, fn.file);
      return callee !== undefined && execsChosen(project, callee, depth - 1, seen);
    }),
  );
}

/**
 * A jail launcher (chroot(1), switch_root): after the chroot the program does nothing but start a command chosen at
 * run time. Some path execs such a command, and no path changes an id or the groups, reads input other than the
 * command line and the environment, forks or opens a directory before it (paths that fail, report and end or return
 * are no work). The process is root because its invoker is, and it hands the jail to the command it was asked to
 * run, with the invoker's ids: there is no drop to miss.
 */
function launches(project: Project, g: Supergraph, node: SuperNode, index: number, e: PrivilegeEvent): boolean {
  // Choosing the command (its arguments, $SHELL) is part of starting it.
  const chooses = (x: PrivilegeEvent): boolean => x.kind === 'input' && (x.source === 'argv' || x.source === 'options' || x.source === 'environment');
  const works = (x: PrivilegeEvent): boolean => x.kind !== 'call' && x.kind !== 'chdir' && x.kind !== 'dir-close' && !chooses(x);
  const launched = (x: PrivilegeEvent, n: SuperNode): boolean => startsChosenCommand(project, x, n.fn.file);
  const rest = node.events.slice(index + 1);
  let launch = false;
  for (const x of rest) {
    if (launched(x, node)) return true;
    if (works(x)) return false;
  }
  const fail = failureSuccessor(node, e);
  const seen = new Set<number>();
  const stack = node.succ.filter((s) => s !== fail);
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const n = g.nodes[id]!;
    let stop = false;
    for (const x of n.events) {
      if (launched(x, n)) {
        launch = true;
        stop = true;
        break;
      }
      if (works(x)) return false;
    }
    if (!stop) for (const s of n.succ) if (!seen.has(s)) stack.push(s);
  }
  return launch;
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
    what: 'Flags chroot() when some path after it (across functions) goes on — to the end of the program, or into a loop that never ends — without a permanent drop of the user id (setuid, setresuid, setreuid to a non-root id). A drop that keeps CAP_SYS_CHROOT (all capabilities after `prctl(PR_SET_KEEPCAPS, 1)`, or a libcap-ng/libcap set that includes it) is no drop here until the capability is given up: a process that can chroot again can leave the jail. Paths that end the process, the failure branch of the chroot itself, and a chroot in a function nobody in the project calls that does nothing more afterwards (its callers may drop) need nothing. A jail launcher (chroot(1), switch_root) is not flagged either: when no path after the chroot changes an id and every path that goes on ends in exec() of a command chosen at run time (not a literal path; also through a project macro that stands for an exec), the process only hands the jail to the command its (root) invoker asked for. Nor is the chroot(".") of a root file system switch: made in the mount just moved onto "/" (`mount(".", "/", NULL, MS_MOVE, NULL)`, or the path the process changed into), it makes the root of the mount namespace the process\'s root, and there is nothing above it to leave for.',
    why: 'A chroot jail only holds an unprivileged process. Root inside the jail can leave it: mkdir("x"), chroot("x"), then chdir("..") repeatedly climbs above the old root, because the second chroot moves "/" below the working directory. Root can also mknod a disk device or ptrace a process outside. The jail is only worth something once the user id is dropped for good.',
    example: 'if (chdir("/var/empty") == -1 || chroot(".") == -1)\n\terr(1, "chroot");\nserve();\t/* still root inside the jail */',
    useInstead: 'if (chdir("/var/empty") == -1 || chroot(".") == -1)\n\terr(1, "chroot");\nif (setgroups(1, &pw->pw_gid) == -1 ||\n    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||\n    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)\n\terr(1, "drop");\nserve();',
    references: ['CWE-243: Creation of chroot Jail Without Changing Working Directory', 'CWE-250: Execution with Unnecessary Privileges', 'SEI CERT POS02-C: Follow the principle of least privilege', 'SEI CERT POS05-C: Limit access to files by creating a jail', 'chroot(2): "This call does not change the current working directory ... the superuser can escape"'],
  },
  check(ctx) {
    for (const g of ctx.graphs) {
      const after = capabilitiesAfter(g);
      const switching = switchesRootSomewhere(g);
      const start = [...CAPABILITY_START, ...(switching ? ROOT_SWITCH_START : [])];
      walkEvents(
        g,
        startsMidway(ctx, g) ? start : [NOT_DROPPED, ...start],
        (facts, e) => {
          trackCapabilities(facts, e);
          if (switching) trackRootSwitch(facts, e);
          if (dropsUser(e, facts)) facts.delete(NOT_DROPPED);
        },
        (e, before, node, flags) => {
          // A process that already dropped (wrong-drop-order) or is known not to be root is not root in the jail,
          // unless it kept the capability to chroot again across its uid change.
          if (e.kind !== 'chroot' || !before.has(NOT_DROPPED) || (knownNotRoot(flags) && !keepsChrootCapability(before))) return;
          // The chroot of a root file system switch enters no jail: the new root is the namespace's.
          if (switching && switchesRoot(e, before)) return;
          const settles = (later: PrivilegeEvent): boolean => dropsUser(later, after.get(later.id));
          if (ctx.decidedAt(e.loc)) return; // reported from an earlier state (the first report stands), or not wanted
          if (!continuesWithout(g, node, node.events.indexOf(e), e, settles, (later) => later.kind === 'chdir', flags)) return;
          if (launches(ctx.project, g, node, node.events.indexOf(e), e)) return;
          ctx.report({
            loc: e.loc,
            message: `${oneLine(e.text)} is not followed by a permanent drop of the user id on every path: the process stays root inside the jail, and root leaves a chroot (a second chroot into a subdirectory, then chdir("..")).`,
            fix: `Drop the user id for good right after entering the jail:\n${sequenceIn(ctx, g)}`,
            related: [...callPath(node), { loc: e.loc, message: 'chroot() as root; no permanent drop follows on some path' }],
          });
        },
        (facts, node, index) => {
          const regained = regainFailed(facts, node, index);
          return (switching ? rootMoveFailed(regained ?? facts, node, index) : undefined) ?? regained;
        },
      );
    }
  },
};
