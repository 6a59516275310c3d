/**
 * One object for equal sets of strings (hash-consing): walks hold many states whose fact sets are mostly alike, and
 * a set stored here is never changed (a grown one is replaced by a copy), so equal sets can be one object. A set is
 * found by a hash of its members' numbers (the same whatever their order) and compared member by member: no key
 * string is built and no member list sorted, which the walks did at every step.
 */
export class SetPool {
  private readonly numbers = new Map<string, number>();
  private readonly buckets = new Map<number, Set<string>[]>();

  /** The pooled set equal to `set`: `set` itself when it is the first of its members. */
  intern(set: Set<string>): Set<string> {
    const hash = this.hashOf(set);
    const bucket = this.buckets.get(hash);
    if (!bucket) {
      this.buckets.set(hash, [set]);
      return set;
    }
    for (const known of bucket) if (sameMembers(known, set)) return known;
    bucket.push(set);
    return set;
  }

  private hashOf(set: Set<string>): number {
    let hash = set.size;
    for (const member of set) {
      let n = this.numbers.get(member);
      if (n === undefined) this.numbers.set(member, (n = this.numbers.size + 1));
      // A sum of mixed numbers: the same for any order of the members.
      hash = (hash + Math.imul(n ^ (n >>> 16), 0x45d9f3b)) | 0;
    }
    return hash;
  }
}

/** Two sets with the same members. */
export function sameMembers(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const member of a) if (!b.has(member)) return false;
  return true;
}
