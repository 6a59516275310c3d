/**
 * `overrides`: settings for the files some globs match. The engine runs every rule some file needs; each finding
 * then gets the severity its own file's settings give it, or is dropped where its rule is off.
 */
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { ConfigOverride, PrivlintConfig, RuleSetting } from './config.js';
import { RULES } from './rules/index.js';
import type { Finding, Rule } from './rules/rule.js';
import { inRuleSet } from './rules/sets.js';

const matchers = new WeakMap<ConfigOverride | PrivlintConfig, Ignore>();

function matcher(owner: ConfigOverride | PrivlintConfig, globs: string[]): Ignore {
  let m = matchers.get(owner);
  if (!m) {
    m = ignore().add(globs);
    matchers.set(owner, m);
  }
  return m;
}

/** The file's path relative to the configuration's directory (posix separators), or undefined when it lies outside. */
function relativeToConfig(config: PrivlintConfig, file: string, cwd: string): string | undefined {
  const rel = path.relative(config.baseDir ?? cwd, path.resolve(cwd, file));
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

function overridesFor(config: PrivlintConfig, file: string, cwd: string): ConfigOverride[] {
  if (!config.overrides.length) return [];
  const rel = relativeToConfig(config, file, cwd);
  return rel === undefined ? [] : config.overrides.filter((o) => matcher(o, o.files).ignores(rel));
}

/** Whether the configuration's `ignore` globs leave the file out. */
export function isIgnored(config: PrivlintConfig, file: string, cwd: string): boolean {
  const rel = relativeToConfig(config, file, cwd);
  return rel !== undefined && config.ignore.length > 0 && matcher(config, config.ignore).ignores(rel);
}

function merged(config: PrivlintConfig, overrides: ConfigOverride[]): PrivlintConfig {
  const result: PrivlintConfig = { ...config, rules: { ...config.rules }, overrides: [] };
  for (const o of overrides) {
    if (o.rules) Object.assign(result.rules, o.rules);
    if (o.ruleSet) result.ruleSet = o.ruleSet;
    if (o.programKind) result.programKind = o.programKind;
  }
  return result;
}

/** The settings that hold for one file (a shown or absolute path): the configuration with its matching overrides applied. */
export function configForFile(config: PrivlintConfig, file: string, cwd = process.cwd()): PrivlintConfig {
  return merged(config, overridesFor(config, file, cwd));
}

/** 'off', a severity, or undefined when the rule runs with its own severity because its set is on. */
export function ruleSetting(config: PrivlintConfig, rule: Rule): RuleSetting | undefined {
  const setting = config.rules[rule.id];
  if (setting !== undefined) return setting;
  return inRuleSet(rule, config.ruleSet) ? undefined : 'off';
}

/**
 * The configuration the engine runs with: every rule some file's settings turn on runs, with the rule's own
 * severities (the files' severities are applied afterwards, by `applyFileSettings`). Without overrides: the
 * configuration itself.
 */
export function engineConfig(config: PrivlintConfig): PrivlintConfig {
  if (!config.overrides.length) return config;
  const contexts = [config, ...config.overrides.map((o) => merged(config, [o]))];
  const rules: Record<string, RuleSetting> = {};
  for (const rule of RULES) if (contexts.every((c) => ruleSetting(c, rule) === 'off')) rules[rule.id] = 'off';
  return { ...config, rules, ruleSet: 'strict' };
}

/** Each finding with the severity its file's settings give it; findings of rules off for their file are dropped. */
export function applyFileSettings(findings: Finding[], config: PrivlintConfig, cwd: string): Finding[] {
  if (!config.overrides.length) return findings;
  const perFile = new Map<string, PrivlintConfig>();
  const out: Finding[] = [];
  for (const f of findings) {
    const rule = RULES.find((r) => r.id === f.ruleId);
    if (!rule) {
      out.push(f);
      continue;
    }
    let settings = perFile.get(f.loc.file);
    if (!settings) {
      settings = configForFile(config, f.loc.file, cwd);
      perFile.set(f.loc.file, settings);
    }
    const setting = ruleSetting(settings, rule);
    if (setting === 'off') continue;
    out.push(setting === undefined ? f : { ...f, severity: setting });
  }
  return out;
}

/** Whether a rule runs on a file under these settings (for suppressions: a rule that did not run left nothing to suppress). */
export function ruleRunsOn(config: PrivlintConfig, rule: Rule, file: string, cwd: string): boolean {
  return ruleSetting(configForFile(config, file, cwd), rule) !== 'off';
}
