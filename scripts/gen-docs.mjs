#!/usr/bin/env node
// Regenerates the documentation written from the code (run `npm run build` first); tests fail when any is stale:
// docs/rules/<id>.md from the rule files (and the suppression reports), schema/privlint.schema.json from the
// configuration schema, and the configuration reference in README.md.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { RULES } from '../lib/rules/index.js';
import { SUPPRESSION_RULES } from '../lib/suppression-rules.js';
import { ruleMarkdown } from '../lib/docs.js';
import { SCHEMA_FILE, schemaText } from '../lib/config-schema.js';
import { withConfigReference } from '../lib/config-docs.js';

mkdirSync(new URL('../docs/rules/', import.meta.url), { recursive: true });
for (const rule of [...RULES, ...SUPPRESSION_RULES]) writeFileSync(new URL(`../docs/rules/${rule.id}.md`, import.meta.url), ruleMarkdown(rule));
console.log(`wrote ${RULES.length + SUPPRESSION_RULES.length} rule pages`);
mkdirSync(new URL('../schema/', import.meta.url), { recursive: true });
writeFileSync(new URL(`../${SCHEMA_FILE}`, import.meta.url), schemaText());
console.log(`wrote ${SCHEMA_FILE}`);
const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, withConfigReference(readFileSync(readme, 'utf8')));
console.log('wrote the configuration reference in README.md');
