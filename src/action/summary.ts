/**
 * The job summary (Markdown): a table of every finding in scope (rule, linked location, message), then per finding its
 * path and its fix. GitHub takes at most 1 MiB a step: past the budget the summary is cut and says so.
 * Text from the analysed code (file names, names in messages, fixes) is escaped: it can neither break the table nor
 * become markup.
 */
import { docsUrl } from '../links.js';
import type { Diagnostic, SourceLoc } from '../model.js';
import type { ScopedFinding } from './annotations.js';
import { FILTER_DESCRIPTIONS, type FilterMode } from './scope.js';

/** GitHub's limit for one step's summary. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

/** A link to a line of the analysed commit, when the run knows its repository. */
export type LocationLink = (loc: Pick<SourceLoc, 'file' | 'line'>) => string | undefined;

export interface SummaryInput {
  /** In scope, most severe first. */
  scoped: ScopedFinding[];
  /** Findings of the whole analysis. */
  total: number;
  mode: FilterMode;
  diagnostics: Diagnostic[];
  sarifFile: string;
  link: LocationLink;
  /** Bytes this summary may take. */
  budget: number;
}

const ICON = { error: '🔴', warning: '🟠', note: '🔵' } as const;

/** Inline Markdown text: every ASCII punctuation character escaped, line breaks as spaces. */
export function markdownText(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/[!-/:-@[-`{-~]/g, (ch) => `\\${ch}`);
}

/** A fenced code block whose fence no backtick run inside can close. */
export function markdownCode(code: string, language: string): string {
  const longest = Math.max(0, ...(code.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${code.replace(/\r/g, '')}\n${fence}\n`;
}

/** A URL safe inside `[text](url)`: parentheses and spaces percent-encoded. */
function markdownUrl(url: string): string {
  return url.replace(/[()\s<>]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function linked(text: string, url: string | undefined): string {
  return url ? `[${markdownText(text)}](${markdownUrl(url)})` : markdownText(text);
}

function place(loc: Pick<SourceLoc, 'file' | 'line'>, link: LocationLink): string {
  return linked(`${loc.file}:${loc.line}`, link(loc));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function codeLanguage(file: string): string {
  return /\.[ch]$/.test(file) ? 'c' : /\.[cm]?[jt]sx?$/.test(file) ? 'ts' : '';
}

function tableRow({ finding: f }: ScopedFinding, link: LocationLink): string {
  const rule = `[${markdownText(f.ruleId)}](${markdownUrl(docsUrl(f.ruleId))})`;
  return `| ${ICON[f.severity]} ${f.severity} | ${rule} | ${place(f.loc, link)} | ${markdownText(f.message)} |\n`;
}

/** The fix as the engine words it: a sentence, then (often) the code to write. */
function fixMarkdown(fix: string, file: string): string {
  const [sentence, ...code] = fix.split('\n');
  return `**Fix:** ${markdownText(sentence!)}\n\n${code.length ? markdownCode(code.join('\n'), codeLanguage(file)) : ''}`;
}

function findingSection({ finding: f, at }: ScopedFinding, index: number, link: LocationLink): string {
  const out = [`#### ${index + 1}. ${ICON[f.severity]} ${markdownText(f.ruleId)} at ${place(f.loc, link)}\n\n${markdownText(f.message)}\n\n`];
  if (at.file !== f.loc.file || at.line !== f.loc.line) out.push(`The change touches its path at ${place(at, link)}.\n\n`);
  if (f.related.length) out.push('**Path:**\n\n', ...f.related.map((r, i) => `${i + 1}. ${place(r.loc, link)}: ${markdownText(r.message)}\n`), '\n');
  out.push(fixMarkdown(f.fix, f.loc.file), '\n');
  return out.join('');
}

function diagnosticItem(d: Diagnostic): string {
  return `- ${markdownText(d.line ? `${d.file}:${d.line}` : d.file)}: ${markdownText(d.message)}\n`;
}

/** Adds pieces while they fit in a byte budget. */
class BoundedText {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly budget: number) {}
  add(text: string): boolean {
    const bytes = Buffer.byteLength(text);
    if (this.size + bytes > this.budget) return false;
    this.parts.push(text);
    this.size += bytes;
    return true;
  }
  toString(): string {
    return this.parts.join('');
  }
}

/** Room kept for the note that says the summary was cut. */
const NOTE_RESERVE = 1024;

export function jobSummary(input: SummaryInput): string {
  const { scoped, link } = input;
  const counts = { error: 0, warning: 0, note: 0 };
  for (const { finding } of scoped) counts[finding.severity]++;
  const text = new BoundedText(input.budget - NOTE_RESERVE);
  const scope = input.mode === 'nofilter' ? '' : ` in scope (\`${input.mode}\`: ${FILTER_DESCRIPTIONS[input.mode]}), of ${input.total} in the analysis`;
  text.add(
    `## privlint\n\n**${plural(scoped.length, 'finding')}**${scope}: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}. ` +
      `The SARIF file ${markdownText(input.sarifFile)} holds every finding of the analysis.\n\n`,
  );
  let rows = 0;
  let sections = 0;
  if (scoped.length) {
    text.add('| severity | rule | location | message |\n| --- | --- | --- | --- |\n');
    while (rows < scoped.length && text.add(tableRow(scoped[rows]!, link))) rows++;
    if (rows === scoped.length) {
      text.add('\n### Path and fix of each finding\n\n');
      while (sections < scoped.length && text.add(findingSection(scoped[sections]!, sections, link))) sections++;
    }
  }
  let diagnostics = 0;
  if (input.diagnostics.length && sections === scoped.length) {
    text.add(`\n### Input problems\n\n`);
    while (diagnostics < input.diagnostics.length && text.add(diagnosticItem(input.diagnostics[diagnostics]!))) diagnostics++;
  }
  if (rows === scoped.length && sections === scoped.length && diagnostics === input.diagnostics.length) return text.toString();
  const cut =
    `\n> [!NOTE]\n> This summary is cut to stay under GitHub's ${SUMMARY_LIMIT_BYTES / 1024} KiB limit for a step: ` +
    `${rows} of ${scoped.length} findings in the table, ${sections} with their path and fix` +
    `${input.diagnostics.length ? `, ${diagnostics} of ${input.diagnostics.length} input problems` : ''}. ` +
    `Every finding is in the SARIF file and the step's log.\n`;
  return `${text.toString()}${cut}`;
}
