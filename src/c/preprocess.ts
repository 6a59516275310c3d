import { branchesLeftOut, unixBranches } from './unix-build.js';
import { lineAt, lineStartsOf } from '../line-index.js';

/**
 * A fallback for files whose `#if` blocks split C syntax in ways the parser cannot recover from (a brace
 * opened in one branch, an initializer list cut by `#ifdef`): keep one branch of every conditional, the one a Unix
 * build compiles (see unix-build.ts: never a Windows-only branch, the `#else` of a Windows test, a branch with
 * privilege code before one without), blanking the others and the directives, so that positions stay where they
 * were. Lines that hold only an upper-case macro name are blanked too, and a feature macro wrapping statements on a
 * line of its own stands for its code.
 */
export function unixBranchOnly(source: string): string {
  // A file is read as a Unix build twice in a row: for the retry of its parse, and for its constants.
  if (lastUnixBuild?.source === source) return lastUnixBuild.text;
  const text = unixBuildOf(source);
  lastUnixBuild = { source, text };
  return text;
}

let lastUnixBuild: { source: string; text: string } | undefined;

function unixBuildOf(source: string): string {
  const lines = source.split('\n');
  const lineStarts = lineStartsOf(source);
  const lineOf = (offset: number): number => lineAt(lineStarts, offset);
  const branches = unixBranches(source);
  const blankLines = new Set<number>();
  for (const d of branches.directives) for (let l = lineOf(d.at); l <= lineOf(d.end); l++) blankLines.add(l);
  // A range left out runs from the end of a directive's line to the start of the next directive's line.
  for (const [start, end] of branchesLeftOut(source, branches)) {
    const last = end === source.length ? lines.length : lineOf(end);
    for (let l = lineOf(start) + 1; l < last; l++) blankLines.add(l);
  }
  let continued = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const wasContinued = continued;
    continued = line.endsWith('\\');
    // A macro used as a statement without a semicolon (`DIAG_OFF_ASSIGN_ENUM`) derails the parser too.
    if (blankLines.has(i) || (!wasContinued && /^\s*[A-Z_][A-Z0-9_]{2,}\s*$/.test(line))) lines[i] = blank(line);
    else if (!wasContinued) lines[i] = unwrapStatementMacro(line);
  }
  return lines.join('\n');
}

/**
 * A macro that wraps statements or a label for a feature (`IF_FEATURE_X(count = 0;)`, `IF_FEATURE_X(fin:)`), on a
 * line of its own: its argument as code, as a build with the feature on compiles it. The parser cannot read a
 * statement or a label as a macro argument, and one such line can make a function seem to hold the rest of the file.
 */
function unwrapStatementMacro(line: string): string {
  const m = /^(\s*)([A-Z_][A-Za-z0-9_]{2,})\((.*)\)\s*$/.exec(line);
  if (!m || !/[;:]\s*$/.test(m[3]!)) return line;
  // The parenthesis after the name must close at the end of the line, not earlier (`F(a) + G(b;)` is not one call).
  let depth = 0;
  for (const ch of m[3]!) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return line;
  }
  if (depth !== 0) return line;
  const open = m[1]!.length + m[2]!.length;
  const close = line.lastIndexOf(')');
  return `${m[1]}${' '.repeat(m[2]!.length + 1)}${line.slice(open + 1, close)} ${line.slice(close + 1)}`;
}

function blank(line: string): string {
  return line.replace(/[^\r]/g, ' ');
}
