/** The order forward walks take nodes in: reverse postorder, lowest rank first (analysis/flow.ts). */
import { describe, expect, it } from 'vitest';
import { RankedWork, reversePostorder } from '../src/analysis/flow.js';

describe('reversePostorder', () => {
  it('ranks a node after every predecessor outside a loop, and unreached nodes last', () => {
    // 0 → 1 → 3, 0 → 2 → 3, 3 → 4 → 3 (a loop), 5 unreached
    const succ = [[1, 2], [3], [3], [4], [3], [3]];
    const rank = reversePostorder(succ, 0);
    expect(rank[0]).toBe(0);
    expect(rank[3]).toBeGreaterThan(rank[1]!);
    expect(rank[3]).toBeGreaterThan(rank[2]!);
    expect(rank[4]).toBeGreaterThan(rank[3]!);
    expect(rank[5]).toBe(succ.length);
    expect(new Set([...rank.slice(0, 5)]).size).toBe(5);
  });

  it('walks a long chain without recursion', () => {
    const n = 200_000;
    const succ = Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : []));
    const rank = reversePostorder(succ, 0);
    expect(rank[n - 1]).toBe(n - 1);
  });
});

describe('RankedWork', () => {
  it('takes the lowest rank first, each node once however often it is added', () => {
    const work = new RankedWork(Int32Array.from([5, 3, 9, 0, 7, 1]));
    for (const id of [0, 1, 2, 2, 3, 4, 5, 1]) work.add(id);
    const taken: number[] = [];
    while (work.size) taken.push(work.take());
    expect(taken).toEqual([3, 5, 1, 0, 4, 2]);
    work.add(2);
    work.add(3);
    expect([work.take(), work.take(), work.size]).toEqual([3, 2, 0]);
  });
});
