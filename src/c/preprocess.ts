/**
 * A fallback for files whose `#if` blocks split C syntax in ways the parser cannot recover from (a brace
 * opened in one branch, an initializer list cut by `#ifdef`): keep only the first branch of every
 * conditional, blanking the others and the directives, so that positions stay where they were. Lines that hold
 * only an upper-case macro name are blanked too.
 */
export function firstBranchOnly(source: string): string {
  const lines = source.split('\n');
  /** Per open conditional: whether the current branch is kept, and whether a branch has been kept. */
  const stack: { keep: boolean; taken: boolean }[] = [];
  const keeping = (): boolean => stack.every((s) => s.keep);
  let continued = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const wasContinued = continued;
    continued = line.endsWith('\\');
    const m = wasContinued ? null : /^\s*#\s*(if|ifdef|ifndef|elif|elifdef|elifndef|else|endif)\b(.*)$/.exec(line);
    if (m) {
      const d = m[1]!;
      // A branch only a non-Unix platform compiles (`#ifdef _WIN32`, `#if defined(WINDOWS)`) is never the one
      // kept: the next branch is.
      const skip = (d === 'if' || d === 'ifdef' || d === 'elif' || d === 'elifdef') && onlyNonUnix(d, m[2]!);
      if (d.startsWith('if')) stack.push({ keep: !skip, taken: !skip });
      else if (d === 'endif') stack.pop();
      else {
        const top = stack.at(-1);
        if (top) {
          top.keep = !top.taken && !skip;
          top.taken ||= top.keep;
        }
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

/**
 * Macros only a platform without Unix root semantics defines (Windows and its service managers, Cygwin, MinGW,
 * MSVC): privilege code under them is not a path of the programs privlint checks.
 */
export const NON_UNIX_MACRO = /^(?:\w*WIN(?:32|64)\w*|_?WINDOWS|__WINDOWS__|_MSC_VER|\w*CYGWIN\w*|__MINGW(?:32|64)__|\w*NT_SERVICE\w*)$/;

/** `#ifdef X` / `#if defined(X) || defined(Y)` (`d` the directive, `rest` what follows it) where every X is a non-Unix platform. */
function onlyNonUnix(d: string, rest: string): boolean {
  const condition = rest.replace(/\/\*.*?\*\/|\/\/.*$/g, '').trim();
  if (d === 'ifdef' || d === 'elifdef') return NON_UNIX_MACRO.test(condition);
  const names = condition.split('||').map((t) => /^\s*(?:defined\s*\(?\s*)?([A-Za-z_]\w*)\s*\)?\s*$/.exec(t)?.[1]);
  return names.length > 0 && names.every((n) => n !== undefined && NON_UNIX_MACRO.test(n));
}
