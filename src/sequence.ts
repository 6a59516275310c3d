/**
 * What to write instead, per language: the canonical ordered drop sequence (SPEC) and the small edits rules
 * suggest, written with the code's own expressions. Rules stay language-neutral by asking `writerFor(language)`.
 */
import type { Project } from './analysis/project.js';
import { BUILTIN_NORETURN } from './analysis/project.js';
import type { PrivlintConfig } from './config.js';
import type { DirOpenEvent, Language, MessageShape } from './model.js';
import { isValuePath } from './value-paths.js';

export type Platform = PrivlintConfig['platform'];

export interface SequenceTerms {
  uid: string;
  gid: string;
  user?: string;
  jail?: string;
}

/** Writes code in one language. */
export interface CodeWriter {
  language: Language;
  /** A statement that runs `call` and ends the process when it fails. */
  checked(call: string, what: string): string;
  /** `call` returns the status of a privilege call: test it and end the process when it is not success. */
  checkedStatus(call: string, what: string): string;
  /** Closes the handle a directory open produced. */
  closeDir(open: DirOpenEvent): string;
  /** A checked `chdir("/")`: into the root of a jail just entered. */
  chdirToRoot(): string;
  /** The working-directory change that must follow `chroot(jail)`. */
  chdirIntoJail(jail: string): string;
  /** A checked statement that sets the real, effective and saved uid (or gid) to `target`. */
  setAllIds(idKind: 'uid' | 'gid', target: string, platform?: Platform): string;
  /** Step 7: a statement that ends the process unless the drop held. */
  verifyDrop(): string;
  /** Steps 2–7 of the canonical sequence. */
  dropSequence(terms: SequenceTerms, platform?: Platform): string;
}

const dieCache = new WeakMap<Project, Map<string, (what: string) => string>>();

/**
 * The project's own way of dying (C): its most used noreturn function that takes a message, else perror + exit.
 * `file`: where the code is written: a static function of another file cannot be called there.
 */
export function projectDie(project: Project | undefined, file = ''): (what: string) => string {
  if (!project) return computeDie(undefined, file);
  let byFile = dieCache.get(project);
  if (!byFile) dieCache.set(project, (byFile = new Map()));
  let die = byFile.get(file);
  if (!die) {
    die = computeDie(project, file);
    byFile.set(file, die);
  }
  return die;
}

const LIBC_ENDINGS = ['exit', '_exit', '_Exit', 'abort', 'quick_exit', 'longjmp', 'siglongjmp', 'pthread_exit', '__assert_fail'];

/** err(3) and its variants: `err(1, "what")` is written for all of them. */
const ERR_FAMILY = ['err', 'errx', 'errc'];

/**
 * The project's most called C function that never returns and takes an error message (`die(const char *msg)`,
 * `fatal(const char *fmt, ...)`, err(3)): `usage(void)` or `cleanup_and_exit(int)` cannot say what failed. Only the
 * calls that pass it written text count (`die("…")`, `die(_("…"))`): `usage(const char *progname)`, called with the
 * program's name, takes a string that is no message.
 */
function computeDie(project: Project | undefined, file: string): (what: string) => string {
  // Of the unit's ways of dying, those the file can call.
  const counts = project ? dyingCallsOf(project).filter(([name]) => project.callableFrom(name, file)) : [];
  const [best, , shape] = counts.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [];
  if (shape === 'err') return (what) => `err(1, "${what}")`;
  // A message-only function (`die("setuid")`) takes no format arguments; a printf-like one gets the error text.
  if (shape === 'message') return (what) => `${best}("${what}")`;
  if (shape === 'format') return (what) => `${best}("${what}: %s", strerror(errno))`;
  return (what) => `{ perror("${what}"); exit(1); }`;
}

const dyingCallsCache = new WeakMap<Project, [string, number, MessageShape | 'err'][]>();

/**
 * The names the unit's C code calls that never return and take a message, with how often they are called with a
 * message (any call for err(3) and its variants), counted in the text of every C file of the unit (its lexical
 * index), parsed or not.
 */
function dyingCallsOf(project: Project): [string, number, MessageShape | 'err'][] {
  let found = dyingCallsCache.get(project);
  if (found) return found;
  found = [];
  for (const [name, [all, withText]] of project.callCounts) {
    // Upper-case names are macros, often test assertions (`ASSERT_INT_EQ(a, b)`), not the program's error function.
    if (/^[A-Z0-9_]+$/.test(name) || LIBC_ENDINGS.includes(name) || !project.nameDies(name)) continue;
    const shape = ERR_FAMILY.includes(name) ? 'err' : BUILTIN_NORETURN.includes(name) ? undefined : project.messageShape(name);
    if (!shape) continue;
    // The project's own calls show the string is a message: `die("cannot open")`, not `usage(progname)`.
    const calls = shape === 'err' ? all : withText;
    if (calls) found.push([name, calls, shape]);
  }
  dyingCallsCache.set(project, found);
  return found;
}

/**
 * setgroups()'s list of one group: the address of the variable that holds it (`&pw->pw_gid`), or a compound literal
 * for a value that has no address (`(gid_t[]){ 1000 }`, `(gid_t[]){ getgid() }`).
 */
