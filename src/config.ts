/** privlint configuration: data only, never code. */
import type { Platform } from './model.js';

export type SeverityLevel = 'error' | 'warning' | 'note';
export type RuleSetting = SeverityLevel | 'off';

export interface PrivlintConfig {
  /** Rule id → severity or 'off'. */
  rules: Record<string, RuleSetting>;
  /** Globs (gitignore syntax) of paths not to analyse. */
  ignore: string[];
  /** Functions that never return (`fatal`, `die`). */
  noreturn: string[];
  /** Functions that read untrusted input (option or config parsers). */
  inputFunctions: string[];
  platform: Platform;
  /** `recommended` (default) or `strict` (adds the rules whose findings are notes). */
  ruleSet: 'recommended' | 'strict';
  /** What the program is, for whose input it parses before dropping: `auto` infers it from the drop. */
  programKind: ProgramKind;
}

export type ProgramKind = 'auto' | 'daemon' | 'setuid' | 'library';

export function defaultConfig(): PrivlintConfig {
  return { rules: {}, ignore: [], noreturn: [], inputFunctions: [], platform: 'linux', ruleSet: 'recommended', programKind: 'auto' };
}
