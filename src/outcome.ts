/**
 * From the engine's findings to what a run reports: each file's settings (`overrides`), inline suppressions, the
 * baseline. One function, `finishAnalysis`, that every front door calls after `analyzeSources`, so that the CLI,
 * the ESLint plugin and the Action suppress and baseline the same findings.
 */
import path from 'node:path';
import { baselineText, matchBaseline, type Baseline, type BaselineEntry, type BaselineSummary } from './baseline.js';
import { applyFileSettings, configForFile, ruleSetting } from './config-overrides.js';
import type { PrivlintConfig } from './config.js';
import { compareFindings, textOf, type AnalysisResult, type SourceFile } from './engine.js';
import { fingerprintParts, type FingerprintParts, type LineSource } from './fingerprint.js';
import { ruleById } from './rules/index.js';
import type { Finding } from './rules/rule.js';
import { applySuppressions, type SuppressedFinding } from './suppressions.js';

export interface FinishOptions {
  /** The configuration as loaded (with its overrides): the engine ran with `engineConfig` of it. */
  config: PrivlintConfig;
  cwd: string;
  reportUnusedSuppressions: boolean;
  /** Leave out the findings this baseline holds. */
  baseline?: Baseline;
  /** Record the findings as a baseline for this file (the text is returned; the run then reports against it). */
  writeBaseline?: string;
}

export interface OutcomeExtras {
  /** Findings an inline suppression silenced, with its reason. */
  suppressed: SuppressedFinding[];
  /** Findings the baseline holds (not reported). */
  baselined: Finding[];
  baseline?: BaselineSummary;
  /** The fingerprint parts of every finding: reported, suppressed and baselined. */
  fingerprints: Map<Finding, FingerprintParts>;
  /** The baseline text to write, with `writeBaseline`. */
  baselineText?: string;
}

export type Outcome = AnalysisResult & OutcomeExtras;
/** What the reports accept: an engine result, with whatever the finishing pass added. */
export type ReportInput = AnalysisResult & Partial<OutcomeExtras>;

/** The lines of the files asked for, each split once (and a deferred source's text read once). */
export function sourceLines(sources: readonly SourceFile[]): LineSource {
  const byPath = new Map(sources.map((s) => [s.path, s]));
  const split = new Map<string, string[]>();
  return (file) => {
    let lines = split.get(file);
    if (!lines) {
      const source = byPath.get(file);
      const text = source && textOf(source);
      if (text === undefined) return undefined;
      lines = text.split('\n');
      split.set(file, lines);
    }
    return lines;
  };
}

export function finishAnalysis(result: AnalysisResult, sources: readonly SourceFile[], options: FinishOptions): Outcome {
  const { config, cwd } = options;
  const findings = applyFileSettings(result.findings, config, cwd);
  const lines = sourceLines(sources);
  const parts = fingerprintParts(findings, lines);
  const perFile = new Map<string, PrivlintConfig>();
  const settingsOf = (file: string): PrivlintConfig => perFile.get(file) ?? perFile.set(file, configForFile(config, file, cwd)).get(file)!;
  const enabled = new Set(result.rules.map((r) => r.id));
  // Suppressions are read from the texts that name a directive (a deferred source knows without being read again).
  const sup = applySuppressions(findings, new Map(sources.flatMap((s) => (s.directives === false ? [] : [[s.path, textOf(s) ?? '']] as const))), {
    reportUnused: options.reportUnusedSuppressions,
    ruleRan: (id, file) => {
      const rule = ruleById(id);
      return rule !== undefined && enabled.has(id) && ruleSetting(settingsOf(file), rule) !== 'off';
    },
    analysed: new Set(result.analysed),
  });
  let baseline = options.baseline;
  let text: string | undefined;
  if (options.writeBaseline !== undefined) {
    text = baselineText(options.writeBaseline, sup.findings, parts, cwd);
    baseline = { file: options.writeBaseline, entries: (JSON.parse(text) as { findings: BaselineEntry[] }).findings };
  }
  const matched = baseline ? matchBaseline(sup.findings, parts, baseline, cwd) : { fresh: sup.findings, known: [], summary: undefined };
  for (const [f, p] of fingerprintParts(sup.problems, lines)) parts.set(f, p);
  return {
    ...result,
    findings: [...matched.fresh, ...sup.problems].sort(compareFindings),
    suppressed: sup.suppressed,
    baselined: matched.known,
    ...(matched.summary ? { baseline: { ...matched.summary, file: path.normalize(matched.summary.file) } } : {}),
    fingerprints: parts,
    ...(text !== undefined ? { baselineText: text } : {}),
  };
}
