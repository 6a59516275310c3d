/** Running the built CLI in scratch directories, and the official SARIF schema. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv-draft-04';

export const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'bin', 'privlint.js');

export function build(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'ignore' });
}

/** Run the CLI; the CI variable is unset unless `env` sets it (it turns on unused-suppression reports). */
export function run(args: string[], cwd = root, env: Record<string, string> = {}, input?: string): { status: number; stdout: string; stderr: string } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete childEnv.CI;
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...childEnv, ...env }, input });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A scratch directory holding these files. */
export function tree(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'privlint-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** A validator for SARIF 2.1.0 (the official schema, as shipped with @microsoft/jest-sarif). */
export function sarifValidator(): ReturnType<Ajv['compile']> {
  const require = createRequire(__filename);
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  return new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false }).compile(schema);
}

/**
 * A C program whose analysis is slow while it parses and models in milliseconds: `main` calls f0, and each of f0…f21
 * calls the next three times, with privilege calls and six input reads tested on the way. Inlined into one
 * program's graph (the chain stays within the inlining depth, so no function is a program of its own), that is
 * 40,000 nodes (the inlining budget) with many flags to tell paths apart: about 3.5 s of analysis without a limit on
 * a quiet machine, in one graph, so that a limit always stops the same program. (`prefix` names the functions: two
 * such files can share a unit.)
 */
export function slowToAnalyse(prefix: string): string {
  const depth = 22;
  const lines = ['#include <err.h>', '#include <stdlib.h>', '#include <unistd.h>'];
  lines.push(`static void ${prefix}${depth}(int a) { if (a > 1) { if (setgid(a) != 0) err(1, "g"); } else if (setuid(a) != 0) err(1, "u"); }`);
  for (let i = depth - 1; i >= 0; i--) {
    const reads = [0, 1, 2, 3, 4].map((k) => ` int w${k} = getenv("Y${k}") != NULL; if (w${k}) setegid(a + ${k});`).join('');
    lines.push(`static void ${prefix}${i}(int a) { int v = getenv("X") != NULL;${reads} if (a > ${i}) ${prefix}${i + 1}(a - 1); else ${prefix}${i + 1}(a + 1); if (v) seteuid(a); ${prefix}${i + 1}(a * 2); }`);
  }
  lines.push(`int main(int argc, char **argv) { (void)argv; ${prefix}0(argc); return 0; }`);
  return `${lines.join('\n')}\n`;
}
