/**
 * Loading the configuration: privlint.json, .privlintrc.json or the `privlint` key of package.json, found upward
 * from the scanned path, or the file given with --config. Data only: the files are read as JSON, validated against
 * the schema (src/config-schema.ts), and nothing in them is ever executed, imported or resolved.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { defaultConfig, type PrivlintConfig } from './config.js';
import { configSchema } from './config-schema.js';
import { displayPath } from './files.js';
import { formatPath, SchemaValidator, type KeyPath } from './json-schema.js';
import { RULE_SETS, type RuleSetName } from './rules/sets.js';

/** A configuration that cannot be used: the message names the file, the key path and what is allowed (one line per problem). */
export class ConfigError extends Error {}

/** Files searched in each directory, besides the `privlint` key of package.json. */
export const CONFIG_FILES = ['privlint.json', '.privlintrc.json'] as const;
/** Larger configuration files are refused rather than read (a configuration is a few hundred bytes). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** Extensions of code: such a file is never loaded as a configuration. */
const CODE_EXTENSIONS = new Set(['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts', '.jsx', '.tsx']);

let validator: SchemaValidator | undefined;

/** `recommended` or `strict`; `where` names the setting in the error. */
export function parseRuleSet(value: unknown, where: string): RuleSetName {
  if (!RULE_SETS.includes(value as RuleSetName)) throw new ConfigError(`${where} must be one of ${RULE_SETS.join(', ')}, not ${JSON.stringify(String(value))}`);
  return value as RuleSetName;
}

/**
 * A validated configuration from parsed JSON. `file` names it in errors; `keyPrefix` is where the configuration
 * sits inside that file (`privlint` in package.json).
 */
export function parseConfig(raw: unknown, file: string, keyPrefix: KeyPath = []): PrivlintConfig {
  validator ??= new SchemaValidator(configSchema());
  const errors = validator.validate(raw);
  if (errors.length) {
    const shown = displayPath(path.resolve(file), process.cwd());
    throw new ConfigError(errors.map((e) => `${shown}: ${formatPath([...keyPrefix, ...e.path]) || 'the configuration'}: ${e.message}`).join('\n'));
  }
  const data = raw as Record<string, unknown>;
  const config = defaultConfig();
  config.baseDir = path.dirname(path.resolve(file));
  for (const [key, value] of Object.entries(data)) {
    switch (key) {
      case '$schema':
        break;
      case 'rules':
        if (typeof value === 'string') config.ruleSet = value as RuleSetName; // the short form: "rules": "strict"
        else config.rules = copyRecord(value as Record<string, PrivlintConfig['rules'][string]>);
        break;
      case 'checkingWrappers':
        config.checkingWrappers = copyRecord(value as Record<string, string>);
        break;
      case 'overrides':
        config.overrides = (value as Record<string, unknown>[]).map((o) => ({
          ...(structuredClone(o) as unknown as PrivlintConfig['overrides'][number]),
          ...(o.rules !== undefined && typeof o.rules === 'object' ? { rules: copyRecord(o.rules as PrivlintConfig['rules']) } : {}),
        }));
        break;
      default:
        (config as unknown as Record<string, unknown>)[key] = structuredClone(value);
    }
  }
  return config;
}

/** A copy whose keys are own data properties of an object without a prototype: `__proto__` stays a key. */
function copyRecord<T>(value: Record<string, T>): Record<string, T> {
  const copy = Object.create(null) as Record<string, T>;
  for (const [k, v] of Object.entries(value)) Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** `line 3, column 7` for a JSON.parse error that gives a position. */
function jsonErrorPlace(text: string, message: string): string {
  const position = /position (\d+)/.exec(message)?.[1];
  if (position === undefined) return '';
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  return ` at line ${line}, column ${Number(position) - before.lastIndexOf('\n')}`;
}

/** The text of a configuration file, or undefined when there is none; anything else that stops reading it is an error. */
async function readConfigText(file: string): Promise<string | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new ConfigError(`${file}: cannot read the configuration file (${(e as Error).message})`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new ConfigError(`${file}: not a regular file`);
    if (st.size > MAX_CONFIG_BYTES) throw new ConfigError(`${file}: ${st.size} bytes is too large for a configuration file (the limit is ${MAX_CONFIG_BYTES})`);
    const bytes = await handle.readFile();
    if (bytes.length > MAX_CONFIG_BYTES) throw new ConfigError(`${file}: too large for a configuration file (the limit is ${MAX_CONFIG_BYTES} bytes)`);
    return bytes.toString('utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${file}: cannot read the configuration file (${(e as Error).message})`);
  } finally {
    await handle.close();
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON${jsonErrorPlace(text, (e as Error).message)} (${(e as Error).message})`);
  }
}

/** A configuration file given by name (--config). */
async function loadExplicit(file: string): Promise<PrivlintConfig> {
  if (CODE_EXTENSIONS.has(path.extname(file).toLowerCase())) {
    throw new ConfigError(`${file}: privlint never runs code to configure itself; write the settings as JSON (privlint.json)`);
  }
  const text = await readConfigText(file);
  if (text === undefined) throw new ConfigError(`${file}: no such configuration file`);
  const raw = parseJson(text, file);
  if (path.basename(file) === 'package.json') {
    if (!isObject(raw) || !Object.hasOwn(raw, 'privlint')) throw new ConfigError(`${file}: has no "privlint" key`);
    return parseConfig(raw.privlint, file, ['privlint']);
  }
  return parseConfig(raw, file);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The configuration a directory holds itself, if any; two of them in one directory is an error. */
async function configIn(dir: string): Promise<{ config: PrivlintConfig; file: string } | undefined> {
  const found: { file: string; load: () => PrivlintConfig }[] = [];
  for (const name of CONFIG_FILES) {
    const file = path.join(dir, name);
    const text = await readConfigText(file);
    if (text !== undefined) found.push({ file, load: () => parseConfig(parseJson(text, file), file) });
  }
  const pkgFile = path.join(dir, 'package.json');
  const pkgText = await readConfigText(pkgFile).catch(() => undefined);
  // A package.json that does not mention privlint is not privlint's business, even when it is broken.
  if (pkgText !== undefined && pkgText.includes('"privlint"')) {
    const pkg = parseJson(pkgText, pkgFile);
    if (isObject(pkg) && Object.hasOwn(pkg, 'privlint')) found.push({ file: pkgFile, load: () => parseConfig(pkg.privlint, pkgFile, ['privlint']) });
  }
  if (found.length > 1) {
    throw new ConfigError(`${dir}: more than one configuration (${found.map((f) => (f.file === pkgFile ? 'package.json "privlint"' : path.basename(f.file))).join(', ')}); keep one`);
  }
  const only = found[0];
  return only && { config: only.load(), file: only.file };
}

/** The configuration for a scan: an explicit file, else the nearest one upward from `start`, else the defaults. */
export async function loadConfig(start: string, explicit?: string): Promise<{ config: PrivlintConfig; file?: string }> {
  if (explicit) return { config: await loadExplicit(explicit), file: explicit };
  let dir = path.resolve(start);
  try {
    if (!(await fs.stat(dir)).isDirectory()) dir = path.dirname(dir);
  } catch {
    dir = path.dirname(dir);
  }
  for (;;) {
    const here = await configIn(dir);
    if (here) return here;
    const parent = path.dirname(dir);
    if (parent === dir) return { config: defaultConfig() };
    dir = parent;
  }
}
