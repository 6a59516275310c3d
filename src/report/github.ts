/**
 * GitHub workflow commands (`::error file=…,line=…::message`), the annotations a runner shows on a pull request's diff.
 *
 * The runner reads every line a step prints: a line that starts with `::` is a command. So nothing from the analysed
 * code (file names, names in messages, fixes) is ever printed raw: messages are escaped as command data (`%`, CR, LF)
 * and properties also escape `:` and `,`, which would end a property or the property list.
 */
import type { AnalysisResult } from '../engine.js';
import { docsUrl } from '../links.js';
import type { SeverityLevel } from '../config.js';
import type { SourceLoc } from '../model.js';
import type { Finding } from '../rules/rule.js';
import { compactPath, type LineSource } from './text.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export const ANNOTATION_LEVEL: Record<SeverityLevel, AnnotationLevel> = { error: 'error', warning: 'warning', note: 'notice' };

export interface Annotation {
  level: AnnotationLevel;
  loc: Pick<SourceLoc, 'file'> & Partial<SourceLoc>;
  title: string;
  message: string;
}

/** Escapes a command's message. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property's value. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One line: the annotation as a workflow command. Columns only for a one-line location (GitHub ignores them otherwise). */
export function workflowCommand(a: Annotation): string {
  const { loc } = a;
  const props: [string, string | number | undefined][] = [
    ['file', loc.file],
    ['line', loc.line],
    ['endLine', loc.endLine],
  ];
  if (loc.endLine === undefined || loc.endLine === loc.line) props.push(['col', loc.column], ['endColumn', loc.endLine === loc.line ? loc.endColumn : undefined]);
  props.push(['title', a.title]);
  const list = props.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${escapeProperty(String(v))}`);
  return `::${a.level} ${list.join(',')}::${escapeData(a.message)}`;
}

/** A plain log line that cannot become a command (`::name …` or the older `##[name]`), whatever `text` holds. */
export function logLine(text: string): string {
  const line = escapeData(text);
  return /^\s*(?:::|##)/.test(line) ? `| ${line}` : line;
}

/** The message, the path that leads to it, the fix and the rule's documentation. */
export function findingDetails(f: Finding, lines?: LineSource): string {
  const parts = [f.message];
  if (f.related.length) parts.push(`path: ${compactPath(f, lines)}`);
  parts.push(`fix: ${f.fix.replace(/\t/g, '    ')}`, `see: ${docsUrl(f.ruleId)}`);
  return parts.join('\n');
}

/**
 * The annotation for a finding, at its own location or at `at`, another location on its path (a line the pull request
 * changed when the finding's own line did not), where the message says where the finding is.
 */
export function findingAnnotation(f: Finding, lines?: LineSource, at: SourceLoc = f.loc): Annotation {
  const moved = at.file !== f.loc.file || at.line !== f.loc.line;
  const where = moved ? `(on the path to ${f.loc.file}:${f.loc.line}, where privlint reports this) ` : '';
  return { level: ANNOTATION_LEVEL[f.severity], loc: at, title: `privlint ${f.ruleId}`, message: `${where}${findingDetails(f, lines)}` };
}

/** `--format github`: every finding, then every input diagnostic, as workflow commands. */
export function formatGithub(result: AnalysisResult, lines?: LineSource): string {
  const out = result.findings.map((f) => workflowCommand(findingAnnotation(f, lines)));
  for (const d of result.diagnostics) {
    out.push(workflowCommand({ level: d.level === 'error' ? 'error' : 'warning', loc: { file: d.file, line: d.line, column: d.column }, title: `privlint input ${d.level}`, message: d.message }));
  }
  const total = result.findings.length;
  out.push(logLine(`privlint: ${total} finding${total === 1 ? '' : 's'} in ${result.files.length} file${result.files.length === 1 ? '' : 's'}`));
  return `${out.join('\n')}\n`;
}
