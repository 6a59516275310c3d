/** Character-level reading of C text shared by the lexical index (index/c-lexical.ts) and the parse rewrite (parse-text.ts). */
import { blankedKeepingLines } from '../line-index.js';

/** White space other than a line break (a line break ends a preprocessor line: the readers track it). */
export function isSpaceInLine(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 12 || c === 11;
}

export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

export function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** The end of a string or character literal starting at `i` (an unterminated one ends at its line). */
export function literalEnd(text: string, i: number): number {
  const quote = text.charCodeAt(i);
  const n = text.length;
  let j = i + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 92) j += 2;
    else if (c === quote) return j + 1;
    else if (c === 10) return j;
    else j++;
  }
  return n;
}

/** The end of a preprocessor directive starting at `i`: its line, continued by backslashes, comments and literals skipped. */
export function directiveEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) return i;
    if (c === 92 && text.charCodeAt(i + 1) === 10) i += 2;
    else if (c === 92 && text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10) i += 3;
    else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
    } else if (c === 34 || c === 39) i = literalEnd(text, i);
    else i++;
  }
  return n;
}

const COMMENT_OR_LITERAL = /"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;

/**
 * The text with its comments blanked (each character a space, line breaks kept: nothing moves); string and
 * character literals are read as such, so a comment's delimiter inside one is text. An unclosed comment stays.
 */
export function commentsBlanked(text: string): string {
  return text.replace(COMMENT_OR_LITERAL, (m) => (m[0] === '/' ? blankedKeepingLines(m) : m));
}
