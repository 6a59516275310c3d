/** The canonical ordered drop sequence (SPEC), written with the code's own expressions. */
import type { Project } from './analysis/project.js';
import { BUILTIN_NORETURN } from './analysis/project.js';

export interface SequenceTerms {
  uid: string;
  gid: string;
  user?: string;
  jail?: string;
  /** Writes the statement that ends the process after `what` failed. */
  die: (what: string) => string;
}

const dieCache = new WeakMap<Project, (what: string) => string>();

/** The project's own way of dying: its most used noreturn function, else err(3), else perror + exit. */
export function projectDie(project: Project | undefined): (what: string) => string {
  if (!project) return computeDie(undefined);
  let die = dieCache.get(project);
  if (!die) {
    die = computeDie(project);
    dieCache.set(project, die);
  }
  return die;
}

function computeDie(project: Project | undefined): (what: string) => string {
  const counts = new Map<string, number>();
  for (const fn of project?.functions ?? []) for (const call of project!.callsIn(fn)) {
    if (project!.dying.has(call.callee) && !['exit', '_exit', '_Exit', 'abort', 'quick_exit', 'longjmp', 'siglongjmp', 'pthread_exit', '__assert_fail'].includes(call.callee)) {
      counts.set(call.callee, (counts.get(call.callee) ?? 0) + 1);
    }
  }
  const best = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  if (best === 'err' || best === 'errx' || best === 'errc') return (what) => `err(1, "${what}")`;
  if (best && !BUILTIN_NORETURN.includes(best)) return (what) => `${best}("${what}: %s", strerror(errno))`;
  return (what) => `{ perror("${what}"); exit(1); }`;
}

export function checked(call: string, what: string, terms: Pick<SequenceTerms, 'die'>): string {
  return `if (${call} == -1)\n\t${terms.die(what)};`.replace(/};$/, '}');
}

/** C: steps 2–7 of the canonical sequence. */
export function cDropSequence(t: SequenceTerms, platform: 'linux' | 'freebsd' | 'openbsd' | 'macos' = 'linux'): string {
  const lines: string[] = ['/* privileged work first: bind sockets, open logs and keys; then close directory descriptors */'];
  if (t.jail) lines.push(checked(`chdir(${t.jail})`, 'chdir', t), checked('chroot(".")', 'chroot', t));
  lines.push(t.user ? checked(`initgroups(${t.user}, ${t.gid})`, 'initgroups', t) : checked(`setgroups(1, &${t.gid.replace(/^&/, '')})`, 'setgroups', t));
  if (platform === 'macos') {
    lines.push(checked(`setregid(${t.gid}, ${t.gid})`, 'setregid', t), checked(`setreuid(${t.uid}, ${t.uid})`, 'setreuid', t));
  } else {
    lines.push(checked(`setresgid(${t.gid}, ${t.gid}, ${t.gid})`, 'setresgid', t), checked(`setresuid(${t.uid}, ${t.uid}, ${t.uid})`, 'setresuid', t));
  }
  lines.push(`if (setuid(0) != -1)\n\t${t.die('privileges were not dropped')};`.replace(/};$/, '}'));
  lines.push('/* only now parse untrusted input: options, environment, config, network data */');
  return lines.join('\n');
}
