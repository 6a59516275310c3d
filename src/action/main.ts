/**
 * The GitHub Action: analyse the checkout with the one engine, keep the findings a pull request touched, annotate them
 * on the diff, summarise them for the reviewer, write SARIF for code scanning, and fail the step as `fail-on` says.
 * The checked-out code is data: it is read and parsed, never run (the configuration is JSON).
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, parseRuleSet } from '../config-file.js';
import { analyzeSources, loadSources } from '../engine.js';
import { engineConfig } from '../config-overrides.js';
import { finishAnalysis, sourceLines } from '../outcome.js';
import { defaultJobs } from '../engine/pool.js';
import { displayPath } from '../files.js';
import { REPOSITORY_BASE, VERSION } from '../links.js';
import { escapeData, logLine } from '../report/github.js';
import { toSarif } from '../report/sarif.js';
import type { LineSource } from '../report/text.js';
import type { SeverityLevel } from '../config.js';
import { cappedAnnotations, mostSevereFirst, type ScopedFinding } from './annotations.js';
import type { ChangedLines } from './diff.js';
import { GitError, pullRequestChanges, repositoryRoot, revision } from './git.js';
import { appendSummary, getBoolean, getChoice, getInput, getList, InputError, pullRequestCommits, readEvent, setOutput, summarySize, type Env } from './runner.js';
import { FILTER_MODES, touchedLocation, type FilterMode } from './scope.js';
import { jobSummary, SUMMARY_LIMIT_BYTES, type LocationLink } from './summary.js';

const FAIL_ON = ['error', 'warning', 'note', 'never'] as const;
type FailOn = (typeof FAIL_ON)[number];
const AT_LEAST: Record<FailOn, SeverityLevel[]> = { error: ['error'], warning: ['error', 'warning'], note: ['error', 'warning', 'note'], never: [] };

interface Inputs {
  paths: string[];
  config?: string;
  rules?: string;
  filterMode?: FilterMode;
  failOn: FailOn;
  sarifFile: string;
  annotations: boolean;
}

function readInputs(env: Env): Inputs {
  return {
    paths: getList(env, 'paths'),
    config: getInput(env, 'config') || undefined,
    rules: getInput(env, 'rules') || undefined,
    filterMode: getChoice(env, 'filter-mode', FILTER_MODES, undefined),
    failOn: getChoice(env, 'fail-on', FAIL_ON, 'error')!,
    sarifFile: getInput(env, 'sarif-file') || 'privlint.sarif',
    annotations: getBoolean(env, 'annotations', true),
  };
}

/** Links to lines of the analysed commit on GitHub, when the run names its repository. */
function locationLinks(env: Env, root: string): LocationLink {
  const sha = revision(root) ?? env.GITHUB_SHA;
  if (!env.GITHUB_REPOSITORY || !sha) return () => undefined;
  const base = `${env.GITHUB_SERVER_URL || 'https://github.com'}/${env.GITHUB_REPOSITORY}/blob/${sha}/`;
  return (loc) => (path.isAbsolute(loc.file) ? undefined : `${base}${loc.file.split('/').map(encodeURIComponent).join('/')}#L${loc.line}`);
}

/** Which changes the findings are measured against: undefined when every finding is reported. */
function readChanges(mode: FilterMode, pr: ReturnType<typeof pullRequestCommits>, root: string, log: (line: string) => void): ChangedLines | undefined {
  if (mode === 'nofilter') return undefined;
  if (!pr) {
    log(`privlint: filter-mode ${mode} needs a pull_request event; reporting every finding`);
    return undefined;
  }
  try {
    return pullRequestChanges(pr.base, root, (message) => log(`privlint: ${message}`));
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    log(`privlint: cannot read the pull request's changes (${e.message}); reporting every finding`);
    return undefined;
  }
}

/** The directory a path names, or the one holding the file it names; undefined when it does not exist. */
function existingDirectory(p: string): string | undefined {
  try {
    return statSync(p).isDirectory() ? p : path.dirname(p);
  } catch {
    return undefined;
  }
}