function groupList(gid: string): string {
  const value = gid.replace(/^&/, '');
  return isValuePath(value) && !/^[A-Z][A-Z0-9_]*$/.test(value) ? `&${value}` : `(gid_t[]){ ${value} }`;
}

function cWriter(die: (what: string) => string): CodeWriter {
  const ifFails = (test: string, what: string): string => `if (${test})\n\t${die(what)};`.replace(/};$/, '}');
  const checked = (call: string, what: string): string => ifFails(`${call} == -1`, what);
  // macOS has no setresuid(): setreuid() by root sets the saved id too when the real id changes.
  const setAllIds = (idKind: 'uid' | 'gid', target: string, platform: Platform = 'linux'): string => {
    const fn = `set${platform === 'macos' ? 're' : 'res'}${idKind}`;
    return checked(`${fn}(${Array(platform === 'macos' ? 2 : 3).fill(target).join(', ')})`, fn);
  };
  const verifyDrop = (): string => ifFails('setuid(0) != -1', 'privileges were not dropped');
  /**
   * Steps 5 and 6. For macOS, setregid()/setreuid() under `#ifdef __APPLE__`, which says why they are used and keeps
   * setresgid()/setresuid() wherever the same code is built elsewhere.
   */
  const setIds = (t: SequenceTerms, platform: Platform): string[] => {
    const ids = (p: Platform): string[] => [setAllIds('gid', t.gid, p), setAllIds('uid', t.uid, p)];
    if (platform !== 'macos') return ids(platform);
    return ['#ifdef __APPLE__', '/* macOS has no setresuid(): as root, setregid()/setreuid() of both ids set the saved ids too */', ...ids('macos'), '#else', ...ids('linux'), '#endif'];
  };
  return {
    language: 'c',
    checked,
    checkedStatus: (call, what) => ifFails(`${call} != 0`, what),
    closeDir: (open) => (open.api === 'opendir' || open.api === 'fdopendir' ? `closedir(${open.handle})` : `close(${open.handle})`),
    chdirToRoot: () => checked('chdir("/")', 'chdir'),
    chdirIntoJail: (jail) =>
      `${checked('chdir("/")', 'chdir')}\n/* or change into it first: chdir(${/^["A-Za-z_]/.test(jail) ? jail : JSON.stringify(jail)}), checked, then chroot(".") */`,
    setAllIds,
    verifyDrop,
    dropSequence(t, platform = 'linux') {
      const lines: string[] = ['/* privileged work first: bind sockets, open logs and keys; then close directory descriptors */'];
      const groups = t.user ? checked(`initgroups(${t.user}, ${t.gid})`, 'initgroups') : checked(`setgroups(1, ${groupList(t.gid)})`, 'setgroups');
      // initgroups() reads the group database, which is not inside the jail: it comes first then.
      if (t.jail && t.user) lines.push(groups);
      if (t.jail) lines.push(checked(`chdir(${t.jail})`, 'chdir'), checked('chroot(".")', 'chroot'));
      if (!(t.jail && t.user)) lines.push(groups);
      lines.push(...setIds(t, platform), verifyDrop());
      lines.push('/* only now parse untrusted input: options, environment, config, network data */');
      return lines.join('\n');
    },
  };
}

/** A Node call whose exception ends the process: uncaught, or caught only to report it and exit. */
function nodeExitOnFailure(call: string, what: string): string {
  return `try {\n  ${call};\n} catch (err) {\n  console.error('${what} failed:', err);\n  process.exit(1);\n}`;
}

/** Node: the process.* calls throw on failure; letting the exception end the process is the check. */
const nodeWriter: CodeWriter = {
  language: 'node',
  checked: (call, what) => nodeExitOnFailure(call, what),
  checkedStatus: (call, what) => nodeExitOnFailure(call, what),
  closeDir: (open) => (open.api.endsWith('opendirSync') || open.api.endsWith('opendir') ? `${open.handle}.closeSync()` : `fs.closeSync(${open.handle})`),
  chdirToRoot: () => `process.chdir('/');`,
  chdirIntoJail: () => `process.chdir('/');`,
  // process.setuid()/setgid() set all three ids when the process is root; Node has no setresuid().
  setAllIds: (idKind, target) => `process.set${idKind}(${target});`,
  verifyDrop: () =>
    [`if (process.getuid() === 0 || process.geteuid() === 0 || process.getgid() === 0 || process.getegid() === 0) {`, `  throw new Error('privileges were not dropped');`, `}`].join('\n'),
  dropSequence(t) {
    const lines = ['// privileged work first: bind sockets, open logs and keys; then close directory handles'];
    if (t.jail) lines.push(`posix.chroot(${t.jail});`, `process.chdir('/');`);
    lines.push(t.user ? `process.initgroups(${t.user}, ${t.gid});` : `process.setgroups([${t.gid}]);`);
    lines.push(nodeWriter.setAllIds('gid', t.gid), nodeWriter.setAllIds('uid', t.uid), nodeWriter.verifyDrop());
    lines.push('// only now parse untrusted input: options, environment, config, network data');
    return lines.join('\n');
  },
};

/** The writer for a language; C uses the project's own dying function. */
export function writerFor(language: Language, project?: Project, file?: string): CodeWriter {
  return language === 'node' ? nodeWriter : cWriter(projectDie(project, file));
}
