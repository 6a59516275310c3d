/** The README's configuration reference, generated from the schema (`npm run docs`; a test fails when it is stale). */
import { configSchema } from './config-schema.js';
import { SchemaValidator, type JsonSchema } from './json-schema.js';

export const REFERENCE_START = '<!-- configuration reference: generated from src/config-schema.ts by `npm run docs` -->';
export const REFERENCE_END = '<!-- end of the configuration reference -->';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function defaultOf(schema: JsonSchema): string {
  return schema.default === undefined ? '' : `\`${JSON.stringify(schema.default)}\``;
}

export function configReference(): string {
  const schema = configSchema();
  const validator = new SchemaValidator(schema);
  const rows = Object.entries(schema.properties ?? {}).map(([key, prop]) => {
    const resolved = validator.resolve(prop);
    const description = prop.description ?? resolved.description ?? '';
    const allowed = key === 'rules' ? 'rule id → `off`, `note`, `warning`, `error` (or a rule set name)' : validator.describe(prop);
    return `| \`${key}\` | ${cell(allowed)} | ${defaultOf(prop)} | ${cell(description)} |`;
  });
  const override = validator.resolve(schema.definitions!.override!);
  return [
    '| key | allowed | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    `An \`overrides\` entry takes ${Object.keys(override.properties ?? {}).map((k) => `\`${k}\``).join(', ')} (\`files\` required).`,
  ].join('\n');
}

/** The README with its configuration reference regenerated between the markers. */
export function withConfigReference(readme: string): string {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start < 0 || end < start) throw new Error('README.md has no configuration reference markers');
  return `${readme.slice(0, start + REFERENCE_START.length)}\n${configReference()}\n${readme.slice(end)}`;
}
