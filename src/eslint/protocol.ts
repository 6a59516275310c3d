/** What the ESLint plugin's rules (main thread) and the engine worker say to each other. */
import { statSync } from 'node:fs';
import type { Diagnostic } from '../model.js';
import type { Finding } from '../rules/rule.js';

export interface EngineRequest {
  id: number;
  /** Absolute path of the linted file. */
  file: string;
  /** ESLint's working directory: the project and the configuration are those of `privlint .` run there. */
  cwd: string;
  /** Its text as ESLint holds it (an editor buffer, or the file on disk without a BOM). */
  text: string;
}

/** A finding with its path of events as the CLI prints it (`getopt (12) → drop_privs (18) → setresuid (20)`). */
export interface EngineFinding extends Finding {
  path?: string;
}

export interface EngineAnswer {
  id: number;
  findings: EngineFinding[];
  diagnostics: Diagnostic[];
  /** Set when the engine could not analyse the file at all (a bad privlint.json, an internal error). */
  error?: string;
  /** Milliseconds the engine took for this request, inside the worker. */
  engineMs: number;
  /**
   * Answered without an analysis: a C file the last analysis did not parse and found nothing in, whose new text has
   * the same lexical fingerprint while no other text changed (project-index.ts, `unparsed`).
   */
  fromFingerprint?: boolean;
  /** The configuration file read (privlint.json or package.json), and when it was last modified. */
  configFile?: string;
  configStamp?: number;
}

/** When a file was last modified (NaN when it cannot be read). */
export function stamp(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return NaN;
  }
}

/** Values of the shared signal word. */
export const SIGNAL = { waiting: 0, answered: 1, gone: 2 } as const;
