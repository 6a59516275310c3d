/** C: turns edit intents into text edits on the syntax tree, only where the edit is local and safe. */
import type { Node, Tree } from 'web-tree-sitter';
import { branchWhenFails } from '../c/conditions.js';
import type { SourceLoc } from '../model.js';
import { textEdit, type EditIntent, type TextEdit } from './edit.js';

/** Headers the inserted code needs, by the names it uses. */
const HEADERS: [RegExp, string][] = [
  [/\bperror\b|\bfprintf\b/, 'stdio.h'],
  [/\bexit\b|\babort\b/, 'stdlib.h'],
  [/\bstrerror\b/, 'string.h'],
  [/\berrno\b/, 'errno.h'],
  [/\berrx?\b/, 'err.h'],
];

const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=']);

export class CEditor {
  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly tree: Tree,
  ) {}

  edits(intent: EditIntent): TextEdit[] | undefined {
    switch (intent.kind) {
      case 'replace-statement':
        return this.replaceStatement(intent.at, intent.code);
      case 'insert-after':
        return this.insertAfter(intent.at, intent.code);
      case 'reorder':
        return this.reorder(intent.calls);
    }
  }

  private callAt(loc: SourceLoc): Node | undefined {
    let n: Node | null = this.tree.rootNode.descendantForPosition(
      { row: loc.line - 1, column: loc.column - 1 },
      { row: loc.endLine - 1, column: loc.endColumn - 1 },
    );
    while (n && n.type !== 'call_expression') n = n.parent;
    return n ?? undefined;
  }

  /** The statement of a block (`{ ... }`) that holds `node`: only there can statements be added or moved. */
  private blockStatement(node: Node): Node | undefined {
    for (let n: Node | null = node; n?.parent; n = n.parent) {
      if (n.parent.type === 'compound_statement') return n;
      if (n.type.endsWith('_statement') && n.type !== 'expression_statement' && n.type !== 'if_statement') return undefined;
    }
    return undefined;
  }

  /** `call(...);` or `(void)call(...);`: the statement is the call and nothing else. */
  private isCallStatement(stmt: Node, call: Node): boolean {
    if (stmt.type !== 'expression_statement') return false;
    let e = stmt.namedChildren.find((c) => c !== null && c.type !== 'comment') ?? null;
    while (e && (e.type === 'parenthesized_expression' || e.type === 'cast_expression')) e = e.type === 'cast_expression' ? e.childForFieldName('value') : e.namedChild(0);
    return e?.id === call.id;
  }

  /** `if (a == -1 || call(...) == -1) ...` without else: after it, the call ran and succeeded (or the failure branch fell through). */
  private afterMeansSucceeded(stmt: Node, call: Node): boolean {
    if (stmt.type !== 'if_statement' || stmt.childForFieldName('alternative')) return false;
    const condition = stmt.childForFieldName('condition');
    if (!condition) return false;
    for (let n = call.parent; n && n.id !== condition.id; n = n.parent) {
      if (n.type === 'parenthesized_expression') continue;
      if (n.type === 'unary_expression' && n.child(0)?.text === '!') continue;
      const op = n.type === 'binary_expression' ? n.childForFieldName('operator')?.text : undefined;
      if (op === undefined || !(op === '||' || COMPARISONS.has(op))) return false;
    }
    return branchWhenFails(condition, call) === true;
  }

  private replaceStatement(at: SourceLoc, code: string): TextEdit[] | undefined {
    const call = this.callAt(at);
    const stmt = call && this.blockStatement(call);
    if (!call || !stmt || !this.isCallStatement(stmt, call)) return undefined;
    return [textEdit(this.file, this.text, stmt.startIndex, stmt.endIndex, this.indented(code, stmt.startIndex)), ...this.includes(code)];
  }

  private insertAfter(at: SourceLoc, code: string): TextEdit[] | undefined {
    const call = this.callAt(at);
    const stmt = call && this.blockStatement(call);
    if (!call || !stmt || !(this.isCallStatement(stmt, call) || this.afterMeansSucceeded(stmt, call))) return undefined;
    const indent = this.indentAt(stmt.startIndex);
    return [textEdit(this.file, this.text, stmt.endIndex, stmt.endIndex, `\n${indent}${this.indented(code, stmt.startIndex)}`), ...this.includes(code)];
  }

  /** Swap two adjacent statements of one block (comments just above the second move with it). */
  private reorder(calls: { at: SourceLoc; rank: number }[]): TextEdit[] | undefined {
    if (calls.length !== 2) return undefined;
    const stmts = calls.map((c) => {
      const call = this.callAt(c.at);
      return { stmt: call && this.blockStatement(call), rank: c.rank };
    });
    const [a, b] = stmts.sort((x, y) => (x.stmt?.startIndex ?? 0) - (y.stmt?.startIndex ?? 0));
    if (!a?.stmt || !b?.stmt || a.stmt.id === b.stmt.id || a.stmt.parent?.id !== b.stmt.parent?.id || b.rank >= a.rank) return undefined;
    const siblings = a.stmt.parent!.namedChildren.filter((c): c is Node => c !== null);
    const between = siblings.slice(siblings.findIndex((s) => s.id === a.stmt!.id) + 1, siblings.findIndex((s) => s.id === b.stmt!.id));
    if (between.some((s) => s.type !== 'comment')) return undefined;
    const gap = this.text.slice(a.stmt.endIndex, b.stmt.startIndex);
    const lead = /^\s*/.exec(gap)![0];
    const replacement = `${gap.slice(lead.length)}${b.stmt.text}${lead}${a.stmt.text}`;
    return [textEdit(this.file, this.text, a.stmt.startIndex, b.stmt.endIndex, replacement)];
  }

  private indentAt(offset: number): string {
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    const before = this.text.slice(lineStart, offset);
    return /^\s*$/.test(before) ? before : '';
  }

  /** Code written with tab indentation, placed at `offset`: later lines take that line's indentation. */
  private indented(code: string, offset: number): string {
    const indent = this.indentAt(offset);
    const unit = indent === '' || indent.includes('\t') ? '\t' : '    ';
    return code
      .split('\n')
      .map((line, i) => (i === 0 ? line : indent + line.replace(/^\t+/, (tabs) => unit.repeat(tabs.length))))
      .join('\n');
  }

  /** `#include` lines for what the inserted code uses and the file does not include yet. */
  private includes(code: string): TextEdit[] {
    const missing = HEADERS.filter(([uses, header]) => uses.test(code) && !new RegExp(`#\\s*include\\s*<${header.replace('.', '\\.')}>`).test(this.text)).map(([, h]) => h);
    if (!missing.length) return [];
    const lines = [...new Set(missing)].map((h) => `#include <${h}>`).join('\n');
    const last = [...this.text.matchAll(/^#\s*include\b.*$/gm)].at(-1);
    if (!last) return [textEdit(this.file, this.text, 0, 0, `${lines}\n`)];
    const end = last.index! + last[0].length;
    return [textEdit(this.file, this.text, end, end, `\n${lines}`)];
  }
}
