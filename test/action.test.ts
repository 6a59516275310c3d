/**
 * The GitHub Action, bundled, run by a simulated runner on pull requests: what it annotates in each filter mode (a
 * finding counts when any location on its path changed), the exit status fail-on gives, escaping of crafted file
 * names, the annotation and summary caps, shallow checkouts; and that the committed dist/ is what src/ builds.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, root, run as runCli, sarifValidator } from './cli-helpers.js';
import { actionMain, git, installAction, pullRequestEvent, pullRequestRepo, runAction, scratch, type Annotation, type Files, type PullRequestRepo } from './action-helpers.js';

const DROP = `static void drop_privileges(struct passwd *pw) {
  if (setgroups(1, &pw->pw_gid) != 0) exit(1);
  if (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) != 0) exit(1);
  if (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) != 0) exit(1);
}

static int verbose;

static void parse_options(int argc, char **argv) {
  int c;
  while ((c = getopt(argc, argv, "v")) != -1)
    if (c == 'v') verbose = 1;
}
`;

/**
 * A set-user-ID program that drops back to its invoking user, then parses its options; `parseFirst` moves the parse
 * before the drop (drop-after-input: an error, since the options belong to the invoking user).
 */
function daemon(parseFirst: boolean): string {
  const steps = ['  drop_privileges(pw);', '  parse_options(argc, argv);'];
  if (parseFirst) steps.reverse();
  return `#include <unistd.h>\n#include <grp.h>\n#include <pwd.h>\n#include <stdlib.h>\n\n${DROP}
int main(int argc, char **argv) {
  struct passwd *pw = getpwuid(getuid());
  if (!pw) return 1;
${steps.join('\n')}
  return 0;
}
`;
}

/** An unchecked setuid (unchecked-return and missing-setgroups, both errors at its line) in a function named `name`. */
function uncheckedSetuid(name: string): string {
  return `void ${name}(uid_t u) {\n  setuid(u);\n}\n`;
}

const HEADER = '#include <unistd.h>\n';

/** Line of `needle` in `text` (1-based). */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

function files(annotations: Annotation[]): string[] {
  return [...new Set(annotations.map((a) => a.props.file!))].sort();
}

let action: string;
beforeAll(() => {
  action = installAction();
});

