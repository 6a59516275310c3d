/** Configuration as validated data: the schema, its messages, the files it is read from, and what loading never does. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, MAX_CONFIG_BYTES, parseConfig } from '../src/config-file.js';
import { configForFile, engineConfig } from '../src/config-overrides.js';
import { configSchema } from '../src/config-schema.js';
import { SchemaValidator } from '../src/json-schema.js';
import { seededRandom } from '../src/testing/fuzz.js';
import { RULES } from '../src/rules/index.js';
import { build, root, run, tree } from './cli-helpers.js';

beforeAll(build);

const schema = configSchema();
const ours = new SchemaValidator(schema);
const ajv = new Ajv({ strict: false, allErrors: true });
const official = ajv.compile(schema);

function errorsOf(raw: unknown): string[] {
  try {
    parseConfig(raw, 'privlint.json');
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.message.split('\n');
  }
}

const VALID = {
  $schema: './node_modules/privlint/schema/privlint.schema.json',
  rules: { 'unchecked-return': 'error', 'shared-nobody': 'off' },
  ruleSet: 'strict',
  ignore: ['vendor/', '*.gen.c'],
  platform: 'openbsd',
  programKind: 'daemon',
  noreturn: ['fatal', 'log.fatal'],
  inputFunctions: ['load_config'],
  checkingWrappers: { xsetuid: 'setuid', 'util.dropUid': 'process.setuid' },
  dropHelpers: ['drop_privileges'],
  reportUnusedSuppressions: true,
  respectGitignore: false,
  overrides: [{ files: ['tools/'], programKind: 'setuid', rules: { 'prefer-setresuid': 'error' }, ruleSet: 'recommended' }],
};

const ODD_VALUES: unknown[] = ['', 'x', 'warn', 'fatal()', 0, 1.5, -1, true, null, [], [1], ['ok', 2], {}, { a: 1 }, 'strict', ['a/'], [{ files: [] }], { files: ['x'] }];

/** A configuration with one thing changed at a random place: a value replaced, a key misspelt, a key added or removed. */
function mutate(value: unknown, next: () => number, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  if (depth > 4 || value === null || typeof value !== 'object' || next() < 0.25) return pick(ODD_VALUES);
  if (Array.isArray(value)) {
    if (!value.length) return [pick(ODD_VALUES)];
    const i = Math.floor(next() * value.length);
    return value.map((v, j) => (j === i ? mutate(v, next, depth + 1) : v));
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const r = next();
  if (r < 0.15 && entries.length) {
    const [k, v] = pick(entries);
    const typo = k.length > 2 ? k.slice(0, 1) + k.slice(2) : `${k}x`;
    return Object.fromEntries([...entries.filter(([key]) => key !== k), [typo, v]]);
  }
  if (r < 0.25) return Object.fromEntries([...entries, [pick(['extends', '__proto__', 'constructor', 'rule', 'files']), pick(ODD_VALUES)]]);
  if (r < 0.3 && entries.length) return Object.fromEntries(entries.slice(1));
  if (!entries.length) return { [pick(RULES).id]: pick(ODD_VALUES) };
  const [k, v] = pick(entries);
  return Object.fromEntries(entries.map(([key, val]) => [key, key === k ? mutate(v, next, depth + 1) : val]));
}

describe('the configuration schema', () => {
  it('is a valid draft-07 schema whose examples and defaults it accepts', () => {
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    expect(official(VALID), JSON.stringify(official.errors)).toBe(true);
    for (const [key, prop] of Object.entries(schema.properties!)) {
      for (const value of [...(prop.examples ?? []), ...(prop.default === undefined ? [] : [prop.default])]) {
        expect(official({ [key]: value }), `${key}: ${JSON.stringify(official.errors)}`).toBe(true);
      }
    }
  });

  it('agrees with an independent validator (Ajv) on valid and mutated configurations', () => {
    const next = seededRandom(20240607);
    let invalid = 0;
    for (let i = 0; i < 3000; i++) {
      const candidate = i % 10 === 0 ? VALID : mutate(VALID, next);
      const ok = official(candidate);
      if (!ok) invalid++;
      expect(ours.validate(candidate).length === 0, JSON.stringify(candidate)).toBe(ok);
    }
    expect(invalid).toBeGreaterThan(1000); // the mutations do reach invalid configurations
  });
});

describe('configuration errors', () => {
  it('name the key path and what is allowed, with a "did you mean" for misspellings, and report every problem', () => {
    const errors = errorsOf({
      rulez: {},
      ruleSet: 'strikt',
      ignore: 'vendor/',
      noreturn: ['fatal()'],
      overrides: [{ rules: { 'unchecked-retrun': 'warn' } }],
    });
    expect(errors).toEqual([
      expect.stringMatching(/^privlint\.json: rulez: unknown key "rulez" \(did you mean "rules"\?\); known keys: \$schema, rules, ruleSet, /),
      'privlint.json: ruleSet: "strikt" is not allowed: use one of recommended, strict (did you mean "strict"?)',
      'privlint.json: ignore: must be a list of globs, not "vendor/"',
      'privlint.json: noreturn[0]: "fatal()" is not a function name (letters, digits, _ and $; a dot between the parts of a method name)',
      'privlint.json: overrides[0]: "files" is missing (the globs, in .gitignore syntax, relative to the configuration file\'s directory)',
      expect.stringMatching(/^privlint\.json: overrides\[0\]\.rules\.unchecked-retrun: unknown rule "unchecked-retrun" \(did you mean "unchecked-return"\?\); known rules: unchecked-return, /),
    ]);
    expect(errorsOf({ rules: { 'missing-setgroups': 'warn' } })).toEqual(['privlint.json: rules.missing-setgroups: "warn" is not allowed: use one of off, note, warning, error (did you mean "warning"?)']);
    expect(errorsOf([1, 2])).toEqual(['privlint.json: the configuration: must be an object, not a list']);
    expect(errorsOf({ rules: 3 })).toEqual(['privlint.json: rules: must be an object, or one of recommended, strict, not 3']);
  });

  it('exit 2 from the CLI, naming the file; a key misspelt in package.json is shown under "privlint"', () => {
    const dir = tree({ 'a.c': 'int main(void) { return 0; }\n', 'privlint.json': '{ "ignroe": ["x/"] }' });
    const r = run(['.'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('privlint: privlint.json: ignroe: unknown key "ignroe" (did you mean "ignore"?)');
    const pkg = tree({ 'a.c': 'int main(void) { return 0; }\n', 'package.json': JSON.stringify({ name: 'x', privlint: { platfrom: 'linux' } }) });
    expect(run(['.'], pkg).stderr).toContain('privlint: package.json: privlint.platfrom: unknown key "platfrom" (did you mean "platform"?)');
    const broken = tree({ 'a.c': '', 'privlint.json': '{\n  "rules": {,}\n}' });
    expect(run(['.'], broken).stderr).toMatch(/privlint\.json: not valid JSON at line 2, column \d+/);
  });
});

describe('configuration files', () => {
  it('are found upward: privlint.json, .privlintrc.json or package.json "privlint"; two in one folder is an error', async () => {
    const dir = tree({ 'proj/src/a.c': '', 'proj/.privlintrc.json': '{ "platform": "macos" }', 'package.json': '{ "privlint": { "platform": "freebsd" } }' });
    expect((await loadConfig(path.join(dir, 'proj', 'src'))).config.platform).toBe('macos');
    expect((await loadConfig(dir)).config.platform).toBe('freebsd');
    writeFileSync(path.join(dir, 'proj', 'privlint.json'), '{}');
    await expect(loadConfig(path.join(dir, 'proj'))).rejects.toThrow(/more than one configuration \(privlint\.json, \.privlintrc\.json\); keep one/);
    // A package.json without a privlint key is not a configuration, even when it is broken.
    const other = tree({ 'package.json': '{ broken', 'privlint.json': '{ "platform": "openbsd" }', 'sub/package.json': '{ "name": "sub" }' });
    expect((await loadConfig(path.join(other, 'sub'))).config.platform).toBe('openbsd');
  });

  it('never run code: a .js configuration is refused unread, and a privlint.config.js is not looked for', () => {
    const marker = (dir: string): string => path.join(dir, 'executed');
    const js = (dir: string): string => `require('fs').writeFileSync(${JSON.stringify(marker(dir))}, 'yes'); module.exports = { rules: {} };\n`;
    const dir = tree({ 'a.c': 'int main(void) { return 0; }\n' });
    writeFileSync(path.join(dir, 'privlint.config.js'), js(dir));
    writeFileSync(path.join(dir, '.privlintrc.js'), js(dir));
    const explicit = run(['--config', 'privlint.config.js', '.'], dir);
    expect(explicit.status).toBe(2);
    expect(explicit.stderr).toContain('privlint.config.js: privlint never runs code to configure itself');
    expect(run(['.'], dir).status).toBe(0);
    // A JSON file naming code is just data: unknown keys, never loaded.
    writeFileSync(path.join(dir, 'privlint.json'), JSON.stringify({ extends: './privlint.config.js', plugins: ['./.privlintrc.js'] }));
    const named = run(['.'], dir);
    expect(named.status).toBe(2);
    expect(named.stderr).toContain('extends: unknown key "extends"');
    expect(existsSync(marker(dir))).toBe(false);
  });

  it('keep __proto__ and constructor as plain (rejected) keys: nothing is polluted', () => {
    const raw = JSON.parse('{ "__proto__": { "polluted": 1 }, "rules": { "__proto__": "error", "constructor": "off" }, "constructor": { "prototype": { "polluted": 1 } } }');
    const errors = errorsOf(raw);
    expect(errors).toEqual([
      expect.stringContaining('__proto__: unknown key "__proto__"'),
      expect.stringContaining('rules.__proto__: unknown rule "__proto__"'),
      expect.stringContaining('rules.constructor: unknown rule "constructor"'),
      expect.stringContaining('constructor: unknown key "constructor"'),
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const valid = parseConfig(JSON.parse('{ "checkingWrappers": { "xsetuid": "setuid" } }'), 'privlint.json');
    expect(Object.getPrototypeOf(valid.checkingWrappers)).toBeNull();
  });

  it('refuse huge files and survive deeply nested JSON', async () => {
    const dir = tree({ 'privlint.json': `{ "ignore": [${'"x", '.repeat(MAX_CONFIG_BYTES / 5)}"y"] }` });
    await expect(loadConfig(dir)).rejects.toThrow(/too large for a configuration file/);
    const depth = 500_000;
    const nested = tree({ 'privlint.json': `{ "ignore": ${'['.repeat(depth)}${']'.repeat(depth)}, "overrides": [${'{"files":'.repeat(1000)}1${'}'.repeat(1000)}] }` });
    const started = Date.now();
    const error = await loadConfig(nested).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message.split('\n')).toEqual([
      expect.stringContaining('ignore[0]: must be a glob'),
      expect.stringContaining('overrides[0].files: must be a list of globs, not an object'),
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
    const deepRoot = tree({ 'privlint.json': `${'['.repeat(depth)}${']'.repeat(depth)}` });
    await expect(loadConfig(deepRoot)).rejects.toThrow(/must be an object, not a list/);
  });
});

describe('overrides and the effective configuration', () => {
  const BAD = '#include <unistd.h>\nint main(void) { setgid(100); if (setuid(100) != 0) return 1; return 0; }\n';

  it('set severities per glob: a rule off at the top runs where an override turns it on', () => {
    const dir = tree({
      'app/a.c': BAD,
      'tools/b.c': BAD,
      'privlint.json': JSON.stringify({ rules: { 'missing-setgroups': 'off' }, overrides: [{ files: ['tools/'], rules: { 'missing-setgroups': 'note' } }, { files: ['app/'], rules: { 'unchecked-return': 'warning' } }] }),
    });
    const report = JSON.parse(run(['-f', 'json', '.'], dir).stdout);
    const seen = report.findings.map((f: { file: string; ruleId: string; severity: string }) => `${f.file} ${f.ruleId} ${f.severity}`).sort();
    expect(seen).toEqual(['app/a.c unchecked-return warning', 'tools/b.c missing-setgroups note', 'tools/b.c unchecked-return error']);
  });

  it('are resolved per file for --print-config, programKind included', () => {
    const dir = tree({ 'privlint.json': JSON.stringify({ programKind: 'daemon', overrides: [{ files: ['suid/*.c'], programKind: 'setuid', rules: { 'shared-nobody': 'warning' } }] }) });
    mkdirSync(path.join(dir, 'suid'));
    const effective = JSON.parse(run(['--print-config', 'suid/helper.c'], dir).stdout);
    expect(effective).toMatchObject({ file: 'suid/helper.c', configFile: 'privlint.json', programKind: 'setuid', ruleSet: 'recommended' });
    expect(effective.rules['shared-nobody']).toBe('warning');
    expect(effective.rules['unverified-drop']).toBe('off');
    expect(effective.rules['unchecked-return']).toBe('error');
    expect(JSON.parse(run(['--print-config', 'main.c'], dir).stdout).programKind).toBe('daemon');
  });

  it('name checking wrappers and drop helpers the analysis sees as checked drops, in C and Node, in workers and through the cache', () => {
    const files = {
      'jail.c': '#include <err.h>\n#include <unistd.h>\nvoid xsetgid(gid_t);\nvoid xsetuid(uid_t);\nint main(void) {\n\tif (chroot("/var/empty") == -1 || chdir("/") == -1)\n\t\terr(1, "chroot");\n\txsetgid(100);\n\txsetuid(100);\n\treturn 0;\n}\n',
      'jail.js': "const posix = require('posix');\nconst { dropTo } = require('privdrop');\nposix.chroot('/var/empty');\ndropTo('_svc');\n",
    };
    const findings = (dir: string, ...args: string[]): string[] =>
      JSON.parse(run(['-f', 'json', ...args, '.'], dir).stdout).findings.map((f: { file: string; line: number; ruleId: string }) => `${f.file}:${f.line} ${f.ruleId}`).sort();
    const without = ['jail.c:6 chroot-without-drop', 'jail.js:3 chroot-without-drop'];
    expect(findings(tree(files))).toEqual(without);
    const vocabulary = { checkingWrappers: { xsetgid: 'setgid', xsetuid: 'setuid' }, dropHelpers: ['privdrop.dropTo'] };
    const dir = tree({ ...files, 'privlint.json': JSON.stringify(vocabulary) });
    // The wrappers drop the ids, checked, but set no groups; the helper does the whole drop.
    const withVocabulary = ['jail.c:9 missing-setgroups'];
    expect(findings(dir)).toEqual(withVocabulary);
    expect(findings(dir, '--jobs', '2', '--cache', '--cache-location', 'cache')).toEqual(withVocabulary);
    expect(JSON.parse(run(['--print-config', 'jail.c'], dir).stdout)).toMatchObject(vocabulary);
    // The cache remembers models per vocabulary: without it, the first answer comes back.
    writeFileSync(path.join(dir, 'privlint.json'), '{}');
    expect(findings(dir, '--jobs', '2', '--cache', '--cache-location', 'cache')).toEqual(without);
  });

  it('make the engine run every rule some file needs, and only those', () => {
    const config = parseConfig({ rules: { 'temporary-drop': 'off' }, overrides: [{ files: ['x/'], ruleSet: 'strict' }] }, path.join(root, 'privlint.json'));
    const engine = engineConfig(config);
    expect(engine.rules).toEqual({ 'temporary-drop': 'off' });
    expect(engine.ruleSet).toBe('strict');
    expect(configForFile(config, path.join(root, 'x', 'a.c'), root).ruleSet).toBe('strict');
    expect(configForFile(config, path.join(root, 'y', 'a.c'), root).ruleSet).toBe('recommended');
  });

  it('ship as schema/privlint.schema.json for editors', () => {
    const shipped = JSON.parse(readFileSync(path.join(root, 'schema', 'privlint.schema.json'), 'utf8'));
    expect(Object.keys(shipped.definitions.ruleSettings.properties)).toEqual(RULES.map((r) => r.id));
  });
});
