/** Abstract values of conditions, shared by the C and JavaScript evaluators: a number, a truth value, or unknown. */
export type Value = number | boolean | null;

export function truthy(v: number | boolean): boolean {
  return typeof v === 'boolean' ? v : v !== 0;
}

const COMPARISONS: Record<string, (a: number, b: number) => boolean> = {
  '==': (a, b) => a === b, '===': (a, b) => a === b, '!=': (a, b) => a !== b, '!==': (a, b) => a !== b,
  '<': (a, b) => a < b, '>': (a, b) => a > b, '<=': (a, b) => a <= b, '>=': (a, b) => a >= b,
};

/** `!v`, `-v`, `+v`. */
export function unaryValue(op: string | undefined, v: Value): Value {
  if (v === null) return null;
  if (op === '!') return !truthy(v);
  if (op === '-' && typeof v === 'number') return -v;
  if (op === '+') return v;
  return null;
}

/** `a && b`, `a || b` (short-circuit: `right` is evaluated only when it decides), comparisons. */
export function binaryValue(op: string, a: Value, right: () => Value): Value {
  if (op === '&&') {
    if (a !== null && !truthy(a)) return false;
    const b = right();
    if (b !== null && !truthy(b)) return false;
    return a !== null && b !== null ? true : null;
  }
  if (op === '||') {
    if (a !== null && truthy(a)) return true;
    const b = right();
    if (b !== null && truthy(b)) return true;
    return a !== null && b !== null ? false : null;
  }
  const b = right();
  if (a === null || b === null || !(op in COMPARISONS)) return null;
  return COMPARISONS[op]!(Number(a), Number(b));
}
