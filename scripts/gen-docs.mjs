#!/usr/bin/env node
// Regenerates docs/rules/<id>.md from the rule files (run `npm run build` first). A test fails when they are stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { RULES } from '../lib/rules/index.js';
import { ruleMarkdown } from '../lib/docs.js';

mkdirSync(new URL('../docs/rules/', import.meta.url), { recursive: true });
for (const rule of RULES) writeFileSync(new URL(`../docs/rules/${rule.id}.md`, import.meta.url), ruleMarkdown(rule));
console.log(`wrote ${RULES.length} rule pages`);
