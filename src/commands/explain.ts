/** `privlint explain <rule>`: a rule's full documentation in the terminal. */
import { ruleMarkdown } from '../docs.js';
import { docsUrl } from '../links.js';
import { RULES, ruleById } from '../rules/index.js';
import { ruleSetsOf } from '../rules/sets.js';

/** The help text, or undefined for an unknown rule. */
export function explainRule(id: string): string | undefined {
  const rule = ruleById(id);
  if (!rule) return undefined;
  return `${ruleMarkdown(rule)}\nRule sets: ${ruleSetsOf(rule).join(', ')}\nOnline: ${docsUrl(rule.id)}\n`;
}

export function knownRuleIds(): string {
  return RULES.map((r) => r.id).join(', ');
}