describe('the committed bundle', () => {
  it('action.yml runs dist/ on node24', () => {
    const yml = readFileSync(path.join(root, 'action.yml'), 'utf8');
    expect(yml).toMatch(/^\s+using:\s*node24\s*$/m);
    expect(actionMain()).toMatch(/^dist\//);
  });

  it('is what `npm run build:action` makes from src/ now (rebuild and compare every file)', () => {
    const out = scratch('privlint-rebuild-');
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build-action.mjs'), '--outdir', out], { cwd: root, stdio: 'pipe' });
    const committed = readdirSync(path.join(root, 'dist')).sort();
    expect(readdirSync(out).sort()).toEqual(committed);
    const stale = committed.filter((f) => !readFileSync(path.join(out, f)).equals(readFileSync(path.join(root, 'dist', f))));
    expect(stale, 'dist/ is stale: run `npm run build:action` and commit dist/').toEqual([]);
  });
});

describe('one engine', () => {
  it('the bundled Action, with its worker threads, reports what the CLI reports (fixtures/c, SARIF results)', () => {
    build();
    const cliSarif = path.join(scratch(), 'cli.sarif');
    expect(runCli(['-j', '1', '-f', 'sarif', '-o', cliSarif, 'fixtures/c']).status).toBe(1);
    // Workers started by the bundle are counted by a preload that wraps worker_threads.Worker.
    const spy = path.join(scratch(), 'spy.mjs');
    writeFileSync(
      spy,
      "import wt from 'node:worker_threads'; import { syncBuiltinESMExports } from 'node:module';\n" +
        "const W = wt.Worker; wt.Worker = class extends W { constructor(f, ...a) { super(f, ...a); process.stderr.write(`worker: ${f}\\n`); } }; syncBuiltinESMExports();\n",
    );
    const run = runAction({ action, workspace: root, inputs: { paths: 'fixtures/c', 'sarif-file': path.join(scratch(), 'action.sarif'), annotations: 'false' }, nodeOptions: ['--import', spy] });
    expect(run.status).toBe(1);
    const results = (file: string) => JSON.parse(readFileSync(file, 'utf8')).runs[0].results;
    expect(results(run.outputs['sarif-file']!)).toEqual(results(cliSarif));
    if (availableParallelism() > 1) expect(run.stderr).toContain(`worker: ${path.join(action, 'dist', 'worker.js')}`);
  }, 240_000);
});

describe('the Action on a pull request', () => {
  /** main has the daemon (drop, then parse) and an old unchecked setuid; the pull request moves the parse first and adds a new unchecked setuid. */
  const repo = () =>
    pullRequestRepo(
      { 'src/daemon.c': daemon(false), 'src/legacy.c': HEADER + uncheckedSetuid('old_become') },
      { 'src/daemon.c': daemon(true), 'src/helper.c': HEADER + uncheckedSetuid('become_user') },
    );

  it('added: annotates only what the change touched, with the untouched drop after the newly moved parse, summary, SARIF, outputs', () => {
    const r = repo();
    const run = runAction({ action, workspace: r.dir, event: pullRequestEvent(r) });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const byRule = Object.fromEntries(run.annotations.map((a) => [`${a.props.title} ${a.props.file}`, a]));
    expect(Object.keys(byRule).sort()).toEqual(['privlint drop-after-input src/daemon.c', 'privlint missing-setgroups src/helper.c', 'privlint unchecked-return src/helper.c']);
    expect(byRule['privlint unchecked-return src/helper.c']!.level).toBe('error');
    expect(byRule['privlint unchecked-return src/helper.c']!.props.line).toBe('3');
    // The drop's own line did not change: the annotation sits on a changed line of its path and names the drop.
    const drop = byRule['privlint drop-after-input src/daemon.c']!;
    const dropLine = lineOf(daemon(true), 'setresuid');
    const changed = git(r.dir, 'diff', '-U0', r.base, r.head, '--', 'src/daemon.c');
    expect(changed).not.toContain('setresuid');
    expect(drop.level).toBe('error');
    expect([lineOf(daemon(true), 'parse_options(argc'), lineOf(daemon(true), 'drop_privileges(pw)')]).toContain(Number(drop.props.line));
    expect(drop.message).toContain(`src/daemon.c:${dropLine}`);
    expect(drop.message).toMatch(/path: .*parse_options.*→.*setresuid/);
    expect(drop.message).toContain('fix: Drop privileges before parsing input');
    // Errors first.
    expect(run.annotations.map((a) => a.level)).toEqual(['error', 'error', 'error']);

    expect(run.outputs.findings).toBe('3');
    expect(run.outputs.errors).toBe('3');
    const sarif = JSON.parse(readFileSync(run.outputs['sarif-file']!, 'utf8'));
    expect(sarifValidator()(sarif)).toBe(true);
    expect(sarif.runs[0].automationDetails.id).toBe('privlint/');
    // SARIF holds the whole analysis (code scanning must not see untouched alerts as fixed), legacy.c included.
    expect(new Set(sarif.runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations[0]!.physicalLocation.artifactLocation.uri))).toEqual(new Set(['src/daemon.c', 'src/helper.c', 'src/legacy.c']));

    const tableRows = run.summary.split('\n').filter((l) => /^\| (🔴|🟠|🔵)/.test(l));
    expect(tableRows).toHaveLength(3);
    expect(run.summary).toContain(`[src\\/daemon\\.c\\:${dropLine}](https://github.com/octo/app/blob/${r.head}/src/daemon.c#L${dropLine})`);
    expect(run.summary).toContain('**Path:**');
    expect(run.summary).toContain('if (setuid(u) == -1)');
    expect(run.summary).not.toContain('legacy');
    expect(run.stdout).toMatch(/3 finding\(s\) \(3 error\(s\)\) in scope \(filter-mode added\) of 5/);
  });

  it('a checkout below the workspace: paths relative to its repository', () => {
    const r = repo();
    const workspace = scratch();
    git(workspace, 'clone', '-q', '--branch', 'feature', `file://${r.dir}`, 'app');
    const run = runAction({ action, workspace, event: pullRequestEvent(r), inputs: { paths: 'app' } });
    expect(files(run.annotations)).toEqual(['src/daemon.c', 'src/helper.c']);
    expect(run.outputs['sarif-file']).toBe(path.join(workspace, 'privlint.sarif'));
  });

  it('each filter mode: added ⊂ diff_context ⊂ file ⊂ nofilter', () => {
    const far = `${HEADER}/* a */\n${uncheckedSetuid('far_away')}${'/* padding */\n'.repeat(20)}/* end */\n`;
    const near = `${HEADER}/* comment */\n/* x */\n${uncheckedSetuid('near_by')}`;
    const r = pullRequestRepo(
      { 'far.c': far, 'near.c': near, 'legacy.c': HEADER + uncheckedSetuid('legacy') },
      { 'far.c': far.replace('/* end */', '/* end, edited */'), 'near.c': near.replace('/* comment */', '/* comment, edited */'), 'added.c': HEADER + uncheckedSetuid('added') },
    );
    const annotated = (mode: string): string[] => {
      const run = runAction({ action, workspace: r.dir, event: pullRequestEvent(r), inputs: { 'filter-mode': mode } });
      expect(run.status).toBe(1);
      expect(run.outputs.findings).toBe(String(run.annotations.length));
      return files(run.annotations);
    };
    expect(annotated('added')).toEqual(['added.c']);
    expect(annotated('diff_context')).toEqual(['added.c', 'near.c']);
    expect(annotated('file')).toEqual(['added.c', 'far.c', 'near.c']);
    expect(annotated('nofilter')).toEqual(['added.c', 'far.c', 'legacy.c', 'near.c']);
    // Outside a pull request the default is every finding.
    expect(files(runAction({ action, workspace: r.dir, event: { ref: 'refs/heads/main' } }).annotations)).toEqual(['added.c', 'far.c', 'legacy.c', 'near.c']);
  });

  it('fail-on sets the exit status from the findings in scope', () => {
    // The change only adds setre[ug]id calls back to the invoking user: two warnings (prefer-setresuid) in scope.
    const back = `${HEADER}#include <stdlib.h>\nvoid back(void) {\n  if (setregid(getgid(), getgid()) != 0) exit(1);\n  if (setreuid(getuid(), getuid()) != 0) exit(1);\n}\n`;
    const r = pullRequestRepo({ 'legacy.c': HEADER + uncheckedSetuid('legacy') }, { 'back.c': back });
    const status = (failOn: string, mode = 'added') => runAction({ action, workspace: r.dir, event: pullRequestEvent(r), inputs: { 'fail-on': failOn, 'filter-mode': mode } }).status;
    expect(status('error')).toBe(0);
    expect(status('warning')).toBe(1);
    expect(status('note')).toBe(1);
    expect(status('never')).toBe(0);
    expect(status('error', 'nofilter')).toBe(1);
    expect(status('never', 'nofilter')).toBe(0);
    const bad = runAction({ action, workspace: r.dir, event: pullRequestEvent(r), inputs: { 'fail-on': 'sometimes' } });
    expect(bad.status).toBe(2);
    expect(bad.annotations[0]!.message).toContain('fail-on');
  });

  it('honours inline suppressions as the CLI does: no annotation, dismissed in SARIF with the reason', () => {
    const suppressed = `void quiet(uid_t u) {\n  /* privlint-disable-next-line unchecked-return, missing-setgroups -- reviewed: test helper */\n  setuid(u);\n}\n`;
    const r = pullRequestRepo({ 'base.c': HEADER }, { 'new.c': HEADER + uncheckedSetuid('loud') + suppressed });
    const run = runAction({ action, workspace: r.dir, event: pullRequestEvent(r), inputs: { 'sarif-file': 'out.sarif' } });
    expect(run.status).toBe(1);
    const lines = new Set(run.annotations.map((a) => Number(a.props.line)));
    expect(lines).toEqual(new Set([lineOf(HEADER + uncheckedSetuid('loud'), 'setuid(u)')]));
    const sarif = JSON.parse(readFileSync(path.join(r.dir, 'out.sarif'), 'utf8'));
    const dismissed = sarif.runs[0].results.filter((x: { suppressions?: unknown[] }) => x.suppressions?.length);
    expect(dismissed.length).toBe(2);
    expect(dismissed[0].suppressions[0]).toMatchObject({ kind: 'inSource', justification: 'reviewed: test helper' });
  });

  it('escapes crafted file names (`:` `,` `%`, newlines): no injected command, the file property round-trips', () => {
    const names = ['we:ird,100%25 name.c', 'evil\n::add-mask::x\n::error file=pwned.c::injected.c', 'tab\tand\rcr.c'];
    const r = pullRequestRepo({ 'base.c': HEADER }, Object.fromEntries(names.map((n, i) => [n, HEADER + uncheckedSetuid(`f${i}`)])));
    const run = runAction({ action, workspace: r.dir, event: pullRequestEvent(r) });
    expect(run.status).toBe(1);
    expect(files(run.annotations)).toEqual([...names].sort());
    expect(run.annotations.every((a) => a.level === 'error' && a.props.title!.startsWith('privlint '))).toBe(true);
    expect(run.annotations).toHaveLength(2 * names.length);
    // Every line of the log that the runner would take as a command is one of the annotations.
    const commandLines = run.stdout.split('\n').filter((l) => /^\s*(::|##)/.test(l));
    expect(commandLines).toHaveLength(run.annotations.length);
    expect(commandLines.every((l) => l.startsWith('::error file='))).toBe(true);
    const rows = run.summary.split('\n').filter((l) => l.startsWith('| 🔴'));
    expect(rows).toHaveLength(2 * names.length);
    expect(run.summary).not.toMatch(/^::/m);
  });

  it('annotates at most 10 errors and 10 warnings, most severe first, and logs the rest', () => {
    const many = HEADER + Array.from({ length: 12 }, (_, i) => uncheckedSetuid(`become_${i}`)).join('');
    const r = pullRequestRepo({ 'privlint.json': JSON.stringify({ rules: { 'missing-setgroups': 'warning' } }) }, { 'many.c': many });
    const run = runAction({ action, workspace: r.dir, event: pullRequestEvent(r) });
    expect(run.outputs.findings).toBe('24');
    expect(run.annotations.map((a) => a.level)).toEqual([...Array(10).fill('error'), ...Array(10).fill('warning')]);
    expect(run.annotations.filter((a) => a.props.title === 'privlint unchecked-return')).toHaveLength(10);
    expect(run.stdout.split('\n').filter((l) => /^many\.c:\d+:\d+: (error|warning): /.test(l))).toHaveLength(4);
    expect(run.summary.split('\n').filter((l) => /^\| (🔴|🟠)/.test(l))).toHaveLength(24);
  });

  it('cuts the job summary under 1 MiB and says so', () => {
    // Long directory names make every finding's links long: 200 findings need several MiB in full.
    const dir = Array.from({ length: 12 }, (_, i) => `${String(i).padStart(2, '0')}${'d'.repeat(200)}`).join('/');
    const file = `${dir}/drops.c`;
    const r = pullRequestRepo({ 'README': 'x\n' }, { [file]: HEADER + Array.from({ length: 100 }, (_, i) => uncheckedSetuid(`become_${i}`)).join('') });
    const run = runAction({ action, workspace: r.dir, event: pullRequestEvent(r) });
    expect(run.outputs.findings).toBe('200');
    expect(run.summaryBytes).toBeLessThan(1024 * 1024);
    expect(run.summaryBytes).toBeGreaterThan(900 * 1024);
    expect(run.summary).toContain('This summary is cut');
    const rows = run.summary.split('\n').filter((l) => l.startsWith('| 🔴')).length;
    const sections = run.summary.split('\n').filter((l) => /^#### \d+\. /.test(l)).length;
    expect(rows).toBeGreaterThan(0);
    expect(sections).toBeLessThan(200);
    expect(run.summary).toContain(`${rows} of 200 findings in the table, ${sections} with their path and fix`);
  });
});

describe('shallow checkouts', () => {
  const base: Files = { 'daemon.c': daemon(false), 'legacy.c': HEADER + uncheckedSetuid('legacy') };
  const head: Files = { 'daemon.c': daemon(true), 'helper.c': HEADER + uncheckedSetuid('become_user') };
  const expected = ['privlint drop-after-input daemon.c', 'privlint missing-setgroups helper.c', 'privlint unchecked-return helper.c'];
  const annotated = (run: ReturnType<typeof runAction>) => run.annotations.map((a) => `${a.props.title} ${a.props.file}`).sort();

  /**
   * The pull request's repository after main moved on by editing legacy.c's setuid line: the event's base is main's new
   * tip, so a plain diff from it to the branch would count legacy.c's old line as changed.
   */
  function movedOn(): { origin: PullRequestRepo; movedBase: string } {
    const origin = pullRequestRepo(base, head);
    git(origin.dir, 'checkout', '-q', 'main');
    writeFileSync(path.join(origin.dir, 'legacy.c'), base['legacy.c']!.replace('setuid(u);', 'setuid(u); /* main moved on */'));
    git(origin.dir, 'commit', '-q', '-am', 'main moved on');
    return { origin, movedBase: git(origin.dir, 'rev-parse', 'HEAD').trim() };
  }

  it('a depth-1 clone of the head: the Action fetches the base and the history to where the branch left it', () => {
    const { origin, movedBase } = movedOn();
    const work = path.join(scratch(), 'work');
    git(path.dirname(work), 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin.dir}`, work);
    expect(git(work, 'rev-parse', '--is-shallow-repository').trim()).toBe('true');
    expect(() => git(work, 'cat-file', '-e', `${movedBase}^{commit}`)).toThrow();
    const run = runAction({ action, workspace: work, event: pullRequestEvent({ ...origin, base: movedBase }) });
    expect(run.stdout).toContain(`fetching the pull request's base ${movedBase}`);
    expect(run.stdout).toContain('fetching 50 commits of history');
    expect(annotated(run)).toEqual(expected);
    expect(run.status).toBe(1);
  });

  it("a depth-1 checkout of GitHub's merge commit: compared with its first parent, the base", () => {
    const { origin, movedBase } = movedOn();
    git(origin.dir, 'merge', '-q', '--no-ff', '--no-edit', 'feature');
    git(origin.dir, 'update-ref', 'refs/pull/7/merge', 'HEAD');
    const work = path.join(scratch(), 'work');
    git(path.dirname(work), 'init', '-q', work);
    git(work, 'remote', 'add', 'origin', `file://${origin.dir}`);
    git(work, 'fetch', '-q', '--depth', '1', 'origin', 'refs/pull/7/merge');
    git(work, 'checkout', '-q', 'FETCH_HEAD');
    const run = runAction({ action, workspace: work, event: pullRequestEvent({ ...origin, base: movedBase }) });
    expect(run.stdout).toContain(`fetching the pull request's base ${movedBase}`);
    expect(run.stdout).not.toContain('commits of history');
    expect(annotated(run)).toEqual(expected);
  });
});
