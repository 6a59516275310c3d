/** Inline suppressions: the comment lexer, the directive grammar, what they suppress, what is reported about them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { commentsOf } from '../src/comments.js';
import { defaultConfig } from '../src/config.js';
import { analyzeSources, type SourceFile } from '../src/engine.js';
import { finishAnalysis } from '../src/outcome.js';
import { parseDirective } from '../src/suppressions.js';
import { build, run, sarifValidator, tree } from './cli-helpers.js';

beforeAll(build);

const bodies = (text: string, lang: 'c' | 'node'): string[] => commentsOf(text, lang).map((c) => c.body.trim());

describe('the comment lexer', () => {
  it('skips C strings and character literals, and follows // comments continued with a backslash', () => {
    const text = 'char *s = "// no /* no */"; char q = \'"\'; /* yes 1 */ // yes 2 \\\n still 2\nint x; // yes 3\n';
    expect(bodies(text, 'c')).toEqual(['yes 1', 'yes 2 \\\n still 2', 'yes 3']);
  });

  it('skips JS strings, template literals (with comments inside ${…}) and regular expressions', () => {
    const text = [
      "const a = '// no'; const b = \"/* no */\";",
      'const t = `// no ${ x /* yes 1 */ + `/* no ${y} */` } /* no */`;',
      'const r = /\\/* no [/]*/g.test(s) / 2; // yes 2',
      'if (x) /^\\/\\//.exec(y); /* yes 3 */',
    ].join('\n');
    expect(bodies(text, 'node')).toEqual(['yes 1', 'yes 2', 'yes 3']);
  });

  it('gives positions of the opening and the end, and never fails on unterminated input', () => {
    const [c] = commentsOf('int a;\n  /* one\n two */ int b;', 'c');
    expect(c).toMatchObject({ line: 2, column: 3, endLine: 3, endColumn: 8, kind: 'block' });
    for (const text of ['/* open', '"open', "'", '`${', '/[', 'a = /x']) expect(() => commentsOf(text, 'node')).not.toThrow();
  });
});

function directive(body: string, line = 3, endLine = line): ReturnType<typeof parseDirective> {
  return parseDirective({ body, kind: 'block', line, column: 1, endLine, endColumn: 10 });
}

describe('the directive grammar', () => {
  it('reads kind, rule ids and the reason after --', () => {
    expect(directive(' privlint-disable-next-line unchecked-return, missing-setgroups -- reviewed: cannot fail ')).toMatchObject({
      kind: 'disable-next-line', ruleIds: ['unchecked-return', 'missing-setgroups'], reason: 'reviewed: cannot fail', problems: [], active: true,
    });
    expect(directive('* privlint-disable-line temporary-drop -- restored in cleanup() *')).toMatchObject({ kind: 'disable-line', reason: 'restored in cleanup()', active: true });
    expect(directive(' privlint-enable ')).toMatchObject({ kind: 'enable', ruleIds: [], active: true });
    expect(directive(' a comment that mentions privlint-disable-line later ')).toBeUndefined();
  });

  it('reports what is wrong: no reason, unknown or misspelt ids, no ids, a reason without --, an unknown directive', () => {
    const noReason = directive('privlint-disable-next-line unchecked-return');
    expect(noReason?.active).toBe(false);
    expect(noReason?.problems.join()).toMatch(/no reason/);
    const typo = directive('privlint-disable-next-line unchecked-retrun, missing-setgroups -- ok');
    expect(typo?.problems.join()).toContain('unknown rule "unchecked-retrun" (did you mean "unchecked-return"?)');
    expect(typo).toMatchObject({ ruleIds: ['missing-setgroups'], active: true }); // the known id still applies
    expect(directive('privlint-disable-next-line privlint/unchecked-return -- ok')?.problems.join()).toContain('write "unchecked-return"');
    expect(directive('privlint-disable-next-line -- why')?.problems.join()).toMatch(/names no rule/);
    expect(directive('privlint-disable-next-line unchecked-return because it is fine')?.problems.join()).toMatch(/separate the reason/);
    expect(directive('privlint-disable-nextline unchecked-return -- x')?.problems.join()).toContain('did you mean "privlint-disable-next-line"?');
    expect(directive('privlint-disable-line unchecked-return -- x', 3, 4)?.problems.join()).toMatch(/on one line/);
  });
});

