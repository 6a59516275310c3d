import type { Node } from 'web-tree-sitter';
import type { SourceLoc } from '../model.js';

export function locOf(file: string, node: Node): SourceLoc {
  return {
    file,
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
  };
}

/** Strip parentheses and casts: `((uid_t)(-1))` → `-1`. */
export function unwrap(node: Node): Node {
  let n = node;
  for (;;) {
    if (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
    else if (n.type === 'cast_expression' && n.childForFieldName('value')) n = n.childForFieldName('value')!;
    else return n;
  }
}

/** Name of the called function, when it is a plain identifier. */
export function calleeName(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  const f = unwrap(fn);
  return f.type === 'identifier' ? f.text : undefined;
}

export function callArguments(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  return args ? args.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [];
}

/** Numeric value of a literal such as `0`, `-1`, `(uid_t)-1`, `~0`; undefined when not a literal. */
export function numericValue(node: Node): number | undefined {
  const n = unwrap(node);
  if (n.type === 'number_literal') {
    const v = Number(n.text.replace(/[uUlL]+$/, ''));
    return Number.isFinite(v) ? v : undefined;
  }
  if (n.type === 'unary_expression') {
    const op = n.child(0)?.text;
    const arg = n.childForFieldName('argument');
    const v = arg ? numericValue(arg) : undefined;
    if (v === undefined) return undefined;
    if (op === '-') return -v;
    if (op === '~') return ~v;
    if (op === '+') return v;
  }
  return undefined;
}

export function stringValue(node: Node): string | undefined {
  const n = unwrap(node);
  if (n.type !== 'string_literal') return undefined;
  return n.namedChildren
    .filter((c) => c !== null && c.type === 'string_content')
    .map((c) => c!.text)
    .join('');
}

export function descendantsOfType(node: Node, types: string[]): Node[] {
  return node.descendantsOfType(types).filter((n): n is Node => n !== null);
}

/** The declared name inside a declarator (`*name`, `name[3]`, `name(...)`). */
export function declaratorName(decl: Node | null): string | undefined {
  let d = decl;
  while (d) {
    if (d.type === 'identifier' || d.type === 'field_identifier') return d.text;
    d = d.childForFieldName('declarator');
  }
  return undefined;
}

/**
 * The variable (or fields' path) an expression may change, as written: the left side of an assignment, the operand
 * of `++`/`--`, the operand whose address `&` takes (lent to a call that may set it). Undefined for other nodes.
 */
export function changedName(n: Node): string | undefined {
  if (n.type === 'pointer_expression' && n.child(0)?.text !== '&') return undefined;
  const target = n.type === 'assignment_expression' ? n.childForFieldName('left') : n.type === 'update_expression' || n.type === 'pointer_expression' ? n.childForFieldName('argument') : null;
  return target ? unwrap(target).text : undefined;
}

/** The node kinds `changedName` reads. */
export const CHANGING_NODES = ['assignment_expression', 'update_expression', 'pointer_expression'];

/** Whether `node`'s code may change the variable `name`: an assignment to it, `name++`, or its address taken (`&name`). */
export function assignsName(node: Node, name: string): boolean {
  if (!node.text.includes(name)) return false;
  return descendantsOfType(node, CHANGING_NODES).some((n) => changedName(n) === name);
}
