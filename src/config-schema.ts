/**
 * The JSON Schema of privlint.json: the one description of the configuration. The loader validates against it,
 * schema/privlint.schema.json is written from it (editors complete keys through `"$schema"`), and the README's
 * configuration reference is generated from it (`npm run docs`; tests fail when either is stale).
 */
import type { JsonSchema } from './json-schema.js';
import { REPOSITORY_RAW_BASE } from './links.js';
import { RULES } from './rules/index.js';

export const SCHEMA_FILE = 'schema/privlint.schema.json';

/** Calls a checking wrapper can stand for. */
export const WRAPPABLE_CALLS = [
  'setuid', 'setgid', 'seteuid', 'setegid', 'setreuid', 'setregid', 'setresuid', 'setresgid', 'setgroups', 'initgroups', 'chroot', 'chdir',
  'process.setuid', 'process.setgid', 'process.seteuid', 'process.setegid', 'process.setgroups', 'process.initgroups',
] as const;

const FUNCTION_NAME = '^[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*$';

const functionNames = (description: string, example: string[]): JsonSchema => ({
  type: 'array',
  description,
  items: { $ref: '#/definitions/functionName' },
  default: [],
  examples: [example],
});

/** Settings an `overrides` entry may change, besides `files`. */
const FILE_SETTINGS = ['rules', 'ruleSet', 'programKind'] as const;

export function configSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    $schema: { type: 'string', description: 'The schema of this file, for editors: `./node_modules/privlint/schema/privlint.schema.json`. Not read by privlint.' },
    rules: {
      anyOf: [{ $ref: '#/definitions/ruleSettings' }, { $ref: '#/definitions/ruleSet' }],
      description: 'Rule id → `off`, `note`, `warning` or `error`. A rule given a severity runs whatever the rule set; `off` turns it off.',
      default: {},
      examples: [{ 'drop-after-input': 'error', 'missing-setgroups': 'off' }],
    },
    ruleSet: { $ref: '#/definitions/ruleSet', description: '`recommended` (the default) or `strict`, which adds the rules whose findings are notes.', default: 'recommended' },
    ignore: {
      type: 'array',
      description: 'Paths not to analyse, in .gitignore syntax, relative to this file\'s directory.',
      items: { type: 'string', minLength: 1, title: 'glob' },
      default: [],
      examples: [['third_party/', '*_test.c']],
    },
    platform: { enum: ['linux', 'freebsd', 'openbsd', 'macos'], description: 'The platform the code runs on: it decides which calls the fixes and `privlint sequence` use.', default: 'linux' },
    programKind: { $ref: '#/definitions/programKind', default: 'auto' },
    noreturn: functionNames('Functions that never return (`fatal`, `die`), besides `exit`, `abort`, `err` and those declared `noreturn` in the scanned code.', ['fatal', 'die']),
    inputFunctions: functionNames('Functions that read untrusted input (option or configuration parsers), besides getopt, getenv, fopen and the like.', ['load_config']),
    checkingWrappers: {
      type: 'object',
      description: 'Functions that make a privilege call, test its result and end the process when it fails (a library\'s `xsetuid(uid)`, a macro): wrapper name → the call it makes. A call of one is read as a checked call of the wrapped function with the same arguments.',
      propertyNames: { $ref: '#/definitions/functionName' },
      additionalProperties: { enum: [...WRAPPABLE_CALLS] },
      default: {},
      examples: [{ xsetuid: 'setuid', xsetgid: 'setgid' }],
    },
    dropHelpers: functionNames('Functions that drop privileges for good — the groups, then the gid, then the uid, each checked — such as a library\'s `drop_privileges(user)`. A call of one is read as that whole drop; its first argument names the account, a second one the group.', ['drop_privileges']),
    reportUnusedSuppressions: {
      type: 'boolean',
      description: 'Report `privlint-disable` comments that suppress nothing. Default: only when the `CI` environment variable is set; `--report-unused-suppressions` / `--no-report-unused-suppressions` decide for one run.',
    },
    respectGitignore: { type: 'boolean', description: 'Honour `.gitignore` files while walking directories (`--no-ignore` turns this and `ignore` off for one run).', default: true },
    overrides: {
      type: 'array',
      description: `Settings for the files some globs match (${FILE_SETTINGS.map((k) => `\`${k}\``).join(', ')}); later entries win.`,
      items: { $ref: '#/definitions/override' },
      default: [],
      examples: [[{ files: ['tools/suid-helper/'], programKind: 'setuid' }, { files: ['test/'], rules: { 'unverified-drop': 'off' } }]],
    },
  };
  const override: JsonSchema = {
    type: 'object',
    title: 'override',
    additionalProperties: false,
    required: ['files'],
    properties: {
      files: { type: 'array', minItems: 1, description: 'the globs, in .gitignore syntax, relative to the configuration file\'s directory', items: { type: 'string', minLength: 1, title: 'glob' } },
      ...Object.fromEntries(FILE_SETTINGS.map((k) => [k, properties[k]!])),
    },
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${REPOSITORY_RAW_BASE}${SCHEMA_FILE}`,
    title: 'privlint configuration',
    description: 'privlint.json, .privlintrc.json or the "privlint" key of package.json. Data only: nothing in it is executed.',
    type: 'object',
    additionalProperties: false,
    properties,
    definitions: {
      severity: { enum: ['off', 'note', 'warning', 'error'] },
      ruleSet: { enum: ['recommended', 'strict'] },
      programKind: {
        enum: ['auto', 'daemon', 'setuid', 'library'],
        description: 'What the program is: `daemon` (started by root, reads its own options and configuration), `setuid` (its argv and environment belong to the invoking user), `library` (no entry of its own), or `auto` (inferred from its drop).',
      },
      ruleSettings: {
        type: 'object',
        additionalProperties: false,
        'x-key-kind': 'rule',
        properties: Object.fromEntries(RULES.map((r) => [r.id, { $ref: '#/definitions/severity', description: r.short }])),
      },
      functionName: { type: 'string', title: 'function name', pattern: FUNCTION_NAME, patternErrorMessage: 'a function name (letters, digits, _ and $; a dot between the parts of a method name)' },
      override,
    },
  };
}

/** The schema as the file in the package holds it. */
export function schemaText(): string {
  return `${JSON.stringify(configSchema(), null, 2)}\n`;
}