const SRC = `#include <unistd.h>
#include <pwd.h>
static void drop(struct passwd *pw) {
  /* privlint-disable-next-line unchecked-return -- gid equals the current gid here (reviewed) */
  setgid(pw->pw_gid);
  setuid(pw->pw_uid); // privlint-disable-line missing-setgroups, unchecked-return -- legacy, tracked in #12
  /* privlint-disable unchecked-return -- block */
  setuid(pw->pw_uid);
  /* privlint-enable unchecked-return */
  setuid(pw->pw_uid);
}
int main(void) {
  struct passwd *pw = getpwnam("svc");
  drop(pw);
  /* privlint-disable-next-line temporary-drop -- nothing here */
  /* privlint-enable wrong-drop-order */
  /* privlint-disable-next-line unverified-drop -- a rule that does not run in the recommended set */
  return 0;
}
`;

async function outcomeOf(sources: SourceFile[], reportUnused: boolean) {
  const config = defaultConfig();
  const result = await analyzeSources(sources, config);
  return { result, outcome: finishAnalysis(result, sources, { config, cwd: process.cwd(), reportUnusedSuppressions: reportUnused }) };
}

const at = (f: { ruleId: string; loc: { line: number } }): string => `${f.loc.line}:${f.ruleId}`;

describe('applying suppressions', () => {
  it('suppresses on the next line, on its own line and in a block, and keeps the reason', async () => {
    const { result, outcome } = await outcomeOf([{ path: 'd.c', text: SRC }], false);
    const before = result.findings.map(at);
    // The engine reports these; the comments name them.
    for (const k of ['5:unchecked-return', '6:unchecked-return', '6:missing-setgroups']) expect(before).toContain(k);
    const suppressed = outcome.suppressed.map((s) => `${at(s.finding)} ${s.justification}`);
    expect(suppressed).toContain('5:unchecked-return gid equals the current gid here (reviewed)');
    expect(suppressed).toContain('6:missing-setgroups legacy, tracked in #12');
    expect(suppressed).toContain('6:unchecked-return legacy, tracked in #12');
    expect(suppressed).toContain('8:unchecked-return block');
    const reported = outcome.findings.map(at);
    for (const s of outcome.suppressed) expect(reported).not.toContain(at(s.finding));
    // Outside the lines and the block, the same rules still report.
    expect(reported).toContain('8:missing-setgroups');
    expect(reported).toContain('10:unchecked-return');
    expect(outcome.findings.length + outcome.suppressed.length).toBe(result.findings.length);
  });

  it('reports unused suppressions only when asked, and not for rules that did not run', async () => {
    const quiet = await outcomeOf([{ path: 'd.c', text: SRC }], false);
    expect(quiet.outcome.findings.filter((f) => f.ruleId === 'unused-suppression')).toEqual([]);
    const { outcome } = await outcomeOf([{ path: 'd.c', text: SRC }], true);
    const unused = outcome.findings.filter((f) => f.ruleId === 'unused-suppression').map((f) => `${f.loc.line} ${f.message}`);
    expect(unused).toEqual([
      '15 unused privlint-disable-next-line: no temporary-drop finding on line 16 to suppress.',
      '16 privlint-enable wrong-drop-order has no privlint-disable before it to end.',
    ]);
    expect(outcome.findings.find((f) => f.ruleId === 'unused-suppression')?.severity).toBe('warning');
  });

  it('suppresses a finding whose path spans files at its primary location only', async () => {
    const sources = [
      { path: 'main.c', text: 'void parse_args(int, char **);\nvoid drop_privs(void);\nint main(int argc, char **argv) {\n  /* privlint-disable-next-line drop-after-input -- not the primary location */\n  parse_args(argc, argv);\n  drop_privs();\n  return 0;\n}\n' },
      { path: 'args.c', text: '#include <unistd.h>\nvoid parse_args(int argc, char **argv) {\n  while (getopt(argc, argv, "u:") != -1) { }\n}\n' },
      { path: 'drop.c', text: '#include <unistd.h>\n#include <grp.h>\n#include <err.h>\nvoid drop_privs(void) {\n  gid_t g = 100;\n  if (setgroups(1, &g) == -1 || setresgid(g, g, g) == -1 || setresuid(getuid(), getuid(), getuid()) == -1) err(1, "drop");\n}\n' },
    ];
    const plain = await outcomeOf(sources, true);
    const finding = plain.outcome.findings.find((f) => f.ruleId === 'drop-after-input');
    expect(finding?.loc.file).toBe('drop.c');
    expect(finding?.related.some((r) => r.loc.file === 'main.c')).toBe(true);
    expect(plain.outcome.findings.some((f) => f.ruleId === 'unused-suppression' && f.loc.file === 'main.c')).toBe(true);
    const atPrimary = sources.map((s) => (s.path === 'drop.c' ? { ...s, text: s.text.replace('  if (setgroups', '  // privlint-disable-next-line drop-after-input -- options are root\'s own\n  if (setgroups') } : s));
    const { outcome } = await outcomeOf(atPrimary, true);
    expect(outcome.findings.some((f) => f.ruleId === 'drop-after-input')).toBe(false);
    expect(outcome.suppressed.map((s) => s.justification)).toEqual(["options are root's own"]);
  });

  it('works in TypeScript and JavaScript comments', async () => {
    const text = "import process from 'node:process';\n// privlint-disable-next-line missing-setgroups -- the service account has no supplementary groups\nprocess.setuid('svc');\n";
    const { result, outcome } = await outcomeOf([{ path: 'server.ts', text }], true);
    expect(result.findings.some((f) => f.ruleId === 'missing-setgroups')).toBe(true);
    expect(outcome.findings.some((f) => f.ruleId === 'missing-setgroups')).toBe(false);
    expect(outcome.suppressed.map((s) => s.finding.ruleId)).toContain('missing-setgroups');
  });
});

