/** Plain data: the JSON-compatible objects and arrays that models and results are made of. */

/**
 * A copy of plain data (what the caches hold: JSON-compatible objects and arrays). Written out rather than
 * structuredClone, which costs several times as much on models of many small objects.
 */
export function copyPlain<V>(value: V): V {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyPlain) as V;
  const out: Record<string, unknown> = {};
  for (const k in value) out[k] = copyPlain((value as Record<string, unknown>)[k]);
  return out as V;
}
