/**
 * What is computed from a whole file's text, remembered per text while an editor's host keeps trees
 * (`rememberTrees`): after each edit of one file the others are unchanged, and what was found in them is taken
 * again instead of scanning every file of the project. A one-shot run remembers nothing.
 */
import { treesRemembered } from './parser.js';

/** How many texts each memory keeps (every file of a large project; the oldest go first). */
const TEXTS_REMEMBERED = 16_384;

/** `compute`, remembered per text while trees are remembered. */
export function perText<T>(compute: (text: string) => T): (text: string) => T {
  const kept = new Map<string, T>();
  return (text) => {
    // A one-shot run looks nothing up: a lookup hashes the whole text (about 1 % of a corpus run).
    if (!treesRemembered()) return compute(text);
    const known = kept.get(text);
    if (known !== undefined) return known;
    const value = compute(text);
    kept.set(text, value);
    if (kept.size > TEXTS_REMEMBERED) kept.delete(kept.keys().next().value!);
    return value;
  };
}

/** The identifiers (and keywords) a text names. */
export const wordsOf = perText((text: string): ReadonlySet<string> => new Set(text.match(/[A-Za-z_]\w*/g) ?? []));
