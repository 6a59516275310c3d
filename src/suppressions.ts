/**
 * Inline suppressions: `privlint-disable-next-line <id>[, <id>] -- <reason>`, `privlint-disable-line <id> -- <reason>`
 * and `privlint-disable <id> -- <reason>` … `privlint-enable <id>` blocks, in C and TS/JS comments. A pass over the
 * engine's findings: a finding is suppressed at its primary location, wherever else its path goes. A suppression
 * without a reason, or naming no known rule, suppresses nothing and is reported (invalid-suppression); one that
 * suppresses nothing is reported when asked (unused-suppression).
 */
import { commentsOf, type Comment } from './comments.js';
import { languageOf } from './files.js';
import { RULES } from './rules/index.js';
import type { Finding } from './rules/rule.js';
import { didYouMean } from './spelling.js';
import { INVALID_SUPPRESSION, UNUSED_SUPPRESSION } from './suppression-rules.js';

export type DirectiveKind = 'disable-next-line' | 'disable-line' | 'disable' | 'enable';
const KINDS: readonly DirectiveKind[] = ['disable-next-line', 'disable-line', 'disable', 'enable'];

export interface Directive {
  kind: DirectiveKind;
  /** Known rule ids it names. */
  ruleIds: string[];
  reason: string;
  comment: Comment;
  /** Why it cannot be used as written. */
  problems: string[];
  /** It applies (invalid ones do not, except for the known ids of one whose only problem is an unknown id). */
  active: boolean;
}

export interface SuppressedFinding {
  finding: Finding;
  /** The reason the suppression gives. */
  justification: string;
}

export interface SuppressionOutcome {
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** invalid-suppression and unused-suppression findings. */
  problems: Finding[];
}

export interface SuppressionOptions {
  /** Report suppressions that suppress nothing. */
  reportUnused: boolean;
  /** Whether a rule ran on a file: a rule that did not run leaves its suppressions unused without fault. */
  ruleRan: (ruleId: string, file: string) => boolean;
  /** Files analysed in full; suppressions elsewhere are never called unused. */
  analysed: ReadonlySet<string>;
}

const KNOWN_IDS = RULES.map((r) => r.id);
const DIRECTIVE = /^privlint-([A-Za-z-]*)(?=\s|$)([\s\S]*)$/;
/** ` -- `: what follows is the reason (ESLint's separator). */
const REASON_SEPARATOR = /(?:^|\s)-{2,}(?:\s|$)/;

/** The comment's text without decoration: leading `*` of doc comments, surrounding space. */
function commentText(c: Comment): string {
  return c.body.replace(/^[\s*]+/, '').replace(/[\s*]+$/, '');
}