/** Runs the action; `print` takes one line of the step's log at a time. Returns the exit status. */
export async function runAction(env: Env, print: (line: string) => void): Promise<number> {
  const log = (text: string): void => print(logLine(text));
  try {
    const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd());
    const inputs = readInputs(env);
    const pr = pullRequestCommits(readEvent(env));
    const targets = (inputs.paths.length ? inputs.paths : ['.']).map((p) => path.resolve(workspace, p));
    // Paths are shown (and diffed) relative to the repository they are in: the workspace, or a checkout below it.
    const root = repositoryRoot(existingDirectory(targets[0]!) ?? workspace) ?? workspace;
    const paths = targets.map((p) => displayPath(p, root) || '.');

    const { config } = await loadConfig(path.resolve(root, paths[0]!), inputs.config && path.resolve(workspace, inputs.config));
    if (inputs.rules) config.ruleSet = parseRuleSet(inputs.rules, 'input "rules"');
    const loaded = await loadSources(paths, config, root, { deferTexts: true });
    const analysis = await analyzeSources(loaded.sources, engineConfig(config), { jobs: defaultJobs() });
    analysis.diagnostics.unshift(...loaded.diagnostics);
    analysis.files = loaded.files;
    // As the CLI does: per-file settings, inline suppressions (dismissed in SARIF), and stale suppressions reported.
    const result = finishAnalysis(analysis, loaded.sources, { config, cwd: root, reportUnusedSuppressions: true });

    const lines: LineSource = sourceLines(loaded.sources);
    const sarifFile = path.resolve(workspace, inputs.sarifFile);
    mkdirSync(path.dirname(sarifFile), { recursive: true });
    writeFileSync(sarifFile, `${JSON.stringify(toSarif(result, { version: VERSION, helpBase: REPOSITORY_BASE, lines }), null, 2)}\n`);

    let mode = inputs.filterMode ?? (pr ? 'added' : 'nofilter');
    const changes = readChanges(mode, pr, root, log);
    if (!changes) mode = 'nofilter';
    const scoped: ScopedFinding[] = [];
    for (const finding of result.findings) {
      const at = touchedLocation(finding, changes, mode);
      if (at) scoped.push({ finding, at });
    }
    const ordered = mostSevereFirst(scoped, result.rules);

    const annotated = inputs.annotations ? cappedAnnotations(ordered, lines) : { commands: [], omitted: ordered.length };
    annotated.commands.forEach(print);
    for (const { finding: f } of ordered.slice(ordered.length - annotated.omitted)) log(`${f.loc.file}:${f.loc.line}:${f.loc.column}: ${f.severity}: ${f.message} [${f.ruleId}]`);
    for (const d of result.diagnostics) log(`${d.file}${d.line ? `:${d.line}` : ''}: input ${d.level}: ${d.message}`);

    appendSummary(
      env,
      jobSummary({ scoped: ordered, total: result.findings.length, mode, diagnostics: result.diagnostics, sarifFile: inputs.sarifFile, link: locationLinks(env, root), budget: SUMMARY_LIMIT_BYTES - 1 - summarySize(env) }),
    );
    const errors = ordered.filter(({ finding }) => finding.severity === 'error').length;
    setOutput(env, 'sarif-file', sarifFile);
    setOutput(env, 'findings', String(ordered.length));
    setOutput(env, 'errors', String(errors));

    log(`privlint: ${ordered.length} finding(s) (${errors} error(s)) in scope (filter-mode ${mode}) of ${result.findings.length} in ${result.files.length} file(s); SARIF: ${sarifFile}`);
    const failing = ordered.filter(({ finding }) => AT_LEAST[inputs.failOn].includes(finding.severity)).length;
    if (failing === 0) return 0;
    log(`privlint: failing the step: ${failing} finding(s) at ${inputs.failOn} or above (fail-on: ${inputs.failOn})`);
    return 1;
  } catch (e) {
    if (!(e instanceof InputError || e instanceof ConfigError)) throw e;
    print(`::error title=privlint::${escapeData(e.message)}`);
    return 2;
  }
}
