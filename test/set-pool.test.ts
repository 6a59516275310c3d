import { describe, expect, it } from 'vitest';
import { SetPool } from '../src/analysis/set-pool.js';

describe('SetPool', () => {
  it('gives one object for sets with the same members, whatever their order', () => {
    const pool = new SetPool();
    const first = pool.intern(new Set(['uid-down:3', 'gid-kept']));
    expect(pool.intern(new Set(['gid-kept', 'uid-down:3']))).toBe(first);
    expect(pool.intern(new Set())).toBe(pool.intern(new Set()));
  });

  it('keeps sets apart that differ in one member or in size', () => {
    const pool = new SetPool();
    const a = pool.intern(new Set(['a', 'b']));
    const b = pool.intern(new Set(['a', 'c']));
    const c = pool.intern(new Set(['a']));
    const d = pool.intern(new Set(['a', 'b', 'c']));
    expect(new Set([a, b, c, d]).size).toBe(4);
    expect([...b]).toEqual(['a', 'c']);
  });

  it('tells apart sets whose hashes meet (many sets of many members)', () => {
    const pool = new SetPool();
    const made = new Map<string, Set<string>>();
    for (let i = 0; i < 3000; i++) {
      const members = [`f${i % 97}`, `g${i % 89}`, `h${i % 13}`];
      const key = [...new Set(members)].sort().join(',');
      const pooled = pool.intern(new Set(members));
      if (made.has(key)) expect(pooled).toBe(made.get(key));
      else made.set(key, pooled);
      expect([...pooled].sort().join(',')).toBe(key);
    }
    expect(new Set(made.values()).size).toBe(made.size);
  });
});
