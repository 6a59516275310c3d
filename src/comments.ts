/**
 * The comments of a C or TypeScript/JavaScript source, found by a small lexer that knows where strings,
 * character literals, template literals and regular expressions end, so that `"// not a comment"` is not one.
 * It never fails: unterminated constructs run to the end of the text.
 */
import type { Language } from './model.js';

export interface Comment {
  /** The text between the delimiters. */
  body: string;
  kind: 'line' | 'block';
  /** 1-based line and column of the opening delimiter. */
  line: number;
  column: number;
  /** 1-based line and column just past the closing delimiter (a line comment ends on its own line). */
  endLine: number;
  endColumn: number;
}

/** Keywords after which a `/` starts a regular expression rather than a division. */
const REGEX_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

class Cursor {
  pos = 0;
  line = 1;
  lineStart = 0;
  constructor(readonly text: string) {}

  get column(): number {
    return this.pos - this.lineStart + 1;
  }

  /** Move to `to`, counting the newlines passed. */
  advanceTo(to: number): void {
    const end = Math.min(to, this.text.length);
    for (let i = this.pos; i < end; i++) {
      if (this.text.charCodeAt(i) === 10) {
        this.line++;
        this.lineStart = i + 1;
      }
    }
    this.pos = end;
  }
}

/** Index just past a quoted literal that starts at `start` (the quote), honouring backslash escapes; a newline ends it. */
function endOfQuoted(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === quote) return i + 1;
    else if (ch === '\n') return i; // unterminated: the line ends it
  }
  return text.length;
}

/** Index just past a regular expression literal starting at `start` (the slash): classes may hold a slash. */
function endOfRegex(text: string, start: number): number {
  let inClass = false;
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '\n') return i;
    else if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '/') {
      let j = i + 1;
      while (j < text.length && /[a-z]/i.test(text[j]!)) j++;
      return j;
    }
  }
  return text.length;
}

/** Index of the end of a line comment's body: the newline, or (C) past backslash-continued lines. */
function endOfLineComment(text: string, start: number, language: Language): number {
  for (let i = start; i < text.length; i++) {
    if (text[i] !== '\n') continue;
    const continued = language === 'c' && (text[i - 1] === '\\' || (text[i - 1] === '\r' && text[i - 2] === '\\'));
    if (!continued) return i;
  }
  return text.length;
}

export function commentsOf(text: string, language: Language): Comment[] {
  const comments: Comment[] = [];
  const cur = new Cursor(text);
  /** JS: the last significant token lets a `/` be told from a division. */
  let lastToken = '';
  /** JS: open template literals, each with the brace depth of its current `${ … }` expression. */
  const templates: number[] = [];
  let braceDepth = 0;

  const push = (bodyStart: number, bodyEnd: number, end: number, kind: Comment['kind']): void => {
    const line = cur.line;
    const column = cur.column;
    cur.advanceTo(end);
    comments.push({ body: text.slice(bodyStart, bodyEnd), kind, line, column, endLine: cur.line, endColumn: cur.column });
  };

  /** Inside a template literal's text: run to its end or to the next `${`. */
  const templateText = (from: number): void => {
    for (let i = from; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\\') i++;
      else if (ch === '`') {
        templates.pop();
        cur.advanceTo(i + 1);
        lastToken = 'x';
        return;
      } else if (ch === '$' && text[i + 1] === '{') {
        templates[templates.length - 1] = braceDepth;
        braceDepth++;
        cur.advanceTo(i + 2);
        lastToken = '(';
        return;
      }
    }
    cur.advanceTo(text.length);
  };

  if (language === 'node' && text.startsWith('#!')) {
    const end = text.indexOf('\n');
    push(2, end < 0 ? text.length : end, end < 0 ? text.length : end, 'line');
  }
  while (cur.pos < text.length) {
    const i = cur.pos;
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '/' && next === '/') {
      const end = endOfLineComment(text, i + 2, language);
      push(i + 2, end, end, 'line');
    } else if (ch === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? text.length : close + 2;
      push(i + 2, close < 0 ? text.length : close, end, 'block');
    } else if (ch === '"' || ch === "'") {
      cur.advanceTo(endOfQuoted(text, i, ch));
      lastToken = 'x';
    } else if (language === 'node' && ch === '`') {
      templates.push(-1);
      templateText(i + 1);
    } else if (language === 'node' && ch === '/' && regexMayStart(lastToken)) {
      cur.advanceTo(endOfRegex(text, i));
      lastToken = 'x';
    } else if (language === 'node' && ch === '}' && templates.length && templates[templates.length - 1]! >= 0 && templates[templates.length - 1] === braceDepth - 1) {
      braceDepth--;
      templateText(i + 1);
    } else if (/\s/.test(ch)) {
      cur.advanceTo(i + 1);
    } else if (/[A-Za-z0-9_$]/.test(ch)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_$]/.test(text[j]!)) j++;
      lastToken = text.slice(i, j);
      cur.advanceTo(j);
    } else {
      if (ch === '{') braceDepth++;
      else if (ch === '}') braceDepth--;
      lastToken = ch;
      cur.advanceTo(i + 1);
    }
  }
  return comments;
}

/** After a name, a number or a closing bracket `/` divides; after an operator, a keyword or at the start it opens a regex. */
function regexMayStart(lastToken: string): boolean {
  if (lastToken === '') return true;
  if (/^[A-Za-z0-9_$]/.test(lastToken)) return REGEX_KEYWORDS.has(lastToken);
  return lastToken !== ')' && lastToken !== ']';
}
