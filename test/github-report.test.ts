/** The pieces of the GitHub front door: workflow-command escaping, `--format github`, diff parsing, the filter modes, the summary's Markdown. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseUnifiedDiff, unquoteGitPath } from '../src/action/diff.js';
import { pullRequestChanges } from '../src/action/git.js';
import { touchedLocation } from '../src/action/scope.js';
import { jobSummary, markdownCode, markdownText } from '../src/action/summary.js';
import type { SourceLoc } from '../src/model.js';
import { escapeData, escapeProperty, logLine, workflowCommand } from '../src/report/github.js';
import type { Finding } from '../src/rules/rule.js';
import { git, parseCommands, pullRequestRepo } from './action-helpers.js';
import { build, run, tree } from './cli-helpers.js';

function loc(file: string, line: number, endLine = line): SourceLoc {
  return { file, line, column: 3, endLine, endColumn: 9 };
}

function finding(at: SourceLoc, related: SourceLoc[] = [], severity: Finding['severity'] = 'error'): Finding {
  return { ruleId: 'unchecked-return', severity, message: 'setuid(u): its result is ignored', loc: at, fix: 'Test it:\nif (setuid(u) == -1)\n\texit(1);', related: related.map((l) => ({ loc: l, message: 'step' })) };
}

describe('workflow commands', () => {
  it('escape data (% CR LF) and properties (also : and ,)', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });

  it('a crafted file name, title and message stay one command with their exact values', () => {
    const file = 'x,line=1::\n::add-mask::secret%0A.c';
    const line = workflowCommand({ level: 'error', loc: loc(file, 4), title: 'privlint: t,1', message: 'first\n::error::injected\r\n%0A' });
    expect(line.split('\n')).toHaveLength(1);
    const [cmd] = parseCommands(line);
    expect(cmd).toEqual({ level: 'error', props: { file, line: '4', endLine: '4', col: '3', endColumn: '9', title: 'privlint: t,1' }, message: 'first\n::error::injected\r\n%0A' });
  });

  it('columns only for a one-line location', () => {
    expect(workflowCommand({ level: 'warning', loc: loc('a.c', 4, 6), title: 't', message: 'm' })).toBe('::warning file=a.c,line=4,endLine=6,title=t::m');
  });

  it('a plain log line never starts a command', () => {
    expect(logLine('privlint: a\n::error::x')).toBe('privlint: a%0A::error::x');
    expect(logLine('  ::error::x')).toBe('|   ::error::x');
    expect(logLine('##[error]x')).toBe('| ##[error]x');
  });
});

describe('privlint --format github', () => {
  beforeAll(build);

  it('annotates each finding with its path and fix; a crafted file name cannot inject a command', () => {
    const name = 'evil,1:2%25\n::add-mask::x.c';
    const dir = tree({ [name]: '#include <unistd.h>\nvoid f(uid_t u) {\n  setuid(u);\n}\n' });
    const r = run(['-f', 'github', '.'], dir);
    expect(r.status).toBe(1);
    const commands = parseCommands(r.stdout);
    expect(commands.map((c) => [c.level, c.props.file, c.props.line, c.props.title]).sort()).toEqual([
      ['error', name, '3', 'privlint missing-setgroups'],
      ['error', name, '3', 'privlint unchecked-return'],
    ]);
    expect(commands.find((c) => c.props.title === 'privlint unchecked-return')!.message).toContain('fix: Test the result');
    expect(r.stdout.split('\n').filter((l) => /^\s*::/.test(l))).toHaveLength(2);
  });
});

describe('diff parsing', () => {
  it('reads added lines and removal points; header look-alikes inside hunks are lines', () => {
    const diff = [
      'diff --git a/a.c b/a.c',
      '--- a/a.c',
      '+++ b/a.c',
      '@@ -2,0 +3,2 @@',
      '+++ looks like a header',
      '+diff --git a/x b/x',
      '@@ -10,2 +11,0 @@',
      '---- removed',
      '-@@ -1 +1 @@',
      '@@ -20 +19 @@ int main(void)',
      '-old',
      '+new',
      '\\ No newline at end of file',
      'diff --git a/gone.c b/gone.c',
      'deleted file mode 100644',
      '--- a/gone.c',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-x',
      'diff --git a/old.c b/new name.c',
      'similarity index 100%',
      'rename from old.c',
      'rename to new name.c',
    ].join('\n');
    const changes = parseUnifiedDiff(diff);
    expect([...changes.keys()]).toEqual(['a.c', 'new name.c']);
    expect([...changes.get('a.c')!.added]).toEqual([3, 4, 19]);
    expect(changes.get('a.c')!.removedAfter).toEqual([11]);
    expect(changes.get('new name.c')!.added.size).toBe(0);
  });

  it('unquotes git paths', () => {
    expect(unquoteGitPath('"b/we\\nird\\t\\"q\\\\.c"')).toBe('b/we\nird\t"q\\.c');
    expect(unquoteGitPath('"b/caf\\303\\251.c"')).toBe('b/café.c');
    expect(unquoteGitPath('b/with space.c\t')).toBe('b/with space.c');
  });

  it('git itself: odd names, renames and deletions, from the base to HEAD', () => {
    const odd = 'we:ird,%\n"q"\tcafé.c';
    const r = pullRequestRepo({ 'keep.c': 'a\nb\nc\nd\n', 'old.c': 'x\ny\nz\n' }, { 'keep.c': 'a\nc\nd\nE\n', [odd]: 'new\n' });
    git(r.dir, 'mv', 'old.c', 'moved name.c');
    writeFileSync(path.join(r.dir, 'moved name.c'), 'x\nY\nz\n');
    git(r.dir, 'commit', '-qam', 'rename');
    const changes = pullRequestChanges(r.base, r.dir, () => undefined);
    expect([...changes.keys()].sort()).toEqual(['keep.c', 'moved name.c', odd].sort());
    expect([...changes.get('keep.c')!.added]).toEqual([4]);
    expect(changes.get('keep.c')!.removedAfter).toEqual([1]);
    expect([...changes.get('moved name.c')!.added]).toEqual([2]);
    expect([...changes.get(odd)!.added]).toEqual([1]);
  });
});

describe('filter modes', () => {
  const changes = parseUnifiedDiff(['+++ b/a.c', '@@ -10 +10 @@', '-x', '+y', '@@ -30 +29,0 @@', '-gone', '+++ b/b.c', '@@ -1 +1 @@', '-p', '+q'].join('\n'));
  const at = (f: Finding, mode: Parameters<typeof touchedLocation>[2]) => touchedLocation(f, changes, mode);

  it('added: any location on the path on a changed line (the first such, the finding’s own preferred)', () => {
    expect(at(finding(loc('a.c', 10)), 'added')).toEqual(loc('a.c', 10));
    expect(at(finding(loc('a.c', 50), [loc('c.c', 1), loc('b.c', 1)]), 'added')).toEqual(loc('b.c', 1));
    expect(at(finding(loc('a.c', 8, 11)), 'added')).toEqual(loc('a.c', 8, 11));
    expect(at(finding(loc('a.c', 11)), 'added')).toBeUndefined();
    expect(at(finding(loc('a.c', 30)), 'added')).toBeUndefined();
  });

  it('diff_context: within 3 lines of a changed line or a removal', () => {
    expect(at(finding(loc('a.c', 13)), 'diff_context')).toBeDefined();
    expect(at(finding(loc('a.c', 14)), 'diff_context')).toBeUndefined();
    // Lines were removed between 29 and 30: three lines on each side.
    expect(at(finding(loc('a.c', 27)), 'diff_context')).toBeDefined();
    expect(at(finding(loc('a.c', 26)), 'diff_context')).toBeUndefined();
    expect(at(finding(loc('a.c', 32)), 'diff_context')).toBeDefined();
    expect(at(finding(loc('a.c', 33)), 'diff_context')).toBeUndefined();
  });

  it('file: anywhere in a changed file; nofilter: everything', () => {
    expect(at(finding(loc('a.c', 500)), 'file')).toBeDefined();
    expect(at(finding(loc('c.c', 500)), 'file')).toBeUndefined();
    expect(at(finding(loc('c.c', 500)), 'nofilter')).toEqual(loc('c.c', 500));
  });
});

describe('job summary Markdown', () => {
  it('escapes text so it can break neither a table nor become markup', () => {
    expect(markdownText('a|b <img src=x> [l](u)\n# h')).toBe('a\\|b \\<img src\\=x\\> \\[l\\]\\(u\\) \\# h');
    expect(markdownCode('x ```` y', 'c')).toBe('`````c\nx ```` y\n`````\n');
  });

  it('stays within its budget and says what it left out', () => {
    const scoped = Array.from({ length: 50 }, (_, i) => ({ finding: finding(loc(`f${i}.c`, 3)), at: loc(`f${i}.c`, 3) }));
    const full = jobSummary({ scoped, total: 50, mode: 'added', diagnostics: [], sarifFile: 'p.sarif', link: () => undefined, budget: 1 << 20 });
    expect(full).not.toContain('cut');
    expect(full.match(/^#### /gm)).toHaveLength(50);
    const cut = jobSummary({ scoped, total: 50, mode: 'added', diagnostics: [], sarifFile: 'p.sarif', link: () => undefined, budget: 12_000 });
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(12_000);
    const sections = cut.match(/^#### /gm)?.length ?? 0;
    expect(sections).toBeLessThan(50);
    expect(cut).toContain(`50 of 50 findings in the table, ${sections} with their path and fix`);
  });
});
