/** Rule documentation, generated from the rule files (docs/rules/<id>.md, SARIF help, `privlint explain`). */
import type { RuleMeta } from './rules/rule.js';

export function ruleMarkdown(rule: RuleMeta): string {
  const d = rule.docs;
  return [
    `# ${rule.id}`,
    '',
    `> ${rule.short}`,
    '',
    `Default severity: **${rule.severity}** · security-severity ${rule.securitySeverity.toFixed(1)} · ${rule.cwe.join(', ')}${rule.core ? ' · core rule' : ''}`,
    '',
    '## What it does',
    '',
    d.what,
    '',
    '## Why is this bad?',
    '',
    d.why,
    '',
    '## Example',
    '',
    '```c',
    d.example,
    '```',
    '',
    '## Use instead',
    '',
    '```c',
    d.useInstead,
    '```',
    '',
    '## References',
    '',
    ...d.references.map((r) => `- ${r}`),
    '',
  ].join('\n');
}
