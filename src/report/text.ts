import type { LineSource } from '../fingerprint.js';
import { docsUrl } from '../links.js';
import type { ReportInput } from '../outcome.js';
import type { Finding } from '../rules/rule.js';

export type { LineSource } from '../fingerprint.js';

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', note: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

/** Control characters (a newline or an escape sequence in a file name or in code) written as escapes, except those in `keep`, so that one report line stays one line and nothing reaches the terminal as a command. */
export function printable(text: string, keep = ''): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => (keep.includes(ch) ? ch : (({ '\n': '\\n', '\t': '\\t', '\r': '\\r' })[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What the report leaves out: suppressed findings and those the baseline holds. */
function hiddenSummary(result: ReportInput): string[] {
  const lines: string[] = [];
  if (result.suppressed?.length) lines.push(`${plural(result.suppressed.length, 'finding')} suppressed by privlint-disable comments`);
  if (result.baseline) {
    const b = result.baseline;
    lines.push(`baseline ${printable(b.file)}: ${plural(b.known, 'known finding')} not shown${b.unmatched ? `; ${b.unmatched === 1 ? '1 baseline entry no longer matches' : `${b.unmatched} baseline entries no longer match`} (fixed or changed: --write-baseline updates the file)` : ''}`);
  }
  return lines;
}

/** The name at a location (the called function), else its line. */
function stepName(loc: Finding['loc'], lines?: LineSource): string {
  const name = /^[A-Za-z_$][\w$.]*/.exec(lines?.(loc.file)?.[loc.line - 1]?.slice(loc.column - 1) ?? '')?.[0];
  return name ?? 'line';
}

/** `getopt (12) → drop_privs (18) → setresuid (20)`: the events behind a finding, then the finding. */
export function compactPath(f: Finding, lines?: LineSource): string {
  const steps = f.related.map((r) => r.loc);
  const last = steps.at(-1);
  if (!last || last.file !== f.loc.file || last.line !== f.loc.line) steps.push(f.loc);
  return steps.map((l) => `${stepName(l, lines)} (${l.file === f.loc.file ? '' : `${printable(l.file)}:`}${l.line})`).join(' → ');
}

export function formatText(result: ReportInput, color: boolean, lines?: LineSource): string {
  const c = (code: keyof typeof COLORS, s: string): string => (color ? `${COLORS[code]}${s}${COLORS.reset}` : s);
  const out: string[] = [];
  for (const f of result.findings) {
    out.push(`${c('bold', `${printable(f.loc.file)}:${f.loc.line}:${f.loc.column}`)}: ${c(f.severity, f.severity)}: ${printable(f.message, '\n\t')} ${c('dim', `[${f.ruleId}]`)}`);
    if (f.related.length) out.push(`  ${c('bold', 'path:')} ${compactPath(f, lines)}`);
    for (const r of f.related) out.push(c('dim', `    ${printable(r.loc.file)}:${r.loc.line}:${r.loc.column}: ${r.message}`));
    const [first, ...rest] = printable(f.fix, '\n\t').split('\n');
    out.push(`  ${c('bold', 'fix:')} ${first}`);
    for (const line of rest) out.push(`      ${line.replace(/\t/g, '    ')}`);
    if (f.autofix) out.push(`  ${c('bold', 'fixable:')} privlint --fix applies it (--fix-dry-run shows the diff)`);
    out.push(c('dim', `  see: ${docsUrl(f.ruleId)} or privlint explain ${f.ruleId}`));
    out.push('');
  }
  for (const d of result.diagnostics) {
    const where = d.line ? `${printable(d.file)}:${d.line}` : printable(d.file);
    out.push(`${c('bold', where)}: ${c(d.level === 'error' ? 'error' : 'warning', `${d.level === 'error' ? 'input error' : 'input warning'}`)}: ${printable(d.message)}`);
  }
  const counts = { error: 0, warning: 0, note: 0 };
  for (const f of result.findings) counts[f.severity]++;
  const total = result.findings.length;
  out.push(
    total
      ? `${total} finding${total === 1 ? '' : 's'} (${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.note} note${counts.note === 1 ? '' : 's'}) in ${result.files.length} file${result.files.length === 1 ? '' : 's'}`
      : `no findings in ${result.files.length} file${result.files.length === 1 ? '' : 's'}`,
  );
  out.push(...hiddenSummary(result));
  return `${out.join('\n')}\n`;
}
