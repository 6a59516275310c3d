/** What the Actions runner hands a step (inputs as `INPUT_*`, the event file) and takes back (output and summary files), without a toolkit. */
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, statSync } from 'node:fs';

export type Env = Record<string, string | undefined>;

export class InputError extends Error {}

/** An input as the runner passes it: `INPUT_` and the name upper-cased, spaces as `_` (hyphens stay). */
export function getInput(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** One of `choices`, or `fallback` when the input is empty. */
export function getChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T | undefined): T | undefined {
  const value = getInput(env, name);
  if (value === '') return fallback;
  if (!(choices as readonly string[]).includes(value)) throw new InputError(`input "${name}" must be one of ${choices.join(', ')} (got "${value}")`);
  return value as T;
}

/** A YAML 1.2 boolean, as actions/toolkit reads one. */
export function getBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = getInput(env, name);
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(`input "${name}" must be true or false (got "${value}")`);
}

/** A list input: one entry a line, or, on a single line, entries separated by spaces. */
export function getList(env: Env, name: string): string[] {
  const lines = getInput(env, name)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.length === 1 ? lines[0]!.split(/\s+/) : lines;
}

/** Sets a step output: appended to `GITHUB_OUTPUT` as `name<<delimiter` … `delimiter`. */
export function setOutput(env: Env, name: string, value: string): void {
  const file = env.GITHUB_OUTPUT;
  if (!file) return;
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (value.includes(delimiter) || name.includes(delimiter)) throw new Error(`output ${name} holds its delimiter`);
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

/** Bytes already in the step's summary file (a step's summary is limited as a whole). */
export function summarySize(env: Env): number {
  try {
    return env.GITHUB_STEP_SUMMARY ? statSync(env.GITHUB_STEP_SUMMARY).size : 0;
  } catch {
    return 0;
  }
}

/** Appends to the job summary; false when the runner gives no summary file. */
export function appendSummary(env: Env, markdown: string): boolean {
  if (!env.GITHUB_STEP_SUMMARY) return false;
  appendFileSync(env.GITHUB_STEP_SUMMARY, markdown);
  return true;
}

/** The event that started the workflow (`GITHUB_EVENT_PATH`), if there is one. */
export function readEvent(env: Env): Record<string, unknown> | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const event: unknown = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
    return typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : undefined;
  } catch (e) {
    throw new InputError(`cannot read the event at GITHUB_EVENT_PATH: ${(e as Error).message}`);
  }
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** A pull request's base and head commits, from a `pull_request` event (or another whose payload carries one). */
export function pullRequestCommits(event: Record<string, unknown> | undefined): { base: string; head: string; number?: number } | undefined {
  const pr = event?.pull_request as { base?: { sha?: unknown }; head?: { sha?: unknown }; number?: unknown } | undefined;
  const base = pr?.base?.sha;
  const head = pr?.head?.sha;
  if (typeof base !== 'string' || typeof head !== 'string') return undefined;
  if (!SHA.test(base) || !SHA.test(head)) throw new InputError(`the pull request's base and head in the event are not commit ids`);
  return { base, head, number: typeof pr!.number === 'number' ? pr!.number : undefined };
}
