import { describe, expect, it } from 'vitest';
import { backwardUnion, hasBit, setBit } from '../src/analysis/bitsets.js';

/** A loop 0 → 1 → 2 → 0 with an exit 2 → 3; `words` words a node. */
const loop = [[1], [2], [0, 3], []];

describe('backward data-flow on bitsets', () => {
  it('ends and is exact for every bit of a word, the 32nd included, around a loop', () => {
    for (const words of [1, 2]) {
      for (let bit = 0; bit < 32 * words; bit++) {
        const gen = new Uint32Array(loop.length * words);
        const kill = new Uint32Array(loop.length * words);
        setBit(gen, 3 * words, bit); // read at the exit
        setBit(kill, 1 * words, bit); // set again inside the loop
        const live = backwardUnion(loop, words, gen, kill);
        expect([0, 1, 2, 3].map((n) => hasBit(live, n * words, bit)), `bit ${bit}`).toEqual([false, false, true, true]);
      }
    }
  });

  it('ends when a bit stays live all around a loop (the 32nd as well)', () => {
    for (const bit of [0, 30, 31, 32, 63]) {
      const gen = new Uint32Array(loop.length * 2);
      setBit(gen, 3 * 2, bit); // read at the exit, never set in the loop
      const live = backwardUnion(loop, 2, gen, new Uint32Array(loop.length * 2));
      expect([0, 1, 2, 3].map((n) => hasBit(live, n * 2, bit)), `bit ${bit}`).toEqual([true, true, true, true]);
    }
  });

  it('unions what every successor needs', () => {
    const succ = [[1, 2], [], []];
    const gen = new Uint32Array(3);
    setBit(gen, 1, 31);
    setBit(gen, 2, 0);
    const live = backwardUnion(succ, 1, gen, new Uint32Array(3));
    expect(hasBit(live, 0, 31) && hasBit(live, 0, 0)).toBe(true);
  });

  it('computes only the nodes asked for, as the whole fixpoint does, when they are closed under successors', () => {
    // 0 → 1 → 2 → 1 (a loop), 2 → 3, 0 → 4; a bit made at 3 and at 4. Asked: the loop and its exit (1, 2, 3).
    const succ = [[1, 4], [2], [1, 3], [], []];
    const gen = new Uint32Array(5);
    setBit(gen, 3, 5);
    setBit(gen, 4, 7);
    const kill = new Uint32Array(5);
    const whole = backwardUnion(succ, 1, gen, kill);
    const only = Uint8Array.from([0, 1, 1, 1, 0]);
    const part = backwardUnion(succ, 1, gen, kill, undefined, only);
    expect([1, 2, 3].map((n) => part[n])).toEqual([1, 2, 3].map((n) => whole[n]));
    expect(hasBit(part, 1, 5)).toBe(true);
    // The nodes not asked for are left empty (node 0 reaches both bits in the whole fixpoint).
    expect([part[0], part[4]]).toEqual([0, 0]);
    expect(hasBit(whole, 0, 5) && hasBit(whole, 0, 7)).toBe(true);
  });
});
