import { unixBranches } from './unix-build.js';

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
  const { directives, chosen } = unixBranches(source);
  const blankLines = new Set<number>();
  /** Whether each open group's current branch is kept. */
  const keeping: boolean[] = [];
  let skipFrom: number | undefined;
  for (const d of directives) {
    const first = lineOf(d.at);
    const last = lineOf(d.end);
    const wasKeeping = keeping.every(Boolean);
    if (d.kind === 'if' || d.kind === 'ifdef' || d.kind === 'ifndef') keeping.push(chosen.get(d.at) ?? true);
    else if (d.kind === 'endif') keeping.pop();
    else if (keeping.length) keeping[keeping.length - 1] = chosen.get(d.at) ?? false;
    const nowKeeping = keeping.every(Boolean);
    if (!wasKeeping && skipFrom !== undefined) for (let l = skipFrom; l < first; l++) blankLines.add(l);
    for (let l = first; l <= last; l++) blankLines.add(l);
    skipFrom = nowKeeping ? undefined : last + 1;
  }
  if (skipFrom !== undefined) for (let l = skipFrom; l < lines.length; l++) blankLines.add(l);
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
