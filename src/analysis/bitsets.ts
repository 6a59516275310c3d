/** Data-flow fixpoints on bitsets: one bit a fact, `words` 32-bit words a node, no allocation per step. */

/**
 * Backward "may" data-flow (liveness): the bits of a node are its `gen` bits, and the bits of its successors that
 * it does not `kill`. `gen` and `kill` hold `words` words per node, as the result does.
 */
export function backwardUnion(
  succ: readonly (readonly number[])[],
  words: number,
  gen: Uint32Array,
  kill: Uint32Array,
  /** The predecessors of each node, when the caller has them already (`predecessors(succ)`). */
  preds: readonly (readonly number[])[] = predecessors(succ),
  /**
   * The nodes whose bits are wanted, when not all are (`only[id]` set), closed under successors except past nodes
   * that kill every bit: the others are left 0, so they must be nodes whose bits are 0 or are never read.
   */
  only?: Uint8Array,
): Uint32Array {
  const count = succ.length;
  const bits = new Uint32Array(count * words);
  const work: number[] = [];
  const queued = new Uint8Array(count);
  for (let id = 0; id < count; id++) if (!only || only[id]) {
    work.push(id);
    queued[id] = 1;
  }
  // Each change sets at least one more bit of a node and queues its predecessors: past this many visits the
  // fixpoint is not converging (a bug), and an error says so instead of a run that never ends.
  let visits = count + preds.reduce((sum, p) => sum + p.length, 0) * 32 * words;
  while (work.length) {
    if (visits-- < 0) throw new Error('backwardUnion: the fixpoint does not converge');
    const id = work.pop()!;
    queued[id] = 0;
    const at = id * words;
    let changed = false;
    for (let w = 0; w < words; w++) {
      let next = gen[at + w]!;
      for (const s of succ[id]!) next |= bits[s * words + w]! & ~kill[at + w]!;
      // Bitwise operators give signed 32-bit numbers, the array holds unsigned ones: compare them as unsigned, or a
      // node whose 32nd bit is set counts as changed on every visit and the fixpoint never ends.
      next >>>= 0;
      if (next !== bits[at + w]) {
        bits[at + w] = next;
        changed = true;
      }
    }
    if (!changed) continue;
    for (const p of preds[id]!) if (!queued[p] && (!only || only[p])) {
      queued[p] = 1;
      work.push(p);
    }
  }
  return bits;
}

/** The predecessors of each node of a graph given by its successors. */
export function predecessors(succ: readonly (readonly number[])[]): number[][] {
  const preds: number[][] = succ.map(() => []);
  succ.forEach((out, id) => {
    for (const s of out) preds[s]!.push(id);
  });
  return preds;
}

/** Set bit `i` of the node whose words start at `at`. */
export function setBit(bits: Uint32Array, at: number, i: number): void {
  bits[at + (i >>> 5)]! |= 1 << (i & 31);
}

/** Whether bit `i` of the node whose words start at `at` is set. */
export function hasBit(bits: Uint32Array, at: number, i: number): boolean {
  return (bits[at + (i >>> 5)]! & (1 << (i & 31))) !== 0;
}
