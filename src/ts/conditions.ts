/** Abstract evaluation of JavaScript conditions: which branch runs when a subject (an id read, a flag) has a value. */
import type { Node } from 'web-tree-sitter';
import { namedChildren } from './syntax.js';

import { binaryValue, truthy, unaryValue, type Value } from '../values.js';

function evaluate(expr: Node, subject: Node | undefined, value: number): Value {
  if (subject && expr.id === subject.id) return value;
  switch (expr.type) {
    case 'parenthesized_expression': {
      const inner = namedChildren(expr);
      return inner.length === 1 ? evaluate(inner[0]!, subject, value) : null;
    }
    case 'number': {
      const n = Number(expr.text);
      return Number.isFinite(n) ? n : null;
    }
    case 'true': return true;
    case 'false': return false;
    case 'null': case 'undefined': return 0;
    case 'unary_expression': {
      const arg = expr.childForFieldName('argument');
      return unaryValue(expr.child(0)?.text, arg ? evaluate(arg, subject, value) : null);
    }
    case 'binary_expression': {
      const op = expr.childForFieldName('operator')?.text ?? '';
      const left = expr.childForFieldName('left');
      const right = expr.childForFieldName('right');
      if (!left || !right) return null;
      return binaryValue(op, evaluate(left, subject, value), () => evaluate(right, subject, value));
    }
  }
  return null;
}

/** Whether `condition` holds when `subject` evaluates to `value`; null when it cannot tell. */
export function conditionWhen(condition: Node, subject: Node, value: number): boolean | null {
  const v = evaluate(condition, subject, value);
  return v === null ? null : truthy(v);
}

/** The constant truth of a condition (`true`, `1`), or null. */
export function constantTruth(condition: Node): boolean | null {
  const v = evaluate(condition, undefined, 0);
  return v === null ? null : truthy(v);
}
