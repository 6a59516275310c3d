/** Splitting C text at separators that are not nested inside brackets, for the lexical readers of macros and tables. */

/**
 * `text` split at each `separator` outside the brackets `nesting` lists as open-close pairs (`'()[]'`: parentheses
 * and square brackets), each part trimmed.
 */
export function splitOutside(text: string, separator: string, nesting: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const bracket = nesting.indexOf(c);
    if (bracket >= 0) depth += bracket % 2 === 0 ? 1 : -1;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  parts.push(text.slice(from).trim());
  return parts;
}

/** The index of the `)` that closes the `(` at `open` (-1 when it is not closed). */
export function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}
