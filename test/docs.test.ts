import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withConfigReference } from '../src/config-docs.js';
import { SCHEMA_FILE, schemaText } from '../src/config-schema.js';
import { ruleMarkdown } from '../src/docs.js';
import { RULES } from '../src/rules/index.js';
import { SUPPRESSION_RULES } from '../src/suppression-rules.js';

const root = path.resolve(__dirname, '..');

describe('rule documentation', () => {
  it.each([...RULES, ...SUPPRESSION_RULES].map((r) => [r.id, r]))('docs/rules/%s.md is generated from the rule file (run `npm run docs`)', (id, rule) => {
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

describe('configuration documentation', () => {
  it('schema/privlint.schema.json is generated from src/config-schema.ts (run `npm run docs`)', () => {
    expect(readFileSync(path.join(root, SCHEMA_FILE), 'utf8')).toBe(schemaText());
  });

  it('the README configuration reference is generated from the schema (run `npm run docs`)', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toBe(withConfigReference(readme));
  });

  it('the schema ships in the package', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.files).toContain(path.dirname(SCHEMA_FILE));
  });
});
