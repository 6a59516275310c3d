/** Small helpers over the tree-sitter TypeScript/TSX syntax trees (plain JavaScript parses with the same grammar). */
import type { Node } from 'web-tree-sitter';

export { descendantsOfType, locOf } from '../c/syntax.js';

const WRAPPERS = new Set(['parenthesized_expression', 'as_expression', 'satisfies_expression', 'non_null_expression', 'type_assertion']);

/** Strip parentheses, type assertions and `!`: `(process as any)` → `process`. */
export function unwrap(node: Node): Node {
  let n = node;
  while (WRAPPERS.has(n.type)) {
    const inner = n.namedChildren.find((c) => c !== null && c.type !== 'comment' && c.type !== 'type_arguments' && !c.type.endsWith('_type') && c.type !== 'type_identifier');
    if (!inner) return n;
    n = inner;
  }
  return n;
}

export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

export const FUNCTION_TYPES = new Set(['function_declaration', 'generator_function_declaration', 'function_expression', 'function', 'generator_function', 'arrow_function', 'method_definition']);

export function isFunction(node: Node): boolean {
  return FUNCTION_TYPES.has(node.type);
}

/** The string a literal holds (`'x'`, `"x"`, a template without substitutions), else undefined. */
export function stringValue(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.type === 'string') return n.namedChildren.filter((c) => c?.type === 'string_fragment' || c?.type === 'escape_sequence').map((c) => c!.text).join('');
  if (n.type === 'template_string' && !n.namedChildren.some((c) => c?.type === 'template_substitution')) return n.text.slice(1, -1);
  return undefined;
}

/** The value of a numeric literal such as `0`, `-1`, `65534`; undefined otherwise. */
export function numericValue(node: Node | undefined): number | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.type === 'number') {
    const v = Number(n.text.replace(/_/g, ''));
    return Number.isFinite(v) ? v : undefined;
  }
  if (n.type === 'unary_expression' && (n.childForFieldName('operator')?.text === '-' || n.child(0)?.text === '-')) {
    const v = numericValue(n.childForFieldName('argument') ?? undefined);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

export function callArguments(call: Node): Node[] {
  const args = call.childForFieldName('arguments');
  return args && args.type === 'arguments' ? namedChildren(args) : [];
}

/** Names a binding pattern declares: `x`, `{ a, b: c }`, `[d, ...e]`. */
export function patternNames(pattern: Node | null): string[] {
  if (!pattern) return [];
  if (pattern.type === 'identifier' || pattern.type === 'shorthand_property_identifier_pattern') return [pattern.text];
  return namedChildren(pattern).flatMap((c) => {
    if (c.type === 'pair_pattern') return patternNames(c.childForFieldName('value'));
    if (c.type === 'assignment_pattern' || c.type === 'object_assignment_pattern') return patternNames(c.childForFieldName('left') ?? c.namedChild(0));
    return patternNames(c);
  });
}

/** Where the value of `expr` is kept: `const x = expr`, `x = expr`, `this.dir = await expr`. */
export function assignedName(expr: Node): string | undefined {
  let child = expr;
  for (let p = expr.parent; p; child = p, p = p.parent) {
    if (WRAPPERS.has(p.type) || p.type === 'await_expression') continue;
    if (p.type === 'variable_declarator' && p.childForFieldName('value')?.id === child.id) {
      const name = p.childForFieldName('name');
      return name?.type === 'identifier' ? name.text : undefined;
    }
    if (p.type === 'assignment_expression' && p.childForFieldName('right')?.id === child.id) return p.childForFieldName('left')?.text;
    return undefined;
  }
  return undefined;
}

/** The parameters of a function node, by name (destructured parameters give their first name). */
export function parameterNames(fn: Node): string[] {
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!params) return [];
  if (params.type === 'identifier') return [params.text];
  return namedChildren(params).map((p) => {
    const pattern = p.childForFieldName('pattern') ?? p;
    return patternNames(pattern.type === 'rest_pattern' ? pattern.namedChild(0) : pattern)[0] ?? '';
  });
}