export function parseDirective(comment: Comment): Directive | undefined {
  const m = DIRECTIVE.exec(commentText(comment));
  if (!m) return undefined;
  const [, word, rest] = m as unknown as [string, string, string];
  const problems: string[] = [];
  const kind = KINDS.find((k) => k === word);
  if (!kind) {
    const guess = didYouMean(word, KINDS);
    const known = 'privlint-disable-next-line, privlint-disable-line, privlint-disable or privlint-enable';
    return { kind: 'disable', ruleIds: [], reason: '', comment, problems: [`unknown directive "privlint-${word}"${guess.replace(/"(.*)"/, '"privlint-$1"')}: use ${known}`], active: false };
  }
  const sep = REASON_SEPARATOR.exec(rest);
  const idPart = sep ? rest.slice(0, sep.index) : rest;
  const reason = sep ? rest.slice(sep.index + sep[0].length).replace(/\s+/g, ' ').trim() : '';
  const ruleIds: string[] = [];
  for (const entry of idPart.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [id, ...more] = entry.split(/\s+/) as [string, ...string[]];
    if (more.length) problems.push(`"${entry}": separate the reason from the rule ids with " -- "`);
    if (KNOWN_IDS.includes(id)) ruleIds.push(id);
    else {
      const stripped = id.replace(/^privlint\//, '');
      const hint = stripped !== id && KNOWN_IDS.includes(stripped) ? `; write "${stripped}" (without "privlint/")` : didYouMean(id, KNOWN_IDS);
      problems.push(`unknown rule "${id}"${hint}`);
    }
  }
  if (!ruleIds.length && !problems.length && kind !== 'enable') problems.push('names no rule: list the rule ids it silences');
  if (kind !== 'enable' && !reason && !problems.some((p) => p.includes('" -- "'))) problems.push('gives no reason: add " -- " and why the finding is acceptable');
  if (kind === 'disable-line' && comment.endLine !== comment.line) problems.push('privlint-disable-line must be on one line');
  // An unknown id next to known ones does not stop the known ones; a missing reason or a malformed comment does.
  const active = problems.every((p) => p.startsWith('unknown rule')) && (ruleIds.length > 0 || kind === 'enable');
  return { kind, ruleIds, reason, comment, problems, active };
}

interface Range {
  directive: Directive;
  ruleId: string;
  /** Inclusive start and exclusive end, as [line, column]. */
  from: [number, number];
  to: [number, number];
}

const END: [number, number] = [Number.MAX_SAFE_INTEGER, 0];

function before(a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/** The ranges the directives of one file silence, and `privlint-enable` comments that closed nothing. */
function rangesOf(directives: Directive[]): { ranges: Range[]; strayEnables: Directive[] } {
  const ranges: Range[] = [];
  const strayEnables: Directive[] = [];
  const open = new Map<string, Range[]>();
  for (const d of directives) {
    if (!d.active) continue;
    const c = d.comment;
    if (d.kind === 'disable-line' || d.kind === 'disable-next-line') {
      const line = d.kind === 'disable-line' ? c.line : c.endLine + 1;
      for (const ruleId of d.ruleIds) ranges.push({ directive: d, ruleId, from: [line, 0], to: [line + 1, 0] });
    } else if (d.kind === 'disable') {
      for (const ruleId of d.ruleIds) {
        const r: Range = { directive: d, ruleId, from: [c.line, c.column], to: END };
        ranges.push(r);
        open.set(ruleId, [...(open.get(ruleId) ?? []), r]);
      }
    } else {
      const ids = d.ruleIds.length ? d.ruleIds : [...open.keys()];
      let closed = false;
      for (const id of ids) {
        for (const r of open.get(id) ?? []) {
          r.to = [c.line, c.column];
          closed = true;
        }
        open.delete(id);
      }
      if (!closed) strayEnables.push(d);
    }
  }
  return { ranges, strayEnables };
}

function problemFinding(rule: typeof INVALID_SUPPRESSION, file: string, d: Directive, message: string, fix: string): Finding {
  const c = d.comment;
  return {
    ruleId: rule.id,
    severity: rule.severity,
    message,
    loc: { file, line: c.line, column: c.column, endLine: c.endLine, endColumn: c.endColumn },
    fix,
    related: [],
  };
}

/** The directives of one source text (only texts that mention privlint- are lexed). */
export function directivesOf(file: string, text: string): Directive[] {
  if (!text.includes('privlint-')) return [];
  const language = languageOf(file) ?? 'c';
  return commentsOf(text, language).flatMap((c) => parseDirective(c) ?? []);
}

/** Split findings into reported and suppressed, and report the suppression comments that are wrong or unused. */
export function applySuppressions(findings: readonly Finding[], texts: ReadonlyMap<string, string>, options: SuppressionOptions): SuppressionOutcome {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byFile.get(f.loc.file);
    if (list) list.push(f);
    else byFile.set(f.loc.file, [f]);
  }
  const out: SuppressionOutcome = { findings: [], suppressed: [], problems: [] };
  const files = new Set([...byFile.keys(), ...texts.keys()]);
  for (const file of [...files].sort()) {
    const directives = directivesOf(file, texts.get(file) ?? '');
    const fileFindings = byFile.get(file) ?? [];
    if (!directives.length) {
      out.findings.push(...fileFindings);
      continue;
    }
    const { ranges, strayEnables } = rangesOf(directives);
    const used = new Map<Directive, Set<string>>();
    for (const f of fileFindings) {
      const at: [number, number] = [f.loc.line, f.loc.column];
      const covering = ranges.filter((r) => r.ruleId === f.ruleId && !before(at, r.from) && before(at, r.to));
      if (!covering.length) {
        out.findings.push(f);
        continue;
      }
      for (const r of covering) used.set(r.directive, (used.get(r.directive) ?? new Set()).add(r.ruleId));
      out.suppressed.push({ finding: f, justification: covering[0]!.directive.reason });
    }
    for (const d of directives) {
      if (d.problems.length) {
        const suppressesNothing = !d.active ? ' It suppresses nothing until fixed.' : '';
        const message = `privlint-${d.kind} comment: ${d.problems.join('; ')}.${suppressesNothing}`;
        out.problems.push(problemFinding(INVALID_SUPPRESSION, file, d, message, 'Write it as `privlint-disable-next-line <rule-id>[, <rule-id>] -- <reason>`, with rule ids from `privlint --list-rules`.'));
      }
    }
    if (options.reportUnused && options.analysed.has(file)) {
      for (const d of directives) {
        if (!d.active || d.kind === 'enable') continue;
        const unused = d.ruleIds.filter((id) => !used.get(d)?.has(id) && options.ruleRan(id, file));
        if (!unused.length) continue;
        const where = d.kind === 'disable-line' ? `on line ${d.comment.line}` : d.kind === 'disable-next-line' ? `on line ${d.comment.endLine + 1}` : 'in its block';
        const message = `unused privlint-${d.kind}: no ${unused.join(' or ')} finding ${where} to suppress.`;
        out.problems.push(problemFinding(UNUSED_SUPPRESSION, file, d, message, unused.length === d.ruleIds.length ? 'Remove the comment.' : `Remove ${unused.join(', ')} from the comment.`));
      }
      for (const d of strayEnables) {
        const message = `privlint-enable${d.ruleIds.length ? ` ${d.ruleIds.join(', ')}` : ''} has no privlint-disable before it to end.`;
        out.problems.push(problemFinding(UNUSED_SUPPRESSION, file, d, message, 'Remove the comment.'));
      }
    }
  }
  return out;
}
