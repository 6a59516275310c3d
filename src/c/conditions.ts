/** Abstract evaluation of C conditions: which branch runs when a privilege call (or the variable holding its result) reports failure (-1). */
import type { Node } from 'web-tree-sitter';

import { VALUE_CLASSES, type ValueTable } from '../model.js';
import { binaryValue, truthy, unaryValue, type Value } from '../values.js';

const CONSTANT_NAMES: Record<string, number> = { true: 1, TRUE: 1, false: 0, FALSE: 0, NULL: 0, EXIT_SUCCESS: 0, EXIT_FAILURE: 1 };

/**
 * The numeric constants (macros, enumeration members) of the function being built, and its locals, which hide
 * them: `if (FC_SUCCESS != initialize())` with `FC_SUCCESS = 0` tells its failure branch.
 */
let named: { constants: ReadonlyMap<string, number>; locals?: ReadonlySet<string> } | undefined;

/** Evaluate conditions, while `build` runs, with the constants a file names (the locals of the function hide them). */
export function withNamedConstants<T>(constants: ReadonlyMap<string, number> | undefined, locals: ReadonlySet<string> | undefined, build: () => T): T {
  const outer = named;
  named = constants?.size ? { constants, locals } : undefined;
  try {
    return build();
  } finally {
    named = outer;
  }
}

function namedConstant(name: string): number | null {
  if (name in CONSTANT_NAMES) return CONSTANT_NAMES[name]!;
  if (!named || named.locals?.has(name)) return null;
  return named.constants.get(name) ?? null;
}

/** Fields of `struct passwd` and `struct group` that always hold a string. */
const ENTRY_STRINGS = new Set(['pw_name', 'pw_dir', 'pw_shell', 'gr_name']);

/** A parenthesised type name: `(uid_t)`, `(unsigned)`, `(int)`. */
const TYPE_NAME = /^\(\s*(?:\w+_t|unsigned|signed|int|long|short|char)\s*\)$/;

/**
 * The subject of the evaluation is a variable of an unsigned type: it is never negative. A negative value given to
 * it (the -1 a failing call returns, the negative values a test by sign is tried at) converts to a value above every
 * bound: compared by `<`, `<=`, `>`, `>=` with a constant of 0 or more it is the greater (`n > 0` is `n != 0`).
 * `==` and `!=` convert the constant too (`n == (unsigned)-1` holds for -1) and are read as they are.
 */
let unsignedSubject = false;

const RELATIONAL = new Set(['<', '<=', '>', '>=']);

/** `n > 0`, `0 < n` with an unsigned `n` that holds a negative value: the comparison's truth, or undefined. */
function unsignedComparison(op: string, left: Node, right: Node, subject: Node | undefined, failure: number | boolean): Value | undefined {
  if (!unsignedSubject || !subject || !RELATIONAL.has(op) || typeof failure !== 'number' || failure >= 0) return undefined;
  const bare = (n: Node): Node => (n.type === 'parenthesized_expression' && n.namedChildCount === 1 ? bare(n.namedChild(0)!) : n);
  const onLeft = bare(left).id === subject.id;
  if (!onLeft && bare(right).id !== subject.id) return undefined;
  const bound = evaluate(onLeft ? right : left, subject, failure);
  if (typeof bound !== 'number' || bound < 0) return undefined;
  return onLeft ? op === '>' || op === '>=' : op === '<' || op === '<=';
}

/** Value of `expr` when `subject` (a node inside it, or none) evaluates to `failure` (-1, or 0 for NULL). */
function evaluate(expr: Node, subject: Node | undefined, failure: number | boolean = -1): Value {
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
    // stdbool's `true` and `false` are the integer constants 1 and 0 (`return true;` is a number its caller tests).
    case 'true': return 1;
    case 'null': return 0;
    case 'false': return 0;
    case 'identifier':
      return bound?.get(expr.text) ?? namedConstant(expr.text);
    // A string literal, an address: pointers that are never NULL.
    case 'string_literal':
    case 'concatenated_string':
      return true;
    case 'pointer_expression':
      return expr.child(0)?.text === '&' ? true : null;
    // The name (home, shell) of a passwd or group entry: the C library never gives an entry without one.
    case 'field_expression':
      return ENTRY_STRINGS.has(expr.childForFieldName('field')?.text ?? '') && expr.child(1)?.text === '->' ? true : null;
    case 'conditional_expression': {
      // `c ? a : b`: the branch `c` decides, or what both branches agree on.
      const cond = expr.childForFieldName('condition');
      const c = cond ? evaluate(cond, subject, failure) : null;
      const then = expr.childForFieldName('consequence');
      // `c ?: b` (GNU) and `c ? c : b` give `c` only where it is true: a truth value whatever `c` holds.
      const same = !then || (cond !== null && then.text === cond.text && cond.type === 'identifier');
      const a = same ? (c ?? (subject ? null : true)) : evaluate(then, subject, failure);
      const alt = expr.childForFieldName('alternative');
      const b = alt ? evaluate(alt, subject, failure) : null;
      if (c !== null) return truthy(c) ? a : b;
      if (a === null || b === null) return null;
      if (typeof a === 'boolean' || typeof b === 'boolean') return truthy(a) === truthy(b) ? truthy(a) : null;
      return a === b ? a : null;
    }
    case 'assignment_expression': {
      // `(pw = getpwnam(u))` is the value stored: the variable assigned holds it.
      if (subject && expr.child(1)?.text === '=' && expr.childForFieldName('left')?.id === subject.id) return failure;
      const right = expr.childForFieldName('right');
      if (expr.child(1)?.text !== '=') return null;
      // `(grp = getgrgid(gid))` has the value the variable is given: a test of it tests the variable too.
      if (subject && expr.childForFieldName('left')?.id === subject.id) return failure;
      return right ? evaluate(right, subject, failure) : null;
    }
    case 'unary_expression': {
      const arg = expr.childForFieldName('argument');
      return unaryValue(expr.child(0)?.text, arg ? evaluate(arg, subject, failure) : null);
    }
    case 'binary_expression': {
      const op = expr.childForFieldName('operator')?.text ?? '';
      const left = expr.childForFieldName('left');
      const right = expr.childForFieldName('right');
      if (!left || !right) return null;
      // `(gid_t)-1` parses as a subtraction from a parenthesised name: a type's name there makes it a cast.
      if (op === '-' && left.type === 'parenthesized_expression' && TYPE_NAME.test(left.text)) {
        const v = evaluate(right, subject, failure);
        return typeof v === 'number' ? -v : null;
      }
      const unsigned = unsignedComparison(op, left, right, subject, failure);
      if (unsigned !== undefined) return unsigned;
      // In a value table, sums and differences of its variables (`up + down > 1`).
      if (bound && (op === '+' || op === '-')) {
        const a = evaluate(left, subject, failure);
        const b = evaluate(right, subject, failure);
        return typeof a === 'number' && typeof b === 'number' ? (op === '+' ? a + b : a - b) : null;
      }
      return binaryValue(op, evaluate(left, subject, failure), () => evaluate(right, subject, failure));
    }
  }
  return null;
}

