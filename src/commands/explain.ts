/** `privlint explain <rule>`: a rule's full documentation in the terminal. */
import { ruleMarkdown } from '../docs.js';
import { docsUrl } from '../links.js';
import { RULES, ruleById } from '../rules/index.js';
import { ruleSetsOf } from '../rules/sets.js';
import { SUPPRESSION_RULES } from '../suppression-rules.js';

/** The help text, or undefined for an unknown rule. */
export function explainRule(id: string): string | undefined {
  const rule = ruleById(id);
  const meta = SUPPRESSION_RULES.find((r) => r.id === id);
  if (!rule && !meta) return undefined;
  const sets = rule ? `Rule sets: ${ruleSetsOf(rule).join(', ')}` : 'Reported about suppression comments, whatever the rule set';
  return `${ruleMarkdown((rule ?? meta)!)}\n${sets}\nOnline: ${docsUrl(id)}\n`;
}

export function knownRuleIds(): string {
  return [...RULES, ...SUPPRESSION_RULES].map((r) => r.id).join(', ');
}
