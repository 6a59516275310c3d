/** `privlint --print-config <file>`: the settings that hold for one file, every rule resolved. */
import { configForFile, isIgnored, ruleSetting } from '../config-overrides.js';
import type { PrivlintConfig } from '../config.js';
import { RULES } from '../rules/index.js';

export function printConfig(config: PrivlintConfig, configFile: string | undefined, file: string, cwd: string, ciDefault: boolean): string {
  const settings = configForFile(config, file, cwd);
  const rules = Object.fromEntries(RULES.map((r) => [r.id, ruleSetting(settings, r) ?? r.severity]));
  const effective = {
    file,
    configFile: configFile ?? null,
    ignored: isIgnored(config, file, cwd),
    ruleSet: settings.ruleSet,
    rules,
    programKind: settings.programKind,
    platform: settings.platform,
    noreturn: settings.noreturn,
    inputFunctions: settings.inputFunctions,
    checkingWrappers: settings.checkingWrappers,
    dropHelpers: settings.dropHelpers,
    ignore: settings.ignore,
    respectGitignore: settings.respectGitignore,
    reportUnusedSuppressions: settings.reportUnusedSuppressions ?? ciDefault,
  };
  return `${JSON.stringify(effective, null, 2)}\n`;
}
