/**
 * Fixes as data: what a rule asks for (an EditIntent, language-neutral, located by the calls it is about) and
 * the text edits a language's editor makes of it. A finding's edits are applied all together or not at all.
 */
import type { SourceLoc } from '../model.js';

export type EditIntent =
  /** Replace the statement that is just this call (its result discarded or cast to void) with `code`. */
  | { kind: 'replace-statement'; at: SourceLoc; code: string }
  /** Insert `code` after the statement holding this call, where that statement is reached only once the call ran and succeeded. */
  | { kind: 'insert-after'; at: SourceLoc; code: string }
  /** Two adjacent statements, each holding one of these calls, put in rank order (lower first). */
  | { kind: 'reorder'; calls: { at: SourceLoc; rank: number }[] };

export interface TextEdit {
  file: string;
  /** Offsets in the file's text (UTF-16 code units, as JavaScript strings count). */
  start: number;
  end: number;
  /** The same range as lines and columns (1-based), for SARIF. */
  range: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  replacement: string;
}

export interface Fix {
  description: string;
  edits: TextEdit[];
}

/** Line/column (1-based) of every offset, for one text. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

export function textEdit(file: string, text: string, start: number, end: number, replacement: string): TextEdit {
  const s = positionAt(text, start);
  const e = positionAt(text, end);
  return { file, start, end, range: { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column }, replacement };
}

const sameEdit = (a: TextEdit, b: TextEdit): boolean => a.start === b.start && a.end === b.end && a.replacement === b.replacement;

/** Two edits touch the same text (insertions at one point count, unless they are the same edit). */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (sameEdit(a, b)) return false;
  if (a.start === a.end || b.start === b.end) return a.start === b.start || (a.start > b.start && a.start < b.end) || (b.start > a.start && b.start < a.end);
  return a.start < b.end && b.start < a.end;
}

/**
 * The fixes (of one file) that can be applied together, in the order given: a fix whose edits overlap an
 * accepted one waits for the next pass.
 */
export function compatibleFixes(fixes: Fix[]): Fix[] {
  const accepted: Fix[] = [];
  const edits: TextEdit[] = [];
  for (const fix of fixes) {
    if (fix.edits.some((e) => edits.some((a) => overlaps(a, e)))) continue;
    accepted.push(fix);
    edits.push(...fix.edits);
  }
  return accepted;
}

/** Apply compatible fixes to a text; identical edits from several fixes are made once. */
export function applyFixes(text: string, fixes: Fix[]): string {
  const unique: TextEdit[] = [];
  for (const e of fixes.flatMap((f) => f.edits)) if (!unique.some((u) => sameEdit(u, e))) unique.push(e);
  unique.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of unique) out = out.slice(0, e.start) + e.replacement + out.slice(e.end);
  return out;
}
