/** A unified diff of two versions of a file (for `--fix-dry-run`). */

type Op = { kind: ' ' | '-' | '+'; line: string };

const CONTEXT = 3;
/** Above this many cells the middle part is shown as one replacement instead of a minimal diff. */
const MAX_CELLS = 4_000_000;

/** Line operations turning `a` into `b`: common prefix and suffix, a longest common subsequence between. */
function lineOps(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const x = a.slice(pre, a.length - suf);
  const y = b.slice(pre, b.length - suf);
  const middle: Op[] = [];
  if (x.length * y.length > MAX_CELLS) {
    middle.push(...x.map((line) => ({ kind: '-' as const, line })), ...y.map((line) => ({ kind: '+' as const, line })));
  } else {
    // lcs[i][j]: length of the longest common subsequence of x[i..] and y[j..]
    const lcs = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
    for (let i = x.length - 1; i >= 0; i--) for (let j = y.length - 1; j >= 0; j--) lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i] === y[j]) middle.push({ kind: ' ', line: x[i++]! }), j++;
      else if (j < y.length && (i === x.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) middle.push({ kind: '+', line: y[j++]! });
      else middle.push({ kind: '-', line: x[i++]! });
    }
  }
  return [...a.slice(0, pre).map((line) => ({ kind: ' ' as const, line })), ...middle, ...a.slice(a.length - suf).map((line) => ({ kind: ' ' as const, line }))];
}

export function unifiedDiff(file: string, before: string, after: string): string {
  if (before === after) return '';
  const ops = lineOps(before.split('\n'), after.split('\n'));
  const out = [`--- a/${file}`, `+++ b/${file}`];
  const changed = ops.map((o, i) => (o.kind !== ' ' ? i : -1)).filter((i) => i >= 0);
  let k = 0;
  while (k < changed.length) {
    // A hunk: changes closer than twice the context join.
    let last = k;
    while (last + 1 < changed.length && changed[last + 1]! - changed[last]! <= 2 * CONTEXT) last++;
    const from = Math.max(0, changed[k]! - CONTEXT);
    const to = Math.min(ops.length, changed[last]! + CONTEXT + 1);
    const lineA = ops.slice(0, from).filter((o) => o.kind !== '+').length + 1;
    const lineB = ops.slice(0, from).filter((o) => o.kind !== '-').length + 1;
    const hunk = ops.slice(from, to);
    const countA = hunk.filter((o) => o.kind !== '+').length;
    const countB = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${lineA},${countA} +${lineB},${countB} @@`, ...hunk.map((o) => `${o.kind}${o.line}`));
    k = last + 1;
  }
  return `${out.join('\n')}\n`;
}
