/** Rule sets: `recommended` (the default) and `strict`, which adds the rules whose findings are notes. */
import type { PrivlintConfig } from '../config.js';
import { RULES } from './index.js';
import type { Rule } from './rule.js';

export const RULE_SETS = ['recommended', 'strict'] as const;
export type RuleSetName = (typeof RULE_SETS)[number];

/** Rules only the strict set turns on: advice rather than a defect. */
const STRICT_ONLY = new Set(['unverified-drop', 'shared-nobody']);

export function inRuleSet(rule: Rule, set: RuleSetName): boolean {
  return set === 'strict' || !STRICT_ONLY.has(rule.id);
}

export function ruleSetsOf(rule: Rule): RuleSetName[] {
  return RULE_SETS.filter((s) => inRuleSet(rule, s));
}

/** The rules a configuration runs: those of its set, plus any given a severity, minus any turned off. */
export function enabledRules(config: PrivlintConfig): Rule[] {
  return RULES.filter((r) => {
    const setting = config.rules[r.id];
    return setting === undefined ? inRuleSet(r, config.ruleSet) : setting !== 'off';
  });
}
