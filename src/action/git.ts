/**
 * Git in the checkout: the lines a pull request changed, from the event's base commit to the commit checked out,
 * fetching the base (and enough history to find where the branches met) when the checkout is shallow.
 * Nothing of the repository's is run: no external diff drivers, no textconv filters, no prompts for credentials.
 */
import { spawnSync } from 'node:child_process';
import { parseUnifiedDiff, type ChangedLines } from './diff.js';

export class GitError extends Error {}

/** Depths tried, in turn, when a shallow checkout does not reach the commit where the pull request's branch started. */
const DEEPEN_STEPS = [50, 1000];

function git(args: string[], cwd: string): string {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_EXTERNAL_DIFF: '', LC_ALL: 'C' },
  });
  if (r.error) throw new GitError(`git ${args[0]}: ${r.error.message}`);
  if (r.status !== 0) throw new GitError(`git ${args.join(' ')}: ${r.stderr.trim() || `exit status ${r.status}`}`);
  return r.stdout;
}

function tryGit(args: string[], cwd: string): string | undefined {
  try {
    return git(args, cwd);
  } catch (e) {
    if (e instanceof GitError) return undefined;
    throw e;
  }
}

/** The top of the work tree `dir` is in, if it is in one. */
export function repositoryRoot(dir: string): string | undefined {
  return tryGit(['rev-parse', '--show-toplevel'], dir)?.trim() || undefined;
}

/** The commit checked out. */
export function revision(cwd: string): string | undefined {
  return tryGit(['rev-parse', 'HEAD'], cwd)?.trim() || undefined;
}

function hasCommit(sha: string, cwd: string): boolean {
  return tryGit(['cat-file', '-e', `${sha}^{commit}`], cwd) !== undefined;
}

/** The parents a commit records, whether or not a shallow checkout holds them. */
function recordedParents(sha: string, cwd: string): string[] {
  const header = git(['cat-file', 'commit', sha], cwd).split('\n\n')[0]!;
  return [...header.matchAll(/^parent ([0-9a-f]+)$/gm)].map((m) => m[1]!);
}

function mergeBase(a: string, b: string, cwd: string): string | undefined {
  return tryGit(['merge-base', a, b], cwd)?.trim() || undefined;
}

function fetch(depth: number, shas: string[], cwd: string): boolean {
  return tryGit(['fetch', '--no-tags', '--no-recurse-submodules', '--quiet', `--depth=${depth}`, 'origin', ...shas], cwd) !== undefined;
}

/**
 * The commit to compare the checkout with. GitHub checks a pull request out as a merge commit whose first parent is the
 * base: then the base itself. A checkout of the pull request's head: the commit where it left the base.
 */
function comparisonBase(base: string, cwd: string, log: (message: string) => void): string {
  const shallow = git(['rev-parse', '--is-shallow-repository'], cwd).trim() === 'true';
  const head = git(['rev-parse', 'HEAD'], cwd).trim();
  if (!hasCommit(base, cwd)) {
    log(`fetching the pull request's base ${base}`);
    if (!(shallow ? fetch(1, [base], cwd) : tryGit(['fetch', '--no-tags', '--no-recurse-submodules', '--quiet', 'origin', base], cwd) !== undefined) || !hasCommit(base, cwd)) {
      throw new GitError(`cannot fetch the pull request's base commit ${base} from origin`);
    }
  }
  if (recordedParents(head, cwd).includes(base)) return base;
  let found = mergeBase(base, head, cwd);
  for (const depth of shallow ? DEEPEN_STEPS : []) {
    if (found) break;
    log(`fetching ${depth} commits of history to find where the pull request left its base`);
    if (!fetch(depth, [base, head], cwd)) fetch(depth, [base], cwd);
    found = mergeBase(base, head, cwd);
  }
  if (found) return found;
  log(`no common history with the base ${base}: comparing with the base itself`);
  return base;
}

/** The lines the pull request changed in the checkout: `git diff` from its base to HEAD. */
export function pullRequestChanges(baseSha: string, cwd: string, log: (message: string) => void): ChangedLines {
  const from = comparisonBase(baseSha, cwd, log);
  const diff = git(
    ['-c', 'core.quotePath=false', 'diff', '--no-color', '--no-ext-diff', '--no-textconv', '--text', '--no-relative', '--unified=0', '--find-renames', '--src-prefix=a/', '--dst-prefix=b/', from, 'HEAD', '--'],
    cwd,
  );
  return parseUnifiedDiff(diff);
}
