/** privlint configuration: data only, never code. */
import type { Platform } from './model.js';

export type SeverityLevel = 'error' | 'warning' | 'note';
export type RuleSetting = SeverityLevel | 'off';
/** What the program is: it decides whose input `drop-after-input` sees (see SPEC, drop-after-input). */
export type ProgramKind = 'auto' | 'daemon' | 'setuid' | 'library';

/** Settings that `overrides` may change for the files their globs match. */
export interface FileSettings {
  rules?: Record<string, RuleSetting>;
  ruleSet?: 'recommended' | 'strict';
  programKind?: ProgramKind;
}

export interface ConfigOverride extends FileSettings {
  /** Globs (gitignore syntax), relative to the configuration file's directory. */
  files: string[];
}

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
  /** `auto` (inferred from the drop), `daemon`, `setuid` or `library`. */
  programKind: ProgramKind;
  /** Functions that make a privilege call, test its result and end the process on failure: wrapper → the call. */
  checkingWrappers: Record<string, string>;
  /** Functions that drop privileges for good (groups, gid, uid), checked inside. */
  dropHelpers: string[];
  /** Report suppressions that suppress nothing; undefined: only when the CI environment variable is set. */
  reportUnusedSuppressions?: boolean;
  /** Honour .gitignore files while walking directories. */
  respectGitignore: boolean;
  /** Settings for the files some globs match; later entries win. */
  overrides: ConfigOverride[];
  /** The directory `ignore` and `overrides` globs are relative to (the configuration file's); default: the working directory. */
  baseDir?: string;
}

export function defaultConfig(): PrivlintConfig {
  return {
    rules: {}, ignore: [], noreturn: [], inputFunctions: [], platform: 'linux', ruleSet: 'recommended',
    programKind: 'auto', checkingWrappers: {}, dropHelpers: [], respectGitignore: true, overrides: [],
  };
}
