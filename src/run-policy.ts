/** What a CLI run reports and how it exits: --quiet, --max-warnings, CI-dependent defaults, standard input. */
import type { Outcome } from './outcome.js';
import type { Finding } from './rules/rule.js';
import { MAX_FILE_BYTES } from './files.js';

/** A CI run: the CI environment variable is set to something other than false (as GitHub Actions, GitLab and most CIs do). */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** --quiet: errors only; warnings and notes are neither shown nor counted. */
export function errorsOnly(outcome: Outcome): Outcome {
  return {
    ...outcome,
    findings: outcome.findings.filter((f) => f.severity === 'error'),
    suppressed: outcome.suppressed.filter((s) => s.finding.severity === 'error'),
    baselined: outcome.baselined.filter((f) => f.severity === 'error'),
  };
}

/**
 * 0 without findings, 1 with. With --max-warnings N (ESLint's option): errors still fail the run, warnings and
 * notes only when there are more than N of them.
 */
export function exitStatus(findings: readonly Finding[], maxWarnings?: number): { status: 0 | 1; message?: string } {
  if (maxWarnings === undefined || maxWarnings < 0) return { status: findings.length ? 1 : 0 };
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  if (errors) return { status: 1 };
  if (warnings > maxWarnings) return { status: 1, message: `${warnings} warnings and notes, more than --max-warnings ${maxWarnings} allows` };
  return { status: 0 };
}

/** `--max-warnings` as given: a whole number (-1: no limit). */
export function parseMaxWarnings(value: string | undefined): number | undefined | Error {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim()) || Number(value) < -1) return new Error(`--max-warnings must be a whole number (-1 for no limit), not "${value}"`);
  return Number(value);
}

/** Standard input as text; an error when it is too large or not UTF-8. */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buf.length;
    if (total > MAX_FILE_BYTES) throw new Error(`standard input is too large to analyse (over ${MAX_FILE_BYTES} bytes)`);
    chunks.push(buf);
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.subarray(0, 8192).includes(0)) throw new Error('standard input is binary (contains NUL bytes)');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error('standard input is not valid UTF-8');
  }
}
