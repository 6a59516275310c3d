/** Loading privlint.json (or the `privlint` key of package.json), found upward from the scanned path. Data only: nothing is executed. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { defaultConfig, type PrivlintConfig, type RuleSetting } from './config.js';
import { RULES } from './rules/index.js';
import { RULE_SETS, type RuleSetName } from './rules/sets.js';

export class ConfigError extends Error {}

const SETTINGS = new Set<RuleSetting>(['off', 'note', 'warning', 'error']);
const PLATFORMS = new Set(['linux', 'freebsd', 'openbsd', 'macos']);
const KEYS = new Set(['rules', 'ruleSet', 'ignore', 'noreturn', 'inputFunctions', 'platform']);

function stringList(value: unknown, key: string, file: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new ConfigError(`${file}: "${key}" must be a list of strings`);
  return value as string[];
}

/** `recommended` or `strict`; `where` names the setting in the error. */
export function parseRuleSet(value: unknown, where: string): RuleSetName {
  if (!RULE_SETS.includes(value as RuleSetName)) throw new ConfigError(`${where} must be one of ${RULE_SETS.join(', ')}`);
  return value as RuleSetName;
}

export function parseConfig(raw: unknown, file: string): PrivlintConfig {
  const config = defaultConfig();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(`${file}: the configuration must be a JSON object`);
  for (const [key, value] of Object.entries(raw)) {
    if (!KEYS.has(key)) throw new ConfigError(`${file}: unknown key "${key}" (known: ${[...KEYS].join(', ')})`);
    if (key === 'ruleSet' || (key === 'rules' && typeof value === 'string')) {
      config.ruleSet = parseRuleSet(value, `${file}: "${key}"`);
    } else if (key === 'rules') {
      if (typeof value !== 'object' || value === null) throw new ConfigError(`${file}: "rules" must map rule ids to off/note/warning/error`);
      for (const [id, setting] of Object.entries(value)) {
        if (!RULES.some((r) => r.id === id)) throw new ConfigError(`${file}: unknown rule "${id}"`);
        if (!SETTINGS.has(setting as RuleSetting)) throw new ConfigError(`${file}: rule "${id}" must be off, note, warning or error`);
        config.rules[id] = setting as RuleSetting;
      }
    } else if (key === 'platform') {
      if (!PLATFORMS.has(value as string)) throw new ConfigError(`${file}: "platform" must be one of ${[...PLATFORMS].join(', ')}`);
      config.platform = value as PrivlintConfig['platform'];
    } else config[key as 'ignore' | 'noreturn' | 'inputFunctions'] = stringList(value, key, file);
  }
  return config;
}

async function readJson(file: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}

/** The configuration for a scan: an explicit file, else the nearest privlint.json or package.json "privlint" key. */
export async function loadConfig(start: string, explicit?: string): Promise<{ config: PrivlintConfig; file?: string }> {
  if (explicit) {
    const raw = await readJson(explicit);
    if (raw === undefined) throw new ConfigError(`${explicit}: cannot read the configuration file`);
    return { config: parseConfig(raw, explicit), file: explicit };
  }
  let dir = path.resolve(start);
  try {
    if (!(await fs.stat(dir)).isDirectory()) dir = path.dirname(dir);
  } catch {
    dir = path.dirname(dir);
  }
  for (;;) {
    const own = path.join(dir, 'privlint.json');
    const raw = await readJson(own);
    if (raw !== undefined) return { config: parseConfig(raw, own), file: own };
    const pkg = (await readJson(path.join(dir, 'package.json'))) as { privlint?: unknown } | undefined;
    if (pkg && typeof pkg === 'object' && 'privlint' in pkg) return { config: parseConfig(pkg.privlint, path.join(dir, 'package.json')), file: path.join(dir, 'package.json') };
    const parent = path.dirname(dir);
    if (parent === dir) return { config: defaultConfig() };
    dir = parent;
  }
}
