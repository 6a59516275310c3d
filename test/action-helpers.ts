/**
 * A simulated Actions runner: the Action installed as GitHub installs one (its repository's files, no node_modules),
 * git repositories with a base and a head commit, the event file, INPUT_* variables, and the step's output and summary
 * files; and a reader for the workflow commands the step prints.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root } from './cli-helpers.js';

export type Files = Record<string, string>;

export function scratch(prefix = 'privlint-action-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** `runs.main` of action.yml. */
export function actionMain(): string {
  const main = /^\s+main:\s*(\S+)\s*$/m.exec(readFileSync(path.join(root, 'action.yml'), 'utf8'))?.[1];
  if (!main) throw new Error('action.yml has no runs.main');
  return main;
}

/** The Action as a runner downloads it: action.yml, package.json and the committed dist/, without node_modules or src/. */
export function installAction(): string {
  const dir = scratch('privlint-action-install-');
  for (const file of ['action.yml', 'package.json', 'dist']) cpSync(path.join(root, file), path.join(dir, file), { recursive: true });
  return dir;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function write(dir: string, files: Files): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
}

export interface PullRequestRepo {
  dir: string;
  base: string;
  head: string;
}

/** A repository whose `main` holds `base` and whose `feature` branch adds one commit that writes `head` over it. */
export function pullRequestRepo(base: Files, head: Files): PullRequestRepo {
  const dir = scratch('privlint-repo-');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'user.name', 'test');
  git(dir, 'config', 'commit.gpgsign', 'false');
  write(dir, base);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'base');
  const baseSha = git(dir, 'rev-parse', 'HEAD').trim();
  git(dir, 'checkout', '-q', '-b', 'feature');
  write(dir, head);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'head');
  return { dir, base: baseSha, head: git(dir, 'rev-parse', 'HEAD').trim() };
}

export interface Annotation {
  level: string;
  props: Record<string, string>;
  message: string;
}

export interface ActionRun {
  status: number;
  stdout: string;
  stderr: string;
  annotations: Annotation[];
  outputs: Record<string, string>;
  summary: string;
  summaryBytes: number;
}

/** Undoes the runner's escaping of command data. */
export function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(s: string): string {
  return unescapeData(s.replace(/%3A/g, ':').replace(/%2C/g, ','));
}

/** The workflow commands of a log, parsed as the runner parses them (a line that starts with `::` after blanks is a command). */
export function parseCommands(stdout: string): Annotation[] {
  const commands: Annotation[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line.trimStart());
    if (!m) continue;
    const props: Record<string, string> = {};
    for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      props[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
    commands.push({ level: m[1]!, props, message: unescapeData(m[3]!) });
  }
  return commands;
}

/** `name<<delimiter` … `delimiter` blocks of GITHUB_OUTPUT. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const end = lines.indexOf(m[2]!, i + 1);
    outputs[m[1]!] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
}

export interface RunOptions {
  /** The Action's directory (installAction()). */
  action: string;
  /** The checkout: GITHUB_WORKSPACE and the step's working directory. */
  workspace: string;
  inputs?: Record<string, string>;
  /** The event payload; a pull_request event when it has `pull_request`. */
  event?: object;
  /** Options for node before the entry. */
  nodeOptions?: string[];
}

/** Runs the Action's entry with node as the runner does, in a clean environment (none of this machine's GITHUB_* or INPUT_*). */
export function runAction(opts: RunOptions): ActionRun {
  const files = scratch('privlint-runner-');
  const eventPath = path.join(files, 'event.json');
  const summaryPath = path.join(files, 'summary.md');
  const outputPath = path.join(files, 'output');
  writeFileSync(eventPath, JSON.stringify(opts.event ?? {}));
  writeFileSync(summaryPath, '');
  writeFileSync(outputPath, '');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(GITHUB_|INPUT_|RUNNER_|ACTIONS_)/.test(k)) env[k] = v;
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: opts.workspace,
    GITHUB_EVENT_NAME: opts.event && 'pull_request' in opts.event ? 'pull_request' : 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: files,
  });
  for (const [name, value] of Object.entries(opts.inputs ?? {})) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const r = spawnSync(process.execPath, [...(opts.nodeOptions ?? []), path.join(opts.action, actionMain())], { cwd: opts.workspace, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const summary = readFileSync(summaryPath);
  return {
    status: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    annotations: parseCommands(r.stdout),
    outputs: parseOutputs(readFileSync(outputPath, 'utf8')),
    summary: summary.toString('utf8'),
    summaryBytes: summary.length,
  };
}

export function pullRequestEvent(repo: PullRequestRepo): object {
  return { action: 'synchronize', number: 7, pull_request: { number: 7, base: { sha: repo.base, ref: 'main' }, head: { sha: repo.head, ref: 'feature' } } };
}
