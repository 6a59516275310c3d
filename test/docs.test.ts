import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleMarkdown } from '../src/docs.js';
import { RULES } from '../src/rules/index.js';

describe('rule documentation', () => {
  it.each(RULES.map((r) => [r.id, r]))('docs/rules/%s.md is generated from the rule file (run `npm run docs`)', (id, rule) => {
    const file = path.resolve(__dirname, '..', 'docs', 'rules', `${id}.md`);
    expect(readFileSync(file, 'utf8')).toBe(ruleMarkdown(rule));
  });

  it.each(RULES.map((r) => [r.id, r]))('%s has complete metadata', (_id, rule) => {
    expect(rule.short.length).toBeGreaterThan(20);
    for (const part of [rule.docs.what, rule.docs.why, rule.docs.example, rule.docs.useInstead]) expect(part.length).toBeGreaterThan(10);
    expect(rule.docs.references.some((r) => r.startsWith('CWE-'))).toBe(true);
    expect(rule.docs.references.some((r) => r.includes('CERT'))).toBe(true);
    expect(rule.securitySeverity).toBeGreaterThan(0);
    expect(rule.securitySeverity).toBeLessThanOrEqual(10);
  });
});
