/**
 * `--shard k/n`: the units of a run split over n machines, by program, stably. Every shard sees the same files and
 * computes the same split: units by size (largest first, then by name), each to the shard with the least work so far.
 */
import { groupByUnit } from './units.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && count >= 1 && index <= count ? { index, count } : undefined;
}

export function sourcesOfShard<T extends { unit?: string; text: string; size?: number }>(sources: T[], shard: Shard): T[] {
  const units = groupByUnit(sources)
    .map((g) => ({ ...g, size: g.sources.reduce((n, s) => n + (s.size ?? s.text.length), 0) }))
    .sort((a, b) => b.size - a.size || (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
  const load = new Array<number>(shard.count).fill(0);
  const mine = new Set<string>();
  for (const u of units) {
    let least = 0;
    for (let i = 1; i < load.length; i++) if (load[i]! < load[least]!) least = i;
    load[least]! += u.size;
    if (least === shard.index - 1) mine.add(u.unit);
  }
  return sources.filter((s) => mine.has(s.unit ?? ''));
}
