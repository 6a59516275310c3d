/**
 * What privlint reports about its own suppression comments. These are not checks over the program (they are not
 * in the rule catalogue and cannot be configured in `rules`): the suppression pass (src/suppressions.ts) reports
 * them, and reports, docs and SARIF describe them like rules.
 */
import type { RuleMeta } from './rules/rule.js';

export const INVALID_SUPPRESSION: RuleMeta = {
  id: 'invalid-suppression',
  severity: 'error',
  short: 'A privlint-disable comment without a reason, naming an unknown rule, or malformed: it suppresses nothing until fixed.',
  cwe: [],
  securitySeverity: 1.0,
  tags: ['suppression', 'maintainability'],
  core: false,
  docs: {
    what: 'Flags a `privlint-disable-next-line`, `privlint-disable-line`, `privlint-disable` or `privlint-enable` comment that privlint cannot use: no reason after ` -- `, a rule id that does not exist, no rule id at all, a misspelt directive, or a `privlint-disable-line` block comment that spans lines.',
    why: 'A suppression hides a security finding from every later reader and from code scanning. Without a reason nobody can tell whether the finding was reviewed or just silenced, and a misspelt rule id silences nothing while looking as if it did. A suppression without a reason therefore does not suppress.',
    example: '/* privlint-disable-next-line unchecked-retrun */\nsetuid(uid);',
    useInstead: '/* privlint-disable-next-line unchecked-return -- uid is the current uid here: setuid() cannot fail (reviewed 2024-05) */\nsetuid(uid);',
    references: ['privlint README: Suppressions', 'ESLint: disable comments with descriptions (`-- reason`)'],
  },
};

export const UNUSED_SUPPRESSION: RuleMeta = {
  id: 'unused-suppression',
  severity: 'warning',
  short: 'A privlint-disable comment that suppresses nothing: the finding it was written for is gone.',
  cwe: [],
  securitySeverity: 1.0,
  tags: ['suppression', 'maintainability'],
  core: false,
  docs: {
    what: 'Flags a suppression comment whose rules reported nothing where it applies, and a `privlint-enable` with no `privlint-disable` before it. Reported with `--report-unused-suppressions`, which is on by default when the `CI` environment variable is set (or by `"reportUnusedSuppressions": true`). Rules that did not run on the file (off, or not in the rule set) are not held against a suppression.',
    why: 'A stale suppression silences the next real finding on that line without anybody reviewing it: the code changed, the reviewed finding went away, the comment stayed.',
    example: '/* privlint-disable-next-line unchecked-return -- reviewed */\nif (setuid(uid) == -1) err(1, "setuid");',
    useInstead: 'if (setuid(uid) == -1) err(1, "setuid");',
    references: ['privlint README: Suppressions', 'ESLint: --report-unused-disable-directives'],
  },
};

export const SUPPRESSION_RULES: readonly RuleMeta[] = [INVALID_SUPPRESSION, UNUSED_SUPPRESSION];
