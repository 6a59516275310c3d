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

/**
 * The branches of a test of a value by its sign, from the branch it takes at a given value (`at`): where it is 0
 * (`whenNull`), and where it is positive (`whenPositive`) — given only when the test decides by the sign alone
 * (`x > 0`, `x <= 0`, `x != 0`, `x`), so that -1 stands for every negative value and 1000 for every positive one.
 * A test that tells -1 (the usual failure status) from the other negative values (`x == -1`, `x != -1`) gives
 * `classes` instead: the branch for -1, for the other negative values and for the positive ones.
 */
export function signBranches(at: (value: number) => boolean | null): { whenNull: boolean | null; whenPositive: boolean | null; classes?: { minusOne: boolean; negative: boolean; positive: boolean } } {
  const positive = at(1000);
  const minusOne = at(-1);
  const negative = at(-1000);
  const bySign = positive !== null && at(1) === positive && minusOne !== null && negative === minusOne;
  const zero = at(0);
  if (!bySign && zero !== null && positive !== null && at(1) === positive && minusOne !== null && negative !== null && at(-2) === negative && negative !== minusOne) {
    return { whenNull: zero, whenPositive: null, classes: { minusOne, negative, positive } };
  }
  return { whenNull: zero, whenPositive: bySign ? positive : null };
}
