/**
 * A fallback for files whose `#if` blocks split C syntax in ways the parser cannot recover from (a brace
 * opened in one branch, an initializer list cut by `#ifdef`): keep only the first branch of every
 * conditional, blanking the others and the directives, so that positions stay where they were. Lines that hold
 * only an upper-case macro name are blanked too.
 */
export function firstBranchOnly(source: string): string {
  const lines = source.split('\n');
  const stack: { keep: boolean; taken: boolean }[] = [];
  const keeping = (): boolean => stack.every((s) => s.keep);
  let continued = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const wasContinued = continued;
    continued = line.endsWith('\\');
    const m = wasContinued ? null : /^\s*#\s*(if|ifdef|ifndef|elif|elifdef|elifndef|else|endif)\b/.exec(line);
    if (m) {
      const d = m[1]!;
      if (d.startsWith('if')) stack.push({ keep: true, taken: true });
      else if (d === 'endif') stack.pop();
      else {
        const top = stack.at(-1);
        if (top) top.keep = false;
      }
      lines[i] = blank(line);
      continued = line.endsWith('\\');
      if (continued) for (let j = i + 1; j < lines.length && lines[j - 1]!.endsWith('\\'); j++) lines[j] = blank(lines[j]!);
      continue;
    }
    // A macro used as a statement without a semicolon (`DIAG_OFF_ASSIGN_ENUM`) derails the parser too.
    if (!keeping() || (!wasContinued && /^\s*[A-Z_][A-Z0-9_]{2,}\s*$/.test(line))) lines[i] = blank(line);
  }
  return lines.join('\n');
}

function blank(line: string): string {
  return line.replace(/[^\r]/g, ' ');
}