/** The value of `expr` when `subject` (a node inside it) holds `value` (a failing call's -1): a number, a truth, or null. */
export function valueWhen(expr: Node, subject: Node, value: number | boolean): Value {
  return evaluate(expr, subject, value);
}

/**
 * true: the condition holds when the subject failed; false: it does not; null: cannot tell. `unsigned`: the subject
 * is a variable of an unsigned type (see `unsignedSubject`).
 */
export function branchWhenFails(condition: Node, subject: Node, failure = -1, unsigned = false): boolean | null {
  const outer = unsignedSubject;
  unsignedSubject = unsigned;
  try {
    const v = evaluate(condition, subject, failure);
    return v === null ? null : truthy(v);
  } finally {
    unsignedSubject = outer;
  }
}

/**
 * The value table of a condition (see `CfgNode.valueTable`): over its one or two variables (names that are no
 * constant), where it calls nothing and reads no member; for one variable only where it names a number other than 0.
 * Undefined when there is none or it decides nothing.
 */
export function valueTableOf(condition: Node, unsigned: ReadonlySet<string>): ValueTable | undefined {
  if (condition.descendantsOfType(['call_expression', 'field_expression', 'subscript_expression']).length) return undefined;
  const variables = [...new Set(condition.descendantsOfType('identifier').flatMap((n) => (n && namedConstant(n.text) === null ? [n.text] : [])))];
  if (!variables.length || variables.length > 2) return undefined;
  if (variables.length === 1 && !condition.descendantsOfType('number_literal').some((n) => n && constantNumber(n) !== 0)) return undefined;
  const truth = valueTable(condition, variables, unsigned);
  return truth.some((t) => t !== null) ? { variables, truth } : undefined;
}

/** While a value table is made: the value each of its variables is tried at. */
let bound: ReadonlyMap<string, number> | undefined;

/**
 * The truth of `condition` for each combination of the value classes of `variables` (VALUE_CLASSES, the first
 * variable's class varying slowest): a class decides when every value it is tried at gives the same truth. An
 * unsigned variable is never negative: its negative classes decide nothing (C would convert them).
 */
export function valueTable(condition: Node, variables: readonly string[], unsigned: ReadonlySet<string>): (boolean | null)[] {
  const out: (boolean | null)[] = [];
  const values = new Map<string, number>();
  const outer = bound;
  bound = values;
  try {
    const combine = (i: number, classes: number[]): void => {
      if (i === variables.length) {
        out.push(truthOver(condition, variables, classes, 0, values, unsigned));
        return;
      }
      for (let c = 0; c < VALUE_CLASSES.length; c++) combine(i + 1, [...classes, c]);
    };
    combine(0, []);
  } finally {
    bound = outer;
  }
  return out;
}

/** The truth shared by every value of the classes from the `i`-th variable on, or null. */
function truthOver(condition: Node, variables: readonly string[], classes: number[], i: number, values: Map<string, number>, unsigned: ReadonlySet<string>): boolean | null {
  if (i === variables.length) {
    const v = evaluate(condition, undefined);
    return v === null ? null : truthy(v);
  }
  const cls = VALUE_CLASSES[classes[i]!]!;
  if (unsigned.has(variables[i]!) && cls.values[0]! < 0) return null;
  let truth: boolean | null | undefined;
  for (const x of cls.values) {
    values.set(variables[i]!, x);
    const t = truthOver(condition, variables, classes, i + 1, values, unsigned);
    if (t === null || (truth !== undefined && t !== truth)) return null;
    truth = t;
  }
  return truth ?? null;
}

/** The number a constant expression evaluates to (`-1`, `EXIT_FAILURE`), or null. */
export function constantNumber(expr: Node): number | null {
  const v = evaluate(expr, undefined);
  return typeof v === 'number' ? v : null;
}

/** The constant truth value of a loop condition (`1`, `0`, `true`), or null. */

export function constantTruth(condition: Node): boolean | null {
  const v = evaluate(condition, undefined);
  return v === null ? null : truthy(v);
}
