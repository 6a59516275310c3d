import { branchesLeftOut, unixBranches } from './unix-build.js';

/**
 * A fallback for files whose `#if` blocks split C syntax in ways the parser cannot recover from (a brace
 * opened in one branch, an initializer list cut by `#ifdef`): keep one branch of every conditional, the one a Unix
 * build compiles (see unix-build.ts: never a Windows-only branch, the `#else` of a Windows test, a branch with
 * privilege code before one without), blanking the others and the directives, so that positions stay where they
 * were. Lines that hold only an upper-case macro name are blanked too.
 */
export function unixBranchOnly(source: string): string {
  const lines = source.split('\n');
  const lineStarts = [0];
  for (let i = 0; i < lines.length - 1; i++) lineStarts.push(lineStarts[i]! + lines[i]!.length + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
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
  }
  return lines.join('\n');
}

function blank(line: string): string {
  return line.replace(/[^\r]/g, ' ');
}