describe('suppressions in the CLI', () => {
  const BAD = '#include <unistd.h>\nint main(void) {\n  /* privlint-disable-next-line missing-setgroups -- no supplementary groups in this container */\n  setgid(100); if (setuid(100) != 0) return 1;\n  return 0;\n}\n';

  it('leaves suppressed findings out of text and puts them in SARIF as inSource suppressions with the reason', () => {
    const dir = tree({ 'bad.c': BAD });
    const text = run(['.'], dir);
    expect(text.stdout).not.toContain('[missing-setgroups]');
    expect(text.stdout).toContain('1 finding suppressed by privlint-disable comments');
    const sarif = JSON.parse(run(['-f', 'sarif', '.'], dir).stdout);
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const suppressed = sarif.runs[0].results.filter((r: { suppressions?: unknown[] }) => r.suppressions);
    expect(suppressed.map((r: { ruleId: string }) => r.ruleId)).toEqual(['missing-setgroups']);
    expect(suppressed[0].suppressions).toEqual([{ kind: 'inSource', justification: 'no supplementary groups in this container' }]);
    expect(sarif.runs[0].results.some((r: { ruleId: string; suppressions?: unknown }) => r.ruleId === 'unchecked-return' && !r.suppressions)).toBe(true);
  });

  it('reports unused suppressions by default when CI is set, and the flags decide either way', () => {
    const dir = tree({ 'clean.c': '#include <unistd.h>\n#include <err.h>\nint main(void) {\n  /* privlint-disable-next-line unchecked-return -- stale */\n  if (setuid(getuid()) == -1) err(1, "setuid");\n  return 0;\n}\n' });
    const env = (ci: string | undefined, args: string[]): ReturnType<typeof run> => run(args, dir, ci === undefined ? {} : { CI: ci });
    expect(env(undefined, ['.']).status).toBe(0);
    const ci = env('true', ['.']);
    expect(ci.stdout).toContain('clean.c:4:3: warning: unused privlint-disable-next-line: no unchecked-return finding on line 5 to suppress. [unused-suppression]');
    expect(ci.status).toBe(1);
    expect(env('true', ['--no-report-unused-suppressions', '.']).status).toBe(0);
    expect(env(undefined, ['--report-unused-suppressions', '.']).status).toBe(1);
    expect(env('false', ['.']).status).toBe(0);
  });

  it('documents its own findings like rules', () => {
    const explained = run(['explain', 'invalid-suppression']);
    expect(explained.status).toBe(0);
    expect(explained.stdout).toContain('# invalid-suppression');
    expect(readFileSync(path.join(__dirname, '..', 'docs', 'rules', 'unused-suppression.md'), 'utf8')).toContain('# unused-suppression');
  });
});
