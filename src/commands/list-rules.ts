/** `privlint --list-rules`: every rule, its default severity, its sets, and whether the configuration runs it. */
import { ruleSetting } from '../config-overrides.js';
import type { PrivlintConfig } from '../config.js';
import { RULES } from '../rules/index.js';
import { ruleSetsOf } from '../rules/sets.js';
import { SUPPRESSION_RULES } from '../suppression-rules.js';

interface RuleRow {
  id: string;
  severity: string;
  ruleSets: string[];
  /** The setting under the configuration: off, or the severity it reports with ('default': the rule's own). */
  configured: string;
  description: string;
}

function rows(config: PrivlintConfig): RuleRow[] {
  return [
    ...RULES.map((r) => {
      const setting = ruleSetting(config, r);
      return { id: r.id, severity: r.severity, ruleSets: ruleSetsOf(r), configured: setting ?? 'default', description: r.short };
    }),
    ...SUPPRESSION_RULES.map((r) => ({ id: r.id, severity: r.severity, ruleSets: [], configured: 'suppression comments', description: r.short })),
  ];
}

export function listRules(config: PrivlintConfig, format: string): string {
  const all = rows(config);
  if (format === 'json') return `${JSON.stringify(all, null, 2)}\n`;
  const width = Math.max(...all.map((r) => r.id.length));
  const lines = all.map((r) => {
    const state = r.configured === 'off' ? 'off' : r.configured === 'default' ? 'on' : r.configured;
    return `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${(r.ruleSets.join(',') || '-').padEnd(18)}  ${state.padEnd(20)}  ${r.description}`;
  });
  return `${'id'.padEnd(width)}  ${'default'.padEnd(7)}  ${'sets'.padEnd(18)}  ${'this configuration'.padEnd(20)}  description\n${lines.join('\n')}\n`;
}
