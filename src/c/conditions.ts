/** Abstract evaluation of C conditions: which branch runs when a privilege call (or the variable holding its result) reports failure (-1). */
import type { Node } from 'web-tree-sitter';

type Value = number | boolean | null;

function truthy(v: number | boolean): boolean {
  return typeof v === 'boolean' ? v : v !== 0;
}

function compare(op: string, a: number, b: number): boolean | null {
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
  }
  return null;
}

const CONSTANT_NAMES: Record<string, number> = { true: 1, TRUE: 1, false: 0, FALSE: 0, NULL: 0, EXIT_SUCCESS: 0, EXIT_FAILURE: 1 };

/** Value of `expr` when `subject` (a node inside it, or none) evaluates to `failure` (-1, or 0 for NULL). */
function evaluate(expr: Node, subject: Node | undefined, failure = -1): Value {
  if (subject && expr.id === subject.id) return failure;
  switch (expr.type) {
    case 'parenthesized_expression':
      return expr.namedChildCount === 1 ? evaluate(expr.namedChild(0)!, subject, failure) : null;
    case 'cast_expression': {
      const v = expr.childForFieldName('value');
      return v ? evaluate(v, subject, failure) : null;
    }
    case 'number_literal': {
      const n = Number(expr.text.replace(/[uUlL]+$/, ''));
      return Number.isFinite(n) ? n : null;
    }
    case 'true': return true;
    case 'null': return 0;
    case 'false': return false;
    case 'identifier':
      return expr.text in CONSTANT_NAMES ? CONSTANT_NAMES[expr.text]! : null;
    case 'assignment_expression': {
      const right = expr.childForFieldName('right');
      return right && expr.child(1)?.text === '=' ? evaluate(right, subject, failure) : null;
    }
    case 'unary_expression': {
      const op = expr.child(0)?.text;
      const arg = expr.childForFieldName('argument');
      const v = arg ? evaluate(arg, subject, failure) : null;
      if (v === null) return null;
      if (op === '!') return !truthy(v);
      if (op === '-' && typeof v === 'number') return -v;
      if (op === '+') return v;
      return null;
    }
    case 'binary_expression': {
      const op = expr.childForFieldName('operator')?.text ?? '';
      const left = expr.childForFieldName('left');
      const right = expr.childForFieldName('right');
      if (!left || !right) return null;
      const a = evaluate(left, subject, failure);
      if (op === '&&') {
        if (a !== null && !truthy(a)) return false;
        const b = evaluate(right, subject, failure);
        if (b !== null && !truthy(b)) return false;
        return a !== null && b !== null ? true : null;
      }
      if (op === '||') {
        if (a !== null && truthy(a)) return true;
        const b = evaluate(right, subject, failure);
        if (b !== null && truthy(b)) return true;
        return a !== null && b !== null ? false : null;
      }
      const b = evaluate(right, subject, failure);
      if (a === null || b === null) return null;
      return compare(op, Number(a), Number(b));
    }
  }
  return null;
}

/** true: the condition holds when the subject failed; false: it does not; null: cannot tell. */
export function branchWhenFails(condition: Node, subject: Node, failure = -1): boolean | null {
  const v = evaluate(condition, subject, failure);
  return v === null ? null : truthy(v);
}

/** The constant truth value of a loop condition (`1`, `0`, `true`), or null. */
/** The number a constant expression evaluates to (`-1`, `EXIT_FAILURE`), or null. */
export function constantNumber(expr: Node): number | null {
  const v = evaluate(expr, undefined);
  return typeof v === 'number' ? v : null;
}

export function constantTruth(condition: Node): boolean | null {
  const v = evaluate(condition, undefined);
  return v === null ? null : truthy(v);
}
