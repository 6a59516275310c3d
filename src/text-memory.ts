/**
 * What is computed from a whole file's text, remembered per text while an editor's host keeps trees
 * (`rememberTrees`): after each edit of one file the others are unchanged, and what was found in them is taken
 * again instead of scanning every file of the project. A one-shot run remembers nothing.
 */
import { treesRemembered } from './parser.js';

/** How many texts each memory keeps at most (every file of a large project). */
const TEXTS_REMEMBERED = 16_384;

let round = 0;

/**
 * The next round of lookups: an editor's host calls it before each update. A memory keeps the texts asked for in its
 * last two rounds and lets the others go: the file being edited had a new text in each, and its earlier ones are
 * never asked for again. (Kept, they held every version typed; and V8 hashes a string longer than 16,383
 * characters by its length alone, so each lookup compared the new text with every kept version of the same length.)
 */
export function nextTextRound(): void {
  round++;
}

/** `compute`, remembered per text while trees are remembered. */
export function perText<T>(compute: (text: string) => T): (text: string) => T {
  let current = new Map<string, T>();
  let previous = new Map<string, T>();
  let roundOfCurrent = round;
  return (text) => {
    // A one-shot run looks nothing up: a lookup hashes the whole text (about 1 % of a corpus run).
    if (!treesRemembered()) return compute(text);
    if (roundOfCurrent !== round) {
      previous = current;
      current = new Map();
      roundOfCurrent = round;
    }
    const known = current.get(text) ?? previous.get(text);
    const value = known !== undefined ? known : compute(text);
    current.set(text, value);
    if (current.size > TEXTS_REMEMBERED) current.delete(current.keys().next().value!);
    return value;
  };
}

/** The identifiers (and keywords) a text names. */
export const wordsOf = perText((text: string): ReadonlySet<string> => new Set(text.match(/[A-Za-z_]\w*/g) ?? []));

/**
 * A copy of `s` that holds nothing else. V8 makes a substring of 13 characters or more (`text.slice`, a regex
 * match) a view into the whole text, and a concatenation a pair of its parts: a name kept from a file's text keeps
 * that text alive as long as the name lives. Shorter strings are copies already and are returned as they are.
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}
