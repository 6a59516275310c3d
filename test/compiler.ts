/** The host C compiler for syntax checks, if there is one (tests that need it are skipped with a message otherwise). */
import { spawnSync } from 'node:child_process';

export const C_COMPILER = ['cc', 'gcc', 'clang'].find((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);

export const NO_COMPILER = 'no C compiler (cc, gcc, clang) on this machine: the compile checks are skipped';

/** `cc -fsyntax-only`: undefined when it compiles, else the compiler's complaint. */
export function syntaxErrors(file: string, flags: string[] = []): string | undefined {
  const r = spawnSync(C_COMPILER!, ['-fsyntax-only', ...flags, file], { encoding: 'utf8' });
  return r.status === 0 ? undefined : r.stderr;
}
