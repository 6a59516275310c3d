/**
 * `privlint/eslint-plugin`: privlint in ESLint. Rules `privlint/<id>` for C (language `privlint/c`) and for
 * JavaScript/TypeScript, the C language, and the flat configs `recommended` and `strict`.
 *
 *   import privlint from 'privlint/eslint-plugin';
 *   export default [...privlint.configs.recommended];
 */
import type { ConfigObject, Plugin, RulesConfig } from '@eslint/core';
import type { SeverityLevel } from '../config.js';
import { VERSION } from '../links.js';
import { RULES } from '../rules/index.js';
import { inRuleSet, type RuleSetName } from '../rules/sets.js';
import { cLanguage } from './c-language.js';
import { eslintRules } from './rules.js';

/** The files each language block covers: C sources and headers; every JavaScript and TypeScript module kind. */
export const C_FILES = ['**/*.c', '**/*.h'];
export const NODE_FILES = ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'];

/** privlint's severities in ESLint's terms: ESLint has no notes, so they are warnings. */
const ESLINT_SEVERITY: Record<SeverityLevel, 'error' | 'warn'> = { error: 'error', warning: 'warn', note: 'warn' };

function rulesOf(set: RuleSetName): RulesConfig {
  return Object.fromEntries(RULES.filter((r) => inRuleSet(r, set)).map((r) => [`privlint/${r.id}`, ESLINT_SEVERITY[r.severity]]));
}

const plugin = {
  meta: { name: 'privlint', version: VERSION, namespace: 'privlint' },
  rules: eslintRules,
  languages: { c: cLanguage },
  configs: {} as Record<RuleSetName, ConfigObject[]>,
} satisfies Plugin;

function configOf(set: RuleSetName): ConfigObject[] {
  const rules = rulesOf(set);
  return [
    // The set is a setting too: the notes of a rule (a daemon's own input, read before its drop) belong to `strict` only.
    { name: `privlint/${set}/c`, files: C_FILES, plugins: { privlint: plugin }, language: 'privlint/c', rules, settings: { privlint: { ruleSet: set } } },
    { name: `privlint/${set}/js-ts`, files: NODE_FILES, plugins: { privlint: plugin }, rules, settings: { privlint: { ruleSet: set } } },
  ];
}

plugin.configs.recommended = configOf('recommended');
plugin.configs.strict = configOf('strict');

export default plugin;
